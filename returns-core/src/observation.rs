//! What the warehouse reports about one ASN: its phase, per-line counts and
//! times.
//!
//! Warehouse clients (CloudX: a receiving ticket) convert their ticket into a
//! [`ShipmentObservation`]; [`evaluate_receipt`](crate::evaluate_receipt)
//! judges a return's observations against its drafts.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::ItemKey;
use crate::reference::ReferenceNumber;

/// Where an ASN stands at the warehouse, coarsely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivingPhase {
    /// Created; the parcel has not arrived (CloudX `Draft`, `PendingCSR`).
    Open,
    /// The parcel is in, not yet counted.
    Arrived,
    /// Being counted or stowed; counts may be partial.
    Receiving,
    /// Terminal: counts are final (CloudX `AddedToInventory`).
    Received,
    /// Terminal: the ASN was cancelled.
    Cancelled,
    /// A status the warehouse client did not recognise. Never terminal:
    /// deciding on an unknown state would be guessing.
    Unknown,
}

impl ReceivingPhase {
    /// Whether the warehouse is done with the ASN (received or cancelled).
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Received | Self::Cancelled)
    }

    /// Whether this phase implies the parcel reached the warehouse.
    pub fn implies_arrival(self) -> bool {
        matches!(self, Self::Arrived | Self::Receiving | Self::Received)
    }

    /// A lowercase name for notes and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Arrived => "arrived",
            Self::Receiving => "receiving",
            Self::Received => "received",
            Self::Cancelled => "cancelled",
            Self::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ReceivingPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The warehouse's report on one ASN, matched to its draft by reference
/// number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShipmentObservation {
    /// The reference number of the ASN this report is about.
    pub reference_number: ReferenceNumber,
    /// Where the ASN stands.
    pub phase: ReceivingPhase,
    /// When the parcel arrived, if it has.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub arrived_at: Option<OffsetDateTime>,
    /// When the units were added to inventory, if they have been.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub received_at: Option<OffsetDateTime>,
    /// Per-line counts. Several lines for the same item are added up.
    #[serde(default)]
    pub lines: Vec<ObservedLine>,
}

impl ShipmentObservation {
    /// A report with no times and no lines yet.
    pub fn new(reference_number: ReferenceNumber, phase: ReceivingPhase) -> Self {
        Self {
            reference_number,
            phase,
            arrived_at: None,
            received_at: None,
            lines: Vec::new(),
        }
    }

    /// Sets the arrival time.
    #[must_use]
    pub fn with_arrived_at(mut self, at: OffsetDateTime) -> Self {
        self.arrived_at = Some(at);
        self
    }

    /// Sets the time the units were added to inventory.
    #[must_use]
    pub fn with_received_at(mut self, at: OffsetDateTime) -> Self {
        self.received_at = Some(at);
        self
    }

    /// Appends a line.
    #[must_use]
    pub fn with_line(mut self, line: ObservedLine) -> Self {
        self.lines.push(line);
        self
    }

    /// Whether the parcel reached the warehouse: an arrival time is set, or
    /// the phase implies it.
    pub fn has_arrived(&self) -> bool {
        self.arrived_at.is_some() || self.phase.implies_arrival()
    }
}

/// The warehouse's counts for one line of an ASN.
///
/// `received` counts every unit that arrived, damaged ones included;
/// `damaged` says how many of those are not sellable. A report with more
/// damaged than received units is read as `damaged` units arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ObservedLine {
    /// The SKU the warehouse reports, if any.
    #[serde(default)]
    pub sku: Option<String>,
    /// The barcode (UPC) the warehouse reports, if any.
    #[serde(default)]
    pub barcode: Option<String>,
    /// Units counted, damaged ones included.
    #[serde(default)]
    pub received: u32,
    /// Units counted as damaged or defective.
    #[serde(default)]
    pub damaged: u32,
    /// The condition the warehouse recorded, if any.
    #[serde(default)]
    pub condition: Option<ItemCondition>,
}

impl ObservedLine {
    /// Counts for the item with the given key (its SKU or barcode is set
    /// accordingly).
    pub fn new(item: &ItemKey, received: u32, damaged: u32) -> Self {
        let (sku, barcode) = match item {
            ItemKey::Sku(sku) => (Some(sku.clone()), None),
            ItemKey::Barcode(barcode) => (None, Some(barcode.clone())),
        };
        Self::from_identifiers(sku, barcode, received, damaged)
    }

