//! Returns by id, with the secondary indexes the endpoints need: line item →
//! return, order id / order name → returns, and per-state ordered time
//! indexes so that a list page costs O(page · log n), not O(n).

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound::{self, Excluded, Included};

use time::OffsetDateTime;

use super::model::{IdSource, InsertReturnError, ReturnState, StoredReturn};

/// Position of a return in a time index: (timestamp in Unix nanoseconds, id).
pub(super) type Key = (i128, u64);

/// The timestamp a list window applies to (`filter` query parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TimeField {
    CreatedAt,
    UpdatedAt,
}

impl TimeField {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "created_at" => Some(TimeField::CreatedAt),
            "updated_at" => Some(TimeField::UpdatedAt),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeField::CreatedAt => "created_at",
            TimeField::UpdatedAt => "updated_at",
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    fn key_of(self, r: &StoredReturn) -> Key {
        let t = match self {
            TimeField::CreatedAt => r.created_at,
            TimeField::UpdatedAt => r.updated_at,
        };
        (t.unix_timestamp_nanos(), r.id)
    }
}

/// Where a page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Position {
    /// At the beginning of the window.
    Start,
    /// Just after this key (next page).
    After(Key),
    /// Just before this key (previous page).
    Before(Key),
}

/// The window and states of one list query.
#[derive(Clone, Copy, Debug)]
pub(super) struct Window<'a> {
    pub field: TimeField,
    /// Inclusive bounds, Unix nanoseconds.
    pub from: i128,
    pub to: i128,
    pub states: &'a [ReturnState],
}

/// One page of keys, oldest first.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Page {
    pub keys: Vec<Key>,
    pub has_previous: bool,
    pub has_next: bool,
}

/// All returns and their indexes.
#[derive(Debug, Default)]
pub(super) struct Store {
    returns: HashMap<u64, StoredReturn>,
    by_line_item: HashMap<u64, u64>,
    by_order_id: HashMap<u64, Vec<u64>>,
    by_order_name: HashMap<String, Vec<u64>>,
    /// `[time field][state]` → keys in time order.
    index: [[BTreeSet<Key>; 5]; 2],
    last_return_id: u64,
    last_line_item_id: u64,
    last_note_id: u64,
}

impl IdSource for Store {
    fn next_return_id(&mut self) -> u64 {
        self.last_return_id += 1;
        self.last_return_id
    }

    fn next_line_item_id(&mut self) -> u64 {
        self.last_line_item_id += 1;
        self.last_line_item_id
    }
}

impl Store {
    pub fn len(&self) -> usize {
        self.returns.len()
    }

    pub fn get(&self, id: u64) -> Option<&StoredReturn> {
        self.returns.get(&id)
    }

    pub fn return_of_line_item(&self, line_item_id: u64) -> Option<u64> {
        self.by_line_item.get(&line_item_id).copied()
    }

    pub fn next_note_id(&mut self) -> u64 {
        self.last_note_id += 1;
        self.last_note_id
    }

    /// Every return, ordered by id.
    pub fn all(&self) -> Vec<&StoredReturn> {
        let mut all: Vec<_> = self.returns.values().collect();
        all.sort_unstable_by_key(|r| r.id);
        all
    }

    /// Reads a seed and stores it; a seed with the id of a stored return
    /// replaces it.
    pub fn insert_seed(
        &mut self,
        seed: serde_json::Value,
        now: OffsetDateTime,
    ) -> Result<u64, InsertReturnError> {
        let r = StoredReturn::from_seed(seed, now, self)?;
        if let Some(item) = r.line_items.iter().find_map(|item| {
            self.by_line_item
                .get(&item.id)
                .filter(|held_by| **held_by != r.id)
                .map(|held_by| (item.id, *held_by))
        }) {
            return Err(InsertReturnError::DuplicateLineItem {
                line_item_id: item.0,
                held_by: item.1,
            });
        }
        let id = r.id;
        if let Some(old) = self.returns.remove(&id) {
            self.unindex(&old);
        }
        self.last_return_id = self.last_return_id.max(id);
        let max_line = r.line_items.iter().map(|item| item.id).max().unwrap_or(0);
        self.last_line_item_id = self.last_line_item_id.max(max_line);
        self.index_return(&r);
        self.returns.insert(id, r);
        Ok(id)
    }

