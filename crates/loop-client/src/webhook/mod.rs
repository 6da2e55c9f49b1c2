//! Webhooks: signature verification and typed payloads.
//!
//! A receiving endpoint should, in order: read the raw body bytes; call
//! [`verify_event`] with the `X-Loop-Signature` header and the subscription's
//! secret; answer 200 quickly; deduplicate (Loop retries failed deliveries and
//! documents no delivery id, so key on topic, trigger, id and the update
//! timestamps, or on a hash of the body); then act.
//!
//! Managing subscriptions (list, create, update, delete) is done through the
//! client: [`LoopClient::list_webhooks`](crate::LoopClient::list_webhooks).

mod events;
mod signature;

pub use events::{
    LabelEvent, ReturnEvent, ReturnProcessingEvent, UnknownEvent, WebhookError, WebhookEvent,
    parse_event, verify_event,
};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify_signature};
