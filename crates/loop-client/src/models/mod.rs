//! Typed models of Loop's requests and responses.

pub mod asn;
pub mod destinations;
pub mod grading;
#[allow(dead_code)] // TEMP: used by the client module, wired once http-transport lands
pub(crate) mod list_body;
pub mod notes;
pub mod returns;
pub mod webhooks;