    /// Applies `change` to a return and keeps every index in step.
    pub fn modify<T>(&mut self, id: u64, change: impl FnOnce(&mut StoredReturn) -> T) -> Option<T> {
        let mut r = self.returns.remove(&id)?;
        self.unindex(&r);
        let out = change(&mut r);
        self.index_return(&r);
        self.returns.insert(id, r);
        Some(out)
    }

    /// The return an order id or order name points at; the newest one when
    /// the order has several.
    pub fn find_by_order(&self, order_id: Option<u64>, order_name: Option<&str>) -> Option<u64> {
        let candidates = match (order_id, order_name) {
            (Some(order_id), _) => self.by_order_id.get(&order_id),
            (None, Some(name)) => self.by_order_name.get(&super::model::order_name_key(name)),
            (None, None) => None,
        }?;
        candidates
            .iter()
            .filter_map(|id| self.returns.get(id))
            .max_by_key(|r| (r.created_at, r.id))
            .map(|r| r.id)
    }

    /// Keys of every return of `states` in the window, oldest first.
    pub fn keys_in(&self, window: &Window<'_>) -> Vec<Key> {
        let (lo, hi) = ((window.from, 0), (window.to, u64::MAX));
        let mut keys: Vec<Key> = self
            .sets(window)
            .flat_map(|set| checked_range(set, Included(lo), Included(hi)))
            .collect();
        keys.sort_unstable();
        keys
    }

    /// One page of the window, `limit` keys at most.
    pub fn page(&self, window: &Window<'_>, position: Position, limit: usize) -> Page {
        let (lo, hi) = ((window.from, 0), (window.to, u64::MAX));
        match position {
            Position::Start | Position::After(_) => {
                let start = match position {
                    Position::After(key) => Excluded(key),
                    _ => Included(lo),
                };
                let mut keys: Vec<Key> = self
                    .sets(window)
                    .flat_map(|set| checked_range(set, start, Included(hi)).take(limit + 1))
                    .collect();
                keys.sort_unstable();
                let has_next = keys.len() > limit;
                keys.truncate(limit);
                let has_previous = keys
                    .first()
                    .is_some_and(|first| self.any_in(window, Included(lo), Excluded(*first)));
                Page {
                    keys,
                    has_previous,
                    has_next,
                }
            }
            Position::Before(key) => {
                let mut keys: Vec<Key> = self
                    .sets(window)
                    .flat_map(|set| {
                        checked_range(set, Included(lo), Excluded(key))
                            .rev()
                            .take(limit + 1)
                    })
                    .collect();
                keys.sort_unstable_by(|a, b| b.cmp(a));
                let has_previous = keys.len() > limit;
                keys.truncate(limit);
                keys.reverse();
                let has_next = keys
                    .last()
                    .is_some_and(|last| self.any_in(window, Excluded(*last), Included(hi)));
                Page {
                    keys,
                    has_previous,
                    has_next,
                }
            }
        }
    }

    fn sets<'s>(&'s self, window: &Window<'s>) -> impl Iterator<Item = &'s BTreeSet<Key>> + 's {
        let by_state = &self.index[window.field.index()];
        window
            .states
            .iter()
            .map(move |state| &by_state[state.index()])
    }

    fn any_in(&self, window: &Window<'_>, lo: Bound<Key>, hi: Bound<Key>) -> bool {
        self.sets(window)
            .any(|set| checked_range(set, lo, hi).next().is_some())
    }

    fn index_return(&mut self, r: &StoredReturn) {
        for field in [TimeField::CreatedAt, TimeField::UpdatedAt] {
            self.index[field.index()][r.state.index()].insert(field.key_of(r));
        }
        for item in &r.line_items {
            self.by_line_item.insert(item.id, r.id);
        }
        for order_id in r.order_ids() {
            let ids = self.by_order_id.entry(order_id).or_default();
            if !ids.contains(&r.id) {
                ids.push(r.id);
            }
        }
        if let Some(name) = r.order_name_key() {
            let ids = self.by_order_name.entry(name).or_default();
            if !ids.contains(&r.id) {
                ids.push(r.id);
            }
        }
    }

    fn unindex(&mut self, r: &StoredReturn) {
        for field in [TimeField::CreatedAt, TimeField::UpdatedAt] {
            self.index[field.index()][r.state.index()].remove(&field.key_of(r));
        }
        for item in &r.line_items {
            self.by_line_item.remove(&item.id);
        }
        for order_id in r.order_ids() {
            if let Some(ids) = self.by_order_id.get_mut(&order_id) {
                ids.retain(|id| *id != r.id);
            }
        }
        if let Some(name) = r.order_name_key()
            && let Some(ids) = self.by_order_name.get_mut(&name)
        {
            ids.retain(|id| *id != r.id);
        }
    }
}

