//! Typed async client of the Loop Returns API.

mod de;
pub mod enums;
pub mod ids;
pub mod models;
pub mod money;
pub mod timestamp;
pub mod validation;
pub mod webhook;

pub use enums::*;
pub use ids::*;
pub use models::asn::AsnRow;
pub use models::destinations::Destination;
pub use models::grading::{AssessedItem, GradedItem, ItemDisposition, ItemGrade};
pub use models::notes::{Note, NoteContent};
pub use models::returns::{
    Address, CustomerDetail, Exchange, Label, LineItem, RecordedCondition, RecordedDisposition,
    Refund, Return, ReturnMethod,
};
pub use models::webhooks::{Webhook, WebhookSubscription};
pub use validation::InvalidInput;
