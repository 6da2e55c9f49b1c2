//! The body of `POST /_sim/receiving-tickets/{id}/receive` (spec §2.5).

use serde_json::Value;

use super::error::FieldError;
use super::fields::ObjectReader;

/// How a count names its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LineKey {
    LineId(String),
    Sku(String),
    Upc(String),
}

/// Counts for one line. Damaged units are part of the received ones.
#[derive(Clone, Debug)]
pub(crate) struct LineCount {
    pub(crate) key: LineKey,
    pub(crate) received_quantity: u32,
    pub(crate) damaged_quantity: u32,
    pub(crate) condition: Option<String>,
}

/// Counts to record, and whether they are final (`AddedToInventory`) or
/// partial (`CountingInProgress`).
#[derive(Clone, Debug)]
pub(crate) struct ReceiveRequest {
    pub(crate) lines: Vec<LineCount>,
    pub(crate) is_final: bool,
}

const KEYS: [&str; 3] = ["line_id", "sku", "upc"];

/// Reads the receive body. Each line names its line by exactly one of
/// `line_id`, `sku`, `upc`; `received_quantity` is required,
/// `damaged_quantity` defaults to 0 and may not exceed it; `final` defaults
/// to true. An empty `lines` list only moves the status.
pub(crate) fn parse_receive(body: &Value) -> Result<ReceiveRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(request) = ObjectReader::new(body, String::new(), &mut errors) else {
        return Err(errors);
    };
    request.deny_unknown(&["lines", "final"], &[], &mut errors);
    let is_final = request.optional_bool("final", &mut errors).unwrap_or(true);
    let empty = Vec::new();
    let values = match request.get("lines") {
        None => {
            errors.push(FieldError::new("lines", "is required"));
            &empty
        }
        Some(_) => request
            .optional_array("lines", &mut errors)
            .unwrap_or(&empty),
    };
    let mut lines = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let path = request.element_path("lines", index);
        let Some(line) = ObjectReader::new(value, path, &mut errors) else {
            continue;
        };
        line.deny_unknown(
            &[
                "line_id",
                "sku",
                "upc",
                "received_quantity",
                "damaged_quantity",
                "condition",
            ],
            &[],
            &mut errors,
        );
        let keys: Vec<&str> = KEYS.into_iter().filter(|k| line.get(k).is_some()).collect();
        let key = match keys.as_slice() {
            [name] => line
                .required_str(name, &mut errors)
                .map(|value| match *name {
                    "line_id" => LineKey::LineId(value),
                    "sku" => LineKey::Sku(value),
                    _ => LineKey::Upc(value),
                }),
            _ => {
                errors.push(FieldError::new(
                    line.path_of("line_id"),
                    "give exactly one of line_id, sku, upc",
                ));
                None
            }
        };
        let received = line.required_u32("received_quantity", 0, &mut errors);
        let damaged = line
            .optional_u32("damaged_quantity", 0, &mut errors)
            .unwrap_or(0);
        let condition = line.optional_str("condition", &mut errors);
        if let Some(received) = received {
            if damaged > received {
                errors.push(FieldError::new(
                    line.path_of("damaged_quantity"),
                    "cannot exceed received_quantity (damaged units are counted as received)",
                ));
            }
            if let Some(key) = key {
                lines.push(LineCount {
                    key,
                    received_quantity: received,
                    damaged_quantity: damaged,
                    condition,
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(ReceiveRequest { lines, is_final })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{LineKey, parse_receive};

    #[test]
    fn reads_counts_and_defaults() {
        let body = json!({"lines": [{"sku": "A", "received_quantity": 2}]});
        let request = parse_receive(&body).unwrap();
        assert!(request.is_final);
        assert_eq!(request.lines[0].key, LineKey::Sku("A".to_owned()));
        assert_eq!(request.lines[0].damaged_quantity, 0);
    }

    #[test]
    fn rejects_ambiguous_keys_and_impossible_counts() {
        let body = json!({"final": "no", "lines": [
            {"sku": "A", "upc": "1", "received_quantity": 1},
            {"line_id": "X-1", "received_quantity": 1, "damaged_quantity": 2},
        ]});
        let errors = parse_receive(&body).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["final", "lines[0].line_id", "lines[1].damaged_quantity"]
        );
    }
}
