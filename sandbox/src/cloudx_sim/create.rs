//! Validating a create-ticket request body into a [`NewTicket`].
//!
//! Every problem is reported at once with its field path. Unknown fields are
//! rejected (a misspelt field in a client must fail loudly), and so are the
//! server-assigned fields of §2.2.

use serde_json::Value;
use time::Date;
use time::macros::format_description;

use super::error::FieldError;
use super::fields::ObjectReader;
use super::ticket::{Address, TicketType};

/// A ticket as requested, before the item master is consulted.
#[derive(Clone, Debug)]
pub(crate) struct NewTicket {
    pub(crate) kind: TicketType,
    pub(crate) warehouse_code: String,
    pub(crate) reference_number: String,
    pub(crate) rma_number: Option<String>,
    pub(crate) order_number: Option<String>,
    pub(crate) tracking_numbers: Vec<String>,
    pub(crate) carrier: Option<String>,
    pub(crate) ship_from: Option<Address>,
    pub(crate) memo: Option<String>,
    pub(crate) expected_date: Option<String>,
    pub(crate) lines: Vec<NewLine>,
}

/// A requested line; at least one of `sku` / `upc` is set.
#[derive(Clone, Debug)]
pub(crate) struct NewLine {
    pub(crate) sku: Option<String>,
    pub(crate) upc: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) expected_quantity: u32,
    pub(crate) return_reason_code: Option<String>,
}

const TICKET_FIELDS: [&str; 11] = [
    "type",
    "warehouse_code",
    "reference_number",
    "rma_number",
    "order_number",
    "tracking_numbers",
    "carrier",
    "ship_from",
    "memo",
    "expected_date",
    "lines",
];
const TICKET_READ_ONLY: [&str; 7] = [
    "id",
    "status",
    "status_code",
    "created_at",
    "updated_at",
    "arrived_at",
    "received_at",
];
const LINE_FIELDS: [&str; 5] = [
    "sku",
    "upc",
    "description",
    "expected_quantity",
    "return_reason_code",
];
const LINE_READ_ONLY: [&str; 4] = [
    "line_id",
    "received_quantity",
    "damaged_quantity",
    "condition",
];

/// Checks `body` against the create-request rules of spec §2.2.
///
/// `known_warehouse` says whether a warehouse code exists.
pub(crate) fn validate_new_ticket(
    body: &Value,
    known_warehouse: impl Fn(&str) -> bool,
) -> Result<NewTicket, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(ticket) = ObjectReader::new(body, String::new(), &mut errors) else {
        return Err(errors);
    };
    ticket.deny_unknown(&TICKET_FIELDS, &TICKET_READ_ONLY, &mut errors);

    let kind =
        ticket.required_str("type", &mut errors).and_then(|name| {
            match TicketType::from_wire(&name) {
                Some(kind) => Some(kind),
                None => {
                    errors.push(FieldError::new("type", "must be \"Return\" or \"Test\""));
                    None
                }
            }
        });
    let warehouse_code = ticket
        .required_str("warehouse_code", &mut errors)
        .filter(|code| {
            let known = known_warehouse(code);
            if !known {
                errors.push(FieldError::new(
                    "warehouse_code",
                    format!("unknown warehouse {code:?}; see GET /warehouses"),
                ));
            }
            known
        });
    let reference_number = ticket.required_str("reference_number", &mut errors);
    let rma_number = ticket.optional_str("rma_number", &mut errors);
    let order_number = ticket.optional_str("order_number", &mut errors);
    let carrier = ticket.optional_str("carrier", &mut errors);
    let memo = ticket.optional_str("memo", &mut errors);
    let tracking_numbers = read_tracking_numbers(&ticket, &mut errors);
    let expected_date = read_date(&ticket, "expected_date", &mut errors);
    let ship_from = read_address(&ticket, "ship_from", &mut errors);
    let lines = read_lines(&ticket, &mut errors);

    match (kind, warehouse_code, reference_number, lines) {
        (Some(kind), Some(warehouse_code), Some(reference_number), Some(lines))
            if errors.is_empty() =>
        {
            Ok(NewTicket {
                kind,
                warehouse_code,
                reference_number,
                rma_number,
                order_number,
                tracking_numbers,
                carrier,
                ship_from,
                memo,
                expected_date,
                lines,
            })
        }
        _ => Err(errors),
    }
}

