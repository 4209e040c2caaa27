//! Retrying transient API failures (conflicts, throttling, 5xx, timeouts,
//! broken connections) with exponential backoff.

use std::future::Future;
use std::time::Duration;

use super::error::is_transient;

/// How many times a call is tried before its error is reported.
pub const ATTEMPTS: u32 = 5;

/// Backoff before attempt `n` (1-based): 200 ms, 400 ms, 800 ms, 1.6 s; a
/// longer `Retry-After` from the server wins (see [`retry_after`]).
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
                let delay = backoff(attempt).max(retry_after(&e));
                tracing::debug!(attempt, error = %e, ?delay, "transient API error, retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// The wait a throttling server asked for (`retryAfterSeconds` in the
/// Status of a 429 or 5xx), capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(e: &kube::Error) -> Duration {
    match e {
        kube::Error::Api(s) => s
            .details
            .as_ref()
            .map(|d| Duration::from_secs(u64::from(d.retry_after_seconds)))
            .unwrap_or_default()
            .min(MAX_RETRY_AFTER),
        _ => Duration::ZERO,
    }
}

/// The longest server-requested wait we honour before a retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Whether the error is a 409 Conflict.
pub fn is_conflict(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 409)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api_error(code: u16, retry_after: Option<u32>) -> kube::Error {
        let mut status =
            serde_json::json!({"status": "Failure", "message": "m", "reason": "r", "code": code});
        if let Some(s) = retry_after {
            status["details"] = serde_json::json!({"retryAfterSeconds": s});
        }
        kube::Error::Api(Box::new(serde_json::from_value(status).unwrap()))
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let cases = [
            (
                "throttled for 2 s",
                api_error(429, Some(2)),
                Duration::from_secs(2),
            ),
            (
                "absurd wait is capped",
                api_error(429, Some(3600)),
                MAX_RETRY_AFTER,
            ),
            ("no details", api_error(503, None), Duration::ZERO),
        ];
        for (name, e, want) in cases {
            assert_eq!(retry_after(&e), want, "{name}");
        }
        assert_eq!(backoff(1), Duration::from_millis(200));
        assert_eq!(backoff(4), Duration::from_millis(1600));
    }
}
