//! Merchants of a 3PL account (E16, unverified; spec §6.9).

use serde::{Deserialize, Serialize};

use crate::types::MerchantPk;

/// A merchant the Warehouse-level credentials act for.
///
/// **Unverified against the live service**: the response of
/// `/v1/wms/merchant/list` is not public; this is the project's provisional
/// contract. Every field is optional and the rest is kept in
/// [`extra`](Self::extra).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Merchant {
    /// The pk to send as `X-Merchant-Pk` (string or number on the wire).
    #[serde(default)]
    pub merchant_pk: Option<MerchantPk>,
    /// Merchant name.
    #[serde(default)]
    pub merchant_name: Option<String>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
