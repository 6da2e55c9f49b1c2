//! Webhooks: signature verification and typed payloads.
//!
//! A receiving endpoint should, in order: read the raw body bytes; call
//! [`verify_event`] with the `X-Loop-Signature` header and the subscription's
//! secret; answer 200 quickly; deduplicate (Loop retries failed deliveries and
//! documents no delivery id, so key on topic, trigger, id and the update
//! timestamps, or on a hash of the body — [`Deduplicator`] does this in
//! memory); then act.
//!
//! ```
//! use loop_client::webhook::{SIGNATURE_HEADER, WebhookEvent, sign, verify_event};
//!
//! // In a real endpoint these come from the request; `sign` stands in for Loop.
//! let body: &[u8] = br#"{"topic":"return","trigger":"return.closed","id":40211877,"state":"closed"}"#;
//! let header = sign(body, "whsec-from-developer-tools");
//! let signature: Option<&str> = Some(header.as_str()); // headers.get(SIGNATURE_HEADER)
//!
//! match verify_event(body, signature, "whsec-from-developer-tools") {
//!     Ok(WebhookEvent::Return(event)) => assert_eq!(event.ret.id.as_str(), "40211877"),
//!     Ok(_other) => {}       // acknowledge topics you do not handle
//!     Err(_rejected) => {}   // answer 401 and do nothing
//! }
//! # let _ = SIGNATURE_HEADER;
//! ```
//!
//! Managing subscriptions (list, create, update, delete) is done through the
//! client: [`LoopClient::list_webhooks`](crate::LoopClient::list_webhooks).

mod dedup;
mod events;
mod signature;

pub use dedup::{Deduplicator, DeliveryKey};
pub use events::{
    LabelEvent, ReturnEvent, ReturnProcessingEvent, UnknownEvent, WebhookError, WebhookEvent,
    parse_event, verify_event,
};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify_signature};