    /// Counts for a line identified by whatever the warehouse reported: a
    /// SKU, a barcode, both or neither (as warehouse tickets allow).
    pub fn from_identifiers(
        sku: Option<String>,
        barcode: Option<String>,
        received: u32,
        damaged: u32,
    ) -> Self {
        Self {
            sku,
            barcode,
            received,
            damaged,
            condition: None,
        }
    }

    /// Sets the SKU.
    #[must_use]
    pub fn with_sku(mut self, sku: impl Into<String>) -> Self {
        self.sku = Some(sku.into());
        self
    }

    /// Sets the barcode.
    #[must_use]
    pub fn with_barcode(mut self, barcode: impl Into<String>) -> Self {
        self.barcode = Some(barcode.into());
        self
    }

    /// Sets the condition.
    #[must_use]
    pub fn with_condition(mut self, condition: ItemCondition) -> Self {
        self.condition = Some(condition);
        self
    }

    /// Whether this line reports the given item: its SKU or barcode (per
    /// the key's kind) equals the key, ignoring surrounding whitespace.
    pub fn matches(&self, item: &ItemKey) -> bool {
        let reported = match item {
            ItemKey::Sku(_) => self.sku.as_deref(),
            ItemKey::Barcode(_) => self.barcode.as_deref(),
        };
        reported.is_some_and(|value| crate::text::trim(value) == item.value())
    }

    /// The item as the warehouse identified it, preferring the kind of
    /// `preferred`; `None` when the warehouse gave no identifier.
    pub fn item_key(&self, preferred: &ItemKey) -> Option<ItemKey> {
        let sku = non_blank(self.sku.as_deref()).map(ItemKey::Sku);
        let barcode = non_blank(self.barcode.as_deref()).map(ItemKey::Barcode);
        match preferred {
            ItemKey::Sku(_) => sku.or(barcode),
            ItemKey::Barcode(_) => barcode.or(sku),
        }
    }

    /// Units that arrived: `received`, or `damaged` if the warehouse
    /// reported more damaged than received units.
    pub fn arrived_units(&self) -> u32 {
        self.received.max(self.damaged)
    }

    /// Units to treat as damaged: the damaged count, or every arrived unit
    /// when the condition says damaged/defective but no count was given.
    pub fn damaged_units(&self) -> u32 {
        match self.condition {
            Some(ItemCondition::Damaged | ItemCondition::Defective) if self.damaged == 0 => {
                self.arrived_units()
            }
            _ => self.damaged,
        }
    }
}

fn non_blank(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// The condition a warehouse recorded for a line.
///
/// Parsed case-insensitively from the warehouse's text; anything else is
/// kept in [`ItemCondition::Other`]. Serialized as the plain string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum ItemCondition {
    /// Fit for resale.
    Sellable,
    /// Damaged.
    Damaged,
    /// Defective.
    Defective,
    /// Not the item that was announced.
    WrongItem,
    /// Any other condition, as reported. Evaluation flags it for a person,
    /// except a blank value, which counts as no condition.
    Other(String),
}

impl ItemCondition {
    /// Parses a warehouse condition; never fails.
    pub fn parse(value: &str) -> Self {
        let normalized: String = value
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        match normalized.as_str() {
            "sellable" => Self::Sellable,
            "damaged" => Self::Damaged,
            "defective" => Self::Defective,
            "wrongitem" => Self::WrongItem,
            _ => Self::Other(value.to_owned()),
        }
    }

    /// The condition's name (`"Sellable"`, …, or the raw text).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Sellable => "Sellable",
            Self::Damaged => "Damaged",
            Self::Defective => "Defective",
            Self::WrongItem => "WrongItem",
            Self::Other(raw) => raw,
        }
    }
}

impl fmt::Display for ItemCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for ItemCondition {
    fn from(value: String) -> Self {
        Self::parse(&value)
    }
}

impl From<&str> for ItemCondition {
    fn from(value: &str) -> Self {
        Self::parse(value)
    }
}

impl From<ItemCondition> for String {
    fn from(condition: ItemCondition) -> Self {
        condition.as_str().to_owned()
    }
}
