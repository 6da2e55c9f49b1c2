//! The Warehouse-level client.

use async_trait::async_trait;
use http_transport::Request;

use crate::api::WarehouseApi;
use crate::client::core::Core;
use crate::client::merchant::wms_ship_methods;
use crate::client::{ClientBuilder, MerchantClient};
use crate::connection::{self, ApiLevel, ConnectionReport};
use crate::error::Result;
use crate::reply::Reply;
use crate::types::{Merchant, MerchantPk, WmsShipMethod};

/// A client holding Warehouse-level ("Global") credentials of a 3PL account,
/// which manages many merchants. See [`WarehouseApi`] for the calls, and
/// [`for_merchant`](Self::for_merchant) to reach one merchant's data.
///
/// Cheap to clone; clones share the connection pool and the rate-limit bucket.
#[derive(Debug, Clone)]
pub struct WarehouseClient {
    core: Core,
}

impl WarehouseClient {
    /// Starts configuring a client with the Warehouse API user and key.
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
    /// # async fn run(client: cartrover_client::WarehouseClient) -> cartrover_client::Result<()> {
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

    /// Proves the Warehouse credentials with one cheap call (the warehouse ship-method list).
    /// See [`CartClient::check_connection`](crate::CartClient::check_connection).
    ///
    /// # Errors
    /// [`Error::is_unauthorized`](crate::Error::is_unauthorized) for refused
    /// credentials; other API, transport and decode errors.
    pub async fn check_connection(&self) -> Result<ConnectionReport> {
        connection::check(&self.core, ApiLevel::Warehouse).await
    }

    /// A Merchant-level handle acting for `merchant_pk` with these
    /// credentials: every call carries `X-Merchant-Pk: <merchant_pk>`.
    /// It shares this client's pool and rate-limit bucket (CartRover counts
    /// calls per credential).
    ///
    /// The header was observed once in a third-party script on
    /// `/v1/merchant/product/{sku}`; its use on the other Merchant endpoints is
    /// **unverified against the live service** (spec §2.1, §7.6).
    pub fn for_merchant(&self, merchant_pk: impl Into<MerchantPk>) -> MerchantClient {
        MerchantClient::from_core(self.core.for_merchant(merchant_pk.into()))
    }
}

#[async_trait]
impl WarehouseApi for WarehouseClient {
    async fn merchants(&self) -> Result<Reply<Vec<Merchant>>> {
        self.core
            .call_list(Request::get("/v1/wms/merchant/list").operation("list_merchants"))
            .await
    }

    async fn wms_ship_methods(&self) -> Result<Reply<Vec<WmsShipMethod>>> {
        wms_ship_methods(&self.core).await
    }
}
