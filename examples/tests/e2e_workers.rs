//! Scale-out: four workers share one store over three merchants with
//! faults on both vendors — every return ends as planned with no ticket,
//! note or action twice, also when a worker is aborted part way (its leases
//! lapse and the others finish its returns). Counted from the sandboxes.
//!
//! On PostgreSQL (the store for several workers) and on shared SQLite files.
//! The PostgreSQL runs use `DATABASE_URL`, or a server started from the
//! machine's PostgreSQL binaries; with neither they fail, saying what to
//! install.

use std::time::Duration;

use examples::scale::{self, ScaleResult, ScaleRun};
use returns_sync::config::StoreConfig;
use sandbox::postgres::TestPostgres;

fn sqlite_run(dir: &std::path::Path, abort_one_at: Option<f64>) -> ScaleRun {
    ScaleRun {
        merchants: 3,
        returns: 120,
        workers: 4,
        fault_rate: 0.05,
        abort_one_at,
        lease: Duration::from_secs(3),
        deadline: Duration::from_secs(90),
        latency: Duration::ZERO,
        client_limits: true,
        store: StoreConfig::sqlite(dir),
        postgres_url: None,
        seed: 41,
    }
}

/// The same run on a fresh database of the shared test server.
async fn postgres_run(database: &str, abort_one_at: Option<f64>) -> ScaleRun {
    let url = TestPostgres::shared()
        .unwrap_or_else(|err| panic!("{err}"))
        .create_database(database)
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    ScaleRun {
        store: StoreConfig::postgres("DATABASE_URL"),
        postgres_url: Some(url),
        ..sqlite_run(std::path::Path::new("unused"), abort_one_at)
    }
}

fn assert_clean(result: &ScaleResult) {
    eprintln!("{result:?}");
    assert!(
        result.is_clean(),
        "not clean after {:?}: {result:#?}",
        result.elapsed
    );
    assert!(result.tickets > 0, "{result:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_on_sqlite_act_once() {
    let dir = tempfile::tempdir().unwrap();
    let result = scale::run(&sqlite_run(dir.path(), None)).await.unwrap();
    assert_clean(&result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_worker_strands_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let result = scale::run(&sqlite_run(dir.path(), Some(0.3)))
        .await
        .unwrap();
    assert!(
        result.aborted_worker,
        "the abort must happen mid-run: {result:#?}"
    );
    assert_clean(&result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_workers_on_postgres_act_once() {
    let run = postgres_run("workers_act_once", None).await;
    let result = scale::run(&run).await.unwrap();
    assert_clean(&result);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_worker_strands_nothing_on_postgres() {
    let run = postgres_run("workers_one_aborted", Some(0.3)).await;
    let result = scale::run(&run).await.unwrap();
    assert!(
        result.aborted_worker,
        "the abort must happen mid-run: {result:#?}"
    );
    assert_clean(&result);
}
