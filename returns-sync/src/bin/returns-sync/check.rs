//! `returns-sync check`: one line per check, never a secret.

use std::process::ExitCode;

use cartrover_client::MerchantClient;
use loop_client::ScopeAccess;
use returns_sync::config::{MerchantConfig, ResolvedMerchant};
use returns_sync::{ServiceConfig, open_stores};

/// One check's line.
struct Line {
    merchant: String,
    what: &'static str,
    ok: bool,
    detail: String,
}

impl Line {
    fn print(&self) {
        let verdict = if self.ok { "ok" } else { "FAIL" };
        println!(
            "{:<12} {:<10} {:<5} {}",
            self.merchant, self.what, verdict, self.detail
        );
    }
}

pub(crate) async fn run(config: &ServiceConfig) -> Result<ExitCode, String> {
    let mut lines = vec![check_store(config).await];
    lines[0].print();
    for merchant in &config.merchants {
        for line in check_merchant(config, merchant).await {
            line.print();
            lines.push(line);
        }
    }
    let failed = lines.iter().filter(|l| !l.ok).count();
    println!("{} checks, {} failed", lines.len(), failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn check_store(config: &ServiceConfig) -> Line {
    let line = |ok, detail| Line {
        merchant: "*".into(),
        what: "store",
        ok,
        detail,
    };
    let url = match config.postgres_url_with(|name| std::env::var(name).ok()) {
        Ok(url) => url,
        Err(e) => return line(false, e.to_string()),
    };
    let ids: Vec<&str> = config.merchants.iter().map(|m| m.id.as_str()).collect();
    match open_stores(&config.store, url.as_deref(), &ids).await {
        Ok(stores) => {
            let kind = if url.is_some() {
                "PostgreSQL"
            } else {
                "SQLite"
            };
            line(
                true,
                format!("{kind} opened and migrated for {} merchants", stores.len()),
            )
        }
        Err(e) => line(false, e.to_string()),
    }
}

async fn check_merchant(config: &ServiceConfig, merchant: &MerchantConfig) -> Vec<Line> {
    let id = merchant.id.clone();
    let line = |what, ok, detail: String| Line {
        merchant: id.clone(),
        what,
        ok,
        detail,
    };
    let resolved = match merchant.resolve_with(|name| std::env::var(name).ok()) {
        Ok(resolved) => resolved,
        Err(e) => return vec![line("secrets", false, e.to_string())],
    };
    let mut lines = vec![
        check_loop(&resolved, config.webhooks.is_some(), &line).await,
        check_cloudx(&resolved, &line).await,
    ];
    if let Some(cartrover) = &resolved.secrets.cartrover {
        let mut builder = MerchantClient::builder(&cartrover.api_user, &cartrover.api_key);
        if let Some(url) = merchant
            .cartrover
            .as_ref()
            .and_then(|c| c.base_url.as_ref())
        {
            builder = builder.base_url(url);
        }
        let result = match builder.build() {
            Ok(client) => client.check_connection().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        lines.push(match result {
            Ok(report) => line(
                "cartrover",
                true,
                format!("credentials valid ({:?} level)", report.level),
            ),
            Err(e) => line("cartrover", false, e),
        });
    }
    lines
}

async fn check_loop(
    merchant: &ResolvedMerchant,
    webhooks: bool,
    line: &impl Fn(&'static str, bool, String) -> Line,
) -> Line {
    let client = match merchant.loop_client() {
        Ok(client) => client,
        Err(e) => return line("loop", false, e.to_string()),
    };
    match client.check_connection().await {
        Ok(report) => {
            // Developer Tools is needed only to subscribe to webhooks.
            let ok =
                report.returns.is_granted() && (report.developer_tools.is_granted() || !webhooks);
            let mut detail = format!(
                "key valid; Returns scope {}, Developer Tools scope {}",
                access(report.returns),
                access(report.developer_tools)
            );
            if !report.problems.is_empty() {
                detail.push_str(&format!(" ({})", report.problems.join("; ")));
            }
            line("loop", ok, detail)
        }
        Err(e) => line("loop", false, e.to_string()),
    }
}

async fn check_cloudx(
    merchant: &ResolvedMerchant,
    line: &impl Fn(&'static str, bool, String) -> Line,
) -> Line {
    let client = match merchant.cloudx_client() {
        Ok(client) => client,
        Err(e) => return line("cloudx", false, e.to_string()),
    };
    let code = merchant.config.settings.warehouse_code.trim().to_owned();
    match client.check_connection(code.as_str()).await {
        Ok(report) if report.warehouse_found() => line(
            "cloudx",
            true,
            format!("secret valid; warehouse {code} known"),
        ),
        Ok(report) => line(
            "cloudx",
            false,
            format!(
                "secret valid; warehouse {code} unknown (the account has: {})",
                report
                    .known_warehouse_codes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Err(e) => line("cloudx", false, e.to_string()),
    }
}

fn access(scope: ScopeAccess) -> &'static str {
    match scope {
        ScopeAccess::Granted => "granted",
        ScopeAccess::Refused => "refused",
        _ => "not known (see below)",
    }
}