fn read_tracking_numbers(ticket: &ObjectReader<'_>, errors: &mut Vec<FieldError>) -> Vec<String> {
    let Some(values) = ticket.optional_array("tracking_numbers", errors) else {
        return Vec::new();
    };
    let mut numbers = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        match value.as_str() {
            Some(number) if !number.trim().is_empty() => numbers.push(number.to_owned()),
            _ => errors.push(FieldError::new(
                ticket.element_path("tracking_numbers", index),
                "must be a non-blank string",
            )),
        }
    }
    numbers
}

fn read_date(
    ticket: &ObjectReader<'_>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let text = ticket.optional_str(name, errors)?;
    match Date::parse(&text, format_description!("[year]-[month]-[day]")) {
        Ok(_) => Some(text),
        Err(_) => {
            errors.push(FieldError::new(
                ticket.path_of(name),
                "must be a date as YYYY-MM-DD",
            ));
            None
        }
    }
}

fn read_address(
    ticket: &ObjectReader<'_>,
    name: &str,
    errors: &mut Vec<FieldError>,
) -> Option<Address> {
    let value = ticket.get(name)?;
    let reader = ObjectReader::new(value, ticket.path_of(name), errors)?;
    reader.deny_unknown(&Address::FIELDS, &[], errors);
    let mut address = Address::default();
    for field in Address::FIELDS {
        address.set(field, reader.optional_str(field, errors));
    }
    Some(address)
}

fn read_lines(ticket: &ObjectReader<'_>, errors: &mut Vec<FieldError>) -> Option<Vec<NewLine>> {
    let values = ticket.required_array("lines", errors)?;
    let mut lines = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let path = ticket.element_path("lines", index);
        let Some(line) = ObjectReader::new(value, path, errors) else {
            continue;
        };
        line.deny_unknown(&LINE_FIELDS, &LINE_READ_ONLY, errors);
        let sku = line.optional_str("sku", errors);
        let upc = line.optional_str("upc", errors);
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&sku) && blank(&upc) {
            errors.push(FieldError::new(
                line.path_of("sku"),
                "a line needs a sku or a upc",
            ));
        }
        let expected_quantity = line.required_u32("expected_quantity", 1, errors);
        let description = line.optional_str("description", errors);
        let return_reason_code = line.optional_str("return_reason_code", errors);
        if let Some(expected_quantity) = expected_quantity {
            lines.push(NewLine {
                sku: sku.filter(|s| !s.trim().is_empty()),
                upc: upc.filter(|s| !s.trim().is_empty()),
                description,
                expected_quantity,
                return_reason_code,
            });
        }
    }
    Some(lines)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::validate_new_ticket;

    #[test]
    fn a_minimal_request_is_accepted() {
        let body = json!({
            "type": "Test",
            "warehouse_code": "W1",
            "reference_number": "#1001-R1",
            "lines": [{"upc": "0001", "expected_quantity": 2}],
        });
        let ticket = validate_new_ticket(&body, |code| code == "W1").unwrap();
        assert_eq!(ticket.lines.len(), 1);
        assert_eq!(ticket.lines[0].sku, None);
        assert!(ticket.tracking_numbers.is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let body = json!({
            "type": "Exchange",
            "warehouse_code": "NOPE",
            "reference_number": " ",
            "expected_date": "22/11/2026",
            "tracking_number": "1Z",
            "ship_from": {"zip": 7004},
            "lines": [
                {"sku": "A", "expected_quantity": 0},
                {"expected_quantity": 1},
                {"sku": "B", "expected_quantity": 1, "received_quantity": 1},
            ],
        });
        let errors = validate_new_ticket(&body, |code| code == "W1").unwrap_err();
        let mut fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "expected_date",
                "lines[0].expected_quantity",
                "lines[1].sku",
                "lines[2].received_quantity",
                "reference_number",
                "ship_from.zip",
                "tracking_number",
                "type",
                "warehouse_code",
            ]
        );
    }
}
