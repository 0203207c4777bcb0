//! The one error type of `spec derive`: every failure names the file (or URL) and the place in it.

use std::fmt;

/// What went wrong, so callers (and tests) can tell failures apart without parsing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read, or a URL could not be fetched.
    Unreadable,
    /// A URL did not answer within the timeout.
    Timeout,
    /// The input is neither an OpenAPI 3.0/3.1 document nor a docs page we can read.
    NotASource,
    /// The text is not valid JSON / YAML.
    Malformed,
    /// A docs page whose schema listing or example we cannot read.
    PageSyntax,
    /// A `$ref` that points nowhere (or outside the document).
    UnresolvableRef,
    /// A `$ref` chain that loops back on itself without reaching a schema.
    CircularRef,
    /// An operation we ship is not in the source.
    MissingOperation,
    /// Something in the source that OpenAPI 3.0.3 cannot express.
    Unconvertible,
    /// Two sources define the same thing differently.
    Conflict,
    /// The overlay document itself is not a valid Overlay 1.0 document.
    InvalidOverlay,
    /// An overlay action whose JSONPath target matches nothing.
    OverlayTargetUnmatched,
    /// The derived document lacks something OpenAPI requires.
    InvalidResult,
    /// The output file could not be written.
    Write,
}

/// A failure of `spec derive`, printed as one line: `place: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeriveError {
    kind: ErrorKind,
    place: String,
    message: String,
}

impl DeriveError {
    /// `place` names the file or URL and, where known, `:line:column` or `#/json/pointer`.
    pub fn new(kind: ErrorKind, place: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            place: one_line(&place.into()),
            message: one_line(&message.into()),
        }
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file or URL and the place in it.
    pub fn place(&self) -> &str {
        &self.place
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DeriveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

impl std::error::Error for DeriveError {}

/// Errors are promised to be one line; collapse whatever a library gave us.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub type Result<T, E = DeriveError> = std::result::Result<T, E>;
