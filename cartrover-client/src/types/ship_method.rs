//! Ship methods: the warehouse's codes (E11) and the cart → warehouse mapping
//! (E14 read, E15 write). Spec §6.4, §6.7, §6.8.

use serde::{Deserialize, Serialize};

use crate::lenient;

/// A warehouse (WMS) ship method, the target of a mapping and the `method` of
/// a shipment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WmsShipMethod {
    /// Carrier; may be empty (`""` becomes `None`).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub carrier: Option<String>,
    /// Code, e.g. `09`.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub code: Option<String>,
    /// Description, e.g. "USPS Priority Mail".
    #[serde(default)]
    pub description: Option<String>,
}

/// A cart ship code and the warehouse code it maps to (E14).
///
/// The element shape of E14 is not public (unconfirmed): the two names E15
/// uses are read, and everything else is kept in [`extra`](Self::extra).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CartShipMethod {
    /// The cart's ship code.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cart_code: Option<String>,
    /// The warehouse code it maps to; `None` when unmapped (pass-through).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub wms_code: Option<String>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One mapping to save with E15. `wms_code: None` is sent as `null`, which
/// clears the mapping (pass-through).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShipMethodMapping {
    /// The cart's ship code.
    pub cart_code: String,
    /// A warehouse ship code (an E11 `code`), or `None`.
    pub wms_code: Option<String>,
}

impl ShipMethodMapping {
    /// Maps `cart_code` to `wms_code`.
    pub fn new(cart_code: impl Into<String>, wms_code: impl Into<String>) -> Self {
        Self {
            cart_code: cart_code.into(),
            wms_code: Some(wms_code.into()),
        }
    }

    /// Leaves `cart_code` unmapped (sends `wms_code: null`).
    pub fn unmapped(cart_code: impl Into<String>) -> Self {
        Self {
            cart_code: cart_code.into(),
            wms_code: None,
        }
    }
}
