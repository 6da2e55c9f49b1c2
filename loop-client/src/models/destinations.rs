//! Destinations: the warehouses (and donation partners) returns are routed to.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::DestinationType;
use crate::ids::DestinationId;
use crate::models::returns::Address;

/// A Loop destination. Map a return's `destination_id` to one of these to act
/// only on returns routed to your warehouse.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Destination {
    /// Destination id.
    pub id: DestinationId,
    /// Warehouse or donation partner.
    #[serde(default, rename = "type")]
    pub destination_type: Option<DestinationType>,
    /// Name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub name: Option<String>,
    /// Whether returns may be routed there.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub enabled: Option<bool>,
    /// Address.
    #[serde(default)]
    pub address: Option<Address>,
    /// Shopify location id (third-party: PostHog's connector).
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub provider_location_id: Option<String>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
