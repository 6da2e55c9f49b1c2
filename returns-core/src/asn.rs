//! The ASN draft: what the warehouse should expect for one return shipment.
//!
//! Warehouse clients (CloudX: a *receiving ticket*) turn an [`AsnDraft`] into
//! their create request. Drafts are produced by
//! [`plan_asns`](crate::plan_asns).

use std::fmt;
use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

use crate::exclusion::ExclusionMatch;
use crate::model::{ItemKey, LineId, ReturnId};
use crate::reference::ReferenceNumber;

/// The kind of ASN to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AsnType {
    /// A real customer return.
    Return,
    /// Test mode: the warehouse keeps it apart from real work.
    Test,
}

impl AsnType {
    /// The wire name, `"Return"` or `"Test"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Return => "Return",
            Self::Test => "Test",
        }
    }
}

impl fmt::Display for AsnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with a return: skip it, or create these ASNs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AsnPlan {
    /// Send nothing to the warehouse.
    Skip(SkipReason),
    /// Create one ASN per shipment, in shipment order (never empty).
    Create(Vec<AsnDraft>),
}

impl AsnPlan {
    /// The drafts to create; empty when the return is skipped.
    pub fn drafts(&self) -> &[AsnDraft] {
        match self {
            Self::Skip(_) => &[],
            Self::Create(drafts) => drafts,
        }
    }
}

/// Why a return is not sent to the warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// The order came from an excluded sales channel.
    ExcludedChannel(ExclusionMatch),
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExcludedChannel(matched) => write!(
                f,
                "skipped: excluded channel {:?} (matches entry {:?})",
                matched.channel, matched.entry
            ),
        }
    }
}

/// One ASN to create: a return shipment as the warehouse should expect it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AsnDraft {
    /// `Return`, or `Test` in test mode.
    #[serde(rename = "type")]
    pub asn_type: AsnType,
    /// The warehouse the ASN is routed to.
    pub warehouse_code: String,
    /// The deterministic idempotency key of this return shipment (see
    /// [`crate::reference`]).
    pub reference_number: ReferenceNumber,
    /// The return id, sent as the RMA number.
    pub rma_number: ReturnId,
    /// The original order number.
    pub order_number: String,
    /// The shipment's position in the return, from 1, for people ("shipment
    /// 1 of 2"). It follows the order the platform listed the shipments in;
    /// the reference number does not.
    pub shipment_number: u16,
    /// The carrier, when known.
    pub carrier: Option<String>,
    /// The tracking number, when known.
    pub tracking_number: Option<String>,
    /// The customer's email, for the ASN's ship-from contact.
    pub customer_email: Option<String>,
    /// Expected items, one line per identifier, in order of first
    /// appearance in the shipment (never empty).
    pub lines: Vec<AsnLine>,
}

impl AsnDraft {
    /// A draft without carrier, tracking number or email. Usually built by
    /// [`plan_asns`](crate::plan_asns); this constructor serves conversions
    /// and tests.
    pub fn new(
        asn_type: AsnType,
        warehouse_code: impl Into<String>,
        reference_number: ReferenceNumber,
        rma_number: impl Into<ReturnId>,
        order_number: impl Into<String>,
        shipment_number: u16,
        lines: Vec<AsnLine>,
    ) -> Self {
        Self {
            asn_type,
            warehouse_code: warehouse_code.into(),
            reference_number,
            rma_number: rma_number.into(),
            order_number: order_number.into(),
            shipment_number,
            carrier: None,
            tracking_number: None,
            customer_email: None,
            lines,
        }
    }

    /// Sets carrier and tracking number.
    #[must_use]
    pub fn with_tracking(
        mut self,
        carrier: Option<String>,
        tracking_number: Option<String>,
    ) -> Self {
        self.carrier = carrier;
        self.tracking_number = tracking_number;
        self
    }

    /// Sets the customer's email.
    #[must_use]
    pub fn with_customer_email(mut self, email: Option<String>) -> Self {
        self.customer_email = email;
        self
    }

    /// Total units expected in this shipment.
    pub fn expected_units(&self) -> u64 {
        self.lines
            .iter()
            .map(|line| u64::from(line.expected_quantity.get()))
            .sum()
    }

    /// The expected line for an item, if any.
    pub fn line(&self, item: &ItemKey) -> Option<&AsnLine> {
        self.lines.iter().find(|line| &line.item == item)
    }
}

/// One expected item of an ASN: return lines with the same identifier,
/// merged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AsnLine {
    /// The SKU or barcode the warehouse matches on.
    pub item: ItemKey,
    /// Units expected: the sum of the merged lines' quantities.
    pub expected_quantity: NonZeroU32,
    /// The first non-blank product title of the merged lines.
    pub description: Option<String>,
    /// The distinct non-blank return reasons of the merged lines, in order.
    pub return_reasons: Vec<String>,
    /// The return lines merged into this one, with their quantities, in
    /// order. A partial decision removes lines from this list.
    pub return_lines: Vec<SourceLine>,
}

impl AsnLine {
    /// An expected item made of the given return lines, expecting the sum
    /// of their quantities. `None` when `return_lines` is empty or the sum
    /// overflows `u32`.
    pub fn new(item: ItemKey, return_lines: Vec<SourceLine>) -> Option<Self> {
        let expected = return_lines
            .iter()
            .try_fold(0u32, |sum, line| sum.checked_add(line.quantity.get()))?;
        Some(Self {
            item,
            expected_quantity: NonZeroU32::new(expected)?,
            description: None,
            return_reasons: Vec::new(),
            return_lines,
        })
    }

    /// Sets the description.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a return reason (ignored when blank or already present).
    #[must_use]
    pub fn with_return_reason(mut self, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        self.add_return_reason(&reason);
        self
    }

    /// [`AsnLine::with_return_reason`] in place, copying the reason only
    /// when it is kept.
    pub(crate) fn add_return_reason(&mut self, reason: &str) {
        if !crate::text::trim(reason).is_empty()
            && !self.return_reasons.iter().any(|kept| kept == reason)
        {
            self.return_reasons.push(reason.to_owned());
        }
    }

    /// An expected item made of one return line, as planning starts each
    /// merged line (more lines are pushed as they come).
    pub(crate) fn of_one(item: ItemKey, line: SourceLine) -> Self {
        Self {
            item,
            expected_quantity: line.quantity,
            description: None,
            return_reasons: Vec::new(),
            return_lines: vec![line],
        }
    }
}

/// A return line's share of an [`AsnLine`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SourceLine {
    /// The return line's id.
    pub line_id: LineId,
    /// Its quantity.
    pub quantity: NonZeroU32,
}

impl SourceLine {
    /// A return line of `quantity` units.
    pub fn new(line_id: impl Into<LineId>, quantity: NonZeroU32) -> Self {
        Self {
            line_id: line_id.into(),
            quantity,
        }
    }
}
