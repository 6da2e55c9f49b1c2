//! The returns ↔ warehouse domain as pure functions.
//!
//! This crate is the specification of the integration's business rules,
//! written as code: which returns go to the warehouse, what ASN each return
//! shipment becomes, and — once the warehouse reports — whether the return
//! is processed, flagged for a person, or kept waiting. No I/O, no async, no
//! clock (time is always a parameter), no HTTP or vendor types: the Loop and
//! CloudX clients convert their types into these, behind their
//! `returns-core` features.
//!
//! | step | function | module |
//! |---|---|---|
//! | load and check settings | [`IntegrationSettings::validate`] | [`settings`], [`criteria`] |
//! | skip excluded channels | [`ChannelExclusion::check`] | [`exclusion`] |
//! | return → ASN drafts | [`plan_asns`] | [`mapping`], [`asn`], [`reference`](mod@reference) |
//! | warehouse report → decision | [`evaluate_receipt`] | [`observation`], [`evaluation`], [`decision`] |
//! | decision → note | [`Decision::note`] | [`note`] |
//!
//! # Example: settings → plan → evaluate → note
//!
//! ```
//! use returns_core::*;
//! use time::macros::datetime;
//!
//! // 1. Settings, as a merchant configures them.
//! let settings: IntegrationSettings = serde_json::from_str(r#"{
//!     "warehouse_code": "BERGEN-NJ-01",
//!     "excluded_sales_channels": ["Amazon"]
//! }"#)?;
//! settings.validate()?;
//!
//! // 2. A return, as the returns-platform client converts it.
//! let ret = Return::new("40211877", "#10452", "10452", datetime!(2025-03-04 15:12 UTC))
//!     .with_sales_channel("Online Store")
//!     .with_line(ReturnLine::new("55120931").with_sku("LS-SAND-M").with_title("Linen Shirt"))
//!     .with_line(ReturnLine::new("55120932").with_sku("LS-SAND-M").with_title("Linen Shirt"))
//!     .with_shipment(
//!         ReturnShipment::new(["55120931", "55120932"]).with_tracking("DHL", "00340434161234567890"),
//!     );
//!
//! // 3. Plan: one ASN per shipment, identical SKUs merged.
//! let plan = plan_asns(&ret, &settings)?;
//! let draft = &plan.drafts()[0];
//! assert_eq!(draft.reference_number.as_str(), "#10452-R40211877-S");
//! assert_eq!(draft.lines[0].expected_quantity.get(), 2);
//!
//! // 4. The warehouse received one shirt of two.
//! let report = ShipmentObservation::new(draft.reference_number.clone(), ReceivingPhase::Received)
//!     .with_received_at(datetime!(2025-03-08 09:30 UTC))
//!     .with_line(ObservedLine::new(&ItemKey::Sku("LS-SAND-M".into()), 1, 0));
//! let decision = evaluate_receipt(
//!     plan.drafts(),
//!     &[report],
//!     &settings.receipt_criteria,
//!     // The not-arrived clock starts when the ASN was created.
//!     ArrivalClock::asn_created(datetime!(2025-03-04 15:13 UTC)),
//!     datetime!(2025-03-08 10:00 UTC),
//! );
//!
//! // 5. Default criteria: a shortage is flagged, with a note for the timeline.
//! assert!(decision.is_flag());
//! assert_eq!(
//!     decision.note(),
//!     "Flagged for review: SKU LS-SAND-M short: expected 2, received 1."
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod asn;
pub mod criteria;
pub mod decision;
pub mod evaluation;
pub mod exclusion;
pub mod mapping;
pub mod model;
pub mod note;
pub mod observation;
pub mod reference;
pub mod settings;
mod text;

pub use asn::{AsnDraft, AsnLine, AsnPlan, AsnType, SkipReason, SourceLine};
pub use criteria::{NotArrivedAction, NotArrivedPolicy, ReceiptCriteria, ShortagePolicy};
pub use decision::{Decision, FlagReason, PartialReceipt, PendingShipment, Shortage, WaitReason};
pub use evaluation::{ArrivalClock, ClockBasis, evaluate_receipt};
pub use exclusion::{ChannelExclusion, ExclusionMatch};
pub use mapping::{MappingError, MappingProblem, plan_asns};
pub use model::{ItemKey, LineId, Return, ReturnId, ReturnLine, ReturnShipment};
pub use note::NOTE_MAX_LEN;
pub use observation::{ItemCondition, ObservedLine, ReceivingPhase, ShipmentObservation};
pub use reference::{
    InvalidReferenceNumber, REFERENCE_MAX_LEN, ReferenceNumber, ReferenceParts, ShipmentKey,
};
pub use settings::{IntegrationSettings, ProductIdentification, SettingsError, SettingsProblem};

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
