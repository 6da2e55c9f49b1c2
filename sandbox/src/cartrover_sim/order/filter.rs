//! The ten list filters of E5 (spec §5.5, §9) and the date each one filters on.

use time::OffsetDateTime;

use super::{Order, OrderStatus};

/// A `{status}` path value of the order list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListFilter {
    /// One status.
    Status(OrderStatus),
    /// `new` or `at_wms`.
    NewOrAtWms,
    /// `shipped` or `confirmed`.
    ShippedOrConfirmed,
    /// At least one shipment and still something to ship (`num_to_ship > 0`).
    Partial,
    /// Every order.
    Any,
}

impl ListFilter {
    /// Parses the path value.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "new_or_at_wms" => Self::NewOrAtWms,
            "shipped_or_confirmed" => Self::ShippedOrConfirmed,
            "partial" => Self::Partial,
            "any" => Self::Any,
            other => Self::Status(OrderStatus::parse(other)?),
        })
    }

    /// Whether `order` belongs to this list.
    pub(crate) fn matches(self, order: &Order) -> bool {
        match self {
            Self::Status(status) => order.status == status,
            Self::NewOrAtWms => matches!(order.status, OrderStatus::New | OrderStatus::AtWms),
            Self::ShippedOrConfirmed => {
                matches!(order.status, OrderStatus::Shipped | OrderStatus::Confirmed)
            }
            Self::Partial => {
                order.status != OrderStatus::Canceled
                    && !order.shipments.is_empty()
                    && order.num_to_ship().is_positive()
            }
            Self::Any => true,
        }
    }

    /// The date `from_date`/`to_date` apply to for this list (spec §5.5);
    /// `None` when the order has no such date yet.
    pub(crate) fn filter_date(self, order: &Order) -> Option<OffsetDateTime> {
        match self {
            Self::Status(OrderStatus::New) | Self::NewOrAtWms | Self::Any => Some(order.created),
            Self::Status(OrderStatus::AtWms) => order.delivered_to_wms,
            Self::Status(OrderStatus::Shipped) | Self::ShippedOrConfirmed | Self::Partial => {
                order.shipment_loaded
            }
            Self::Status(OrderStatus::Confirmed) => order.confirmed,
            Self::Status(OrderStatus::Error) => order.error.as_ref().map(|error| error.at),
            Self::Status(OrderStatus::Canceled) => order.canceled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_ten_filters() {
        let names = [
            "new",
            "at_wms",
            "shipped",
            "confirmed",
            "error",
            "canceled",
            "new_or_at_wms",
            "shipped_or_confirmed",
            "partial",
            "any",
        ];
        for name in names {
            assert!(ListFilter::parse(name).is_some(), "{name}");
        }
        assert_eq!(ListFilter::parse("cancelled"), None);
        assert_eq!(ListFilter::parse("NEW"), None);
    }
}
