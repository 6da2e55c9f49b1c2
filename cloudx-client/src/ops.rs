//! [`CloudxApi`] over HTTP: one request per operation, refusals typed.

use async_trait::async_trait;
use http_transport::Request;

use crate::api::CloudxApi;
use crate::cancel::CancelOutcome;
use crate::client::CloudxClient;
use crate::create::CreateOutcome;
use crate::error::Error;
use crate::model::{
    Item, ItemIdentifier, NewReceivingTicket, ReceivingTicket, TicketId, TicketPage, TicketQuery,
    Warehouse,
};
use crate::refusal::{self, capture};
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
        match capture::<WireTicket>(&self.transport, request).await {
            Ok(response) => Ok(response.into_body().into()),
            Err(failed) => Err(refusal::on_ticket(failed, id)),
        }
    }

    async fn list_tickets(&self, query: &TicketQuery) -> Result<TicketPage, Error> {
        let mut request = Request::get(path::TICKETS).operation("list_tickets");
        for (key, value) in wire::ticket_query_params(query) {
            request = request.query(key, value);
        }
        match capture::<WireTicketPage>(&self.transport, request).await {
            Ok(response) => {
                let request_id = response.request_id.clone();
                let mut page = response.into_body().into_page(query);
                page.request_id = request_id;
                Ok(page)
            }
            Err(failed) => Err(refusal::unprocessable(failed)),
        }
    }

    async fn cancel_ticket(&self, id: &TicketId) -> Result<CancelOutcome, Error> {
        self.cancel(id).await
    }

    async fn find_item(&self, identifier: &ItemIdentifier) -> Result<Option<Item>, Error> {
        let key = match identifier {
            ItemIdentifier::Sku(_) => param::SKU,
            ItemIdentifier::Upc(_) => param::UPC,
        };
        let request = Request::get(path::ITEMS)
            .operation("find_item")
            .query(key, identifier.value());
        let items = match capture::<WireList<WireItem>>(&self.transport, request).await {
            Ok(response) => response.into_body().data,
            Err(failed) => return Err(refusal::unprocessable(failed)),
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
        let response = capture::<WireList<WireWarehouse>>(&self.transport, request).await?;
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

    fn max_pages(&self) -> usize {
        self.max_pages
    }
}
