//! Decoding JSON into the generated models, with errors that name the JSON path of the bad value.
//!
//! serde alone says "invalid type: string, expected f64 at line 3 column 20"; in a node with five
//! levels of nesting that is not enough to act on. [`decode_json`] tracks the path as it goes
//! (`serde_path_to_error`), so the error says `current_hardware.gpus[0].name`.

use std::fmt;

use serde::de::DeserializeOwned;

/// Decodes `bytes` as one JSON document into `T` (for example [`crate::types::Node`]).
///
/// What decodes and what does not is decided by the spec (see `openapi/dispersed.yaml`): unknown
/// fields are ignored, nullable fields take `null`, unknown enum values and malformed IPs or
/// timestamps are kept as raw strings; a value of the wrong JSON type, a missing required field
/// or a syntax error fails with the path and position of the problem.
pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(DecodeError::new)?;
    // Trailing bytes after the document mean it is not the JSON we were promised.
    deserializer
        .end()
        .map_err(|error| DecodeError::from_json(String::new(), &error))?;
    Ok(value)
}

/// Why a JSON document did not decode, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    message: String,
    line: usize,
    column: usize,
    category: Category,
}

/// What kind of problem stopped decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Not JSON at all, or cut short.
    Syntax,
    /// Valid JSON that does not fit the model: wrong type, missing required field.
    Data,
}

impl DecodeError {
    fn new(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = error.path().to_string();
        // serde_path_to_error writes the document root as ".".
        let path = if path == "." { String::new() } else { path };
        Self::from_json(path, error.inner())
    }

    fn from_json(mut path: String, error: &serde_json::Error) -> Self {
        let (line, column) = (error.line(), error.column());
        let full = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
        // A missing field is reported at its parent object; name the field itself.
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(field);
        }
        let category = match error.classify() {
            serde_json::error::Category::Data => Category::Data,
            _ => Category::Syntax,
        };
        Self {
            path,
            message,
            line,
            column,
            category,
        }
    }

    /// The JSON path of the offending value, e.g. `current_hardware.gpus[0].name`; empty when the
    /// problem is the document as a whole (a syntax error, or a root that is not an object).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// serde's description of the problem, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line of the problem in the input (0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the problem in the input (0 when unknown).
    pub fn column(&self) -> usize {
        self.column
    }

    /// Whether the input was not valid JSON, or valid JSON of the wrong shape.
    pub fn category(&self) -> Category {
        self.category
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        write!(f, " (line {}, column {})", self.line, self.column)
    }
}

impl std::error::Error for DecodeError {}
