//! Webhook events: rendered under the simulator's lock (only when someone
//! subscribed), sent after it is released.

use serde_json::{Value, json};

use super::State;
use super::labels;
use super::model::Surface;

/// A webhook payload waiting for the lock to be released.
#[derive(Debug)]
pub(super) struct Event {
    pub urls: Vec<String>,
    pub topic: &'static str,
    pub trigger: &'static str,
    pub payload: Value,
}

impl State {
    /// Return-topic events (spec §8.5) for `triggers`.
    pub(super) fn return_events(
        &self,
        shop_id: u64,
        id: u64,
        triggers: &[&'static str],
    ) -> Vec<Event> {
        triggers
            .iter()
            .filter_map(|trigger| {
                let urls = self.subscriptions.targets("return", trigger);
                if urls.is_empty() {
                    return None;
                }
                let mut payload = self.store.get(id)?.render(Surface::Webhook);
                if let Value::Object(fields) = &mut payload {
                    fields.insert("topic".into(), "return".into());
                    fields.insert("trigger".into(), (*trigger).into());
                    fields.insert("shop_id".into(), shop_id.into());
                }
                Some(Event {
                    urls,
                    topic: "return",
                    trigger,
                    payload,
                })
            })
            .collect()
    }

    /// Label-topic events (spec §8.6), one per label of the return.
    pub(super) fn label_events(&self, shop_id: u64, id: u64, trigger: &'static str) -> Vec<Event> {
        let urls = self.subscriptions.targets("label", trigger);
        let Some(r) = self.store.get(id).filter(|_| !urls.is_empty()) else {
            return Vec::new();
        };
        labels::payloads(r, trigger, shop_id)
            .into_iter()
            .map(|payload| Event {
                urls: urls.clone(),
                topic: "label",
                trigger,
                payload,
            })
            .collect()
    }

    /// The `return.processing.failed` event (spec §8.7).
    pub(super) fn processing_failed_event(
        &self,
        id: u64,
        message: Option<String>,
    ) -> Option<Event> {
        const TOPIC: &str = "return.processing";
        const TRIGGER: &str = "return.processing.failed";
        let urls = self.subscriptions.targets(TOPIC, TRIGGER);
        let r = self.store.get(id)?;
        (!urls.is_empty()).then(|| Event {
            urls,
            topic: TOPIC,
            trigger: TRIGGER,
            payload: json!({
                "topic": TOPIC,
                "trigger": TRIGGER,
                "return_id": id,
                "return_state": r.state.as_str(),
                "message": message,
                "source": "api",
            }),
        })
    }
}
