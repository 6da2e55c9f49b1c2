//! [`LoopApi`] for [`LoopClient`]: every operation delegates to the inherent method.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::LoopClient;
use crate::api::{AdditionalDetails, LoopApi};
use crate::enums::CurrencyType;
use crate::error::Error;
use crate::ids::{DestinationId, LineItemId, OrderId, ReturnId, WebhookId};
use crate::models::asn::AsnRow;
use crate::models::destinations::Destination;
use crate::models::grading::{AssessedItem, GradedItem, ItemDisposition, ItemGrade};
use crate::models::notes::Note;
use crate::models::orders::Order;
use crate::models::returns::Return;
use crate::models::webhooks::{Webhook, WebhookSubscription};
use crate::pagination::ReturnsPage;
use crate::query::{ListReturnsQuery, ReturnLookup};

#[async_trait]
impl LoopApi for LoopClient {
    async fn list_returns_page(&self, query: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
        LoopClient::list_returns_page(self, query).await
    }

    fn max_pages(&self) -> usize {
        self.max_pages
    }

    async fn get_return(
        &self,
        lookup: &ReturnLookup,
        currency: Option<CurrencyType>,
    ) -> Result<Return, Error> {
        LoopClient::get_return(self, lookup, currency).await
    }

    async fn asn_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AsnRow>, Error> {
        LoopClient::asn_report(self, from, to).await
    }

    async fn process_return(
        &self,
        return_id: &ReturnId,
        additional_details: Option<&AdditionalDetails>,
    ) -> Result<(), Error> {
        LoopClient::process_return(self, return_id, additional_details).await
    }

    async fn flag_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        LoopClient::flag_return(self, return_id).await
    }

    async fn cancel_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        LoopClient::cancel_return(self, return_id).await
    }

    async fn close_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        LoopClient::close_return(self, return_id).await
    }

    async fn remove_line_items(
        &self,
        return_id: &ReturnId,
        line_item_ids: &[LineItemId],
    ) -> Result<(), Error> {
        LoopClient::remove_line_items(self, return_id, line_item_ids).await
    }

    async fn return_notes(&self, return_id: &ReturnId) -> Result<Vec<Note>, Error> {
        LoopClient::return_notes(self, return_id).await
    }

    async fn create_note(&self, return_id: &ReturnId, content: &str) -> Result<(), Error> {
        LoopClient::create_note(self, return_id, content).await
    }

    async fn grade_items(&self, items: &[ItemGrade]) -> Result<Vec<GradedItem>, Error> {
        LoopClient::grade_items(self, items).await
    }

    async fn assess_dispositions(
        &self,
        items: &[ItemDisposition],
    ) -> Result<Vec<AssessedItem>, Error> {
        LoopClient::assess_dispositions(self, items).await
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        LoopClient::list_webhooks(self).await
    }

    async fn create_webhook(&self, subscription: &WebhookSubscription) -> Result<Webhook, Error> {
        LoopClient::create_webhook(self, subscription).await
    }

    async fn update_webhook(
        &self,
        id: &WebhookId,
        subscription: &WebhookSubscription,
    ) -> Result<Option<Webhook>, Error> {
        LoopClient::update_webhook(self, id, subscription).await
    }

    async fn delete_webhook(&self, id: &WebhookId) -> Result<(), Error> {
        LoopClient::delete_webhook(self, id).await
    }

    async fn list_destinations(&self) -> Result<Vec<Destination>, Error> {
        LoopClient::list_destinations(self).await
    }

    async fn get_destination(&self, id: &DestinationId) -> Result<Destination, Error> {
        LoopClient::get_destination(self, id).await
    }

    async fn get_order(&self, id: &OrderId) -> Result<Order, Error> {
        LoopClient::get_order(self, id).await
    }
}
