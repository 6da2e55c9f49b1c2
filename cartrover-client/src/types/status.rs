//! Order statuses and the list filters of `orders/list/{status}` (spec §9).

http_transport::open_enum! {
    /// Where an order is in CartRover's lifecycle:
    /// `new` → `at_wms` → `shipped` → `confirmed`, with side exits `error` and
    /// `canceled` (spec §9).
    pub enum OrderStatus {
        /// Downloaded from the cart; will be sent to the warehouse (or, with
        /// `sending_canceled = Y`, will not be).
        New = "new",
        /// Delivered to the warehouse (WMS).
        AtWms = "at_wms",
        /// CartRover received tracking from the warehouse.
        Shipped = "shipped",
        /// The tracking was sent back to the cart.
        Confirmed = "confirmed",
        /// Held in CartRover, e.g. an unmapped ship method or a bad address.
        Error = "error",
        /// Canceled (hidden in the UI, visible through the API).
        Canceled = "canceled",
    }
}

http_transport::open_enum! {
    /// The `{status}` of the order list endpoint: the six statuses plus four
    /// composite filters (spec §5.5). `Unknown` lets a caller send a filter this
    /// crate does not know yet.
    pub enum OrderListFilter {
        /// Status `new`; dates filter on the creation date.
        New = "new",
        /// Status `at_wms`; dates filter on the delivery to the warehouse.
        AtWms = "at_wms",
        /// Status `shipped`; dates filter on the shipment load date.
        Shipped = "shipped",
        /// Status `confirmed`; dates filter on the date tracking went to the cart.
        Confirmed = "confirmed",
        /// Status `error`; dates filter on the date of the error.
        Error = "error",
        /// Status `canceled`; dates filter on the cancel date.
        Canceled = "canceled",
        /// `new` or `at_wms`; dates filter on the creation date.
        NewOrAtWms = "new_or_at_wms",
        /// `shipped` or `confirmed`; dates filter on the shipment load date.
        ShippedOrConfirmed = "shipped_or_confirmed",
        /// Partially shipped orders (observed in third-party clients, not in
        /// the vendor's list).
        Partial = "partial",
        /// Every status. At Merchant level, bound the date range: an unbounded
        /// `any` can time out (spec §5.5).
        Any = "any",
    }
}

impl From<OrderStatus> for OrderListFilter {
    fn from(status: OrderStatus) -> Self {
        OrderListFilter::parse(status.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_value_round_trips_and_unknown_values_are_kept() {
        for status in OrderStatus::KNOWN {
            assert_eq!(&OrderStatus::parse(status.as_str()), status);
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(&serde_json::from_str::<OrderStatus>(&json).unwrap(), status);
        }
        assert_eq!(OrderListFilter::KNOWN.len(), 10);
        for filter in OrderListFilter::KNOWN {
            assert_eq!(
                OrderListFilter::try_parse(filter.as_str()).as_ref(),
                Some(filter)
            );
        }
        let odd: OrderStatus = serde_json::from_str(r#""on_hold""#).unwrap();
        assert_eq!(odd, OrderStatus::Unknown("on_hold".into()));
        assert_eq!(odd.as_str(), "on_hold");
        assert_eq!(OrderStatus::try_parse("on_hold"), None);
    }

    #[test]
    fn a_status_is_also_a_list_filter() {
        assert_eq!(
            OrderListFilter::from(OrderStatus::AtWms),
            OrderListFilter::AtWms
        );
        assert_eq!(
            OrderListFilter::from(OrderStatus::Unknown("x".into())),
            OrderListFilter::Unknown("x".into())
        );
    }
}
