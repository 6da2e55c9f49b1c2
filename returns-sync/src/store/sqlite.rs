//! The embedded SQLite store: the default durable state, one file the engine
//! creates and migrates itself. The schema is in `migrations/sqlite/`, embedded in
//! the crate; see [`SqliteStore`] for what it holds.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use time::OffsetDateTime;

use super::sql::{
    RETURN_COLUMNS, WATERMARK, decode_count, decode_entry, decode_id_and_time, decode_pending,
    decode_return, decode_time, encode_return, encode_time, in_flight_stages, in_report_order,
    not_tracked, sql_error,
};
use super::{
    InboxEvent, JournalEntry, PendingEvent, ReturnStage, Store, StoreError, TrackedReturn,
};

/// The schema, embedded from `returns-sync/migrations/sqlite/`.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// How long a statement waits for another connection's write lock before it
/// fails (several engines, or a person with a SQLite shell, on one file).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections to a file: WAL lets readers run beside the one writer.
const FILE_CONNECTIONS: u32 = 4;

/// The location reported for a store opened with [`SqliteStore::open_in_memory`].
const IN_MEMORY: &str = ":memory:";

/// Rows written by one statement: a batch is one round trip to SQLite's
/// thread rather than one per row, and stays far below SQLite's limit of
/// 32,766 bound values.
const ROWS_PER_STATEMENT: usize = 256;

/// The upsert of `tracked_returns` rows, after its `VALUES`.
const UPSERT_RETURN: &str = " ON CONFLICT (return_id) DO UPDATE SET \
    order_name = excluded.order_name, \
    stage = excluded.stage, \
    core = excluded.core, \
    tickets = excluded.tickets, \
    updated_at = excluded.updated_at";

/// A [`Store`] in an SQLite file.
///
/// Cheap to share: clone it (every clone uses the same connection pool) or
/// put it in an `Arc`. Built on [`sqlx`], whose SQLite driver bundles SQLite,
/// so nothing needs to be installed on the machine.
///
/// Opening applies the embedded migrations (from the crate's `migrations/sqlite/`
/// folder), so a file written by an older version of the crate is brought up
/// to date; the applied ones are listed in the `_sqlx_migrations` table. The
/// file uses SQLite's WAL journal, so it is accompanied by `-wal` and `-shm`
/// files while open: copy all three (or [close](SqliteStore::close) every
/// store first) to back it up.
///
/// # Schema
///
/// | table             | holds                                                           |
/// |-------------------|-----------------------------------------------------------------|
/// | `sync_state`      | named values: `pull_watermark`                                  |
/// | `tracked_returns` | one row per [`TrackedReturn`]; `core` and `tickets` as JSON text |
/// | `journal`         | [`JournalEntry`] rows, in the order of an increasing `seq`      |
/// | `inbox`           | [`InboxEvent`] rows: `seq`, a unique `event_key`, `done` 0 or 1  |
/// | `channel_cache`   | order id → sales channel                                        |
/// | `leases`          | return id → the worker working on it (`holder`) and `until`     |
///
/// Stages and steps are stored by their names ([`ReturnStage::as_str`],
/// [`Step::as_str`](crate::Step::as_str)). Completed inbox events stay (`done = 1`), so a
/// redelivery is still recognised. Data that does not decode (JSON, a name,
/// a timestamp edited by hand) is reported as [`StoreError::Corrupt`].
///
/// # Timestamps
///
/// Stored as RFC 3339 text, always in UTC with nine fractional digits
/// (`2025-03-04T15:12:09.123456789Z`): readable in any SQLite shell, exact to
/// the nanosecond, and fixed-width, so text order is time order. The instant
/// is kept, not the offset an [`OffsetDateTime`] carried: values read back
/// are in UTC (and equal to the ones written). Years outside 0000–9999
/// cannot be stored ([`StoreError::Io`]).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    location: String,
}

