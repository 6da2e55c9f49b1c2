//! The Cart-level client.

use async_trait::async_trait;
use http_transport::Request;

use crate::api::{CartApi, OrderApi};
use crate::client::ClientBuilder;
use crate::client::core::Core;
use crate::client::orders::{self, CART_ORDERS};
use crate::error::{Error, Result};
use crate::reply::Reply;
use crate::types::{
    BatchCreateResult, CancelBody, Canceled, CreatedOrder, CustRef, NewOrder, Order, OrderIncludes,
    OrderListQuery, OrderStatusInfo, Page, StatusUpdate,
};
use crate::validate::validate_batch;

/// A client holding Cart-level credentials (Carts tab → API Access): pushes
/// orders in and follows their status and tracking. See [`CartApi`] and
/// [`OrderApi`] for the calls.
///
/// Cheap to clone; clones share the connection pool and the rate-limit bucket.
#[derive(Debug, Clone)]
pub struct CartClient {
    core: Core,
}

impl CartClient {
    /// Starts configuring a client with the cart's API user and key.
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
    /// # async fn run(client: cartrover_client::CartClient) -> cartrover_client::Result<()> {
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
}

#[async_trait]
impl OrderApi for CartClient {
    async fn order(&self, cust_ref: &CustRef, includes: OrderIncludes) -> Result<Reply<Order>> {
        orders::order(&self.core, CART_ORDERS, cust_ref, includes).await
    }

    async fn order_status(&self, cust_ref: &CustRef) -> Result<Reply<OrderStatusInfo>> {
        orders::order_status(&self.core, CART_ORDERS, cust_ref).await
    }

    async fn list_orders(&self, query: &OrderListQuery) -> Result<Reply<Page<Order>>> {
        orders::list_orders(&self.core, CART_ORDERS, query).await
    }

    async fn update_order_status(
        &self,
        cust_ref: &CustRef,
        update: &StatusUpdate,
    ) -> Result<Reply<()>> {
        orders::update_order_status(&self.core, CART_ORDERS, cust_ref, update).await
    }
}

#[async_trait]
impl CartApi for CartClient {
    async fn create_order(&self, order: &NewOrder) -> Result<Reply<CreatedOrder>> {
        order.validate()?;
        let request = Request::post("/v1/cart/orders/cartrover")
            .operation("create_order")
            .json(order)
            // CartRover does not count order creation against the bucket.
            .rate_limited(false);
        self.core.call_flat(request).await
    }

    async fn create_orders(&self, orders: &[NewOrder]) -> Result<Reply<BatchCreateResult>> {
        validate_batch(orders)?;
        let request = Request::post("/v1/cart/orders/batch")
            .operation("create_orders")
            .json(orders);
        self.core.call(request).await
    }

    async fn cancel_order(&self, cust_ref: &CustRef) -> Result<Reply<Canceled>> {
        let request = Request::get("/v1/cart/orders/wms_cancel/{cust_ref}")
            .operation("cancel_order")
            .path_param(cust_ref)
            // A GET, but it changes state: repeating a cancel that did happen
            // would report a refusal.
            .idempotent(false);
        let reply = self.core.call::<CancelBody>(request).await?;
        cancel_outcome(cust_ref, reply.map(Some))
    }

    async fn cancel_order_legacy(&self, cust_ref: &CustRef) -> Result<Reply<Canceled>> {
        let request = Request::post("/v1/cart/orders/cancel/cartrover")
            .operation("cancel_order_legacy")
            .json(&serde_json::json!({ "cust_ref": cust_ref }));
        // The legacy answer's shape is not public: without a `response`, the
        // envelope's success is the cancel's.
        let reply = self.core.call_optional::<CancelBody>(request).await?;
        cancel_outcome(cust_ref, reply)
    }
}

/// The cancel happened only if the nested `success` is true as well; a
/// nested result without `success` is not taken as a cancel. `None` (no
/// `response` at all, legacy E6b only) leaves the envelope's success standing.
fn cancel_outcome(cust_ref: &CustRef, reply: Reply<Option<CancelBody>>) -> Result<Reply<Canceled>> {
    let (confirmed, message) = match &reply.value {
        None => (true, None),
        Some(body) => (body.success == Some(true), body.message.clone()),
    };
    if !confirmed {
        return Err(Error::CancelRefused {
            cust_ref: cust_ref.clone(),
            message,
            process_id: reply.process_id,
        });
    }
    Ok(reply.map(|_| Canceled {
        cust_ref: cust_ref.clone(),
        message,
    }))
}
