//! Programmatic webhook subscriptions.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::{WebhookStatus, WebhookTopic, WebhookTrigger};
use crate::ids::{ShopId, WebhookId};

/// A webhook subscription as Loop lists it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Webhook {
    /// Subscription id.
    pub id: WebhookId,
    /// Shop.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub shop_id: Option<ShopId>,
    /// Topic.
    #[serde(default)]
    pub topic: Option<WebhookTopic>,
    /// Trigger.
    #[serde(default)]
    pub trigger: Option<WebhookTrigger>,
    /// Delivery URL.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub url: Option<String>,
    /// Whether deliveries are sent.
    #[serde(default)]
    pub status: Option<WebhookStatus>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The body of Create Webhook and Update Webhook.
///
/// `status` is always sent: Loop's create call is reported to default to
/// `inactive` when it is missing, so [`WebhookSubscription::new`] sets
/// [`WebhookStatus::Active`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WebhookSubscription {
    /// Topic.
    pub topic: WebhookTopic,
    /// Trigger.
    pub trigger: WebhookTrigger,
    /// Delivery URL.
    pub url: String,
    /// Whether deliveries are sent.
    pub status: WebhookStatus,
}

impl WebhookSubscription {
    /// An active subscription.
    pub fn new(topic: WebhookTopic, trigger: WebhookTrigger, url: impl Into<String>) -> Self {
        Self {
            topic,
            trigger,
            url: url.into(),
            status: WebhookStatus::Active,
        }
    }

    /// Sets the status.
    pub fn status(mut self, status: WebhookStatus) -> Self {
        self.status = status;
        self
    }
}
