//! The platform-neutral return: what a customer sends back, line by line and
//! parcel by parcel.
//!
//! Returns-platform clients (Loop, …) convert their own return objects into
//! [`Return`]; nothing in this module knows about any vendor.

use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::settings::ProductIdentification;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an identifier exactly as the returns platform gave it.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The identifier as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the identifier.
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::new(id)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id! {
    /// The returns platform's id of a return (Loop: the return `id`).
    ///
    /// Kept as an opaque string because platforms disagree on whether ids are
    /// numbers or strings. It is sent to the warehouse as the RMA number and is
    /// part of every [`ReferenceNumber`](crate::ReferenceNumber).
    ReturnId
}

string_id! {
    /// The returns platform's id of one return line (Loop: `line_item_id`).
    ///
    /// This is the id a partial decision hands back so that the client can
    /// remove the line (Loop's *Remove Line Items* action).
    LineId
}

/// The key under which the warehouse knows an item: its SKU or its barcode.
///
/// Which one is used is chosen by
/// [`ProductIdentification`] in the settings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum ItemKey {
    /// Matched against the warehouse item master by SKU.
    Sku(String),
    /// Matched by barcode (UPC/EAN), CloudX's `upc` field.
    Barcode(String),
}

impl ItemKey {
    /// The identifier itself, without saying which kind it is.
    pub fn value(&self) -> &str {
        match self {
            Self::Sku(value) | Self::Barcode(value) => value,
        }
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sku(sku) => write!(f, "SKU {sku}"),
            Self::Barcode(barcode) => write!(f, "barcode {barcode}"),
        }
    }
}

/// A return as the returns platform knows it, independent of any vendor.
///
/// Build one with [`Return::new`] and the `with_*` methods:
///
/// ```
/// use returns_core::{Return, ReturnLine, ReturnShipment};
/// use time::macros::datetime;
///
/// let ret = Return::new("40211877", "#10452", "10452", datetime!(2025-03-04 15:12:09 UTC))
///     .with_sales_channel("Online Store")
///     .with_line(ReturnLine::new("55120931").with_sku("LS-SAND-M"))
///     .with_shipment(ReturnShipment::new(["55120931"]).with_tracking("DHL", "00340434161234567890"));
/// assert_eq!(ret.lines.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Return {
    /// The platform's return id; becomes the ASN's RMA number.
    pub id: ReturnId,
    /// The order name shown to people (Shopify style `#1001`).
    pub order_name: String,
    /// The order number (`1001`), sent to the warehouse as the order number.
    pub order_number: String,
    /// The sales channel the order was placed in, when the platform reports it.
    /// Used only for [channel exclusion](crate::exclusion).
    #[serde(default)]
    pub sales_channel: Option<String>,
    /// When the customer created the return. (The "not arrived after N
    /// days" rule does not count from here but from an
    /// [`ArrivalClock`](crate::ArrivalClock): the warehouse cannot expect a
    /// parcel before its ASN exists.)
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The customer's email address, when known.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// The returned lines.
    #[serde(default)]
    pub lines: Vec<ReturnLine>,
    /// The parcels the lines travel in. Empty means one shipment carrying
    /// every line (see [`Return::effective_shipments`]).
    #[serde(default)]
    pub shipments: Vec<ReturnShipment>,
}

impl Return {
    /// A return with no channel, no email, no lines and no shipments yet.
    pub fn new(
        id: impl Into<ReturnId>,
        order_name: impl Into<String>,
        order_number: impl Into<String>,
        created_at: OffsetDateTime,
    ) -> Self {
        Self {
            id: id.into(),
            order_name: order_name.into(),
            order_number: order_number.into(),
            sales_channel: None,
            created_at,
            customer_email: None,
            lines: Vec::new(),
            shipments: Vec::new(),
        }
    }

    /// Sets the sales channel the order came from.
    #[must_use]
    pub fn with_sales_channel(mut self, channel: impl Into<String>) -> Self {
        self.sales_channel = Some(channel.into());
        self
    }

    /// Sets the customer's email address.
    #[must_use]
    pub fn with_customer_email(mut self, email: impl Into<String>) -> Self {
        self.customer_email = Some(email.into());
        self
    }

    /// Appends a line.
    #[must_use]
    pub fn with_line(mut self, line: ReturnLine) -> Self {
        self.lines.push(line);
        self
    }

    /// Appends a shipment.
    #[must_use]
    pub fn with_shipment(mut self, shipment: ReturnShipment) -> Self {
        self.shipments.push(shipment);
        self
    }

    /// The shipments as the mapping sees them: the listed ones, or — when
    /// none is listed — a single shipment without carrier or tracking number
    /// that carries every line (each distinct line id once).
    ///
    /// Rationale: a platform often creates the return before any label exists,
    /// and the warehouse still needs to expect the parcel.
    pub fn effective_shipments(&self) -> Vec<ReturnShipment> {
        if self.shipments.is_empty() {
            let mut seen = HashSet::with_capacity(self.lines.len());
            let ids = self
                .lines
                .iter()
                .filter(|line| seen.insert(&line.id))
                .map(|line| line.id.clone());
            vec![ReturnShipment::new(ids)]
        } else {
            self.shipments.clone()
        }
    }

