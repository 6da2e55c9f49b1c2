//! Typed webhook payloads.
//!
//! [`parse_event`] reads a delivery body into a [`WebhookEvent`], dispatching
//! on `topic` (falling back on `trigger`). Topics this crate does not model —
//! restock, gift card, Happy Returns shipment, label requests, and whatever
//! Loop adds — arrive as [`WebhookEvent::Other`] with the raw JSON, so a new
//! topic never breaks an endpoint. Verify the signature first:
//! [`verify_event`] does both.

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::enums::{LabelStatus, ReturnState, WebhookTopic, WebhookTrigger};
use crate::ids::{OrderId, ProviderOrderId, ReturnId, ShipmentId, ShopId};
use crate::models::returns::Return;
use crate::webhook::signature::{SignatureError, verify_signature};

/// One webhook delivery.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// Topic `return`: `return.created`, `return.updated`, `return.closed`.
    Return(Box<ReturnEvent>),
    /// Topic `label`: `label.created`, `label.updated`.
    Label(LabelEvent),
    /// Topic `return.processing`: `return.processing.failed`.
    ReturnProcessing(ReturnProcessingEvent),
    /// Any other topic, kept as raw JSON.
    Other(UnknownEvent),
}

impl WebhookEvent {
    /// The trigger, whatever the topic.
    pub fn trigger(&self) -> Option<&WebhookTrigger> {
        match self {
            WebhookEvent::Return(e) => e.trigger.as_ref(),
            WebhookEvent::Label(e) => e.trigger.as_ref(),
            WebhookEvent::ReturnProcessing(e) => e.trigger.as_ref(),
            WebhookEvent::Other(e) => e.trigger.as_ref(),
        }
    }

    /// The Loop return the event is about, when the payload names one.
    pub fn return_id(&self) -> Option<&ReturnId> {
        match self {
            WebhookEvent::Return(e) => Some(&e.ret.id),
            WebhookEvent::Label(e) => e.id.as_ref(),
            WebhookEvent::ReturnProcessing(e) => e.return_id.as_ref(),
            WebhookEvent::Other(_) => None,
        }
    }
}

/// A Return topic delivery: the Return object plus the envelope fields.
///
/// `carrier` and `tracking_number` are `"N/A"` until assigned; they read as
/// `None`. `provider_order_sales_channel` is documented for this payload only.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct ReturnEvent {
    /// `return`.
    pub topic: Option<WebhookTopic>,
    /// `return.created`, `return.updated` or `return.closed`.
    pub trigger: Option<WebhookTrigger>,
    /// The shop.
    pub shop_id: Option<ShopId>,
    /// The return.
    #[serde(flatten)]
    pub ret: Return,
}

// Decoded as a `Return` whose envelope fields are then taken out of `extra`,
// rather than with `#[serde(flatten)]`: flattening buffers the payload and
// decode errors would lose their JSON path.
impl<'de> Deserialize<'de> for ReturnEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut ret = Return::deserialize(deserializer)?;
        let topic = take(&mut ret, "topic").map_err(de::Error::custom)?;
        let trigger = take(&mut ret, "trigger").map_err(de::Error::custom)?;
        let shop_id = take(&mut ret, "shop_id").map_err(de::Error::custom)?;
        Ok(Self {
            topic,
            trigger,
            shop_id,
            ret,
        })
    }
}

/// Removes `key` from the return's unmodelled fields and decodes it;
/// `null`, `""` and `"N/A"` mean absent.
fn take<T: DeserializeOwned>(ret: &mut Return, key: &str) -> Result<Option<T>, serde_json::Error> {
    match ret.extra.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if crate::de::is_blank(&s) => Ok(None),
        Some(value) => T::deserialize(value).map(Some),
    }
}