/// `BTreeSet::range` panics on an inverted range; an inverted range is
/// simply empty here.
fn checked_range(
    set: &BTreeSet<Key>,
    lo: Bound<Key>,
    hi: Bound<Key>,
) -> impl DoubleEndedIterator<Item = Key> + '_ {
    let valid = match (lo, hi) {
        (Excluded(a), Excluded(b)) => a < b,
        (Included(a) | Excluded(a), Included(b) | Excluded(b)) => a <= b,
        _ => true,
    };
    valid
        .then(|| set.range((lo, hi)).copied())
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    fn store_with(n: u64) -> Store {
        let mut store = Store::default();
        let base = datetime!(2025-01-01 0:00 UTC);
        for i in 1..=n {
            let created = base + time::Duration::minutes(i as i64);
            let state = if i % 4 == 0 { "review" } else { "open" };
            store
                .insert_seed(
                    json!({"id": i, "state": state, "created_at": super::super::time_fmt::iso_seconds(created)}),
                    base,
                )
                .expect("seed");
        }
        store
    }

    fn window(states: &[ReturnState]) -> Window<'_> {
        Window {
            field: TimeField::CreatedAt,
            from: datetime!(2024-12-31 0:00 UTC).unix_timestamp_nanos(),
            to: datetime!(2025-02-01 0:00 UTC).unix_timestamp_nanos(),
            states,
        }
    }

    fn ids(page: &Page) -> Vec<u64> {
        page.keys.iter().map(|k| k.1).collect()
    }

    #[test]
    fn pages_forward_and_back_without_gaps() {
        let store = store_with(10);
        let states = ReturnState::LIST_DEFAULT;
        let w = window(&states);
        let first = store.page(&w, Position::Start, 3);
        assert_eq!(ids(&first), [1, 2, 3]);
        assert!(first.has_next && !first.has_previous);
        let second = store.page(&w, Position::After(first.keys[2]), 3);
        assert_eq!(ids(&second), [5, 6, 7], "review returns are left out");
        assert!(second.has_next && second.has_previous);
        let third = store.page(&w, Position::After(second.keys[2]), 3);
        assert_eq!(ids(&third), [9, 10]);
        assert!(!third.has_next);
        let back = store.page(&w, Position::Before(second.keys[0]), 3);
        assert_eq!(back, first);
    }

    #[test]
    fn state_changes_move_returns_between_indexes() {
        let mut store = store_with(4);
        let review = [ReturnState::Review];
        assert_eq!(store.keys_in(&window(&review)).len(), 1);
        store.modify(1, |r| r.state = ReturnState::Review);
        assert_eq!(store.keys_in(&window(&review)).len(), 2);
    }

    #[test]
    fn duplicate_line_items_are_refused() {
        let mut store = Store::default();
        let now = datetime!(2025-01-01 0:00 UTC);
        store
            .insert_seed(json!({"id": 1, "line_items": [{"line_item_id": 9}]}), now)
            .expect("first");
        let err = store
            .insert_seed(json!({"id": 2, "line_items": [{"line_item_id": 9}]}), now)
            .unwrap_err();
        assert_eq!(
            err,
            InsertReturnError::DuplicateLineItem {
                line_item_id: 9,
                held_by: 1
            }
        );
        assert_eq!(store.return_of_line_item(9), Some(1));
    }

    #[test]
    fn order_lookup_prefers_the_newest_return() {
        let mut store = Store::default();
        let now = datetime!(2025-01-01 0:00 UTC);
        for (id, created) in [(1, "2025-01-01T00:00:00Z"), (2, "2025-01-02T00:00:00Z")] {
            store
                .insert_seed(
                    json!({"id": id, "created_at": created, "order_name": "#1001", "order_id": 77}),
                    now,
                )
                .expect("seed");
        }
        assert_eq!(store.find_by_order(None, Some("1001")), Some(2));
        assert_eq!(store.find_by_order(Some(77), None), Some(2));
        assert_eq!(store.find_by_order(Some(78), None), None);
    }
}
