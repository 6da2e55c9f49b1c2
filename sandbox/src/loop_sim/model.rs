//! The stored return, how it is read from a seed object, and how it is
//! rendered into the shape each Loop surface serves.

use std::fmt;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::time_fmt;

/// A Loop return state (spec §6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnState {
    /// Outcomes not yet fully processed; the only state most actions accept.
    Open,
    /// Processed, closed by hand, or emptied by Remove Line Items.
    Closed,
    /// Cancelled; the items can be returned again.
    Cancelled,
    /// Never sent back.
    Expired,
    /// Flagged, "Needs Review".
    Review,
}

impl ReturnState {
    /// Every state, in the order of the internal indexes.
    pub const ALL: [ReturnState; 5] = [
        ReturnState::Open,
        ReturnState::Closed,
        ReturnState::Cancelled,
        ReturnState::Expired,
        ReturnState::Review,
    ];

    /// The states the Detailed Returns List serves when no `state` is given.
    pub(super) const LIST_DEFAULT: [ReturnState; 3] =
        [ReturnState::Open, ReturnState::Closed, ReturnState::Expired];

    /// The wire name (`open`, `closed`, `cancelled`, `expired`, `review`).
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnState::Open => "open",
            ReturnState::Closed => "closed",
            ReturnState::Cancelled => "cancelled",
            ReturnState::Expired => "expired",
            ReturnState::Review => "review",
        }
    }

    /// Parses a wire name; also accepts `needs review`, the older webhook
    /// spelling of `review`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(ReturnState::Open),
            "closed" => Some(ReturnState::Closed),
            "cancelled" => Some(ReturnState::Cancelled),
            "expired" => Some(ReturnState::Expired),
            "review" | "needs review" => Some(ReturnState::Review),
            _ => None,
        }
    }

    /// Position in [`ReturnState::ALL`].
    pub(super) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for ReturnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a seed object could not be stored as a return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InsertReturnError {
    /// The value is not a JSON object.
    NotAnObject,
    /// A field has a value the simulator cannot use.
    InvalidField {
        /// JSON path of the field, e.g. `line_items[2].line_item_id`.
        field: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A line item id is already used by another return.
    DuplicateLineItem {
        /// The line item id.
        line_item_id: u64,
        /// The return that already holds it.
        held_by: u64,
    },
}

impl fmt::Display for InsertReturnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InsertReturnError::NotAnObject => f.write_str("a Loop return must be a JSON object"),
            InsertReturnError::InvalidField { field, reason } => {
                write!(f, "invalid Loop return field `{field}`: {reason}")
            }
            InsertReturnError::DuplicateLineItem {
                line_item_id,
                held_by,
            } => write!(
                f,
                "line item {line_item_id} already belongs to return {held_by}"
            ),
        }
    }
}

impl std::error::Error for InsertReturnError {}

/// Where a rendered return is served; each surface has its own id and
/// timestamp conventions (spec §3, §6.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Surface {
    /// Detailed Returns List: string ids, `2023-01-01T22:27:15.000Z`.
    List,
    /// Get Return Details: integer ids, `2023-08-22 14:08:31`.
    Details,
    /// Return webhook: integer ids, `2025-03-04T15:12:09Z`, `"N/A"` carrier
    /// and tracking number until assigned, numeric refund amounts.
    Webhook,
}

impl Surface {
    fn ids_as_strings(self) -> bool {
        self == Surface::List
    }

    fn timestamp(self, t: OffsetDateTime) -> Value {
        Value::String(match self {
            Surface::List => time_fmt::iso_millis(t),
            Surface::Details => time_fmt::space_separated(t),
            Surface::Webhook => time_fmt::iso_seconds(t),
        })
    }
}

/// Top-level id fields whose JSON type changes between surfaces.
const RETURN_ID_FIELDS: [&str; 2] = ["order_id", "provider_order_id"];
/// Line-item id fields whose JSON type changes between surfaces.
const LINE_ID_FIELDS: [&str; 3] = ["provider_line_item_id", "product_id", "variant_id"];
/// Fields the simulator owns; a seed's values for them are read, not copied.
const OWNED_FIELDS: [&str; 7] = [
    "id",
    "state",
    "created_at",
    "updated_at",
    "edited_at",
    "closed_at",
    "line_items",
];

