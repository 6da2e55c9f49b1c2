//! The reliability soak at 1,000 returns: 10 % of Loop and
//! CloudX calls faulted with every kind of fault, rate limits on, the
//! engine crashed twice and restarted on its SQLite file — and nothing
//! lost, nothing done twice, counted from the sandbox's state.
//!
//! The 10,000-return run: `cargo run --release -p examples --bin soak -- --returns 10000`.

use std::time::Duration;

use examples::soak::{self, SoakRun};
use sandbox::FaultKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_returns_through_faults_and_crashes_lose_and_duplicate_nothing() {
    let run = SoakRun {
        deadline: Duration::from_secs(100),
        progress: true,
        ..SoakRun::new(1_000)
    };
    let result = soak::run(&run).await.expect("the soak starts");
    println!("{result}");

    assert_eq!(result.returns, 1_000);
    assert_eq!(result.duplicate_tickets, 0, "{result}");
    assert_eq!(result.duplicate_notes, 0, "{result}");
    assert_eq!(result.duplicate_actions, 0, "{result}");
    assert_eq!(result.lost, 0, "{result}");
    assert_eq!(result.wrong_decisions, 0, "{result}");
    assert_eq!(result.decided + result.waiting, result.returns, "{result}");
    assert_eq!(result.crashes, 2, "{result}");
    assert!(
        result.failures_reported > 0,
        "faults must surface: {result}"
    );
    for kind in FaultKind::ALL
        .into_iter()
        .filter(|k| *k != FaultKind::ServerError)
    {
        assert!(
            result.loop_faults.get(kind) > 0 && result.cloudx_faults.get(kind) > 0,
            "{kind} never injected on both vendors: {result}"
        );
    }
    assert!(result.is_clean(), "{result}");
}
