//! The operations of each API level as traits, so application code can depend
//! on them and tests can mock them.
//!
//! [`OrderApi`] holds what the Cart and Merchant levels share; [`CartApi`],
//! [`MerchantApi`] and [`WarehouseApi`] add each level's own calls.
//! Implement them for a test double and wrap results in [`Reply::new`].

use async_trait::async_trait;
use futures::FutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::pagination::{DEFAULT_MAX_PAGES, items, pages};
use crate::reply::Reply;
use crate::types::{
    BatchCreateResult, Canceled, CartShipMethod, CreateOutcome, CustRef, InventoryItem, Merchant,
    NewOrder, Order, OrderIncludes, OrderListQuery, OrderSource, OrderStatusInfo, Page,
    PageRequest, Product, ShipMethodMapping, Shipment, Sku, StatusUpdate, WmsShipMethod,
};

/// Reading and updating orders: the Cart level (`/v1/cart/orders/...`) and
/// the Merchant level (`/v1/merchant/orders/...`).
#[async_trait]
pub trait OrderApi: Send + Sync {
    /// The full order (E3), with the optional `include_*` flags.
    ///
    /// # Errors
    /// [`Error::Api`](crate::Error::Api) with [`ErrorCode::Invalid`](crate::ErrorCode::Invalid)
    /// for an unknown `cust_ref`; transport and decode errors.
    async fn order(&self, cust_ref: &CustRef, includes: OrderIncludes) -> Result<Reply<Order>>;

    /// The order's status with its shipments and tracking (E4).
    ///
    /// # Errors
    /// As [`order`](Self::order).
    async fn order_status(&self, cust_ref: &CustRef) -> Result<Reply<OrderStatusInfo>>;

    /// One page of orders matching `query` (E5).
    ///
    /// # Errors
    /// API, transport and decode errors.
    async fn list_orders(&self, query: &OrderListQuery) -> Result<Reply<Page<Order>>>;

    /// Posts a status change (E7 on the Cart level, E7m on the Merchant
    /// level). Only [`StatusUpdate::Confirmed`] on the Cart level is
    /// documented by CartRover; the Merchant path and the `at_wms` and
    /// `shipped` updates are **unverified against the live service**.
    ///
    /// Not retried after an ambiguous failure (a repeated `shipped` would add
    /// the shipments twice); `RateLimit` answers are retried.
    ///
    /// # Errors
    /// API (e.g. `Invalid` for a transition CartRover refuses), transport errors.
    async fn update_order_status(
        &self,
        cust_ref: &CustRef,
        update: &StatusUpdate,
    ) -> Result<Reply<()>>;

    /// Marks the order `confirmed` for the given tracking numbers: the
    /// documented use of E7.
    ///
    /// # Errors
    /// As [`update_order_status`](Self::update_order_status).
    async fn confirm_order(
        &self,
        cust_ref: &CustRef,
        tracking_numbers: Vec<String>,
    ) -> Result<Reply<()>> {
        let update = StatusUpdate::Confirmed { tracking_numbers };
        self.update_order_status(cust_ref, &update).await
    }

    /// The most pages one list stream ([`order_pages`](Self::order_pages),
    /// [`orders`](Self::orders), and [`MerchantApi`]'s inventory streams)
    /// reads before it stops with
    /// [`Error::TooManyPages`](crate::Error::TooManyPages):
    /// [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES) unless overridden; the
    /// clients answer their [`max_pages`](crate::ClientBuilder::max_pages)
    /// setting. 0 counts as 1.
    fn max_pages(&self) -> usize {
        DEFAULT_MAX_PAGES
    }

    /// Every page of orders matching `query`, from `query`'s page on, each
    /// with its metadata ([`Reply::process_id`], [`Reply::hits_remaining`],
    /// [`Page::total_records`]). Ends after the first short page. An error is
    /// the stream's last item; a page repeating the previous one is
    /// [`Error::Pagination`](crate::Error::Pagination); a full page after
    /// [`max_pages`](Self::max_pages) pages is
    /// [`Error::TooManyPages`](crate::Error::TooManyPages).
    fn order_pages(&self, query: OrderListQuery) -> BoxStream<'_, Result<Reply<Page<Order>>>> {
        pages(
            "list_orders",
            query.page_request(),
            self.max_pages(),
            move |page| {
                let query = OrderListQuery {
                    page,
                    ..query.clone()
                };
                async move { self.list_orders(&query).await }.boxed()
            },
        )
    }

    /// Every order matching `query`: the rows of [`order_pages`](Self::order_pages).
    /// An error (including [`Error::Pagination`](crate::Error::Pagination)
    /// and [`Error::TooManyPages`](crate::Error::TooManyPages)) is the
    /// stream's last item.
    fn orders(&self, query: OrderListQuery) -> BoxStream<'_, Result<Order>> {
        items(self.order_pages(query))
    }
}

