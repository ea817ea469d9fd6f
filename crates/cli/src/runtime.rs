//! The CLI's Tokio runtime: each BankID order and each call to the vendor's relay runs to its
//! end on a runtime of its own (the demo's fake BankID, started by the CLI, runs on the same one).

use anyhow::Context as _;

/// Runs `future` to its end on a new multi-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("programmet kunde inte starta sin körmiljö")?;
    Ok(runtime.block_on(future))
}
