//! The returns ↔ warehouse domain as pure functions.
//!
//! No I/O, no async and no clock: time is always a parameter.

pub mod asn;
pub mod criteria;
pub mod exclusion;
pub mod mapping;
pub mod model;
pub mod reference;
pub mod settings;

pub use asn::{AsnDraft, AsnLine, AsnPlan, AsnType, SkipReason, SourceLine};
pub use criteria::{NotArrivedAction, NotArrivedPolicy, ReceiptCriteria, ShortagePolicy};
pub use exclusion::{ChannelExclusion, ExclusionMatch};
pub use mapping::{MappingError, MappingProblem, item_key, plan_asns};
pub use model::{ItemKey, LineId, Return, ReturnId, ReturnLine, ReturnShipment};
pub use reference::{InvalidReferenceNumber, REFERENCE_MAX_LEN, ReferenceNumber};
pub use settings::{IntegrationSettings, ProductIdentification, SettingsError, SettingsProblem};
