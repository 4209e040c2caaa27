//! Retrying transient API failures (conflicts, throttling, 5xx, timeouts,
//! broken connections) with exponential backoff.

use std::future::Future;
use std::time::Duration;

use super::error::is_transient;

/// How many times a call is tried before its error is reported.
pub const ATTEMPTS: u32 = 5;

/// Backoff before attempt `n` (1-based): 200 ms, 400 ms, 800 ms, 1.6 s.
pub fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(200u64 << attempt.saturating_sub(1).min(4))
}

/// Runs `call` until it succeeds, fails for good, or [`ATTEMPTS`] are used up.
/// Conflicts are NOT retried here: a 409 needs a fresh read, which only the
/// caller can do.
pub async fn with_retries<T, F, Fut>(mut call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) if attempt < ATTEMPTS && is_transient(&e) && !is_conflict(&e) => {
                tracing::debug!(attempt, error = %e, "transient API error, retrying");
                tokio::time::sleep(backoff(attempt)).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Whether the error is a 409 Conflict.
pub fn is_conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409)
}
