//! Orders of Loop's Commerce-Data API, read for their sales channel.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::OrderId;

/// An order as `GET /orders/{id}` returns it. Only the fields a warehouse
/// integration needs are modelled; the rest stays in `extra`.
///
/// This is how to find a return's sales channel when the return itself does
/// not carry `provider_order_sales_channel` (documented for the Return
/// webhook only). Whether this endpoint accepts a return's `order_id`, serves
/// Shopify-synced orders, and which scope it needs ("Order (read)" is
/// assumed) are unconfirmed (spec open question 1).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Order {
    /// Loop order id.
    pub id: OrderId,
    /// Order name, e.g. `#10452`.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub name: Option<String>,
    /// The sales channel the order was placed in.
    #[serde(default)]
    pub channel: Option<OrderChannel>,
    /// Where the order came from, as Loop reports it.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub source: Option<String>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Order {
    /// The sales channel's name, when Loop reports one.
    pub fn sales_channel(&self) -> Option<&str> {
        self.channel.as_ref()?.name.as_deref()
    }
}

/// A sales channel.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderChannel {
    /// Channel id, as sent.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub id: Option<String>,
    /// Channel name, e.g. "Online Store".
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub name: Option<String>,
}