impl SqliteStore {
    /// Opens the store in the file at `path`, creating the file and its
    /// parent folders when missing, and applies the embedded migrations.
    ///
    /// The file uses the WAL journal and waits up to ten seconds for another
    /// connection's lock, so several processes can share it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] naming the path when the folder cannot be
    /// created, the file cannot be opened or written, is not an SQLite
    /// database, or holds a schema this version cannot migrate.
    ///
    /// # Example
    ///
    /// ```
    /// use returns_sync::{SqliteStore, Store};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let dir = tempfile::tempdir()?;
    /// # let path = dir.path().join("state").join("returns-sync.db");
    /// let store = SqliteStore::open(&path).await?;
    /// assert_eq!(store.watermark().await?, None);
    ///
    /// store.cache_channel("5512093", "Online Store").await?;
    /// store.close().await;
    ///
    /// // The file keeps it.
    /// let store = SqliteStore::open(&path).await?;
    /// assert_eq!(store.cached_channel("5512093").await?.as_deref(), Some("Online Store"));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref();
        let location = path.display().to_string();
        let open_error = |reason: String| StoreError::Open {
            location: location.clone(),
            reason,
        };

        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|err| {
                open_error(format!(
                    "cannot create the folder {}: {err}",
                    parent.display()
                ))
            })?;
        }

        let options = SqliteConnectOptions::new()
            .filename(PathBuf::from(path))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, `NORMAL` keeps every commit through a crash of the
            // process and syncs at checkpoints only; a power loss may undo
            // the last commits (never corrupting the file). That is less
            // than deleting the store, which the engine's rules make safe,
            // and the workers sharing a WAL file share its host, so none
            // outlives the loss to act on a lost lease. `FULL` would sync
            // every write: the engine's slowest step by far.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(FILE_CONNECTIONS)
            // A connection to a local file does not drop like a network one
            // (a failing one still fails its query, with the error): no
            // round trip to the connection's thread to test it first.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|err| open_error(err.to_string()))?;

        Self::migrate(pool, location).await
    }

    /// Opens an empty store that lives in memory, for tests: everything is
    /// lost when the last clone is dropped or [closed](SqliteStore::close).
    ///
    /// It uses one connection (each SQLite in-memory connection is its own
    /// database), kept open for the store's life.
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] when SQLite cannot start or the migrations fail.
    pub async fn open_in_memory() -> Result<Self, StoreError> {
        let open_error = |reason: String| StoreError::Open {
            location: IN_MEMORY.to_owned(),
            reason,
        };
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|err| open_error(err.to_string()))?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|err| open_error(err.to_string()))?;

        Self::migrate(pool, IN_MEMORY.to_owned()).await
    }

    async fn migrate(pool: SqlitePool, location: String) -> Result<Self, StoreError> {
        if let Err(err) = MIGRATOR.run(&pool).await {
            pool.close().await;
            return Err(StoreError::Open {
                location,
                reason: format!("cannot apply the schema migrations: {err}"),
            });
        }
        Ok(Self { pool, location })
    }

    /// Where the store lives: the file path as given to
    /// [`open`](SqliteStore::open), or `:memory:`.
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Closes every connection (for every clone), waiting for those in use
    /// to be returned, and checkpoints the WAL into the file. Calls made
    /// afterwards fail with [`StoreError::Io`].
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn watermark(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        const OP: &str = "watermark";
        let row = sqlx::query("SELECT value FROM sync_state WHERE name = $1")
            .bind(WATERMARK)
            .fetch_optional(&self.pool)
            .await
            .map_err(|err| sql_error(OP, err))?;
        row.map(|row| decode_time(OP, &get::<String>(OP, &row, "value")?))
            .transpose()
    }

    async fn set_watermark(&self, at: OffsetDateTime) -> Result<(), StoreError> {
        const OP: &str = "set_watermark";
        sqlx::query(
            "INSERT INTO sync_state (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(WATERMARK)
        .bind(encode_time(OP, at)?)
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn tracked_return(&self, return_id: &str) -> Result<Option<TrackedReturn>, StoreError> {
        const OP: &str = "tracked_return";
        let row = sqlx::query(&format!(
            "SELECT {RETURN_COLUMNS} FROM tracked_returns WHERE return_id = $1"
        ))
        .bind(return_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        row.map(|row| decode_return(OP, &row)).transpose()
    }

    async fn tracked_returns(
        &self,
        return_ids: &[String],
    ) -> Result<HashMap<String, TrackedReturn>, StoreError> {
        const OP: &str = "tracked_returns";
        let mut found = HashMap::with_capacity(return_ids.len());
        for chunk in return_ids.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(format!(
                "SELECT {RETURN_COLUMNS} FROM tracked_returns WHERE return_id IN "
            ));
            push_id_list(&mut query, chunk);
            let rows = query
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(|err| sql_error(OP, err))?;
            for row in &rows {
                let tracked = decode_return(OP, row)?;
                found.insert(tracked.return_id.clone(), tracked);
            }
        }
        Ok(found)
    }

    async fn save_return(&self, tracked: &TrackedReturn) -> Result<(), StoreError> {
        const OP: &str = "save_return";
        let row = encode_return(OP, tracked)?;
        sqlx::query(
            "INSERT INTO tracked_returns \
                 (return_id, order_name, stage, core, tickets, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (return_id) DO UPDATE SET \
                 order_name = excluded.order_name, \
                 stage = excluded.stage, \
                 core = excluded.core, \
                 tickets = excluded.tickets, \
                 updated_at = excluded.updated_at",
        )
        .bind(row.return_id)
        .bind(row.order_name)
        .bind(row.stage)
        .bind(row.core)
        .bind(row.tickets)
        .bind(row.updated_at)
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn track_new(&self, returns: &[TrackedReturn]) -> Result<(), StoreError> {
        const OP: &str = "track_new";
        if returns.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(|err| sql_error(OP, err))?;
        insert_returns(&mut tx, OP, returns, " ON CONFLICT (return_id) DO NOTHING").await?;
        tx.commit().await.map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn untracked(&self, return_ids: &[String]) -> Result<Vec<String>, StoreError> {
        const OP: &str = "untracked";
        let mut known = HashSet::with_capacity(return_ids.len());
        for chunk in return_ids.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT return_id FROM tracked_returns WHERE return_id IN ",
            );
            push_id_list(&mut query, chunk);
            let rows = query
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(|err| sql_error(OP, err))?;
            for row in &rows {
                known.insert(get::<String>(OP, row, "return_id")?);
            }
        }
        Ok(not_tracked(return_ids, &known))
    }

    async fn in_flight(&self) -> Result<Vec<TrackedReturn>, StoreError> {
        const OP: &str = "in_flight";
        let stages = in_flight_stages();
        let placeholders: Vec<String> = (1..=stages.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {RETURN_COLUMNS} FROM tracked_returns WHERE stage IN ({}) ORDER BY return_id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for stage in stages {
            query = query.bind(stage);
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_return(OP, row)).collect()
    }

    async fn in_flight_ids(&self) -> Result<Vec<(String, OffsetDateTime)>, StoreError> {
        const OP: &str = "in_flight_ids";
        let stages = in_flight_stages();
        let placeholders: Vec<String> = (1..=stages.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT return_id, updated_at FROM tracked_returns WHERE stage IN ({}) \
             ORDER BY return_id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for stage in stages {
            query = query.bind(stage);
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_id_and_time(OP, row)).collect()
    }

    async fn stage_counts(&self) -> Result<Vec<(ReturnStage, u64)>, StoreError> {
        const OP: &str = "stage_counts";
        let rows = sqlx::query("SELECT stage, COUNT(*) AS n FROM tracked_returns GROUP BY stage")
            .fetch_all(&self.pool)
            .await
            .map_err(|err| sql_error(OP, err))?;
        let counts = rows
            .iter()
            .map(|row| decode_count(OP, &get::<String>(OP, row, "stage")?, get(OP, row, "n")?))
            .collect::<Result<_, _>>()?;
        Ok(in_report_order(counts))
    }

    async fn append_journal(&self, entries: &[JournalEntry]) -> Result<(), StoreError> {
        const OP: &str = "append_journal";
        if entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(|err| sql_error(OP, err))?;
        insert_entries(&mut tx, OP, entries).await?;
        tx.commit().await.map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn save_batch(
        &self,
        returns: &[TrackedReturn],
        entries: &[JournalEntry],
    ) -> Result<(), StoreError> {
        const OP: &str = "save_batch";
        if returns.is_empty() && entries.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(|err| sql_error(OP, err))?;
        insert_returns(&mut tx, OP, returns, UPSERT_RETURN).await?;
        insert_entries(&mut tx, OP, entries).await?;
        tx.commit().await.map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn timeline(&self, return_id: &str) -> Result<Vec<JournalEntry>, StoreError> {
        const OP: &str = "timeline";
        let rows = sqlx::query(
            "SELECT return_id, at, step, detail FROM journal \
             WHERE return_id = $1 ORDER BY seq",
        )
        .bind(return_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_entry(OP, row)).collect()
    }

    async fn timelines(
        &self,
        return_ids: &[String],
    ) -> Result<HashMap<String, Vec<JournalEntry>>, StoreError> {
        const OP: &str = "timelines";
        let mut found: HashMap<String, Vec<JournalEntry>> = HashMap::new();
        for chunk in return_ids.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT return_id, at, step, detail FROM journal WHERE return_id IN ",
            );
            push_id_list(&mut query, chunk);
            query.push(" ORDER BY seq");
            let rows = query
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(|err| sql_error(OP, err))?;
            for row in &rows {
                let entry = decode_entry(OP, row)?;
                found
                    .entry(entry.return_id.clone())
                    .or_default()
                    .push(entry);
            }
        }
        Ok(found)
    }

    async fn push_event(&self, event: &InboxEvent) -> Result<bool, StoreError> {
        const OP: &str = "push_event";
        let result = sqlx::query(
            "INSERT INTO inbox (event_key, return_id, topic, received_at, body) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (event_key) DO NOTHING",
        )
        .bind(&event.key)
        .bind(event.return_id.as_deref())
        .bind(&event.topic)
        .bind(encode_time(OP, event.received_at)?)
        .bind(&event.body)
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(result.rows_affected() == 1)
    }

    async fn pending_events(&self, limit: usize) -> Result<Vec<PendingEvent>, StoreError> {
        const OP: &str = "pending_events";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = sqlx::query(
            "SELECT seq, event_key, return_id, topic, received_at, body FROM inbox \
             WHERE done = 0 ORDER BY seq LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_pending(OP, row)).collect()
    }

    async fn complete_event(&self, seq: i64) -> Result<(), StoreError> {
        const OP: &str = "complete_event";
        sqlx::query("UPDATE inbox SET done = 1 WHERE seq = $1")
            .bind(seq)
            .execute(&self.pool)
            .await
            .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn claim(
        &self,
        return_ids: &[String],
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        const OP: &str = "claim";
        let (now, until) = (encode_time(OP, now)?, encode_time(OP, until)?);
        let mut granted = HashSet::new();
        // One statement per chunk, not one transaction for all: each row's
        // upsert is atomic on its own, and the write lock is held briefly.
        for chunk in return_ids.chunks(ROWS_PER_STATEMENT) {
            let mut query =
                QueryBuilder::<Sqlite>::new("INSERT INTO leases (return_id, holder, until) ");
            query.push_values(chunk, |mut row, id| {
                row.push_bind(id).push_bind(holder).push_bind(&until);
            });
            query
                .push(
                    " ON CONFLICT (return_id) DO UPDATE SET \
                     holder = excluded.holder, until = excluded.until \
                     WHERE leases.until <= ",
                )
                .push_bind(&now)
                .push(" OR leases.holder = excluded.holder RETURNING return_id");
            let rows = query
                .build()
                .fetch_all(&self.pool)
                .await
                .map_err(|err| sql_error(OP, err))?;
            for row in &rows {
                granted.insert(get::<String>(OP, row, "return_id")?);
            }
        }
        Ok(return_ids
            .iter()
            .filter(|id| granted.contains(id.as_str()))
            .cloned()
            .collect())
    }

    async fn release(&self, return_ids: &[String], holder: &str) -> Result<(), StoreError> {
        const OP: &str = "release";
        for chunk in return_ids.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<Sqlite>::new("DELETE FROM leases WHERE holder = ");
            query.push_bind(holder).push(" AND return_id IN ");
            push_id_list(&mut query, chunk);
            query
                .build()
                .execute(&self.pool)
                .await
                .map_err(|err| sql_error(OP, err))?;
        }
        Ok(())
    }

    async fn cached_channel(&self, order_id: &str) -> Result<Option<String>, StoreError> {
        const OP: &str = "cached_channel";
        let row = sqlx::query("SELECT channel FROM channel_cache WHERE order_id = $1")
            .bind(order_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|err| sql_error(OP, err))?;
        row.map(|row| get(OP, &row, "channel")).transpose()
    }

    async fn cache_channel(&self, order_id: &str, channel: &str) -> Result<(), StoreError> {
        const OP: &str = "cache_channel";
        sqlx::query(
            "INSERT INTO channel_cache (order_id, channel) VALUES ($1, $2) \
             ON CONFLICT (order_id) DO UPDATE SET channel = excluded.channel",
        )
        .bind(order_id)
        .bind(channel)
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }
}

/// Reads a column of a SQLite row.
fn get<'r, T>(operation: &'static str, row: &'r SqliteRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    super::sql::get(operation, row, column)
}

/// Appends `(?, ?, …)` binding each of `ids`: the list of an `IN`.
fn push_id_list<'a>(query: &mut QueryBuilder<'a, Sqlite>, ids: &'a [String]) {
    query.push("(");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    list.push_unseparated(")");
}

/// Inserts `returns` into `tracked_returns`, a chunk per statement, each
/// ended by `on_conflict`.
async fn insert_returns(
    tx: &mut Transaction<'_, Sqlite>,
    operation: &'static str,
    returns: &[TrackedReturn],
    on_conflict: &str,
) -> Result<(), StoreError> {
    for chunk in returns.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk
            .iter()
            .map(|tracked| encode_return(operation, tracked))
            .collect::<Result<Vec<_>, _>>()?;
        let mut query = QueryBuilder::<Sqlite>::new(
            "INSERT INTO tracked_returns \
             (return_id, order_name, stage, core, tickets, updated_at) ",
        );
        query.push_values(rows, |mut values, row| {
            values
                .push_bind(row.return_id)
                .push_bind(row.order_name)
                .push_bind(row.stage)
                .push_bind(row.core)
                .push_bind(row.tickets)
                .push_bind(row.updated_at);
        });
        query.push(on_conflict);
        query
            .build()
            .execute(&mut **tx)
            .await
            .map_err(|err| sql_error(operation, err))?;
    }
    Ok(())
}

/// Appends `entries` to the journal, in order (a multi-row insert numbers
/// its rows in the order given).
async fn insert_entries(
    tx: &mut Transaction<'_, Sqlite>,
    operation: &'static str,
    entries: &[JournalEntry],
) -> Result<(), StoreError> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk
            .iter()
            .map(|entry| Ok((entry, encode_time(operation, entry.at)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut query =
            QueryBuilder::<Sqlite>::new("INSERT INTO journal (return_id, at, step, detail) ");
        query.push_values(rows, |mut values, (entry, at)| {
            values
                .push_bind(&entry.return_id)
                .push_bind(at)
                .push_bind(entry.step.as_str())
                .push_bind(&entry.detail);
        });
        query
            .build()
            .execute(&mut **tx)
            .await
            .map_err(|err| sql_error(operation, err))?;
    }
    Ok(())
}