/// The Cart level: pushing orders into CartRover and following them.
#[async_trait]
pub trait CartApi: OrderApi {
    /// Creates one order (E1, not rate limited), duplicate-proof: a
    /// `cust_ref` is created at most once, however the call fails.
    ///
    /// The order is validated first and every missing field reported at once.
    /// Then:
    /// - created now: [`CreateOutcome::Created`];
    /// - CartRover answers that the `cust_ref` exists (`Failure` "Duplicate
    ///   order…", [`Error::is_duplicate`](crate::Error::is_duplicate)): the
    ///   existing order is read back, [`CreateOutcome::AlreadyExisted`];
    /// - an ambiguous failure (timeout or connection lost after sending, 5xx,
    ///   a success whose body did not decode): the order is looked up by
    ///   `cust_ref` before anything is repeated. Found:
    ///   [`CreateOutcome::Recovered`]; not found: the create is repeated within
    ///   the retry policy (a late first attempt then meets "already exists").
    ///
    /// # Errors
    /// [`Error::Validation`](crate::Error::Validation) before sending;
    /// `Invalid` for data CartRover refuses; any other `Failure`;
    /// [`Error::CreateOutcomeUnknown`](crate::Error::CreateOutcomeUnknown)
    /// when the lookup after an ambiguous failure failed as well; the last
    /// failure when the retry policy runs out.
    async fn create_order(&self, order: &NewOrder) -> Result<Reply<CreateOutcome>>;

    /// Creates several orders in one call (E2).
    ///
    /// As CartRover itself does, the batch goes through even when some orders
    /// fail: every order is checked first, an incomplete one is **not sent**
    /// and reported at its index ([`BatchOrderOutcome::NotSent`](crate::BatchOrderOutcome::NotSent)), and the
    /// complete ones are sent. [`BatchCreateResult::outcomes`] says, for each
    /// order of `orders` by index, whether it was created, refused by
    /// CartRover (e.g. a duplicate), not sent, or not reported. For
    /// all-or-nothing, check first with
    /// [`validate_batch`](crate::validate_batch).
    ///
    /// # Errors
    /// [`Error::Validation`](crate::Error::Validation) when `orders` is empty
    /// or no order is complete (nothing is sent); API and transport errors.
    async fn create_orders(&self, orders: &[NewOrder]) -> Result<Reply<BatchCreateResult>>;

    /// Cancels an order (E6). Only possible for a short time after creation;
    /// once the order is at the warehouse, the warehouse has to cancel it.
    ///
    /// # Errors
    /// [`Error::CancelRefused`](crate::Error::CancelRefused) when CartRover
    /// answers `response.success: false`; API and transport errors.
    async fn cancel_order(&self, cust_ref: &CustRef) -> Result<Reply<Canceled>>;

    /// Cancels through the legacy `POST /v1/cart/orders/cancel/cartrover`
    /// (E6b, observed in the official PHP client only). Prefer
    /// [`cancel_order`](Self::cancel_order).
    ///
    /// # Errors
    /// As [`cancel_order`](Self::cancel_order).
    async fn cancel_order_legacy(&self, cust_ref: &CustRef) -> Result<Reply<Canceled>>;
}

/// The Merchant level: the merchant's orders, inventory, products and ship
/// method mappings. Also reachable with Warehouse credentials through
/// [`WarehouseClient::for_merchant`](crate::WarehouseClient::for_merchant).
#[async_trait]
pub trait MerchantApi: OrderApi {
    /// One page of inventory (E8).
    ///
    /// # Errors
    /// API, transport and decode errors.
    async fn list_inventory(&self, page: PageRequest) -> Result<Reply<Page<InventoryItem>>>;

    /// Inventory of one SKU (E9).
    ///
    /// # Errors
    /// `Invalid` for an unknown SKU; transport and decode errors.
    async fn inventory(&self, sku: &Sku) -> Result<Reply<InventoryItem>>;

