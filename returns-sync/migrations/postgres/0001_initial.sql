-- returns-sync: the PostgreSQL store's schema.
--
-- One database holds many merchants: every table is keyed by `merchant`
-- first, so each merchant's state is its own and several workers share one
-- database. Otherwise it follows the SQLite schema column for column:
-- - Timestamps are TEXT in RFC 3339, always UTC, with nine fractional digits
--   (`2025-03-04T15:12:09.000000000Z`): exact to the nanosecond (TIMESTAMPTZ
--   keeps microseconds), readable, and fixed-width, so text order is time
--   order (leases compare `until` as text).
-- - Enumerations (`stage`, `step`) are stored by their snake_case names.
-- - `tracked_returns.core` and `tracked_returns.tickets` are JSON text.

-- Small named values of each merchant's engine; today only `pull_watermark`.
CREATE TABLE sync_state (
    merchant TEXT NOT NULL,
    name     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (merchant, name)
);

-- The returns the engine has worked on, one row per Loop return.
CREATE TABLE tracked_returns (
    merchant   TEXT NOT NULL,
    return_id  TEXT NOT NULL,
    order_name TEXT NOT NULL,
    stage      TEXT NOT NULL,
    core       TEXT NOT NULL,
    tickets    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (merchant, return_id)
);

CREATE INDEX tracked_returns_by_stage ON tracked_returns (merchant, stage, return_id);

-- Every step of every return, in the order it was appended.
CREATE TABLE journal (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant  TEXT NOT NULL,
    return_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    step      TEXT NOT NULL,
    detail    TEXT NOT NULL
);

CREATE INDEX journal_by_return ON journal (merchant, return_id, seq);

-- Webhook events, stored before Loop is answered. Completed events stay
-- (`done`) so a redelivery of the same key is still recognised.
CREATE TABLE inbox (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    merchant    TEXT NOT NULL,
    event_key   TEXT NOT NULL,
    return_id   TEXT,
    topic       TEXT NOT NULL,
    received_at TEXT NOT NULL,
    body        TEXT NOT NULL,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (merchant, event_key)
);

CREATE INDEX inbox_pending ON inbox (merchant, done, seq);

-- The sales channel of orders Loop lists without one.
CREATE TABLE channel_cache (
    merchant TEXT NOT NULL,
    order_id TEXT NOT NULL,
    channel  TEXT NOT NULL,
    PRIMARY KEY (merchant, order_id)
);

-- Leases: which worker works on a return, and until when. A row whose
-- `until` has passed is free; see `Store::claim`.
CREATE TABLE leases (
    merchant  TEXT NOT NULL,
    return_id TEXT NOT NULL,
    holder    TEXT NOT NULL,
    until     TEXT NOT NULL,
    PRIMARY KEY (merchant, return_id)
);