/// A Label topic delivery.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LabelEvent {
    /// `label`.
    #[serde(default)]
    pub topic: Option<WebhookTopic>,
    /// `label.created` or `label.updated`.
    #[serde(default)]
    pub trigger: Option<WebhookTrigger>,
    /// The shop (a string on the wire).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub shop_id: Option<ShopId>,
    /// The **Loop return** id (not a label id).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub id: Option<ReturnId>,
    /// Loop order id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub order_id: Option<OrderId>,
    /// Shopify order id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub provider_order_id: Option<ProviderOrderId>,
    /// Carrier; `"N/A"` reads as `None`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub carrier: Option<String>,
    /// Tracking number; `"N/A"` reads as `None`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub tracking_number: Option<String>,
    /// Carrier status.
    #[serde(default)]
    pub label_status: Option<LabelStatus>,
    /// Last label update (Loop's docs also spell it `label_updated_atv`;
    /// both are read).
    #[serde(
        default,
        with = "crate::timestamp::option",
        alias = "label_updated_atv"
    )]
    pub label_updated_at: Option<OffsetDateTime>,
    /// Loop shipment id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub shipment_id: Option<ShipmentId>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Return Processing topic delivery: asynchronous processing after a
/// Process call failed. The return usually stays `open` or `review`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReturnProcessingEvent {
    /// `return.processing`.
    #[serde(default)]
    pub topic: Option<WebhookTopic>,
    /// `return.processing.failed` (the only trigger emitted).
    #[serde(default)]
    pub trigger: Option<WebhookTrigger>,
    /// The return.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub return_id: Option<ReturnId>,
    /// The return's state after the failure.
    #[serde(default)]
    pub return_state: Option<ReturnState>,
    /// Why processing failed; may be generic or absent.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub message: Option<String>,
    /// Who asked for processing: `warehouse`, `admin`, `api`, or absent.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub source: Option<String>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A delivery of a topic this crate does not model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The topic, as sent.
    pub topic: Option<WebhookTopic>,
    /// The trigger, as sent.
    pub trigger: Option<WebhookTrigger>,
    /// The whole payload.
    pub payload: Value,
}

/// Why a delivery could not be accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature check failed.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// The body is not a payload of the topic it names.
    #[error("webhook payload does not decode at `{path}`: {source}")]
    Payload {
        /// JSON path of the offending value (`.` for the root).
        path: String,
        /// The decoder's error.
        #[source]
        source: serde_json::Error,
    },
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    topic: Option<WebhookTopic>,
    #[serde(default)]
    trigger: Option<WebhookTrigger>,
}

/// Parses a delivery body (without checking its signature; see [`verify_event`]).
///
/// # Errors
///
/// [`WebhookError::Payload`] when the body is not JSON, or not a valid payload
/// of the topic it names.
pub fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let envelope: Envelope = decode(body)?;
    let kind = match (&envelope.topic, &envelope.trigger) {
        (Some(WebhookTopic::Return), _) => Kind::Return,
        (Some(WebhookTopic::Label), _) => Kind::Label,
        (Some(WebhookTopic::ReturnProcessing), _) => Kind::Processing,
        (None, Some(trigger)) => match trigger {
            WebhookTrigger::ReturnCreated
            | WebhookTrigger::ReturnUpdated
            | WebhookTrigger::ReturnClosed => Kind::Return,
            WebhookTrigger::LabelCreated | WebhookTrigger::LabelUpdated => Kind::Label,
            WebhookTrigger::ReturnProcessingFailed => Kind::Processing,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    };
    Ok(match kind {
        Kind::Return => WebhookEvent::Return(Box::new(decode(body)?)),
        Kind::Label => WebhookEvent::Label(decode(body)?),
        Kind::Processing => WebhookEvent::ReturnProcessing(decode(body)?),
        Kind::Other => WebhookEvent::Other(UnknownEvent {
            topic: envelope.topic,
            trigger: envelope.trigger,
            payload: decode(body)?,
        }),
    })
}

/// Verifies the signature over the raw body, then parses it.
///
/// # Errors
///
/// [`WebhookError::Signature`] when the delivery is not from Loop (check this
/// before anything else), [`WebhookError::Payload`] when it does not decode.
pub fn verify_event(
    body: &[u8],
    signature: Option<&str>,
    secret: impl AsRef<[u8]>,
) -> Result<WebhookEvent, WebhookError> {
    verify_signature(body, signature, secret)?;
    parse_event(body)
}

enum Kind {
    Return,
    Label,
    Processing,
    Other,
}

fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, WebhookError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| WebhookError::Payload {
        path: e.path().to_string(),
        source: e.into_inner(),
    })?;
    de.end().map_err(|source| WebhookError::Payload {
        path: ".".to_owned(),
        source,
    })?;
    Ok(value)
}