    /// The line with the given id, if the return has one.
    pub fn line(&self, id: &LineId) -> Option<&ReturnLine> {
        self.lines.iter().find(|line| &line.id == id)
    }
}

/// One returned line: an item and how many units of it come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReturnLine {
    /// The platform's line id (Loop: `line_item_id`).
    pub id: LineId,
    /// The item's SKU, when the platform has one. Blank counts as missing.
    #[serde(default)]
    pub sku: Option<String>,
    /// The item's barcode (UPC/EAN), when the platform has one. Blank counts
    /// as missing (Loop sends `""` for products without a barcode).
    #[serde(default)]
    pub barcode: Option<String>,
    /// The product title, for people reading the ASN.
    #[serde(default)]
    pub title: String,
    /// Units returned on this line, at least one; 1 when absent from JSON.
    /// Loop has no quantity field (each unit is its own line item), so its
    /// client sends 1.
    #[serde(default = "one_unit")]
    pub quantity: NonZeroU32,
    /// The customer's return reason, free text.
    #[serde(default)]
    pub reason: Option<String>,
}

impl ReturnLine {
    /// A line of one unit with the given id and no identifiers yet.
    ///
    /// One unit is the common case (Loop has one line item per unit); use
    /// [`ReturnLine::with_quantity`] for more.
    pub fn new(id: impl Into<LineId>) -> Self {
        Self {
            id: id.into(),
            sku: None,
            barcode: None,
            title: String::new(),
            quantity: NonZeroU32::MIN,
            reason: None,
        }
    }

    /// The identifier the settings ask for, trimmed; `None` when it is
    /// missing or blank.
    pub fn item_key(&self, identification: ProductIdentification) -> Option<ItemKey> {
        let value = self.item_value(identification)?.to_owned();
        Some(match identification {
            ProductIdentification::Sku => ItemKey::Sku(value),
            ProductIdentification::Barcode => ItemKey::Barcode(value),
        })
    }

    /// What [`ReturnLine::item_key`] holds, borrowed: checking or grouping
    /// lines needs no copy of the identifier.
    pub(crate) fn item_value(&self, identification: ProductIdentification) -> Option<&str> {
        let value = match identification {
            ProductIdentification::Sku => self.sku.as_deref(),
            ProductIdentification::Barcode => self.barcode.as_deref(),
        }
        .map(crate::text::trim)?;
        (!value.is_empty()).then_some(value)
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

    /// Sets the product title.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Sets the quantity.
    #[must_use]
    pub fn with_quantity(mut self, quantity: NonZeroU32) -> Self {
        self.quantity = quantity;
        self
    }

    /// Sets the customer's return reason.
    #[must_use]
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

fn one_unit() -> NonZeroU32 {
    NonZeroU32::MIN
}

/// One parcel of a return: how it travels and which lines are inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReturnShipment {
    /// The carrier, when known. Clients map placeholders such as Loop's
    /// `"N/A"` to `None`.
    #[serde(default)]
    pub carrier: Option<String>,
    /// The tracking number, when known.
    #[serde(default)]
    pub tracking_number: Option<String>,
    /// The platform's id of the shipping label, when it gives one. With the
    /// tracking number, it identifies the shipment in its
    /// [`ReferenceNumber`](crate::ReferenceNumber) (see
    /// [`ShipmentKey`](crate::ShipmentKey)), so that the reference does not
    /// depend on the order the platform lists labels in.
    #[serde(default)]
    pub label_id: Option<String>,
    /// The ids of the return lines in this parcel.
    pub line_ids: Vec<LineId>,
}

impl ReturnShipment {
    /// A shipment carrying the given lines, without carrier, tracking or
    /// label id.
    pub fn new<I, L>(line_ids: I) -> Self
    where
        I: IntoIterator<Item = L>,
        L: Into<LineId>,
    {
        Self {
            carrier: None,
            tracking_number: None,
            label_id: None,
            line_ids: line_ids.into_iter().map(Into::into).collect(),
        }
    }

    /// Sets carrier and tracking number.
    #[must_use]
    pub fn with_tracking(
        mut self,
        carrier: impl Into<String>,
        tracking_number: impl Into<String>,
    ) -> Self {
        self.carrier = Some(carrier.into());
        self.tracking_number = Some(tracking_number.into());
        self
    }

    /// Sets the carrier only.
    #[must_use]
    pub fn with_carrier(mut self, carrier: impl Into<String>) -> Self {
        self.carrier = Some(carrier.into());
        self
    }

    /// Sets the tracking number only.
    #[must_use]
    pub fn with_tracking_number(mut self, tracking_number: impl Into<String>) -> Self {
        self.tracking_number = Some(tracking_number.into());
        self
    }

    /// Sets the platform's label id.
    #[must_use]
    pub fn with_label_id(mut self, label_id: impl Into<String>) -> Self {
        self.label_id = Some(label_id.into());
        self
    }
}
