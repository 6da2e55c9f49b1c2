//! `returns-sync status`: what the store holds, read-only.

use std::process::ExitCode;

use returns_sync::{ReturnStage, ServiceConfig, Store, open_stores};

pub(crate) async fn run(
    config: &ServiceConfig,
    merchant: Option<&str>,
    return_id: Option<&str>,
) -> Result<ExitCode, String> {
    let ids: Vec<&str> = config
        .merchants
        .iter()
        .map(|m| m.id.as_str())
        .filter(|id| merchant.is_none_or(|wanted| wanted == *id))
        .collect();
    if ids.is_empty() {
        return Err(format!(
            "no merchant `{}` in the configuration",
            merchant.unwrap_or_default()
        ));
    }
    let url = config
        .postgres_url_with(|name| std::env::var(name).ok())
        .map_err(|e| e.to_string())?;
    let stores = open_stores(&config.store, url.as_deref(), &ids)
        .await
        .map_err(|e| e.to_string())?;
    match return_id {
        Some(return_id) => timeline(&ids, &stores, return_id).await,
        None => counts(&ids, &stores).await,
    }
}

async fn counts(ids: &[&str], stores: &[std::sync::Arc<dyn Store>]) -> Result<ExitCode, String> {
    print!("{:<12}", "merchant");
    for stage in ReturnStage::ALL {
        print!(" {:>15}", stage.as_str());
    }
    println!();
    for (id, store) in ids.iter().zip(stores) {
        let counts = store
            .stage_counts()
            .await
            .map_err(|e| format!("{id}: {e}"))?;
        print!("{id:<12}");
        for stage in ReturnStage::ALL {
            let n = counts
                .iter()
                .find(|(s, _)| *s == stage)
                .map_or(0, |(_, n)| *n);
            print!(" {n:>15}");
        }
        println!();
    }
    Ok(ExitCode::SUCCESS)
}

async fn timeline(
    ids: &[&str],
    stores: &[std::sync::Arc<dyn Store>],
    return_id: &str,
) -> Result<ExitCode, String> {
    for (id, store) in ids.iter().zip(stores) {
        let Some(tracked) = store
            .tracked_return(return_id)
            .await
            .map_err(|e| format!("{id}: {e}"))?
        else {
            continue;
        };
        println!(
            "return {return_id} of merchant {id}, order {}: {}",
            tracked.order_name, tracked.stage
        );
        for ticket in &tracked.tickets {
            println!("  ticket {} ({})", ticket.ticket_id, ticket.reference);
        }
        for entry in store
            .timeline(return_id)
            .await
            .map_err(|e| format!("{id}: {e}"))?
        {
            let at = entry.at;
            println!(
                "  {:04}-{:02}-{:02} {:02}:{:02}:{:02}  {:<16} {}",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second(),
                entry.step.as_str(),
                entry.detail
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!("return {return_id}: not in the store of {}", ids.join(", "));
    Ok(ExitCode::FAILURE)
}
