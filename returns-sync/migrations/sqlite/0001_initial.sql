-- returns-sync: the SQLite store's first schema.
--
-- Conventions (kept plain so a PostgreSQL store can follow them closely):
-- - Timestamps are TEXT in RFC 3339, always UTC, with nine fractional digits
--   (`2025-03-04T15:12:09.000000000Z`): readable by people, parsed by any
--   RFC 3339 parser, and fixed-width, so text order is time order.
-- - Enumerations (`stage`, `step`) are stored by their snake_case names.
-- - `tracked_returns.core` and `tracked_returns.tickets` are JSON text.
-- - Flags are INTEGER 0/1.
-- - The only SQLite-specific construct is `INTEGER PRIMARY KEY AUTOINCREMENT`
--   (an increasing sequence that never reuses a value; PostgreSQL spells it
--   `BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`).

-- Small named values of the engine; today only `pull_watermark`.
CREATE TABLE sync_state (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

-- The returns the engine has worked on, one row per Loop return.
CREATE TABLE tracked_returns (
    return_id  TEXT NOT NULL PRIMARY KEY,
    order_name TEXT NOT NULL,
    stage      TEXT NOT NULL,
    core       TEXT NOT NULL,
    tickets    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX tracked_returns_by_stage ON tracked_returns (stage, return_id);

-- Every step of every return, in the order it was appended.
CREATE TABLE journal (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    return_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    step      TEXT NOT NULL,
    detail    TEXT NOT NULL
);

CREATE INDEX journal_by_return ON journal (return_id, seq);

-- Webhook events, stored before Loop is answered. Completed events stay
-- (`done = 1`) so a redelivery of the same key is still recognised.
CREATE TABLE inbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key   TEXT NOT NULL UNIQUE,
    return_id   TEXT,
    topic       TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body        TEXT NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX inbox_pending ON inbox (done, seq);

-- The sales channel of orders Loop lists without one.
CREATE TABLE channel_cache (
    order_id TEXT NOT NULL PRIMARY KEY,
    channel  TEXT NOT NULL
);
