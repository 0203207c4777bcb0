//! Where upstream text comes from: a file, or a URL fetched with reqwest (rustls) under a timeout.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::{DeriveError, ErrorKind, Result};

/// One `--source`: a path (relative to the repository root) or an `https://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRef {
    File(PathBuf),
    Url(String),
}

impl SourceRef {
    /// `http://` and `https://` are URLs; anything else is a path.
    pub fn parse(text: &str) -> Self {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            SourceRef::Url(text.to_string())
        } else {
            SourceRef::File(PathBuf::from(text))
        }
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceRef::File(path) => write!(f, "{}", path.display()),
            SourceRef::Url(url) => f.write_str(url),
        }
    }
}

/// The text of a source and what its origin says about it.
#[derive(Debug, Clone)]
pub struct LoadedSource {
    /// How errors name this source: the path as given, or the URL.
    pub name: String,
    pub text: String,
    /// The file extension or the `Content-Type` says HTML.
    pub declared_html: bool,
}

/// Reads a file (relative paths against `root`) or fetches a URL.
pub fn load(source: &SourceRef, root: &Path, timeout: Duration) -> Result<LoadedSource> {
    match source {
        SourceRef::File(path) => {
            let name = path.display().to_string();
            let full = if path.is_absolute() {
                path.clone()
            } else {
                root.join(path)
            };
            let bytes = std::fs::read(&full).map_err(|error| {
                DeriveError::new(
                    ErrorKind::Unreadable,
                    &name,
                    format!("cannot read: {error}"),
                )
            })?;
            let text = String::from_utf8(bytes).map_err(|error| {
                DeriveError::new(
                    ErrorKind::Unreadable,
                    format!("{name}:byte {}", error.utf8_error().valid_up_to()),
                    "not UTF-8 text",
                )
            })?;
            let declared_html = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("html" | "htm")
            );
            Ok(LoadedSource {
                name,
                text,
                declared_html,
            })
        }
        SourceRef::Url(url) => fetch(url, timeout),
    }
}

/// Only `https://` reaches the outside world; `http://` is accepted for loopback hosts, which is
/// what tests (and a local docs mirror) use.
fn check_url_scheme(url: &reqwest::Url, original: &str) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(DeriveError::new(
            ErrorKind::Unreadable,
            original,
            "plain http:// is only allowed for loopback hosts; use https://",
        )),
        other => Err(DeriveError::new(
            ErrorKind::Unreadable,
            original,
            format!("unsupported URL scheme `{other}`; use https://"),
        )),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn fetch(original: &str, timeout: Duration) -> Result<LoadedSource> {
    let url = reqwest::Url::parse(original).map_err(|error| {
        DeriveError::new(
            ErrorKind::Unreadable,
            original,
            format!("invalid URL: {error}"),
        )
    })?;
    check_url_scheme(&url, original)?;
    let failed = |error: reqwest::Error| {
        if error.is_timeout() {
            DeriveError::new(
                ErrorKind::Timeout,
                original,
                format!("no answer within {} ms", timeout.as_millis()),
            )
        } else {
            DeriveError::new(
                ErrorKind::Unreadable,
                original,
                format!("cannot fetch: {}", error_chain(&error)),
            )
        }
    };
    // A redirect must not leave https (or loopback), so a source cannot be silently downgraded.
    let redirects = reqwest::redirect::Policy::custom(|attempt| {
        let allowed = match attempt.url().scheme() {
            "https" => true,
            "http" => is_loopback(attempt.url()),
            _ => false,
        };
        if !allowed {
            let to = attempt.url().to_string();
            attempt.error(format!("redirected to {to}, which is not https://"))
        } else if attempt.previous().len() >= 5 {
            attempt.error("more than 5 redirects")
        } else {
            attempt.follow()
        }
    });
    let client = reqwest::blocking::Client::builder()
        .redirect(redirects)
        .connect_timeout(timeout)
        .timeout(timeout)
        .user_agent(concat!("dispersed-xtask/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(failed)?;
    let response = client.get(url).send().map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        return Err(DeriveError::new(
            ErrorKind::Unreadable,
            original,
            format!("HTTP status {status}"),
        ));
    }
    let declared_html = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().contains("html"));
    let text = response.text().map_err(failed)?;
    Ok(LoadedSource {
        name: original.to_string(),
        text,
        declared_html,
    })
}

/// reqwest's Display hides the cause ("error sending request"); the chain says what happened.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths_are_told_apart() {
        assert_eq!(
            SourceRef::parse("https://docs.example/x"),
            SourceRef::Url("https://docs.example/x".into())
        );
        assert_eq!(
            SourceRef::parse("openapi/upstream/a.txt"),
            SourceRef::File("openapi/upstream/a.txt".into())
        );
    }

    #[test]
    fn plain_http_is_refused_for_remote_hosts() {
        let error = load(
            &SourceRef::parse("http://example.com/spec.json"),
            Path::new("."),
            Duration::from_millis(10),
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unreadable);
        assert!(error.message().contains("https://"), "{error}");
    }

    #[test]
    fn missing_file_is_named() {
        let error = load(
            &SourceRef::parse("no/such/file.txt"),
            Path::new("/nonexistent-root"),
            Duration::from_millis(10),
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unreadable);
        assert_eq!(error.place(), "no/such/file.txt");
    }
}
