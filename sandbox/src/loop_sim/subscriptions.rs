//! Webhook subscriptions (Programmatic Webhooks API, spec §8.1) and which of
//! them an event goes to.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::errors::LoopError;

/// Topics accepted on create: the create page's `return`, `label`,
/// `restock` plus the topics documented elsewhere (spec §8.2).
const TOPICS: [&str; 6] = [
    "return",
    "label",
    "restock",
    "giftcard",
    "return.processing",
    "label.request",
];

/// Triggers accepted on create (spec §8.2).
const TRIGGERS: [&str; 11] = [
    "return.created",
    "return.updated",
    "return.closed",
    "label.created",
    "label.updated",
    "restock.requested",
    "giftcard.requested",
    "shipment.processed",
    "label.request.issued",
    "label.request.cancelled",
    "return.processing.failed",
];

/// One webhook subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Subscription {
    pub id: u64,
    pub topic: String,
    pub trigger: String,
    pub url: String,
    pub active: bool,
}

impl Subscription {
    /// The Webhook object: `{id, shop_id, topic, trigger, url, status}`.
    pub fn render(&self, shop_id: u64) -> Value {
        json!({
            "id": self.id,
            "shop_id": shop_id,
            "topic": self.topic,
            "trigger": self.trigger,
            "url": self.url,
            "status": if self.active { "active" } else { "inactive" },
        })
    }
}

/// A validated create / update request body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SubscriptionRequest {
    topic: String,
    trigger: String,
    url: String,
    active: bool,
}

impl SubscriptionRequest {
    /// Validates `{topic*, trigger*, url*, status}`; `status` defaults to
    /// `inactive`, as Loop's create does.
    pub fn parse(body: &Value) -> Result<Self, LoopError> {
        let mut errors: Vec<(String, String)> = Vec::new();
        let mut required = |key: &str, valid: &dyn Fn(&str) -> bool, invalid: String| {
            let value = body.get(key).and_then(Value::as_str);
            match value {
                None => errors.push((key.into(), format!("The {key} field is required."))),
                Some(v) if !valid(v) => errors.push((key.into(), invalid)),
                Some(_) => {}
            }
            value.map(str::to_owned)
        };
        let topic = required("topic", &|t| TOPICS.contains(&t), one_of(&TOPICS));
        let trigger = required("trigger", &|t| TRIGGERS.contains(&t), one_of(&TRIGGERS));
        let url = required(
            "url",
            &|u| u.starts_with("http://") || u.starts_with("https://"),
            "The url must be a valid URL.".into(),
        );
        let active = match body.get("status") {
            None | Some(Value::Null) => false,
            Some(v) => match v.as_str() {
                Some("active") => true,
                Some("inactive") => false,
                _ => {
                    errors.push(("status".into(), one_of(&["active", "inactive"])));
                    false
                }
            },
        };
        match (topic, trigger, url) {
            (Some(topic), Some(trigger), Some(url)) if errors.is_empty() => {
                Ok(SubscriptionRequest {
                    topic,
                    trigger,
                    url,
                    active,
                })
            }
            _ => Err(LoopError::validation(errors)),
        }
    }
}

/// Loop's message for a value outside an enum.
fn one_of(allowed: &[&str]) -> String {
    format!("Must be one of the following values:{}", allowed.join(","))
}

/// All subscriptions of the shop.
#[derive(Debug, Default)]
pub(super) struct Subscriptions {
    by_id: BTreeMap<u64, Subscription>,
    last_id: u64,
}

impl Subscriptions {
    pub fn list(&self) -> impl Iterator<Item = &Subscription> {
        self.by_id.values()
    }

    pub fn create(&mut self, request: SubscriptionRequest) -> &Subscription {
        self.last_id += 1;
        let id = self.last_id;
        self.by_id.entry(id).or_insert(Subscription {
            id,
            topic: request.topic,
            trigger: request.trigger,
            url: request.url,
            active: request.active,
        })
    }

    /// Replaces a subscription's fields; `false` when it does not exist.
    pub fn update(&mut self, id: u64, request: SubscriptionRequest) -> bool {
        let Some(sub) = self.by_id.get_mut(&id) else {
            return false;
        };
        sub.topic = request.topic;
        sub.trigger = request.trigger;
        sub.url = request.url;
        sub.active = request.active;
        true
    }

    pub fn delete(&mut self, id: u64) -> bool {
        self.by_id.remove(&id).is_some()
    }

    /// URLs an event goes to: active subscriptions of that topic and trigger
    /// whose URL is on loopback. Other URLs are accepted but never called,
    /// so the sandbox never reaches beyond the machine.
    pub fn targets(&self, topic: &str, trigger: &str) -> Vec<String> {
        self.by_id
            .values()
            .filter(|s| s.active && s.topic == topic && s.trigger == trigger && is_loopback(&s.url))
            .map(|s| s.url.clone())
            .collect()
    }
}

/// Whether an `http(s)://` URL names a loopback host.
fn is_loopback(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or("");
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls_only() {
        assert!(is_loopback("http://127.0.0.1:8080/hook"));
        assert!(is_loopback("http://localhost/hook"));
        assert!(is_loopback("http://[::1]:9000/"));
        assert!(is_loopback("https://127.0.0.2"));
        assert!(!is_loopback("https://example.com/127.0.0.1"));
        assert!(!is_loopback("http://10.0.0.1/hook"));
        assert!(!is_loopback("ftp://127.0.0.1/"));
    }

    #[test]
    fn create_defaults_to_inactive_and_validates_enums() {
        let ok = SubscriptionRequest::parse(
            &json!({"topic": "return", "trigger": "return.closed", "url": "http://127.0.0.1/x"}),
        )
        .expect("valid");
        let mut subs = Subscriptions::default();
        assert!(!subs.create(ok).active);
        assert!(subs.targets("return", "return.closed").is_empty());
        let bad = SubscriptionRequest::parse(&json!({"topic": "orders", "trigger": "x"}));
        match bad {
            Err(LoopError::Validation { errors, .. }) => {
                let fields: Vec<_> = errors.iter().map(|(f, _)| f.as_str()).collect();
                assert_eq!(fields, ["topic", "trigger", "url"]);
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}
