//! The `returns-sync` binary: `check`, `status` and `run --sandbox`,
//! against the sandbox, as a person runs them.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use returns_sync::{SqliteStore, Store};
use sandbox::scenario::ScenarioConfig;
use sandbox::{Sandbox, SandboxConfig};

const BIN: &str = env!("CARGO_BIN_EXE_returns-sync");

fn config_for(sandbox: &Sandbox, state: &Path) -> String {
    format!(
        r#"
[store]
sqlite_dir = "{state}"

[[merchants]]
id = "acme"
loop = {{ api_key_env = "ACME_LOOP_KEY", base_url = "{loop_url}" }}
cloudx = {{ client_secret_env = "ACME_CLOUDX_SECRET", base_url = "{cloudx_url}" }}

[merchants.settings]
warehouse_code = "{warehouse}"
auto_process = true
"#,
        state = state.display(),
        loop_url = sandbox.loop_base_url(),
        cloudx_url = sandbox.cloudx_base_url(),
        warehouse = common::WAREHOUSE,
    )
}

fn returns_sync(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("ACME_LOOP_KEY")
        .env_remove("ACME_CLOUDX_SECRET");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the blocking child off the runtime the sandbox serves on.
async fn run_cli(args: Vec<String>, env: Vec<(String, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        returns_sync(&args, &env)
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_passes_with_good_credentials_and_names_what_fails() {
    let sandbox = common::sandbox(SandboxConfig::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merchants.toml");
    std::fs::write(&path, config_for(&sandbox, &dir.path().join("state"))).unwrap();
    let credentials = sandbox.credentials();
    let args = vec![
        "check".to_owned(),
        "--config".to_owned(),
        path.display().to_string(),
    ];
    let good = vec![
        ("ACME_LOOP_KEY".to_owned(), credentials.loop_api_key.clone()),
        (
            "ACME_CLOUDX_SECRET".to_owned(),
            credentials.cloudx_client_secret.clone(),
        ),
    ];

    let ok = run_cli(args.clone(), good.clone()).await;
    let out = text(&ok);
    assert!(ok.status.success(), "{out}");
    for what in ["store", "loop", "cloudx"] {
        assert!(
            out.lines().any(|l| l.contains(what) && l.contains(" ok ")),
            "no ok line for {what}: {out}"
        );
    }
    assert!(out.contains("warehouse BERGEN-NJ-01 known"), "{out}");
    assert!(
        !out.contains(&credentials.loop_api_key),
        "a secret printed: {out}"
    );
    assert!(
        !out.contains(&credentials.cloudx_client_secret),
        "a secret printed: {out}"
    );

    let mut wrong = good.clone();
    wrong[1].1 = "not-the-secret".to_owned();
    let failed = run_cli(args.clone(), wrong).await;
    let out = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("cloudx") && l.contains("FAIL")),
        "{out}"
    );
    assert!(!out.contains("not-the-secret"), "a secret printed: {out}");

    let unset = run_cli(args, good[..1].to_vec()).await;
    let out = text(&unset);
    assert_eq!(unset.status.code(), Some(1), "{out}");
    assert!(
        out.contains("ACME_CLOUDX_SECRET"),
        "the variable is named: {out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_shows_counts_by_stage_and_a_timeline() {
    let sandbox =
        common::sandbox(SandboxConfig::default().with_scenario(ScenarioConfig::new(9, 12))).await;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(state.join("acme.db")).await.unwrap());
    let (engine, _) = {
        let clock = returns_sync::ManualClock::new(time::OffsetDateTime::now_utc());
        let engine = common::engine_with(
            &sandbox,
            common::settings(),
            Arc::clone(&store),
            clock.clone(),
            returns_sync::EngineOptions::default(),
        )
        .await;
        (engine, clock)
    };
    let report = engine.reconcile_once().await;
    let sent = report.counts.tickets_created;
    assert!(sent > 0);
    let some_return = report.returns[0].return_id.clone();
    drop(engine);
    drop(store);

    let path = dir.path().join("merchants.toml");
    std::fs::write(&path, config_for(&sandbox, &state)).unwrap();
    let args = vec![
        "status".to_owned(),
        "--config".to_owned(),
        path.display().to_string(),
    ];
    let counts = run_cli(args.clone(), Vec::new()).await;
    let out = text(&counts);
    assert!(counts.status.success(), "{out}");
    let header = out.lines().next().unwrap();
    assert!(
        header.contains("at_warehouse") && header.contains("blocked"),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("acme")), "{out}");

    let mut one = args;
    one.extend(["--return".to_owned(), some_return.clone()]);
    let timeline = run_cli(one, Vec::new()).await;
    let out = text(&timeline);
    assert!(timeline.status.success(), "{out}");
    assert!(
        out.contains(&format!("return {some_return} of merchant acme")),
        "{out}"
    );
    assert!(out.lines().count() >= 2, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_sandbox_works_with_no_configuration() {
    let output = run_cli(
        vec![
            "run".into(),
            "--sandbox".into(),
            "--seconds".into(),
            "9".into(),
        ],
        vec![("RUST_LOG".into(), "info".into())],
    )
    .await;
    let out = text(&output);
    assert!(output.status.success(), "{out}");
    assert!(out.contains("Loop webhooks subscribed"), "{out}");
    assert!(
        out.contains("at_warehouse"),
        "returns reached the warehouse: {out}"
    );
    assert!(out.contains("returns-sync stopped"), "{out}");
}
