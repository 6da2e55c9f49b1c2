use std::collections::HashMap;

use super::*;

const TWO_MERCHANTS: &str = r#"
[store]
postgres_url_env = "SYNC_DATABASE_URL"

[webhooks]
listen = "127.0.0.1:8080"

[[merchants]]
id = "acme"
loop = { api_key_env = "ACME_LOOP_KEY", webhook_secret_env = "ACME_HOOK" }
cloudx = { client_secret_env = "ACME_CLOUDX", base_url = "https://cloudx.example/api" }
cartrover = { api_user_env = "ACME_CR_USER", api_key_env = "ACME_CR_KEY" }
options = { concurrency = 4, lease = 120 }

[merchants.settings]
warehouse_code = "BERGEN-NJ-01"
auto_process = true
excluded_sales_channels = ["Amazon"]

[[merchants]]
id = "globex"
loop = { api_key_env = "GLOBEX_LOOP_KEY", webhook_secret_env = "GLOBEX_HOOK" }
cloudx = { client_secret_env = "GLOBEX_CLOUDX", base_url = "https://cloudx.example/api" }

[merchants.settings]
warehouse_code = "BERGEN-CA-02"
"#;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

const ALL_SET: &[(&str, &str)] = &[
    ("SYNC_DATABASE_URL", "postgres://sync:pw@db/returns"),
    ("ACME_LOOP_KEY", "loop-acme"),
    ("ACME_HOOK", "hook-acme"),
    ("ACME_CLOUDX", "cloudx-acme"),
    ("ACME_CR_USER", "cr-user"),
    ("ACME_CR_KEY", "cr-key"),
    ("GLOBEX_LOOP_KEY", "loop-globex"),
    ("GLOBEX_HOOK", "hook-globex"),
    ("GLOBEX_CLOUDX", "cloudx-globex"),
];

#[test]
fn a_full_file_parses_and_resolves() {
    let config = ServiceConfig::from_toml(TWO_MERCHANTS).unwrap();
    assert_eq!(config.merchants.len(), 2);
    assert_eq!(config.merchants[0].options.concurrency, 4);
    assert_eq!(config.merchants[0].options.lease.as_secs(), 120);
    assert_eq!(config.merchants[1].options, EngineOptions::default());
    assert_eq!(
        config.webhooks.as_ref().unwrap().listen,
        "127.0.0.1:8080".parse().unwrap()
    );

    let resolved = config.resolve_with(env(ALL_SET)).unwrap();
    assert_eq!(resolved[0].secrets.loop_api_key, "loop-acme");
    assert_eq!(
        resolved[0].secrets.cartrover.as_ref().unwrap().api_key,
        "cr-key"
    );
    assert_eq!(resolved[1].secrets.cloudx_client_secret, "cloudx-globex");
    assert!(resolved[1].secrets.cartrover.is_none());
    assert_eq!(
        config.postgres_url_with(env(ALL_SET)).unwrap().as_deref(),
        Some("postgres://sync:pw@db/returns")
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let config = ServiceConfig::from_toml(TWO_MERCHANTS).unwrap();
    let resolved = config.resolve_with(env(ALL_SET)).unwrap();
    let shown = format!("{resolved:?}");
    for (_, secret) in ALL_SET {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    assert!(shown.contains("acme"), "{shown}");
}

#[test]
fn an_unset_variable_names_the_merchant_and_the_variable() {
    let config = ServiceConfig::from_toml(TWO_MERCHANTS).unwrap();
    let missing: Vec<(&str, &str)> = ALL_SET
        .iter()
        .copied()
        .filter(|(k, _)| *k != "GLOBEX_CLOUDX")
        .collect();
    let error = config.resolve_with(env(&missing)).unwrap_err();
    assert!(
        matches!(&error, ConfigError::MissingVariable { merchant, variable }
            if merchant == "globex" && variable == "GLOBEX_CLOUDX"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "merchant `globex`: the environment variable `GLOBEX_CLOUDX` is not set"
    );

    // A blank value is as good as unset.
    let mut blank = ALL_SET.to_vec();
    blank.retain(|(k, _)| *k != "ACME_LOOP_KEY");
    blank.push(("ACME_LOOP_KEY", "  "));
    let error = config.resolve_with(env(&blank)).unwrap_err();
    assert!(error.to_string().contains("ACME_LOOP_KEY"), "{error}");

    let error = config.postgres_url_with(env(&[])).unwrap_err();
    assert!(error.to_string().contains("SYNC_DATABASE_URL"), "{error}");
}

fn invalid(text: &str) -> (String, String) {
    match ServiceConfig::from_toml(text).unwrap_err() {
        ConfigError::Invalid {
            merchant, field, ..
        } => (merchant, field),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn bad_values_name_the_merchant_and_the_field() {
    let both_stores = TWO_MERCHANTS.replace(
        "[store]\n",
        "[store]\nsqlite_dir = \"/var/lib/returns-sync\"\n",
    );
    assert_eq!(invalid(&both_stores), ("*".into(), "store".into()));

    let duplicate = TWO_MERCHANTS.replace("id = \"globex\"", "id = \"acme\"");
    assert_eq!(invalid(&duplicate), ("acme".into(), "id".into()));

    let path_like = TWO_MERCHANTS.replace("id = \"globex\"", "id = \"../globex\"");
    assert_eq!(invalid(&path_like), ("../globex".into(), "id".into()));

    let no_warehouse = TWO_MERCHANTS.replace("\"BERGEN-CA-02\"", "\"  \"");
    assert_eq!(invalid(&no_warehouse), ("globex".into(), "settings".into()));

    let zero_lease = TWO_MERCHANTS.replace("lease = 120", "lease = 0");
    assert_eq!(
        invalid(&zero_lease),
        ("acme".into(), "options.lease".into())
    );

    let no_hook_secret = TWO_MERCHANTS.replace(", webhook_secret_env = \"GLOBEX_HOOK\"", "");
    assert_eq!(
        invalid(&no_hook_secret),
        ("globex".into(), "loop.webhook_secret_env".into())
    );

    assert_eq!(invalid("merchants = []"), ("*".into(), "merchants".into()));
}

#[test]
fn an_unknown_field_is_a_parse_error_naming_it_and_its_line() {
    let typo = TWO_MERCHANTS.replace("auto_process = true", "auto_procces = true");
    let error = ServiceConfig::from_toml(&typo).unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, ConfigError::Parse(_)), "{error:?}");
    assert!(text.contains("auto_procces"), "{text}");
    assert!(text.contains("line 17"), "{text}");
}

#[test]
fn the_default_store_is_sqlite_files() {
    let text = TWO_MERCHANTS.replace("[store]\npostgres_url_env = \"SYNC_DATABASE_URL\"\n", "");
    let config = ServiceConfig::from_toml(&text).unwrap();
    assert_eq!(config.store, StoreConfig::default());
    assert!(config.store.sqlite_dir.is_some());
    assert_eq!(config.postgres_url_with(env(&[])).unwrap(), None);
}

#[test]
fn a_missing_file_names_its_path() {
    let error = ServiceConfig::load("/nonexistent/merchants.toml").unwrap_err();
    assert!(
        error.to_string().contains("/nonexistent/merchants.toml"),
        "{error}"
    );
}
