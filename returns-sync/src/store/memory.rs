//! The in-memory store: for tests and one-off runs. Everything is lost when
//! it is dropped — which the engine is built to survive.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{
    InboxEvent, JournalEntry, PendingEvent, ReturnStage, Store, StoreError, TrackedReturn,
};

/// A [`Store`] in memory. Cheap to create; share it by reference or `Arc`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    watermark: Option<OffsetDateTime>,
    returns: HashMap<String, TrackedReturn>,
    /// Each return's timeline, kept apart so that reading one does not
    /// scan everyone's.
    journal: HashMap<String, Vec<JournalEntry>>,
    inbox: BTreeMap<i64, InboxEvent>,
    inbox_keys: HashSet<String>,
    done: HashSet<i64>,
    next_seq: i64,
    channels: HashMap<String, String>,
    /// Return id → (holder, lease end).
    leases: HashMap<String, (String, OffsetDateTime)>,
}

impl State {
    /// Adds `entries` to their returns' timelines, in order.
    fn append(&mut self, entries: &[JournalEntry]) {
        for entry in entries {
            self.journal
                .entry(entry.return_id.clone())
                .or_default()
                .push(entry.clone());
        }
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: keep going.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn watermark(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        Ok(self.state().watermark)
    }

    async fn set_watermark(&self, at: OffsetDateTime) -> Result<(), StoreError> {
        self.state().watermark = Some(at);
        Ok(())
    }

    async fn tracked_return(&self, return_id: &str) -> Result<Option<TrackedReturn>, StoreError> {
        Ok(self.state().returns.get(return_id).cloned())
    }

    async fn tracked_returns(
        &self,
        return_ids: &[String],
    ) -> Result<HashMap<String, TrackedReturn>, StoreError> {
        let state = self.state();
        Ok(return_ids
            .iter()
            .filter_map(|id| Some((id.clone(), state.returns.get(id)?.clone())))
            .collect())
    }

    async fn save_return(&self, tracked: &TrackedReturn) -> Result<(), StoreError> {
        self.state()
            .returns
            .insert(tracked.return_id.clone(), tracked.clone());
        Ok(())
    }

    async fn track_new(&self, returns: &[TrackedReturn]) -> Result<(), StoreError> {
        let mut state = self.state();
        for tracked in returns {
            state
                .returns
                .entry(tracked.return_id.clone())
                .or_insert_with(|| tracked.clone());
        }
        Ok(())
    }

    async fn untracked(&self, return_ids: &[String]) -> Result<Vec<String>, StoreError> {
        let state = self.state();
        Ok(return_ids
            .iter()
            .filter(|id| !state.returns.contains_key(id.as_str()))
            .cloned()
            .collect())
    }

    async fn in_flight(&self) -> Result<Vec<TrackedReturn>, StoreError> {
        let mut returns: Vec<TrackedReturn> = self
            .state()
            .returns
            .values()
            .filter(|r| r.stage.is_in_flight())
            .cloned()
            .collect();
        returns.sort_by(|a, b| a.return_id.cmp(&b.return_id));
        Ok(returns)
    }

    async fn in_flight_ids(&self) -> Result<Vec<(String, OffsetDateTime)>, StoreError> {
        let mut listed: Vec<(String, OffsetDateTime)> = self
            .state()
            .returns
            .values()
            .filter(|r| r.stage.is_in_flight())
            .map(|r| (r.return_id.clone(), r.updated_at))
            .collect();
        listed.sort();
        Ok(listed)
    }

    async fn stage_counts(&self) -> Result<Vec<(ReturnStage, u64)>, StoreError> {
        let state = self.state();
        Ok(ReturnStage::ALL
            .into_iter()
            .map(|stage| {
                let count = state.returns.values().filter(|r| r.stage == stage).count();
                (stage, count as u64)
            })
            .filter(|(_, count)| *count > 0)
            .collect())
    }

    async fn append_journal(&self, entries: &[JournalEntry]) -> Result<(), StoreError> {
        self.state().append(entries);
        Ok(())
    }

    async fn timeline(&self, return_id: &str) -> Result<Vec<JournalEntry>, StoreError> {
        Ok(self
            .state()
            .journal
            .get(return_id)
            .cloned()
            .unwrap_or_default())
    }

    async fn timelines(
        &self,
        return_ids: &[String],
    ) -> Result<HashMap<String, Vec<JournalEntry>>, StoreError> {
        let state = self.state();
        Ok(return_ids
            .iter()
            .filter_map(|id| {
                let timeline = state.journal.get(id).filter(|t| !t.is_empty())?;
                Some((id.clone(), timeline.clone()))
            })
            .collect())
    }

    async fn save_batch(
        &self,
        returns: &[TrackedReturn],
        entries: &[JournalEntry],
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        for tracked in returns {
            state
                .returns
                .insert(tracked.return_id.clone(), tracked.clone());
        }
        state.append(entries);
        Ok(())
    }

    async fn push_event(&self, event: &InboxEvent) -> Result<bool, StoreError> {
        let mut state = self.state();
        if !state.inbox_keys.insert(event.key.clone()) {
            return Ok(false);
        }
        state.next_seq += 1;
        let seq = state.next_seq;
        state.inbox.insert(seq, event.clone());
        Ok(true)
    }

    async fn pending_events(&self, limit: usize) -> Result<Vec<PendingEvent>, StoreError> {
        let state = self.state();
        Ok(state
            .inbox
            .iter()
            .filter(|(seq, _)| !state.done.contains(seq))
            .take(limit)
            .map(|(&seq, event)| PendingEvent {
                seq,
                event: event.clone(),
            })
            .collect())
    }

    async fn complete_event(&self, seq: i64) -> Result<(), StoreError> {
        let mut state = self.state();
        // An unknown number is ignored, so it cannot hide a later event.
        if state.inbox.contains_key(&seq) {
            state.done.insert(seq);
        }
        Ok(())
    }

    async fn claim(
        &self,
        return_ids: &[String],
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        let mut state = self.state();
        let mut granted = Vec::new();
        for id in return_ids {
            let free = state
                .leases
                .get(id)
                .is_none_or(|(owner, end)| *end <= now || owner == holder);
            if free {
                state.leases.insert(id.clone(), (holder.to_owned(), until));
                granted.push(id.clone());
            }
        }
        Ok(granted)
    }

    async fn release(&self, return_ids: &[String], holder: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        for id in return_ids {
            if state
                .leases
                .get(id)
                .is_some_and(|(owner, _)| owner == holder)
            {
                state.leases.remove(id);
            }
        }
        Ok(())
    }

    async fn cached_channel(&self, order_id: &str) -> Result<Option<String>, StoreError> {
        Ok(self.state().channels.get(order_id).cloned())
    }

    async fn cache_channel(&self, order_id: &str, channel: &str) -> Result<(), StoreError> {
        self.state()
            .channels
            .insert(order_id.to_owned(), channel.to_owned());
        Ok(())
    }
}
