-- Leases: which worker works on a return, and until when. A row whose
-- `until` has passed is free; see `Store::claim`. Kept apart from
-- `tracked_returns` because a return is claimed before it is tracked (an
-- ended return that was never sent, say).
CREATE TABLE leases (
    return_id TEXT NOT NULL PRIMARY KEY,
    holder    TEXT NOT NULL,
    until     TEXT NOT NULL
);
