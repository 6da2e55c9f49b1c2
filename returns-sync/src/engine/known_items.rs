//! The items CloudX's item master was found to hold, remembered for
//! [`EngineOptions::known_items_ttl`](crate::EngineOptions::known_items_ttl)
//! so that batch after batch does not look the same SKUs up again.
//!
//! Only items found are remembered: one reported missing is asked about
//! every time (it may have been added since). An item removed from the
//! master while remembered is still caught: CloudX refuses the ticket
//! naming it, and the return is blocked as "items missing" as if the check
//! had found it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use cloudx_client::ItemIdentifier;
use time::{Duration, OffsetDateTime};

/// Below this many entries, expired ones are left until they are asked for.
const PRUNE_FROM: usize = 1024;

#[derive(Debug)]
pub(crate) struct KnownItems {
    ttl: Duration,
    found: Mutex<Found>,
}

#[derive(Debug, Default)]
struct Found {
    at: HashMap<ItemIdentifier, OffsetDateTime>,
    /// The size at which expired entries are dropped next: the map stays
    /// within about twice the items found within one `ttl`.
    prune_at: usize,
}

impl KnownItems {
    /// Remembers found items for `ttl` (zero: not at all).
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            found: Mutex::new(Found {
                at: HashMap::new(),
                prune_at: PRUNE_FROM,
            }),
        }
    }

    /// Whether `item` was found less than `ttl` before `now`.
    pub(crate) fn contains(&self, item: &ItemIdentifier, now: OffsetDateTime) -> bool {
        self.lock()
            .at
            .get(item)
            .is_some_and(|found| now - *found < self.ttl)
    }

    /// Remembers `items` as found at `now`.
    pub(crate) fn remember(
        &self,
        items: impl IntoIterator<Item = ItemIdentifier>,
        now: OffsetDateTime,
    ) {
        if self.ttl <= Duration::ZERO {
            return;
        }
        let mut found = self.lock();
        found.at.extend(items.into_iter().map(|item| (item, now)));
        if found.at.len() >= found.prune_at {
            let ttl = self.ttl;
            found.at.retain(|_, at| now - *at < ttl);
            found.prune_at = (found.at.len() * 2).max(PRUNE_FROM);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Found> {
        // A panic while holding the lock leaves a valid map behind.
        self.found.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOON: OffsetDateTime = datetime!(2026-03-04 12:00 UTC);

    #[test]
    fn found_items_are_known_until_they_expire() {
        let known = KnownItems::new(Duration::hours(1));
        let tee = ItemIdentifier::sku("TEE-M");
        assert!(!known.contains(&tee, NOON));
        known.remember([tee.clone()], NOON);
        assert!(known.contains(&tee, NOON + Duration::minutes(59)));
        assert!(!known.contains(&tee, NOON + Duration::hours(1)));
        assert!(!known.contains(&ItemIdentifier::upc("TEE-M"), NOON));
    }

    #[test]
    fn a_zero_ttl_remembers_nothing() {
        let known = KnownItems::new(Duration::ZERO);
        let tee = ItemIdentifier::sku("TEE-M");
        known.remember([tee.clone()], NOON);
        assert!(!known.contains(&tee, NOON));
        assert!(known.lock().at.is_empty());
    }

    #[test]
    fn expired_items_are_dropped_as_the_map_grows() {
        let known = KnownItems::new(Duration::minutes(10));
        let items =
            |from: usize| (from..from + PRUNE_FROM).map(|i| ItemIdentifier::sku(format!("S{i}")));
        known.remember(items(0), NOON);
        assert_eq!(known.lock().at.len(), PRUNE_FROM, "none expired yet");
        known.remember(items(PRUNE_FROM), NOON + Duration::hours(1));
        let found = known.lock();
        assert_eq!(found.at.len(), PRUNE_FROM, "the first batch expired");
        assert!(found.at.values().all(|at| *at == NOON + Duration::hours(1)));
    }
}
