//! The PostgreSQL store: one database for many merchants and several
//! workers. The schema is in `migrations/postgres/`, embedded in the crate;
//! see [`PostgresStore`].

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use time::OffsetDateTime;

use super::sql::{
    RETURN_COLUMNS, WATERMARK, decode_count, decode_entry, decode_id_and_time, decode_pending,
    decode_return, decode_time, encode_return, encode_time, in_flight_stages, in_report_order,
    not_tracked, sql_error,
};
use super::{
    InboxEvent, JournalEntry, PendingEvent, ReturnStage, Store, StoreError, TrackedReturn,
};

/// The schema, embedded from `returns-sync/migrations/postgres/`.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Connections per process (shared by every merchant's store).
const MAX_CONNECTIONS: u32 = 8;

/// How long a call waits for a connection before it fails: a database that
/// cannot be reached is reported, not waited on forever.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The merchant of a store from [`PostgresStore::connect`].
pub const DEFAULT_MERCHANT: &str = "default";

/// A [`Store`] in a PostgreSQL database, for several workers (processes or
/// tasks) and many merchants on one database.
///
/// Every row carries its merchant: [`connect`](PostgresStore::connect) once
/// per process, then [`for_merchant`](PostgresStore::for_merchant) gives each
/// merchant's store, all sharing one connection pool (at most eight
/// connections; a call waits at most ten seconds for one).
///
/// # Several workers
///
/// Work on a return is claimed with a lease ([`Store::claim`]): one
/// `INSERT … ON CONFLICT DO UPDATE … WHERE` per batch, which PostgreSQL
/// runs atomically per row, so two workers are never both granted a return,
/// and a lease whose time has passed (a worker that was killed) is granted to
/// the next worker that asks. Rows are claimed in id order, so two workers
/// claiming overlapping batches cannot deadlock. A job-queue crate was not
/// used: the engine needs leases on returns it already enumerates, not a
/// queue of its own, and this is one statement.
///
/// # Migrations
///
/// Connecting applies the embedded migrations (`migrations/postgres/`).
/// `sqlx` holds a PostgreSQL advisory lock while it migrates, so workers
/// that start at once apply each migration once; the applied ones are
/// listed in the `_sqlx_migrations` table.
///
/// # Schema
///
/// As [`SqliteStore`](crate::SqliteStore)'s, with a leading `merchant`
/// column in every table and key. Timestamps are RFC 3339 text, exact to the
/// nanosecond, as there.
///
/// # Lost connections
///
/// A call made while the database is unreachable fails with
/// [`StoreError::Io`]; the pool reconnects on the next call, so the engine's
/// retries (a failed step is tried again on the next pass, a failed pull
/// after a backoff) resume work once the database is back.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    location: Arc<str>,
    merchant: Arc<str>,
}

