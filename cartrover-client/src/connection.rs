//! The "Test connection" button: one cheap call that proves a client's
//! credentials, answered with a small report.

use http_transport::Request;
use serde::de::IgnoredAny;

use crate::client::core::Core;
use crate::error::Result;
use crate::types::{MerchantPk, PageRequest};

/// The API level a client's credentials belong to (spec §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiLevel {
    /// Cart credentials ([`CartClient`](crate::CartClient)).
    Cart,
    /// Merchant credentials, or Warehouse credentials acting for one merchant
    /// ([`MerchantClient`](crate::MerchantClient)).
    Merchant,
    /// Warehouse ("Global") credentials ([`WarehouseClient`](crate::WarehouseClient)).
    Warehouse,
}

/// What `check_connection()` found: the credentials were accepted at this
/// level by one call of the level's own endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionReport {
    /// The level whose endpoint accepted the credentials.
    pub level: ApiLevel,
    /// The merchant acted for through `X-Merchant-Pk`, for a Merchant-level
    /// handle made from Warehouse credentials.
    pub merchant_pk: Option<MerchantPk>,
    /// The operation used as the probe, e.g. `list_orders`.
    pub probe: &'static str,
    /// `X-CartRover-Process-ID` of the probe's answer.
    pub process_id: Option<String>,
    /// `X-CartRover-Api-Minute-Hits-Remaining` after the probe: calls left in
    /// CartRover's bucket for these credentials.
    pub hits_remaining: Option<u32>,
}

/// Runs the probe of `level`: a one-row page of new orders (Cart), a one-row
/// inventory page (Merchant), the warehouse ship-method list (Warehouse).
pub(crate) async fn check(core: &Core, level: ApiLevel) -> Result<ConnectionReport> {
    let one_row = PageRequest::first(1);
    let (probe, reply) = match level {
        ApiLevel::Cart => {
            let request = Request::get("/v1/cart/orders/list/{status}")
                .operation("check_connection")
                .path_param("new");
            (
                "list_orders",
                core.call_page::<IgnoredAny>(request, one_row)
                    .await?
                    .map(|_| ()),
            )
        }
        ApiLevel::Merchant => {
            let request = Request::get("/v1/merchant/inventory").operation("check_connection");
            (
                "list_inventory",
                core.call_page::<IgnoredAny>(request, one_row)
                    .await?
                    .map(|_| ()),
            )
        }
        ApiLevel::Warehouse => {
            let request = Request::get("/v1/wms/shipmethod/list").operation("check_connection");
            (
                "list_wms_ship_methods",
                core.call_list::<IgnoredAny>(request).await?.map(|_| ()),
            )
        }
    };
    Ok(ConnectionReport {
        level,
        merchant_pk: core.merchant_pk().cloned(),
        probe,
        process_id: reply.process_id,
        hits_remaining: reply.hits_remaining,
    })
}