    /// Product master data and aliases of one SKU (E10).
    ///
    /// # Errors
    /// `Invalid` for an unknown SKU; transport and decode errors.
    async fn product(&self, sku: &Sku) -> Result<Reply<Product>>;

    /// The order sources (carts) configured for the merchant (E12). The
    /// element shape is not public, so elements are raw JSON.
    ///
    /// # Errors
    /// API and transport errors.
    async fn carts(&self) -> Result<Reply<Vec<serde_json::Value>>>;

    /// Every cart type that can be set up (E13), as raw JSON.
    ///
    /// # Errors
    /// API and transport errors.
    async fn all_cart_types(&self) -> Result<Reply<Vec<serde_json::Value>>>;

    /// The cart's ship codes and the warehouse code each maps to (E14).
    ///
    /// # Errors
    /// API and transport errors.
    async fn cart_ship_methods(
        &self,
        order_source: &OrderSource,
    ) -> Result<Reply<Vec<CartShipMethod>>>;

    /// Adds or updates cart → warehouse ship-code mappings (E15).
    ///
    /// # Errors
    /// `Invalid` for a `wms_code` that is not a warehouse ship code; transport
    /// errors.
    async fn set_cart_ship_methods(
        &self,
        order_source: &OrderSource,
        mappings: &[ShipMethodMapping],
    ) -> Result<Reply<()>>;

    /// The warehouse's ship-method codes (E11), the targets of the mappings.
    /// The path is documented with Warehouse credentials (and seen with Cart
    /// keys); its use with Merchant credentials is unconfirmed.
    ///
    /// # Errors
    /// API, transport and decode errors.
    async fn wms_ship_methods(&self) -> Result<Reply<Vec<WmsShipMethod>>>;

    /// A warehouse acknowledges the order: status `at_wms` (E17a).
    /// **Unverified against the live service** (provisional contract, spec §7.3).
    ///
    /// # Errors
    /// As [`update_order_status`](OrderApi::update_order_status).
    async fn acknowledge_order(&self, cust_ref: &CustRef) -> Result<Reply<()>> {
        self.update_order_status(cust_ref, &StatusUpdate::AtWms)
            .await
    }

    /// A warehouse posts shipments with tracking: status `shipped` (E17b).
    /// **Unverified against the live service** (provisional contract, spec
    /// §7.4), including whether partial shipments are accepted.
    ///
    /// # Errors
    /// As [`update_order_status`](OrderApi::update_order_status).
    async fn post_shipments(
        &self,
        cust_ref: &CustRef,
        shipments: Vec<Shipment>,
    ) -> Result<Reply<()>> {
        self.update_order_status(cust_ref, &StatusUpdate::Shipped { shipments })
            .await
    }

    /// The whole inventory as a stream of pages of `page.limit()` rows from
    /// `page.page()` on, each with its metadata, ending after the first short
    /// page. A page repeating the previous one is
    /// [`Error::Pagination`](crate::Error::Pagination); a full page after
    /// [`max_pages`](OrderApi::max_pages) pages is
    /// [`Error::TooManyPages`](crate::Error::TooManyPages).
    fn inventory_pages(
        &self,
        page: PageRequest,
    ) -> BoxStream<'_, Result<Reply<Page<InventoryItem>>>> {
        pages("list_inventory", page, self.max_pages(), move |page| {
            async move { self.list_inventory(page).await }.boxed()
        })
    }

    /// The whole inventory, row by row: the rows of
    /// [`inventory_pages`](Self::inventory_pages).
    fn inventory_items(&self, page: PageRequest) -> BoxStream<'_, Result<InventoryItem>> {
        items(self.inventory_pages(page))
    }
}

/// The Warehouse (3PL, "Global") level.
#[async_trait]
pub trait WarehouseApi: Send + Sync {
    /// The merchants of the 3PL account (E16). **Unverified against the live
    /// service**: the path was observed once and the response shape is
    /// provisional (spec §6.9).
    ///
    /// # Errors
    /// API, transport and decode errors.
    async fn merchants(&self) -> Result<Reply<Vec<Merchant>>>;

    /// The warehouse's ship-method codes (E11).
    ///
    /// # Errors
    /// API, transport and decode errors.
    async fn wms_ship_methods(&self) -> Result<Reply<Vec<WmsShipMethod>>>;
}
