//! The one retry policy for every request the shell makes (built on
//! `backon`). An API error falls in one of three classes:
//!
//! - **retryable**: 429 (the server's `Retry-After` is honoured, up to
//!   [`MAX_RETRY_AFTER`]), 5xx, a 410 Gone (an expired watch or list
//!   resourceVersion), and broken or refused connections. The same request
//!   is sent again in place, [`ATTEMPTS`] times in all, 200 ms … 1.6 s apart
//!   ([`with_retries`]), but never once [`RETRY_WINDOW`] has passed since
//!   the first attempt: an API server that held a request for a minute
//!   before its 504 (etcd is down) is not asked four more times; watches use
//!   the same backoff without a bound ([`watch_backoff`]).
//! - **conflict**: a 409 because someone else wrote first. Sending the same
//!   request again cannot help: the caller reads the object again and
//!   decides again, at most [`CONFLICT_READS`] times, a short jittered pause
//!   apart ([`conflict_pauses`]).
//! - **fatal**: everything else (403, 404, 422, an AlreadyExists 409, …),
//!   reported at once.
//!
//! kube's own client retry is switched off in `cluster::connect`, so these
//! are the only retries.

use std::future::Future;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder, Retryable};

/// How many times a request is sent before a retryable error is reported.
pub const ATTEMPTS: u32 = 5;

/// How many times an operation reads and decides before conflicts make it
/// give up (the first read included).
pub const CONFLICT_READS: u32 = 5;

/// No retry starts later than this after a request's first attempt. Quick
/// failures (a reset, a 503, a 429 with Retry-After) use every attempt well
/// within it; a slow one (the API server answers 504 after holding the
/// request for 60 s while etcd is away) is reported after the one attempt,
/// as kubectl does, instead of five minutes later.
pub const RETRY_WINDOW: Duration = Duration::from_secs(30);

/// The longest server-requested wait we honour before a retry.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// What to do about a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Send it again after a backoff.
    Retryable,
    /// Someone else wrote first: read again and decide again.
    Conflict,
    /// Report it.
    Fatal,
}

/// Classifies a kube error (see the module documentation).
pub fn classify(e: &kube::Error) -> Class {
    match e {
        kube::Error::Api(s) if s.code == 429 || s.code >= 500 || s.code == 410 => Class::Retryable,
        kube::Error::Api(s) if s.code == 409 && s.reason != "AlreadyExists" => Class::Conflict,
        kube::Error::HyperError(_) | kube::Error::Service(_) => Class::Retryable,
        _ => Class::Fatal,
    }
}

/// Whether the error is a 409 Conflict (not an AlreadyExists).
pub fn is_conflict(e: &kube::Error) -> bool {
    classify(e) == Class::Conflict
}

/// The backoff between attempts of one request: 200 ms, 400 ms, 800 ms,
/// 1.6 s ([`ATTEMPTS`] − 1 pauses).
fn request_backoff() -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(200))
        .with_factor(2.0)
        .with_max_delay(Duration::from_millis(1600))
        .with_max_times(ATTEMPTS as usize - 1)
}

/// The pauses between attempt `n` and `n + 1` of one request, for
/// documentation and tests.
pub fn backoff(attempt: u32) -> Duration {
    request_backoff()
        .build()
        .nth(attempt.saturating_sub(1) as usize)
        .unwrap_or_default()
}

/// Sends `call` until it succeeds, fails with a non-retryable error, or
/// [`ATTEMPTS`] are used up. The wait before a retry is the backoff or the
/// server's `Retry-After`, whichever is longer. Conflicts are returned to
/// the caller, which must read again.
pub async fn with_retries<T, F, Fut>(call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    retry_with(request_backoff(), call).await
}

async fn retry_with<T, F, Fut>(backoff: ExponentialBuilder, call: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let first = tokio::time::Instant::now();
    call.retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|e| classify(e) == Class::Retryable && first.elapsed() < RETRY_WINDOW)
        .adjust(|e, pause| pause.map(|p| p.max(retry_after(e))))
        .notify(|e, pause| tracing::debug!(error = %e, ?pause, "retryable API error, retrying"))
        .await
}

/// Like [`with_retries`], and also says whether an earlier attempt may
/// have reached the server (its response was lost: a reset after sending,
/// a 504). A create that then finds the object, or a delete that then
/// finds it gone, may be looking at its own earlier attempt.
pub async fn with_retries_counted<T, F, Fut>(mut call: F) -> (Result<T, kube::Error>, bool)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let result = with_retries(|| {
        attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        call()
    })
    .await;
    (
        result,
        attempts.load(std::sync::atomic::Ordering::Relaxed) > 1,
    )
}

/// The pauses before each fresh read after a conflict: [`CONFLICT_READS`]
/// − 1 of them, from 50 ms doubling, jittered so that two writers that
/// collided do not collide again.
pub fn conflict_pauses() -> impl Iterator<Item = Duration> {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(50))
        .with_factor(2.0)
        .with_max_delay(Duration::from_secs(1))
        .with_max_times(CONFLICT_READS as usize - 1)
        .with_jitter()
        .build()
}

