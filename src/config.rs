//! Client configuration: keys, base URL and the resilience knobs, from code or the environment.
//!
//! Values set on [`ClientConfig`] win over the environment; the environment fills in what code
//! left unset (`DISPERSED_PUBLIC_KEY`, `DISPERSED_SECRET_KEY`, `DISPERSED_BASE_URL`). An empty
//! variable counts as unset. Resolution takes the environment as a function so it can be tested
//! without touching the process environment.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

use crate::error::Error;
use crate::retry::RetryConfig;
use crate::timeouts::Timeouts;

/// Environment variable holding the public key (`pk_…`).
pub const ENV_PUBLIC_KEY: &str = "DISPERSED_PUBLIC_KEY";
/// Environment variable holding the secret key (`sk_…`).
pub const ENV_SECRET_KEY: &str = "DISPERSED_SECRET_KEY";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "DISPERSED_BASE_URL";
/// Where the API lives unless configured otherwise.
pub const DEFAULT_BASE_URL: &str = "https://api.dispersed.com";
/// Default cap on a response body: far above a node (a few KiB), far below trouble.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The secret half of a key pair. Its `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Box<str>);

impl SecretKey {
    /// Wraps a secret key (`sk_…`).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into().into_boxed_str())
    }

    /// The key itself, for signing. Named so that every use stands out in review.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretKey {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl From<&str> for SecretKey {
    fn from(secret: &str) -> Self {
        Self::new(secret)
    }
}

/// How to build a [`Client`](crate::Client). A consuming builder: start from
/// [`ClientConfig::new`] (or `default()`) and chain `with_*` calls.
///
/// ```
/// use std::time::Duration;
/// use dispersed::{ClientConfig, RetryConfig, Timeouts};
///
/// let config = ClientConfig::new()
///     .with_public_key("pk_live_123")
///     .with_secret_key("sk_live_456")
///     .with_retry(RetryConfig::default().with_max_attempts(5))
///     .with_timeouts(Timeouts::default().with_read(Duration::from_secs(10)));
/// assert!(!format!("{config:?}").contains("sk_live_456"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: Option<String>,
    public_key: Option<String>,
    secret_key: Option<SecretKey>,
    retry: RetryConfig,
    timeouts: Timeouts,
    max_response_bytes: usize,
    allow_insecure_http: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            public_key: None,
            secret_key: None,
            retry: RetryConfig::default(),
            timeouts: Timeouts::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }
}

impl ClientConfig {
    /// Everything unset: keys and base URL come from the environment, the rest from defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API's base URL (default [`DEFAULT_BASE_URL`], or `DISPERSED_BASE_URL`).
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The public key (`pk_…`), sent as `X-API-Key`.
    pub fn with_public_key(mut self, public_key: impl Into<String>) -> Self {
        self.public_key = Some(public_key.into());
        self
    }

    /// The secret key (`sk_…`), used only to sign; it is never sent.
    pub fn with_secret_key(mut self, secret_key: impl Into<SecretKey>) -> Self {
        self.secret_key = Some(secret_key.into());
        self
    }

    /// When and how often failed requests are retried.
    pub fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The four time limits of a call.
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn with_max_response_bytes(mut self, max_response_bytes: usize) -> Self {
        self.max_response_bytes = max_response_bytes;
        self
    }

