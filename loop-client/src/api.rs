//! The client's operations as a trait, so applications can swap in a test
//! double.

use async_trait::async_trait;
use futures::stream::BoxStream;
use time::OffsetDateTime;

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
use crate::pagination::{self, ReturnsPage};
use crate::query::{ListReturnsQuery, ReturnLookup, ReturnWindowQuery};

/// The "Additional Details" Process attaches to the orders processing creates
/// (and writes to the return's timeline). Allowed value types and key limits
/// are undocumented; string values are the safe choice.
pub type AdditionalDetails = serde_json::Map<String, serde_json::Value>;

/// Loop's operations, implemented by [`LoopClient`](crate::LoopClient).
///
/// Write application code against this trait to test it without HTTP. Every
/// operation has a default body answering [`Error::Unsupported`], so a test
/// double implements only what it needs, and new operations added to the
/// trait break no implementation. The streaming helpers are built on
/// [`list_returns_page`](Self::list_returns_page) and come for free.
///
/// ```
/// use async_trait::async_trait;
/// use loop_client::{Error, ListReturnsQuery, LoopApi, Return, ReturnId, ReturnsPage};
///
/// struct OnePage(Vec<Return>);
///
/// #[async_trait]
/// impl LoopApi for OnePage {
///     async fn list_returns_page(&self, _: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
///         Ok(ReturnsPage::new(self.0.clone(), None))
///     }
///     async fn process_return(
///         &self,
///         _: &ReturnId,
///         _: Option<&loop_client::AdditionalDetails>,
///     ) -> Result<(), Error> {
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait LoopApi: Send + Sync {
    /// One page of the Detailed Returns List
    /// ([`LoopClient::list_returns_page`](crate::LoopClient::list_returns_page)).
    async fn list_returns_page(&self, query: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
        let _ = query;
        Err(unsupported("list_returns_page"))
    }

    /// The most pages one stream reads before it stops with
    /// [`Error::TooManyPages`] (see [`pagination`](crate::pagination)):
    /// [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES) unless overridden;
    /// [`LoopClient`](crate::LoopClient) answers its
    /// [`max_pages`](crate::LoopClientBuilder::max_pages) setting. 0 counts
    /// as 1.
    fn max_pages(&self) -> usize {
        pagination::DEFAULT_MAX_PAGES
    }

    /// Every page of `query`, following `nextPageUrl`, with each page's
    /// metadata (links, request id); a repeated cursor or page is an
    /// [`Error::Pagination`], more than [`max_pages`](Self::max_pages) pages
    /// an [`Error::TooManyPages`] (see [`pagination`](crate::pagination)).
    fn returns_pages(&self, query: ListReturnsQuery) -> BoxStream<'_, Result<ReturnsPage, Error>> {
        pagination::pages_stream(self, query)
    }

    /// Every return of `query`, following `nextPageUrl`; a repeated cursor or
    /// page is an [`Error::Pagination`], more than
    /// [`max_pages`](Self::max_pages) pages an [`Error::TooManyPages`] (see
    /// [`pagination`](crate::pagination)).
    fn returns_stream(&self, query: ListReturnsQuery) -> BoxStream<'_, Result<Return, Error>> {
        pagination::returns_stream(self, query)
    }

    /// Every return of a window of any length, across the requested states,
    /// each once in bounded memory (see [`ReturnWindowQuery`] and
    /// [`pagination`](crate::pagination)); a repeated cursor or page in
    /// any pass is an [`Error::Pagination`], a pass of more than
    /// [`max_pages`](Self::max_pages) pages an [`Error::TooManyPages`].
    fn returns_in_window(&self, query: ReturnWindowQuery) -> BoxStream<'_, Result<Return, Error>> {
        pagination::window_stream(self, query)
    }

    /// Get Return Details ([`LoopClient::get_return`](crate::LoopClient::get_return)).
    async fn get_return(
        &self,
        lookup: &ReturnLookup,
        currency: Option<CurrencyType>,
    ) -> Result<Return, Error> {
        let _ = (lookup, currency);
        Err(unsupported("get_return"))
    }

    /// The ASN report ([`LoopClient::asn_report`](crate::LoopClient::asn_report)).
    async fn asn_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AsnRow>, Error> {
        let _ = (from, to);
        Err(unsupported("asn_report"))
    }

    /// Process ([`LoopClient::process_return`](crate::LoopClient::process_return)).
    async fn process_return(
        &self,
        return_id: &ReturnId,
        additional_details: Option<&AdditionalDetails>,
    ) -> Result<(), Error> {
        let _ = (return_id, additional_details);
        Err(unsupported("process_return"))
    }

    /// Flag ([`LoopClient::flag_return`](crate::LoopClient::flag_return)).
    async fn flag_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        let _ = return_id;
        Err(unsupported("flag_return"))
    }

    /// Cancel ([`LoopClient::cancel_return`](crate::LoopClient::cancel_return)).
    async fn cancel_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        let _ = return_id;
        Err(unsupported("cancel_return"))
    }

    /// Close ([`LoopClient::close_return`](crate::LoopClient::close_return)).
    async fn close_return(&self, return_id: &ReturnId) -> Result<(), Error> {
        let _ = return_id;
        Err(unsupported("close_return"))
    }

    /// Remove Line Items
    /// ([`LoopClient::remove_line_items`](crate::LoopClient::remove_line_items)).
    async fn remove_line_items(
        &self,
        return_id: &ReturnId,
        line_item_ids: &[LineItemId],
    ) -> Result<(), Error> {
        let _ = (return_id, line_item_ids);
        Err(unsupported("remove_line_items"))
    }

    /// Get Return Notes ([`LoopClient::return_notes`](crate::LoopClient::return_notes)).
    async fn return_notes(&self, return_id: &ReturnId) -> Result<Vec<Note>, Error> {
        let _ = return_id;
        Err(unsupported("return_notes"))
    }

    /// Create Return Note ([`LoopClient::create_note`](crate::LoopClient::create_note)).
    async fn create_note(&self, return_id: &ReturnId, content: &str) -> Result<(), Error> {
        let _ = (return_id, content);
        Err(unsupported("create_note"))
    }

    /// Grade Items ([`LoopClient::grade_items`](crate::LoopClient::grade_items)).
    async fn grade_items(&self, items: &[ItemGrade]) -> Result<Vec<GradedItem>, Error> {
        let _ = items;
        Err(unsupported("grade_items"))
    }

    /// Assess Dispositions
    /// ([`LoopClient::assess_dispositions`](crate::LoopClient::assess_dispositions)).
    async fn assess_dispositions(
        &self,
        items: &[ItemDisposition],
    ) -> Result<Vec<AssessedItem>, Error> {
        let _ = items;
        Err(unsupported("assess_dispositions"))
    }

    /// List Webhooks ([`LoopClient::list_webhooks`](crate::LoopClient::list_webhooks)).
    async fn list_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        Err(unsupported("list_webhooks"))
    }

    /// Create Webhook ([`LoopClient::create_webhook`](crate::LoopClient::create_webhook)).
    async fn create_webhook(&self, subscription: &WebhookSubscription) -> Result<Webhook, Error> {
        let _ = subscription;
        Err(unsupported("create_webhook"))
    }

    /// Update Webhook ([`LoopClient::update_webhook`](crate::LoopClient::update_webhook)).
    async fn update_webhook(
        &self,
        id: &WebhookId,
        subscription: &WebhookSubscription,
    ) -> Result<Option<Webhook>, Error> {
        let _ = (id, subscription);
        Err(unsupported("update_webhook"))
    }

    /// Delete Webhook ([`LoopClient::delete_webhook`](crate::LoopClient::delete_webhook)).
    async fn delete_webhook(&self, id: &WebhookId) -> Result<(), Error> {
        let _ = id;
        Err(unsupported("delete_webhook"))
    }

    /// Get All Destinations
    /// ([`LoopClient::list_destinations`](crate::LoopClient::list_destinations)).
    async fn list_destinations(&self) -> Result<Vec<Destination>, Error> {
        Err(unsupported("list_destinations"))
    }

    /// Get Destination Details
    /// ([`LoopClient::get_destination`](crate::LoopClient::get_destination)).
    async fn get_destination(&self, id: &DestinationId) -> Result<Destination, Error> {
        let _ = id;
        Err(unsupported("get_destination"))
    }

    /// Get Order ([`LoopClient::get_order`](crate::LoopClient::get_order)).
    async fn get_order(&self, id: &OrderId) -> Result<Order, Error> {
        let _ = id;
        Err(unsupported("get_order"))
    }
}

fn unsupported(operation: &'static str) -> Error {
    Error::Unsupported { operation }
}