/// The backoff of a watch that broke (a cut stream, a refused connection,
/// an expired resourceVersion): the same as a request's, with no bound on
/// the attempts and capped at [`MAX_RETRY_AFTER`]; it starts over once the
/// watch delivers again.
pub fn watch_backoff() -> kube::runtime::watcher::ExponentialBackoff {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(200))
        .with_factor(2.0)
        .with_max_delay(MAX_RETRY_AFTER)
        .without_max_times()
        .with_jitter()
        .into()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn api_error(code: u16, reason: &str, retry_after: Option<u32>) -> kube::Error {
        let mut status = serde_json::json!({
            "status": "Failure", "message": "m", "reason": reason, "code": code
        });
        if let Some(s) = retry_after {
            status["details"] = serde_json::json!({"retryAfterSeconds": s});
        }
        kube::Error::Api(Box::new(serde_json::from_value(status).unwrap()))
    }

    fn connection_error() -> kube::Error {
        kube::Error::Service(Box::new(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        )))
    }

    #[test]
    fn errors_are_retryable_conflicts_or_fatal() {
        let cases = [
            (
                "throttled",
                api_error(429, "TooManyRequests", Some(1)),
                Class::Retryable,
            ),
            (
                "internal error",
                api_error(500, "InternalError", None),
                Class::Retryable,
            ),
            (
                "unavailable",
                api_error(503, "ServiceUnavailable", None),
                Class::Retryable,
            ),
            (
                "gateway timeout",
                api_error(504, "Timeout", None),
                Class::Retryable,
            ),
            (
                "expired watch",
                api_error(410, "Expired", None),
                Class::Retryable,
            ),
            ("broken connection", connection_error(), Class::Retryable),
            (
                "stale resourceVersion",
                api_error(409, "Conflict", None),
                Class::Conflict,
            ),
            (
                "already exists",
                api_error(409, "AlreadyExists", None),
                Class::Fatal,
            ),
            ("forbidden", api_error(403, "Forbidden", None), Class::Fatal),
            ("not found", api_error(404, "NotFound", None), Class::Fatal),
            ("invalid", api_error(422, "Invalid", None), Class::Fatal),
            (
                "unauthorized",
                api_error(401, "Unauthorized", None),
                Class::Fatal,
            ),
        ];
        for (name, e, want) in cases {
            assert_eq!(classify(&e), want, "{name}");
        }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let cases = [
            (
                "throttled for 2 s",
                api_error(429, "", Some(2)),
                Duration::from_secs(2),
            ),
            (
                "absurd wait is capped",
                api_error(429, "", Some(3600)),
                MAX_RETRY_AFTER,
            ),
            ("no details", api_error(503, "", None), Duration::ZERO),
        ];
        for (name, e, want) in cases {
            assert_eq!(retry_after(&e), want, "{name}");
        }
        // backon computes in f32: compare whole milliseconds.
        let pauses: Vec<u128> = (1..ATTEMPTS).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(pauses, [200, 400, 800, 1600]);
        assert_eq!(backoff(ATTEMPTS), Duration::ZERO, "no pause after the last");
    }

    #[test]
    fn conflicts_allow_a_bounded_number_of_fresh_reads() {
        let pauses: Vec<Duration> = conflict_pauses().collect();
        assert_eq!(pauses.len(), CONFLICT_READS as usize - 1);
        assert!(pauses.iter().all(|p| *p >= Duration::from_millis(50)));
    }

    /// The policy's attempts and classes, with pauses of a millisecond.
    fn quick() -> ExponentialBuilder {
        request_backoff()
            .with_min_delay(Duration::from_millis(1))
            .with_max_delay(Duration::from_millis(1))
    }

    async fn sent_until_given_up(e: fn() -> kube::Error) -> u32 {
        let sent = AtomicU32::new(0);
        let r: Result<(), _> = retry_with(quick(), || {
            sent.fetch_add(1, Ordering::SeqCst);
            async move { Err(e()) }
        })
        .await;
        assert!(r.is_err());
        sent.load(Ordering::SeqCst)
    }

    #[tokio::test(flavor = "current_thread")]
    async fn only_retryable_errors_are_sent_again() {
        assert_eq!(
            sent_until_given_up(|| api_error(503, "", None)).await,
            ATTEMPTS
        );
        assert_eq!(sent_until_given_up(connection_error).await, ATTEMPTS);
        assert_eq!(
            sent_until_given_up(|| api_error(409, "Conflict", None)).await,
            1
        );
        assert_eq!(
            sent_until_given_up(|| api_error(403, "Forbidden", None)).await,
            1
        );
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_request_the_server_held_past_the_retry_window_is_not_sent_again() {
        // The API server holds a request 60 s before its 504 when etcd is
        // away (virtual time: the clock is paused and jumps).
        let sent = AtomicU32::new(0);
        let r: Result<(), _> = retry_with(quick(), || {
            sent.fetch_add(1, Ordering::SeqCst);
            async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Err(api_error(504, "Timeout", None))
            }
        })
        .await;
        assert!(r.is_err());
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        // Held for less than the window, it is sent again until the window
        // has passed: 0 s, 12 s, 24 s, then 36 s is past it.
        let sent = AtomicU32::new(0);
        let r: Result<(), _> = retry_with(quick(), || {
            sent.fetch_add(1, Ordering::SeqCst);
            async {
                tokio::time::sleep(Duration::from_secs(12)).await;
                Err(api_error(504, "Timeout", None))
            }
        })
        .await;
        assert!(r.is_err());
        assert_eq!(sent.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_retry_says_an_earlier_attempt_may_have_landed() {
        let sent = AtomicU32::new(0);
        let (r, retried) = with_retries_counted(|| {
            let n = sent.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    Err(connection_error())
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(r.unwrap(), 1);
        assert!(retried);
        let (r, retried) = with_retries_counted(|| async { Ok::<_, kube::Error>(()) }).await;
        assert!(r.is_ok() && !retried);
    }
}