    /// Allow a plain `http://` base URL on a host that is not loopback. Off by default: the
    /// signing headers, though not the secret, would travel in clear text.
    pub fn with_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Fills the gaps from `env` and checks everything, without sending anything.
    pub(crate) fn resolve(
        self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ResolvedConfig, Error> {
        let lookup = |name: &str| env(name).filter(|value| !value.is_empty());

        let public_key = match self.public_key {
            Some(key) => (key, "ClientConfig::with_public_key"),
            None => (
                lookup(ENV_PUBLIC_KEY)
                    .ok_or_else(|| missing_key("public", ENV_PUBLIC_KEY, "with_public_key"))?,
                ENV_PUBLIC_KEY,
            ),
        };
        check_public_key(&public_key.0, public_key.1)?;

        let secret_key = match self.secret_key {
            Some(key) => key,
            None => SecretKey::new(
                lookup(ENV_SECRET_KEY)
                    .ok_or_else(|| missing_key("secret", ENV_SECRET_KEY, "with_secret_key"))?,
            ),
        };
        if secret_key.expose_secret().trim().is_empty() {
            return Err(Error::config(format!(
                "the secret key is empty: set {ENV_SECRET_KEY} or call ClientConfig::with_secret_key"
            )));
        }

        let (base_url, base_source) = match self.base_url {
            Some(url) => (url, "ClientConfig::with_base_url"),
            None => match lookup(ENV_BASE_URL) {
                Some(url) => (url, ENV_BASE_URL),
                None => (DEFAULT_BASE_URL.to_owned(), "the default base URL"),
            },
        };
        let base_url = check_base_url(&base_url, base_source, self.allow_insecure_http)?;

        Ok(ResolvedConfig {
            base_url,
            public_key: public_key.0,
            secret_key,
            retry: self.retry,
            timeouts: self.timeouts,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

/// A configuration with every gap filled and every value checked.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedConfig {
    /// Without a trailing slash, as the generated client appends `/v1/...`.
    pub(crate) base_url: String,
    pub(crate) public_key: String,
    pub(crate) secret_key: SecretKey,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: Timeouts,
    pub(crate) max_response_bytes: usize,
}

fn missing_key(which: &str, variable: &str, setter: &str) -> Error {
    Error::config(format!(
        "no {which} key: set {variable} or call ClientConfig::{setter} \
         (key pairs are created in the Dispersed Console)"
    ))
}

fn check_public_key(key: &str, source: &str) -> Result<(), Error> {
    if key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(Error::config(format!(
            "the public key from {source} contains whitespace or non-ASCII characters; \
             copy it again from the Dispersed Console"
        )))
    }
}

fn check_base_url(raw: &str, source: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let url = Url::parse(raw).map_err(|e| {
        Error::config(format!(
            "the base URL from {source} is not a valid URL ({e}); expected e.g. {DEFAULT_BASE_URL}"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(format!(
            "the base URL from {source} contains credentials; put keys in {ENV_PUBLIC_KEY} and \
             {ENV_SECRET_KEY} instead"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL from {source} has a query or fragment; give only scheme, host and an \
             optional path prefix"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(Error::config(format!(
                "the base URL from {source} uses plain http on a host that is not loopback; use \
                 https, or call ClientConfig::with_allow_insecure_http(true) if you really mean it"
            )))
        }
        other => {
            return Err(Error::config(format!(
                "the base URL from {source} has scheme `{other}`; use https"
            )))
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use std::collections::HashMap;

    const SECRET: &str = "sk_test_supersecret_value";

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn full_env() -> impl Fn(&str) -> Option<String> {
        env(&[
            (ENV_PUBLIC_KEY, "pk_env"),
            (ENV_SECRET_KEY, "sk_env"),
            (ENV_BASE_URL, "https://env.example.com/"),
        ])
    }

    #[test]
    fn environment_fills_what_code_left_unset() {
        let resolved = ClientConfig::new().resolve(full_env()).unwrap();
        assert_eq!(resolved.public_key, "pk_env");
        assert_eq!(resolved.secret_key.expose_secret(), "sk_env");
        assert_eq!(resolved.base_url, "https://env.example.com");
    }

    #[test]
    fn code_wins_over_environment() {
        let resolved = ClientConfig::new()
            .with_public_key("pk_code")
            .with_secret_key(SECRET)
            .with_base_url("https://code.example.com/prefix/")
            .resolve(full_env())
            .unwrap();
        assert_eq!(resolved.public_key, "pk_code");
        assert_eq!(resolved.secret_key.expose_secret(), SECRET);
        assert_eq!(resolved.base_url, "https://code.example.com/prefix");
    }

    #[test]
    fn default_base_url_and_empty_variables_count_as_unset() {
        let resolved = ClientConfig::new()
            .resolve(env(&[
                (ENV_PUBLIC_KEY, "pk"),
                (ENV_SECRET_KEY, "sk"),
                (ENV_BASE_URL, ""),
            ]))
            .unwrap();
        assert_eq!(resolved.base_url, DEFAULT_BASE_URL);
    }

    #[test]
    fn missing_keys_say_what_to_do() {
        let error = ClientConfig::new().resolve(env(&[])).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config);
        let shown = error.to_string();
        assert!(
            shown.contains(ENV_PUBLIC_KEY) && shown.contains("with_public_key"),
            "{shown}"
        );

        let error = ClientConfig::new()
            .resolve(env(&[(ENV_PUBLIC_KEY, "pk"), (ENV_SECRET_KEY, "")]))
            .unwrap_err();
        assert!(error.to_string().contains(ENV_SECRET_KEY), "{error}");
    }

    #[test]
    fn plain_http_only_on_loopback_or_opt_in() {
        let base = |url: &str| {
            ClientConfig::new()
                .with_public_key("pk")
                .with_secret_key("sk")
                .with_base_url(url)
        };
        for loopback in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:2",
        ] {
            assert!(base(loopback).resolve(env(&[])).is_ok(), "{loopback}");
        }
        let error = base("http://api.dispersed.com")
            .resolve(env(&[]))
            .unwrap_err();
        assert!(
            error.to_string().contains("with_allow_insecure_http"),
            "{error}"
        );
        assert!(base("http://api.dispersed.com")
            .with_allow_insecure_http(true)
            .resolve(env(&[]))
            .is_ok());
        assert!(base("ftp://x").resolve(env(&[])).is_err());
        assert!(base("not a url")
            .resolve(env(&[]))
            .unwrap_err()
            .to_string()
            .contains("not a valid URL"));
        assert!(base("https://user:pw@host").resolve(env(&[])).is_err());
    }

    #[test]
    fn public_key_with_whitespace_is_rejected_not_trimmed() {
        let error = ClientConfig::new()
            .resolve(env(&[(ENV_PUBLIC_KEY, "pk_abc\n"), (ENV_SECRET_KEY, "sk")]))
            .unwrap_err();
        assert!(error.to_string().contains(ENV_PUBLIC_KEY), "{error}");
    }

    #[test]
    fn secret_never_shows_in_debug_display_or_errors() {
        let key = SecretKey::new(SECRET);
        assert!(!format!("{key:?} {key}").contains(SECRET));
        let config = ClientConfig::new()
            .with_secret_key(SECRET)
            .with_public_key("pk");
        assert!(!format!("{config:?}").contains(SECRET));
        let resolved = config.clone().resolve(env(&[])).unwrap();
        assert!(!format!("{resolved:?}").contains(SECRET));
        let error = config
            .with_base_url("http://example.com")
            .resolve(env(&[]))
            .unwrap_err();
        assert!(!format!("{error} {error:?}").contains(SECRET));
    }
}