/// One line item of a stored return.
#[derive(Clone, Debug)]
pub(super) struct LineItem {
    /// Loop `line_item_id`.
    pub id: u64,
    /// Every other field, as seeded (plus `condition` / `disposition` once graded).
    pub fields: Map<String, Value>,
}

impl LineItem {
    /// Whether Remove Line Items may remove it: only refund or store-credit
    /// items qualify (spec §4.5), so an item with an exchange variant or an
    /// exchange outcome does not.
    pub fn is_refund_or_credit(&self) -> bool {
        let exchanged = self
            .fields
            .get("exchange_variant")
            .is_some_and(|v| !is_blank(v));
        let outcome = self.fields.get("outcome").and_then(Value::as_str);
        !exchanged && !matches!(outcome, Some("exchange" | "upsell"))
    }
}

/// A note on a return's timeline.
#[derive(Clone, Debug)]
pub(super) struct Note {
    pub id: u64,
    pub content: String,
    pub created_at: OffsetDateTime,
}

impl Note {
    pub fn render(&self) -> Value {
        json!({
            "id": self.id,
            "content": self.content,
            "created_at": time_fmt::iso_seconds(self.created_at),
        })
    }
}

/// A return as the simulator keeps it.
#[derive(Clone, Debug)]
pub(super) struct StoredReturn {
    pub id: u64,
    pub state: ReturnState,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    /// When the return last became closed (ASN `closed_at`).
    pub closed_at: Option<OffsetDateTime>,
    pub line_items: Vec<LineItem>,
    pub notes: Vec<Note>,
    /// Every other seeded field, kept as given.
    pub fields: Map<String, Value>,
}

/// Supplies ids for seeds that leave them out.
pub(super) trait IdSource {
    fn next_return_id(&mut self) -> u64;
    fn next_line_item_id(&mut self) -> u64;
}

impl StoredReturn {
    /// Reads a Return object (spec §6) seeded by a test or a scenario. Ids
    /// may be strings or integers; timestamps any documented form; a missing
    /// `state` means `open`, missing timestamps mean `now`, missing ids are
    /// allocated.
    pub fn from_seed(
        seed: Value,
        now: OffsetDateTime,
        ids: &mut impl IdSource,
    ) -> Result<Self, InsertReturnError> {
        let Value::Object(mut fields) = seed else {
            return Err(InsertReturnError::NotAnObject);
        };
        let id = match fields.get("id") {
            None | Some(Value::Null) => ids.next_return_id(),
            Some(v) => id_of(v).ok_or_else(|| invalid("id", "not an integer id"))?,
        };
        let state = match fields.get("state") {
            None | Some(Value::Null) => ReturnState::Open,
            Some(v) => v
                .as_str()
                .and_then(ReturnState::parse)
                .ok_or_else(|| invalid("state", "not a Loop return state"))?,
        };
        let created_at = timestamp_field(&fields, "created_at")?.unwrap_or(now);
        let updated_at = timestamp_field(&fields, "updated_at")?.unwrap_or(created_at);
        let edited_at = timestamp_field(&fields, "edited_at")?;
        let closed_at = match timestamp_field(&fields, "closed_at")? {
            Some(t) => Some(t),
            None => (state == ReturnState::Closed).then_some(updated_at),
        };
        let line_items = match fields.remove("line_items") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| line_item_from_seed(i, item, ids))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(invalid("line_items", "not an array")),
        };
        for key in OWNED_FIELDS {
            fields.remove(key);
        }
        Ok(StoredReturn {
            id,
            state,
            created_at,
            updated_at,
            edited_at,
            closed_at,
            line_items,
            notes: Vec::new(),
            fields,
        })
    }

    /// Order ids a Get Return Details `order_id` may name: the Loop
    /// `order_id` and the Shopify `provider_order_id`.
    pub fn order_ids(&self) -> impl Iterator<Item = u64> + '_ {
        RETURN_ID_FIELDS
            .iter()
            .filter_map(|key| self.fields.get(*key).and_then(id_of))
    }

    /// The order name without a leading `#`, as Get Return Details matches it.
    pub fn order_name_key(&self) -> Option<String> {
        self.fields
            .get("order_name")
            .and_then(Value::as_str)
            .map(order_name_key)
    }

    /// The return in the shape `surface` serves.
    pub fn render(&self, surface: Surface) -> Value {
        let mut out = self.fields.clone();
        out.insert("id".into(), id_value(self.id, surface));
        out.insert("state".into(), self.state.as_str().into());
        out.insert("created_at".into(), surface.timestamp(self.created_at));
        out.insert("updated_at".into(), surface.timestamp(self.updated_at));
        out.insert(
            "edited_at".into(),
            self.edited_at.map_or(Value::Null, |t| surface.timestamp(t)),
        );
        retype_ids(&mut out, &RETURN_ID_FIELDS, surface);
        let items = self
            .line_items
            .iter()
            .map(|item| {
                let mut fields = item.fields.clone();
                fields.insert("line_item_id".into(), id_value(item.id, surface));
                retype_ids(&mut fields, &LINE_ID_FIELDS, surface);
                Value::Object(fields)
            })
            .collect();
        out.insert("line_items".into(), Value::Array(items));
        retype_refund_amounts(&mut out, surface);
        if surface == Surface::Webhook {
            for key in ["carrier", "tracking_number"] {
                if out.get(key).is_none_or(is_blank) {
                    out.insert(key.into(), "N/A".into());
                }
            }
        }
        Value::Object(out)
    }
}

