//! Receipt criteria: what the merchant requires of a warehouse receipt before
//! a return is processed automatically.
//!
//! Every criterion has a default that errs on the side of a person looking
//! at the return (flag) rather than money moving (process). The criteria are
//! applied by [`evaluate_receipt`](crate::evaluate_receipt).

use serde::{Deserialize, Serialize};

/// The merchant's receipt criteria.
///
/// Deserializes from partial JSON/TOML: every missing field takes its
/// default, unknown fields are rejected so that a typo in a configuration
/// file is an error instead of a silently ignored rule.
///
/// ```
/// use returns_core::{NotArrivedAction, ReceiptCriteria, ShortagePolicy};
///
/// let criteria: ReceiptCriteria = serde_json::from_str(
///     r#"{"damaged_tolerance": 1, "shortage": {"wait_days": 3}}"#,
/// )?;
/// assert_eq!(criteria.damaged_tolerance, 1);
/// assert_eq!(criteria.shortage, ShortagePolicy::WaitDays(3));
/// assert_eq!(criteria.not_arrived.action, NotArrivedAction::Flag);
///
/// // Or start from the defaults and change what differs.
/// let mut criteria = ReceiptCriteria::default();
/// criteria.allow_over_receipt = true;
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ReceiptCriteria {
    /// Wait until every shipment of the return is terminal (received or
    /// cancelled) before deciding. Default `true`.
    ///
    /// Rationale: counts are only final once the warehouse closes a ticket,
    /// and a return is processed once, as a whole. When `false`, the decision
    /// is made as soon as one shipment is received, with the other shipments'
    /// counts taken as they stand (usually zero, hence a shortage).
    pub wait_for_all_shipments: bool,
    /// What to do when fewer units arrive than expected. Default
    /// [`ShortagePolicy::Flag`].
    ///
    /// Rationale: processing refunds units the merchant never got back.
    pub shortage: ShortagePolicy,
    /// Instead of flagging a shortage, process the return without the
    /// missing lines (Loop: *Remove Line Items*, refund and store-credit
    /// lines only). Default `false`.
    ///
    /// Applies only when shortages are the sole problem, at least one unit
    /// arrived, and every missing unit can be expressed as whole lines.
    pub process_partial_receipts: bool,
    /// Accept more units of an expected item than were announced. Default
    /// `false`.
    ///
    /// Rationale: an over-receipt usually means a mix-up (another return's
    /// unit, a miscount) that a person should look at.
    pub allow_over_receipt: bool,
    /// How many damaged units a return may contain and still be processed.
    /// Counted over the whole return. Default `0`.
    ///
    /// Rationale: a damaged unit usually means a partial refund or a
    /// dispute, which is a merchant's call; some merchants accept a little.
    pub damaged_tolerance: u32,
    /// Flag a return when the warehouse received an item that was not
    /// announced. Default `true`.
    ///
    /// Rationale: the customer may have sent the wrong product; refunding
    /// it blindly loses money.
    pub flag_unexpected_items: bool,
    /// What to do when a parcel has still not arrived some days after its
    /// ASN was created (see [`ArrivalClock`](crate::ArrivalClock)). Default:
    /// flag after 30 days.
    pub not_arrived: NotArrivedPolicy,
}

impl Default for ReceiptCriteria {
    fn default() -> Self {
        Self {
            wait_for_all_shipments: true,
            shortage: ShortagePolicy::Flag,
            process_partial_receipts: false,
            allow_over_receipt: false,
            damaged_tolerance: 0,
            flag_unexpected_items: true,
            not_arrived: NotArrivedPolicy::default(),
        }
    }
}

impl ReceiptCriteria {
    /// The defaults; same as [`ReceiptCriteria::default`].
    pub fn new() -> Self {
        Self::default()
    }
}

/// What to do when a received return is short of units.
///
/// Serialized as `"flag"` or `{"wait_days": N}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ShortagePolicy {
    /// Flag at once (or process partially, if the criteria allow it).
    Flag,
    /// Wait this many days after the last shipment was received (in case
    /// the missing units come in a parcel nobody announced), then act as
    /// [`ShortagePolicy::Flag`].
    WaitDays(u32),
}

/// What to do about a parcel that has not arrived in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct NotArrivedPolicy {
    /// Days after the not-arrived clock started (the ASN's creation, or the
    /// carrier's delivery report: see [`ArrivalClock`](crate::ArrivalClock))
    /// after which a parcel that has not arrived is overdue. Default `30`
    /// (Loop return labels expire after 28 days).
    pub after_days: u32,
    /// What an overdue parcel leads to. Default [`NotArrivedAction::Flag`].
    pub action: NotArrivedAction,
}

impl NotArrivedPolicy {
    /// A policy acting `after_days` days after the not-arrived clock started.
    pub fn new(after_days: u32, action: NotArrivedAction) -> Self {
        Self { after_days, action }
    }
}

impl Default for NotArrivedPolicy {
    fn default() -> Self {
        Self::new(30, NotArrivedAction::Flag)
    }
}

/// The consequence of a parcel being overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotArrivedAction {
    /// Flag the return so that a person follows up with the customer.
    Flag,
    /// Keep waiting; the wait reason marks the parcel as overdue.
    Wait,
}
