//! Retry policy as data: how many attempts, how long to wait between them, and which failures
//! deserve another try.
//!
//! Only idempotent requests (GET and friends) are retried by default: repeating a request the
//! server may already have acted on is the caller's decision, not ours. Every retry is signed
//! again with a fresh nonce and time (see [`crate::signing`]), because the server rejects a nonce
//! it has seen before.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// When and how often a failed request is tried again.
///
/// The wait before retry `n` (1-based) is drawn uniformly from
/// `0..=min(max_backoff, initial_backoff * 2^(n-1))` ("full jitter"), so many clients failing
/// together do not come back together. A `Retry-After` header on the response replaces that
/// wait, but never beyond [`max_retry_after`](Self::max_retry_after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryConfig {
    /// 3 attempts (the first plus 2 retries), backoff from 100 ms doubling up to 5 s,
    /// `Retry-After` honoured up to 30 s, idempotent methods only.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryConfig {
    /// Exactly one attempt: no failure is retried.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts including the first; `0` is treated as `1`.
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// The upper bound of the jittered wait before the first retry; it doubles for each retry.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// The cap on the exponential backoff.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// The longest `Retry-After` the client will wait; longer hints are shortened to this.
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Also retry methods that are not idempotent (POST, PATCH). Off by default: the server
    /// may have acted on a request whose response was lost.
    pub fn with_retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// Total attempts including the first.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// See [`with_initial_backoff`](Self::with_initial_backoff).
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// See [`with_max_backoff`](Self::with_max_backoff).
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// See [`with_max_retry_after`](Self::with_max_retry_after).
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether a request with this method may be retried at all.
    pub(crate) fn allows_method(&self, method: &Method) -> bool {
        self.retry_non_idempotent || method.is_idempotent()
    }

    /// The wait before retry number `retry` (1 for the first retry), with full jitter.
    ///
    /// `unit_random` is a uniform draw from `[0, 1)`; it is a parameter so tests can pin it.
    pub(crate) fn backoff(&self, retry: u32, unit_random: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        ceiling.mul_f64(unit_random.clamp(0.0, 1.0))
    }

    /// The server's `Retry-After` hint, if any, shortened to the configured cap.
    pub(crate) fn retry_after(&self, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
        parse_retry_after(headers, now).map(|wait| wait.min(self.max_retry_after))
    }
}

/// Statuses worth another attempt: rate limiting and transient server or gateway failures.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// `Retry-After` as delay-seconds or as an HTTP-date (a date in the past means "now").
fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniform draw from `[0, 1)` from the OS random source; `0.5` if it is unavailable, which
/// only makes the jitter less random, never the request less safe.
pub(crate) fn unit_random() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::fill(&mut bytes) {
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn default_is_three_attempts_and_disabled_is_one() {
        assert_eq!(RetryConfig::default().max_attempts(), 3);
        assert_eq!(RetryConfig::disabled().max_attempts(), 1);
        assert_eq!(
            RetryConfig::default().with_max_attempts(0).max_attempts(),
            1
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_is_jittered() {
        let retry = RetryConfig::default()
            .with_initial_backoff(Duration::from_millis(100))
            .with_max_backoff(Duration::from_millis(350));
        assert_eq!(retry.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(retry.backoff(2, 1.0), Duration::from_millis(200));
        assert_eq!(retry.backoff(3, 1.0), Duration::from_millis(350));
        assert_eq!(retry.backoff(40, 1.0), Duration::from_millis(350));
        assert_eq!(retry.backoff(2, 0.5), Duration::from_millis(100));
        assert_eq!(retry.backoff(3, 0.0), Duration::ZERO);
    }

    #[test]
    fn unit_random_stays_in_range_and_varies() {
        let draws: Vec<f64> = (0..64).map(|_| unit_random()).collect();
        assert!(draws.iter().all(|x| (0.0..1.0).contains(x)));
        assert!(draws.iter().any(|x| *x != draws[0]));
    }

    #[test]
    fn retry_after_seconds_and_http_date_are_capped() {
        let retry = RetryConfig::default().with_max_retry_after(Duration::from_secs(10));
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_706_918_400);
        assert_eq!(
            retry.retry_after(&headers("1"), now),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            retry.retry_after(&headers("3600"), now),
            Some(Duration::from_secs(10))
        );
        // 2024-02-03T00:00:05Z is five seconds after `now`.
        let date = "Sat, 03 Feb 2024 00:00:05 GMT";
        assert_eq!(
            retry.retry_after(&headers(date), now),
            Some(Duration::from_secs(5))
        );
        let past = "Fri, 02 Feb 2024 00:00:00 GMT";
        assert_eq!(retry.retry_after(&headers(past), now), Some(Duration::ZERO));
        assert_eq!(retry.retry_after(&headers("soon"), now), None);
        assert_eq!(retry.retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let retry = RetryConfig::default();
        assert!(retry.allows_method(&Method::GET));
        assert!(!retry.allows_method(&Method::POST));
        assert!(retry
            .with_retry_non_idempotent(true)
            .allows_method(&Method::POST));
    }

    #[test]
    fn retryable_statuses() {
        for code in [429, 500, 502, 503, 504] {
            assert!(
                is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 404, 501] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
    }
}
