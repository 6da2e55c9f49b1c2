//! Checks an order for its required fields before it is sent, so that every
//! missing field is reported at once instead of one `Invalid` per round trip.
//!
//! Required, per spec §5.1: `cust_ref`, `ship_address_1`, `ship_city`,
//! `ship_state`, `ship_zip`, `ship_country`, at least one line, each with an
//! `item` and a positive `quantity`, and a name or a company. The vendor's
//! exact list is unconfirmed (§13 Q5); this is the minimum every known client
//! sends. A blank string counts as missing.

use std::fmt;

use crate::types::{NewOrder, NewOrderLine};

/// The fields an order (or a batch of orders) lacks, by wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFields {
    fields: Vec<String>,
}

impl MissingFields {
    /// The missing fields, e.g. `ship_city`, `items[0].quantity`, or
    /// `orders[2].cust_ref` in a batch.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }
}

impl fmt::Display for MissingFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "order is missing required field(s): {}",
            self.fields.join(", ")
        )
    }
}

impl std::error::Error for MissingFields {}

/// The wire name used when neither a name nor a company is given.
pub const NAME_OR_COMPANY: &str = "ship_first_name|ship_last_name|ship_company|cust_company";

fn blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

fn missing_in_order(order: &NewOrder, prefix: &str, out: &mut Vec<String>) {
    let ship = &order.ship_to;
    let mut need = |absent: bool, name: &str| {
        if absent {
            out.push(format!("{prefix}{name}"));
        }
    };
    need(order.cust_ref.as_str().trim().is_empty(), "cust_ref");
    need(blank(ship.address_1.as_deref()), "ship_address_1");
    need(blank(ship.city.as_deref()), "ship_city");
    need(blank(ship.state.as_deref()), "ship_state");
    need(blank(ship.zip.as_deref()), "ship_zip");
    need(blank(ship.country.as_deref()), "ship_country");
    let named = [
        ship.first_name.as_deref(),
        ship.last_name.as_deref(),
        ship.company.as_deref(),
        order.bill_to.first_name.as_deref(),
        order.bill_to.last_name.as_deref(),
        order.bill_to.company.as_deref(),
    ]
    .into_iter()
    .any(|v| !blank(v));
    need(!named, NAME_OR_COMPANY);
    need(order.items.is_empty(), "items");
    for (i, line) in order.items.iter().enumerate() {
        missing_in_line(line, &format!("{prefix}items[{i}]."), out);
    }
}

fn missing_in_line(line: &NewOrderLine, prefix: &str, out: &mut Vec<String>) {
    if line.item.as_str().trim().is_empty() {
        out.push(format!("{prefix}item"));
    }
    if line.quantity <= 0 {
        out.push(format!("{prefix}quantity"));
    }
}

impl NewOrder {
    /// Checks the required fields and lists every one that is missing.
    ///
    /// Name or company: any of `ship_first_name`, `ship_last_name`,
    /// `ship_company`, `cust_first_name`, `cust_last_name`, `cust_company`
    /// satisfies it; when none is set the field reported is
    /// [`NAME_OR_COMPANY`]. A line quantity of zero or less counts as missing.
    ///
    /// # Errors
    ///
    /// [`MissingFields`] naming every missing field.
    pub fn validate(&self) -> Result<(), MissingFields> {
        let mut fields = Vec::new();
        missing_in_order(self, "", &mut fields);
        if fields.is_empty() {
            Ok(())
        } else {
            Err(MissingFields { fields })
        }
    }
}

/// Checks every order of a batch, for an all-or-nothing batch: call it before
/// [`CartApi::create_orders`](crate::CartApi::create_orders), which otherwise
/// sends the complete orders and reports the incomplete ones. Fields are
/// prefixed with `orders[i].`; an empty batch lacks `orders`.
///
/// ```
/// use cartrover_client::{NewOrder, validate_batch};
///
/// let err = validate_batch(&[NewOrder::default()]).unwrap_err();
/// assert!(err.fields().contains(&"orders[0].cust_ref".to_owned()));
/// ```
///
/// # Errors
///
/// [`MissingFields`] naming every missing field of every order.
pub fn validate_batch(orders: &[NewOrder]) -> Result<(), MissingFields> {
    let mut fields = Vec::new();
    if orders.is_empty() {
        fields.push("orders".to_owned());
    }
    for (i, order) in orders.iter().enumerate() {
        missing_in_order(order, &format!("orders[{i}]."), &mut fields);
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(MissingFields { fields })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ShipTo;

    fn complete() -> NewOrder {
        NewOrder {
            cust_ref: "BL-1".into(),
            ship_to: ShipTo {
                company: Some("Acme".into()),
                address_1: Some("1 Main St".into()),
                city: Some("Secaucus".into()),
                state: Some("NJ".into()),
                zip: Some("07094".into()),
                country: Some("US".into()),
                ..ShipTo::default()
            },
            items: vec![NewOrderLine::new("SKU-1", 1)],
            ..NewOrder::default()
        }
    }

    #[test]
    fn a_complete_order_passes() {
        assert_eq!(complete().validate(), Ok(()));
    }

    #[test]
    fn every_missing_field_is_reported_at_once() {
        let err = NewOrder {
            items: vec![NewOrderLine::new("", 0)],
            ship_to: ShipTo {
                city: Some("   ".into()),
                ..ShipTo::default()
            },
            ..NewOrder::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.fields(),
            [
                "cust_ref",
                "ship_address_1",
                "ship_city",
                "ship_state",
                "ship_zip",
                "ship_country",
                NAME_OR_COMPANY,
                "items[0].item",
                "items[0].quantity",
            ]
        );
        assert!(err.to_string().contains("cust_ref, ship_address_1"));
    }

    #[test]
    fn a_bill_to_name_satisfies_the_name_rule_and_no_lines_is_missing_items() {
        let mut order = complete();
        order.ship_to.company = None;
        order.bill_to.last_name = Some("Lee".into());
        order.items.clear();
        assert_eq!(order.validate().unwrap_err().fields(), ["items"]);
    }

    #[test]
    fn batch_errors_name_the_order_index() {
        let mut broken = complete();
        broken.cust_ref = "".into();
        let err = validate_batch(&[complete(), broken]).unwrap_err();
        assert_eq!(err.fields(), ["orders[1].cust_ref"]);
        assert_eq!(validate_batch(&[]).unwrap_err().fields(), ["orders"]);
    }
}