impl PostgresStore {
    /// Connects to the database at `url` (a `postgres://` URL), applies the
    /// embedded migrations, and returns the store of the merchant
    /// [`DEFAULT_MERCHANT`]; see [`for_merchant`](Self::for_merchant).
    ///
    /// # Errors
    ///
    /// [`StoreError::Open`] naming the host, port and database — never the
    /// password — when the URL does not parse, the database cannot be
    /// reached or refuses the login, or the migrations fail.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use returns_sync::{PostgresStore, Store};
    ///
    /// # async fn demo() -> Result<(), returns_sync::StoreError> {
    /// let database = PostgresStore::connect("postgres://sync@db.internal/returns").await?;
    /// let acme = database.for_merchant("acme");
    /// let globex = database.for_merchant("globex");
    /// acme.cache_channel("5512093", "Online Store").await?;
    /// assert_eq!(globex.cached_channel("5512093").await?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|err| StoreError::Open {
            location: "the PostgreSQL URL".to_owned(),
            reason: format!("it does not parse: {}", without_url(&err.to_string(), url)),
        })?;
        let location = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or("(default database)")
        );
        let open_error = |reason: String| StoreError::Open {
            location: location.clone(),
            reason: without_url(&reason, url),
        };
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|err| open_error(err.to_string()))?;
        if let Err(err) = MIGRATOR.run(&pool).await {
            pool.close().await;
            return Err(open_error(format!(
                "cannot apply the schema migrations: {err}"
            )));
        }
        Ok(Self {
            pool,
            location: location.into(),
            merchant: DEFAULT_MERCHANT.into(),
        })
    }

    /// The store of merchant `merchant` in the same database, sharing this
    /// store's connections. Merchants never see each other's rows.
    pub fn for_merchant(&self, merchant: &str) -> Self {
        Self {
            pool: self.pool.clone(),
            location: Arc::clone(&self.location),
            merchant: merchant.into(),
        }
    }

    /// The merchant whose state this store holds.
    pub fn merchant(&self) -> &str {
        &self.merchant
    }

    /// Host, port and database, as errors name them (never the password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Closes every connection (for every merchant's store of this pool).
    /// Calls made afterwards fail with [`StoreError::Io`].
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Store for PostgresStore {
    async fn watermark(&self) -> Result<Option<OffsetDateTime>, StoreError> {
        const OP: &str = "watermark";
        let row = sqlx::query("SELECT value FROM sync_state WHERE merchant = $1 AND name = $2")
            .bind(&*self.merchant)
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
            "INSERT INTO sync_state (merchant, name, value) VALUES ($1, $2, $3) \
             ON CONFLICT (merchant, name) DO UPDATE SET value = excluded.value",
        )
        .bind(&*self.merchant)
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
            "SELECT {RETURN_COLUMNS} FROM tracked_returns WHERE merchant = $1 AND return_id = $2"
        ))
        .bind(&*self.merchant)
        .bind(return_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        row.map(|row| decode_return(OP, &row)).transpose()
    }

    async fn save_return(&self, tracked: &TrackedReturn) -> Result<(), StoreError> {
        const OP: &str = "save_return";
        let row = encode_return(OP, tracked)?;
        sqlx::query(
            "INSERT INTO tracked_returns \
                 (merchant, return_id, order_name, stage, core, tickets, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (merchant, return_id) DO UPDATE SET \
                 order_name = excluded.order_name, \
                 stage = excluded.stage, \
                 core = excluded.core, \
                 tickets = excluded.tickets, \
                 updated_at = excluded.updated_at",
        )
        .bind(&*self.merchant)
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
        let rows = returns
            .iter()
            .map(|tracked| encode_return(OP, tracked))
            .collect::<Result<Vec<_>, _>>()?;
        let column = |pick: fn(&super::sql::EncodedReturn<'_>) -> String| -> Vec<String> {
            rows.iter().map(pick).collect()
        };
        // One statement for the batch: a pull can find thousands.
        sqlx::query(
            "INSERT INTO tracked_returns \
                 (merchant, return_id, order_name, stage, core, tickets, updated_at) \
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], \
                                      $6::text[], $7::text[]) \
             ON CONFLICT (merchant, return_id) DO NOTHING",
        )
        .bind(&*self.merchant)
        .bind(column(|row| row.return_id.to_owned()))
        .bind(column(|row| row.order_name.to_owned()))
        .bind(column(|row| row.stage.to_owned()))
        .bind(column(|row| row.core.clone()))
        .bind(column(|row| row.tickets.clone()))
        .bind(column(|row| row.updated_at.clone()))
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn in_flight(&self) -> Result<Vec<TrackedReturn>, StoreError> {
        const OP: &str = "in_flight";
        let rows = sqlx::query(&format!(
            "SELECT {RETURN_COLUMNS} FROM tracked_returns \
             WHERE merchant = $1 AND stage = ANY($2) ORDER BY return_id"
        ))
        .bind(&*self.merchant)
        .bind(in_flight_stages())
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_return(OP, row)).collect()
    }

    async fn untracked(&self, return_ids: &[String]) -> Result<Vec<String>, StoreError> {
        const OP: &str = "untracked";
        if return_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT return_id FROM tracked_returns WHERE merchant = $1 AND return_id = ANY($2)",
        )
        .bind(&*self.merchant)
        .bind(return_ids)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(not_tracked(return_ids, &return_ids_of(OP, &rows)?))
    }

    async fn in_flight_ids(&self) -> Result<Vec<(String, OffsetDateTime)>, StoreError> {
        const OP: &str = "in_flight_ids";
        let rows = sqlx::query(
            "SELECT return_id, updated_at FROM tracked_returns \
             WHERE merchant = $1 AND stage = ANY($2) ORDER BY return_id",
        )
        .bind(&*self.merchant)
        .bind(in_flight_stages())
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_id_and_time(OP, row)).collect()
    }

    async fn stage_counts(&self) -> Result<Vec<(ReturnStage, u64)>, StoreError> {
        const OP: &str = "stage_counts";
        let rows = sqlx::query(
            "SELECT stage, COUNT(*) AS n FROM tracked_returns WHERE merchant = $1 GROUP BY stage",
        )
        .bind(&*self.merchant)
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
        let at = entries
            .iter()
            .map(|entry| encode_time(OP, entry.at))
            .collect::<Result<Vec<_>, _>>()?;
        // `WITH ORDINALITY … ORDER BY` keeps the entries' order in `seq`.
        sqlx::query(
            "INSERT INTO journal (merchant, return_id, at, step, detail) \
             SELECT $1, return_id, at, step, detail \
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) \
                  WITH ORDINALITY AS e(return_id, at, step, detail, position) \
             ORDER BY position",
        )
        .bind(&*self.merchant)
        .bind(
            entries
                .iter()
                .map(|e| e.return_id.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(at)
        .bind(entries.iter().map(|e| e.step.as_str()).collect::<Vec<_>>())
        .bind(
            entries
                .iter()
                .map(|e| e.detail.as_str())
                .collect::<Vec<_>>(),
        )
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn timeline(&self, return_id: &str) -> Result<Vec<JournalEntry>, StoreError> {
        const OP: &str = "timeline";
        let rows = sqlx::query(
            "SELECT return_id, at, step, detail FROM journal \
             WHERE merchant = $1 AND return_id = $2 ORDER BY seq",
        )
        .bind(&*self.merchant)
        .bind(return_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_entry(OP, row)).collect()
    }

    async fn push_event(&self, event: &InboxEvent) -> Result<bool, StoreError> {
        const OP: &str = "push_event";
        let result = sqlx::query(
            "INSERT INTO inbox (merchant, event_key, return_id, topic, received_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (merchant, event_key) DO NOTHING",
        )
        .bind(&*self.merchant)
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
             WHERE merchant = $1 AND NOT done ORDER BY seq LIMIT $2",
        )
        .bind(&*self.merchant)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        rows.iter().map(|row| decode_pending(OP, row)).collect()
    }

    async fn complete_event(&self, seq: i64) -> Result<(), StoreError> {
        const OP: &str = "complete_event";
        sqlx::query("UPDATE inbox SET done = TRUE WHERE merchant = $1 AND seq = $2")
            .bind(&*self.merchant)
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
        if return_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Sorted and without repeats: rows are locked in one order by every
        // worker (no deadlock), and no row is upserted twice in a statement.
        let mut sorted: Vec<&str> = return_ids.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let rows = sqlx::query(
            "INSERT INTO leases (merchant, return_id, holder, until) \
             SELECT $1, id, $2, $3 FROM unnest($4::text[]) AS ids(id) ORDER BY id \
             ON CONFLICT (merchant, return_id) DO UPDATE SET \
                 holder = excluded.holder, until = excluded.until \
             WHERE leases.until <= $5 OR leases.holder = excluded.holder \
             RETURNING return_id",
        )
        .bind(&*self.merchant)
        .bind(holder)
        .bind(encode_time(OP, until)?)
        .bind(&sorted)
        .bind(encode_time(OP, now)?)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        let granted = return_ids_of(OP, &rows)?;
        // In the order given, each once.
        let mut seen = HashSet::new();
        Ok(return_ids
            .iter()
            .filter(|id| granted.contains(*id) && seen.insert(id.as_str()))
            .cloned()
            .collect())
    }

    async fn release(&self, return_ids: &[String], holder: &str) -> Result<(), StoreError> {
        const OP: &str = "release";
        if return_ids.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "DELETE FROM leases WHERE merchant = $1 AND holder = $2 AND return_id = ANY($3)",
        )
        .bind(&*self.merchant)
        .bind(holder)
        .bind(return_ids)
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }

    async fn cached_channel(&self, order_id: &str) -> Result<Option<String>, StoreError> {
        const OP: &str = "cached_channel";
        let row =
            sqlx::query("SELECT channel FROM channel_cache WHERE merchant = $1 AND order_id = $2")
                .bind(&*self.merchant)
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|err| sql_error(OP, err))?;
        row.map(|row| get(OP, &row, "channel")).transpose()
    }

    async fn cache_channel(&self, order_id: &str, channel: &str) -> Result<(), StoreError> {
        const OP: &str = "cache_channel";
        sqlx::query(
            "INSERT INTO channel_cache (merchant, order_id, channel) VALUES ($1, $2, $3) \
             ON CONFLICT (merchant, order_id) DO UPDATE SET channel = excluded.channel",
        )
        .bind(&*self.merchant)
        .bind(order_id)
        .bind(channel)
        .execute(&self.pool)
        .await
        .map_err(|err| sql_error(OP, err))?;
        Ok(())
    }
}

/// The `return_id` column of `rows`, as a set.
fn return_ids_of(operation: &'static str, rows: &[PgRow]) -> Result<HashSet<String>, StoreError> {
    rows.iter()
        .map(|row| get::<String>(operation, row, "return_id"))
        .collect()
}

/// Reads a column of a PostgreSQL row.
fn get<'r, T>(operation: &'static str, row: &'r PgRow, column: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    super::sql::get(operation, row, column)
}

/// An error text with the URL (and so any password in it) taken out.
fn without_url(text: &str, url: &str) -> String {
    if url.is_empty() {
        text.to_owned()
    } else {
        text.replace(url, "<the PostgreSQL URL>")
    }
}
