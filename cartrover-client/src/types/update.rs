//! Status updates posted to `orders/update/{cust_ref}` (E7, E7m, E17a, E17b).

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::types::Shipment;

/// A status change for an order.
///
/// Only [`Confirmed`](Self::Confirmed) on the Cart path is documented by the
/// vendor. [`AtWms`](Self::AtWms) and [`Shipped`](Self::Shipped) are the
/// project's provisional contract for a warehouse acknowledging an order and
/// posting tracking (spec §7.3, §7.4): **unverified against the live service**.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StatusUpdate {
    /// `confirmed`: the cart received the tracking numbers listed (documented).
    Confirmed {
        /// The tracking numbers concerned, sent as `shipments[].tracking_no`.
        tracking_numbers: Vec<String>,
    },
    /// `at_wms`: the warehouse acknowledged the order. **Unverified.**
    AtWms,
    /// `shipped`: the warehouse shipped, with full shipment objects.
    /// **Unverified**, including whether partial shipments are accepted.
    Shipped {
        /// The shipments with tracking and contents.
        shipments: Vec<Shipment>,
    },
}

impl StatusUpdate {
    /// The `order_status` value sent.
    pub fn order_status(&self) -> &'static str {
        match self {
            StatusUpdate::Confirmed { .. } => "confirmed",
            StatusUpdate::AtWms => "at_wms",
            StatusUpdate::Shipped { .. } => "shipped",
        }
    }

    /// Whether the vendor documents this update (only `confirmed` is).
    pub fn is_documented(&self) -> bool {
        matches!(self, StatusUpdate::Confirmed { .. })
    }
}

#[derive(Serialize)]
struct TrackingOnly<'a> {
    tracking_no: &'a str,
}

impl Serialize for StatusUpdate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut body = s.serialize_struct("StatusUpdate", 2)?;
        body.serialize_field("order_status", self.order_status())?;
        match self {
            StatusUpdate::Confirmed { tracking_numbers } => {
                let shipments: Vec<TrackingOnly<'_>> = tracking_numbers
                    .iter()
                    .map(|t| TrackingOnly { tracking_no: t })
                    .collect();
                body.serialize_field("shipments", &shipments)?;
            }
            StatusUpdate::AtWms => body.skip_field("shipments")?,
            StatusUpdate::Shipped { shipments } => body.serialize_field("shipments", shipments)?,
        }
        body.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn bodies_match_the_documented_and_provisional_shapes() {
        let confirmed = StatusUpdate::Confirmed {
            tracking_numbers: vec!["1Z999AA10123456784".into()],
        };
        assert_eq!(
            serde_json::to_value(&confirmed).unwrap(),
            json!({"order_status": "confirmed", "shipments": [{"tracking_no": "1Z999AA10123456784"}]})
        );
        assert_eq!(
            serde_json::to_value(StatusUpdate::AtWms).unwrap(),
            json!({"order_status": "at_wms"})
        );
        let shipped = StatusUpdate::Shipped {
            shipments: vec![Shipment::new("UPS", "03", "1Z").with_item("SKU-1", 2, "1")],
        };
        assert_eq!(
            serde_json::to_value(&shipped).unwrap(),
            json!({"order_status": "shipped", "shipments": [{
                "carrier": "UPS", "method": "03", "tracking_no": "1Z",
                "items": [{"item": "SKU-1", "quantity": 2, "carton_num": "1"}]
            }]})
        );
        assert!(confirmed.is_documented() && !StatusUpdate::AtWms.is_documented());
    }
}