/// Reads an id given as an integer or a string of digits.
pub(super) fn id_of(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `#1001` and `1001` name the same order.
pub(super) fn order_name_key(name: &str) -> String {
    name.trim().trim_start_matches('#').to_owned()
}

/// `null`, `""` and `"N/A"` all mean "absent" in Loop payloads.
fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty() || s == "N/A",
        _ => false,
    }
}

fn invalid(field: impl Into<String>, reason: &'static str) -> InsertReturnError {
    InsertReturnError::InvalidField {
        field: field.into(),
        reason,
    }
}

fn timestamp_field(
    fields: &Map<String, Value>,
    key: &str,
) -> Result<Option<OffsetDateTime>, InsertReturnError> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => time_fmt::parse(text)
            .map(Some)
            .ok_or_else(|| invalid(key, "not a documented timestamp form")),
        Some(_) => Err(invalid(key, "not a string")),
    }
}

fn line_item_from_seed(
    index: usize,
    item: Value,
    ids: &mut impl IdSource,
) -> Result<LineItem, InsertReturnError> {
    let Value::Object(mut fields) = item else {
        return Err(invalid(format!("line_items[{index}]"), "not an object"));
    };
    let id = match fields.remove("line_item_id") {
        None | Some(Value::Null) => ids.next_line_item_id(),
        Some(v) => id_of(&v).ok_or_else(|| {
            invalid(
                format!("line_items[{index}].line_item_id"),
                "not an integer id",
            )
        })?,
    };
    Ok(LineItem { id, fields })
}

fn id_value(id: u64, surface: Surface) -> Value {
    if surface.ids_as_strings() {
        Value::String(id.to_string())
    } else {
        Value::from(id)
    }
}

/// Turns numeric ids into strings (list) or digit strings into integers
/// (details, webhook); anything else is left as seeded.
fn retype_ids(fields: &mut Map<String, Value>, keys: &[&str], surface: Surface) {
    for key in keys {
        if let Some(value) = fields.get_mut(*key)
            && let Some(id) = id_of(value)
        {
            *value = id_value(id, surface);
        }
    }
}

