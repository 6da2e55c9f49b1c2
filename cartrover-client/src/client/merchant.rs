//! The Merchant-level client.

use async_trait::async_trait;
use http_transport::Request;

use crate::api::{MerchantApi, OrderApi};
use crate::client::ClientBuilder;
use crate::client::core::Core;
use crate::client::orders::{self, MERCHANT_ORDERS};
use crate::connection::{self, ApiLevel, ConnectionReport};
use crate::error::Result;
use crate::reply::Reply;
use crate::types::{
    CartShipMethod, CustRef, InventoryItem, MerchantPk, Order, OrderIncludes, OrderListQuery,
    OrderSource, OrderStatusInfo, Page, PageRequest, Product, ShipMethodMapping, Sku, StatusUpdate,
    WmsShipMethod,
};

/// A client holding Merchant-level credentials (Merchants tab → Merchant API
/// Keys), or Warehouse credentials acting for one merchant (see
/// [`WarehouseClient::for_merchant`](crate::WarehouseClient::for_merchant)).
/// See [`MerchantApi`] and [`OrderApi`] for the calls.
///
/// Cheap to clone; clones share the connection pool and the rate-limit bucket.
#[derive(Debug, Clone)]
pub struct MerchantClient {
    core: Core,
}

impl MerchantClient {
    /// Starts configuring a client with the merchant's API user and key.
    pub fn builder(api_user: impl Into<String>, api_key: impl Into<String>) -> ClientBuilder<Self> {
        ClientBuilder::new(api_user, api_key)
    }

    pub(crate) fn from_core(core: Core) -> Self {
        Self { core }
    }

    /// Sends a request this crate does not model, with this client's
    /// credentials, bucket, retries and envelope check, and returns the whole
    /// successful answer (`success_code` included) as raw JSON.
    ///
    /// ```no_run
    /// # async fn run(client: cartrover_client::MerchantClient) -> cartrover_client::Result<()> {
    /// use cartrover_client::Request;
    ///
    /// let answer = client
    ///     .send_raw(Request::get("/v1/merchant/orders/{cust_ref}").path_param("BL-1").operation("raw_order"))
    ///     .await?;
    /// println!("{}", answer.value["response"]["order_status"]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As the typed calls: API, transport and decode errors.
    pub async fn send_raw(&self, request: Request) -> Result<Reply<serde_json::Value>> {
        self.core.call_raw(request).await
    }

    /// Proves the Merchant credentials with one cheap call (a one-row inventory page).
    /// See [`CartClient::check_connection`](crate::CartClient::check_connection).
    ///
    /// # Errors
    /// [`Error::is_unauthorized`](crate::Error::is_unauthorized) for refused
    /// credentials; other API, transport and decode errors.
    pub async fn check_connection(&self) -> Result<ConnectionReport> {
        connection::check(&self.core, ApiLevel::Merchant).await
    }

    /// The merchant this client acts for through `X-Merchant-Pk`, when it was
    /// made from Warehouse credentials.
    pub fn merchant_pk(&self) -> Option<&MerchantPk> {
        self.core.merchant_pk()
    }
}

#[async_trait]
impl OrderApi for MerchantClient {
    async fn order(&self, cust_ref: &CustRef, includes: OrderIncludes) -> Result<Reply<Order>> {
        orders::order(&self.core, MERCHANT_ORDERS, cust_ref, includes).await
    }

    async fn order_status(&self, cust_ref: &CustRef) -> Result<Reply<OrderStatusInfo>> {
        orders::order_status(&self.core, MERCHANT_ORDERS, cust_ref).await
    }

    async fn list_orders(&self, query: &OrderListQuery) -> Result<Reply<Page<Order>>> {
        orders::list_orders(&self.core, MERCHANT_ORDERS, query).await
    }

    fn max_pages(&self) -> usize {
        self.core.max_pages()
    }

    /// Posts to `/v1/merchant/orders/update/{cust_ref}` (E7m): **unverified
    /// against the live service** (spec §7.2).
    async fn update_order_status(
        &self,
        cust_ref: &CustRef,
        update: &StatusUpdate,
    ) -> Result<Reply<()>> {
        orders::update_order_status(&self.core, MERCHANT_ORDERS, cust_ref, update).await
    }
}

#[async_trait]
impl MerchantApi for MerchantClient {
    async fn list_inventory(&self, page: PageRequest) -> Result<Reply<Page<InventoryItem>>> {
        let request = Request::get("/v1/merchant/inventory").operation("list_inventory");
        self.core.call_page(request, page).await
    }

    async fn inventory(&self, sku: &Sku) -> Result<Reply<InventoryItem>> {
        let request = Request::get("/v1/merchant/inventory/{sku}")
            .operation("get_inventory")
            .path_param(sku);
        self.core.call(request).await
    }

    async fn product(&self, sku: &Sku) -> Result<Reply<Product>> {
        let request = Request::get("/v1/merchant/product/{sku}")
            .operation("get_product")
            .path_param(sku);
        self.core.call(request).await
    }

    async fn carts(&self) -> Result<Reply<Vec<serde_json::Value>>> {
        self.core
            .call_list(Request::get("/v1/cart/list").operation("list_carts"))
            .await
    }

    async fn all_cart_types(&self) -> Result<Reply<Vec<serde_json::Value>>> {
        self.core
            .call_list(Request::get("/v1/cart/listall").operation("list_all_carts"))
            .await
    }

    async fn cart_ship_methods(
        &self,
        order_source: &OrderSource,
    ) -> Result<Reply<Vec<CartShipMethod>>> {
        let request = Request::get("/v1/cart/shipmethod/list/{order_source}")
            .operation("list_cart_ship_methods")
            .path_param(order_source);
        self.core.call_list(request).await
    }

    async fn set_cart_ship_methods(
        &self,
        order_source: &OrderSource,
        mappings: &[ShipMethodMapping],
    ) -> Result<Reply<()>> {
        let request = Request::post("/v1/cart/shipmethod/{order_source}")
            .operation("set_cart_ship_methods")
            .path_param(order_source)
            .json(mappings)
            // Saving the same mappings twice leaves the same state.
            .idempotent(true);
        self.core.call_unit(request).await
    }

    async fn wms_ship_methods(&self) -> Result<Reply<Vec<WmsShipMethod>>> {
        wms_ship_methods(&self.core).await
    }
}

/// E11, shared with the Warehouse level.
pub(crate) async fn wms_ship_methods(core: &Core) -> Result<Reply<Vec<WmsShipMethod>>> {
    core.call_list(Request::get("/v1/wms/shipmethod/list").operation("list_wms_ship_methods"))
        .await
}
