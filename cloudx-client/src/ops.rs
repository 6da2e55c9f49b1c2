//! [`CloudxApi`] over HTTP: one request per operation, refusals typed.

use async_trait::async_trait;
use http_transport::Request;

use crate::api::CloudxApi;
use crate::client::CloudxClient;
use crate::create::CreateOutcome;
use crate::error::Error;
use crate::model::{
    Item, ItemIdentifier, NewReceivingTicket, ReceivingTicket, TicketId, TicketPage, TicketQuery,
    TicketStatus, Warehouse,
};
use crate::refusal;
use crate::wire::{
    self, WireItem, WireList, WireTicket, WireTicketPage, WireWarehouse, param, path,
};

#[async_trait]
impl CloudxApi for CloudxClient {
    async fn create_ticket(&self, ticket: &NewReceivingTicket) -> Result<CreateOutcome, Error> {
        self.create_deduplicated(ticket).await
    }

    async fn get_ticket(&self, id: &TicketId) -> Result<ReceivingTicket, Error> {
        let request = Request::get(path::TICKET)
            .operation("get_ticket")
            .path_param(id);
        match self.transport.execute::<WireTicket>(request).await {
            Ok(response) => Ok(response.into_body().into()),
            Err(error) => Err(refusal::on_ticket(error, id)),
        }
    }

    async fn list_tickets(&self, query: &TicketQuery) -> Result<TicketPage, Error> {
        let mut request = Request::get(path::TICKETS).operation("list_tickets");
        for (key, value) in wire::ticket_query_params(query) {
            request = request.query(key, value);
        }
        match self.transport.execute::<WireTicketPage>(request).await {
            Ok(response) => Ok(response.into_body().into_page(query)),
            Err(error) => Err(refusal::unprocessable(error)),
        }
    }

    async fn cancel_ticket(&self, id: &TicketId) -> Result<ReceivingTicket, Error> {
        // Cancelling twice leaves the ticket cancelled, so the transport may
        // repeat it after a timeout or 5xx; a repeat that meets the 409 of an
        // already cancelled ticket is a success, checked below.
        let request = Request::post(path::CANCEL_TICKET)
            .operation("cancel_ticket")
            .path_param(id)
            .idempotent(true);
        let error = match self.transport.execute::<WireTicket>(request).await {
            Ok(response) => return Ok(response.into_body().into()),
            Err(error) => refusal::on_cancel(error, id),
        };
        if matches!(error, Error::NotCancellable { .. }) {
            let current = self.get_ticket(id).await?;
            if current.status == TicketStatus::Cancelled {
                return Ok(current);
            }
        }
        Err(error)
    }

    async fn find_item(&self, identifier: &ItemIdentifier) -> Result<Option<Item>, Error> {
        let key = match identifier {
            ItemIdentifier::Sku(_) => param::SKU,
            ItemIdentifier::Upc(_) => param::UPC,
        };
        let request = Request::get(path::ITEMS)
            .operation("find_item")
            .query(key, identifier.value());
        let items = match self.transport.execute::<WireList<WireItem>>(request).await {
            Ok(response) => response.into_body().data,
            Err(error) => return Err(refusal::unprocessable(error)),
        };
        // Prefer the exact match; the server filtered already, so fall back
        // to its first answer rather than report a known item as missing.
        let mut items: Vec<Item> = items.into_iter().map(Item::from).collect();
        let exact = items.iter().position(|item| identifier.matches(item));
        Ok(match exact {
            Some(index) => Some(items.swap_remove(index)),
            None => items.into_iter().next(),
        })
    }

    async fn list_warehouses(&self) -> Result<Vec<Warehouse>, Error> {
        let request = Request::get(path::WAREHOUSES).operation("list_warehouses");
        let response = self
            .transport
            .execute::<WireList<WireWarehouse>>(request)
            .await?;
        Ok(response
            .into_body()
            .data
            .into_iter()
            .map(Warehouse::from)
            .collect())
    }

    fn batch_concurrency(&self) -> usize {
        self.concurrency.get()
    }
}