/// `refunds[].amount` is a string in Get Return Details and a number in the
/// Return webhook (spec §6.1).
fn retype_refund_amounts(fields: &mut Map<String, Value>, surface: Surface) {
    let Some(Value::Array(refunds)) = fields.get_mut("refunds") else {
        return;
    };
    for amount in refunds.iter_mut().filter_map(|r| r.get_mut("amount")) {
        let retyped = match (&*amount, surface) {
            (Value::String(s), Surface::Webhook) => s
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number),
            (Value::Number(n), Surface::List | Surface::Details) => {
                Some(Value::String(n.to_string()))
            }
            _ => None,
        };
        if let Some(retyped) = retyped {
            *amount = retyped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    struct Counter(u64);
    impl IdSource for Counter {
        fn next_return_id(&mut self) -> u64 {
            self.0 += 1;
            self.0
        }
        fn next_line_item_id(&mut self) -> u64 {
            self.0 += 1;
            self.0
        }
    }

    fn seed() -> StoredReturn {
        StoredReturn::from_seed(
            json!({
                "id": "40211877",
                "created_at": "2025-03-04 15:12:09",
                "order_id": 88120045,
                "provider_order_id": "5987712334",
                "order_name": "#10452",
                "refunds": [{"amount": "49.00"}],
                "line_items": [{"line_item_id": 55120931, "product_id": "8011223344", "sku": "A"}]
            }),
            datetime!(2025-03-10 0:00 UTC),
            &mut Counter(0),
        )
        .expect("valid seed")
    }

    #[test]
    fn list_uses_strings_and_millisecond_timestamps() {
        let list = seed().render(Surface::List);
        assert_eq!(list["id"], "40211877");
        assert_eq!(list["order_id"], "88120045");
        assert_eq!(list["state"], "open");
        assert_eq!(list["created_at"], "2025-03-04T15:12:09.000Z");
        assert_eq!(list["line_items"][0]["line_item_id"], "55120931");
        assert_eq!(list["line_items"][0]["product_id"], "8011223344");
        assert_eq!(list["refunds"][0]["amount"], "49.00");
    }

    #[test]
    fn details_and_webhook_use_integers() {
        let r = seed();
        let details = r.render(Surface::Details);
        assert_eq!(details["id"], 40211877);
        assert_eq!(details["provider_order_id"], 5987712334_u64);
        assert_eq!(details["created_at"], "2025-03-04 15:12:09");
        let hook = r.render(Surface::Webhook);
        assert_eq!(hook["line_items"][0]["line_item_id"], 55120931);
        assert_eq!(hook["created_at"], "2025-03-04T15:12:09Z");
        assert_eq!(hook["carrier"], "N/A");
        assert_eq!(hook["refunds"][0]["amount"], 49.0);
    }

    #[test]
    fn seeds_are_validated() {
        let now = datetime!(2025-03-10 0:00 UTC);
        let bad_state = StoredReturn::from_seed(json!({"state": "lost"}), now, &mut Counter(0));
        assert!(matches!(
            bad_state,
            Err(InsertReturnError::InvalidField { ref field, .. }) if field == "state"
        ));
        let defaults = StoredReturn::from_seed(json!({}), now, &mut Counter(7)).expect("empty");
        assert_eq!((defaults.id, defaults.state), (8, ReturnState::Open));
        assert_eq!(defaults.created_at, now);
        assert_eq!(
            StoredReturn::from_seed(json!([1]), now, &mut Counter(0)).unwrap_err(),
            InsertReturnError::NotAnObject
        );
    }

    #[test]
    fn exchanged_items_do_not_qualify_for_removal() {
        let item = |fields: Value| LineItem {
            id: 1,
            fields: fields.as_object().cloned().unwrap_or_default(),
        };
        assert!(item(json!({"exchange_variant": ""})).is_refund_or_credit());
        assert!(item(json!({"outcome": "default"})).is_refund_or_credit());
        assert!(!item(json!({"exchange_variant": "4411"})).is_refund_or_credit());
        assert!(!item(json!({"outcome": "exchange"})).is_refund_or_credit());
    }
}
