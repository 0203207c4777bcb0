//! The document model: serde_norway's `Value`, whose mappings keep insertion order, so a derived
//! spec keeps the page's field order. JSON is read through serde_json into the same model.

pub use serde_norway::{Mapping, Value};

use super::error::{DeriveError, ErrorKind, Result};

/// Parses JSON (if the text starts with `{` or `[`) or YAML, reporting `name:line:column` on error.
pub fn parse_json_or_yaml(text: &str, name: &str) -> Result<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_str::<Value>(text).map_err(|error| {
            DeriveError::new(
                ErrorKind::Malformed,
                format!("{name}:{}:{}", error.line(), error.column()),
                format!("malformed JSON: {}", strip_position(&error.to_string())),
            )
        })
    } else {
        parse_yaml(text, name)
    }
}

/// Parses YAML, reporting `name:line:column` on error.
pub fn parse_yaml(text: &str, name: &str) -> Result<Value> {
    serde_norway::from_str::<Value>(text).map_err(|error| {
        let place = match error.location() {
            Some(at) => format!("{name}:{}:{}", at.line(), at.column()),
            None => name.to_string(),
        };
        DeriveError::new(
            ErrorKind::Malformed,
            place,
            format!("malformed YAML: {}", strip_position(&error.to_string())),
        )
    })
}

/// serde_json and serde_norway append " at line L column C"; we already put it in the place.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// `map[name]`, if the value is a mapping that has it.
pub fn get<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    value.as_mapping().and_then(|map| map.get(name))
}

pub fn get_str<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    get(value, name).and_then(Value::as_str)
}

/// A JSON pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The inverse of [`pointer_segment`].
pub fn unescape_pointer_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Builds a mapping from `(key, value)` pairs, in order.
pub fn mapping<I, K>(entries: I) -> Value
where
    I: IntoIterator<Item = (K, Value)>,
    K: Into<String>,
{
    let mut map = Mapping::new();
    for (name, value) in entries {
        map.insert(Value::String(name.into()), value);
    }
    Value::Mapping(map)
}

/// A short human name for the kind of a value, for error messages.
pub fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "an array",
        Value::Mapping(_) => "an object",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_key_order() {
        let value = parse_json_or_yaml(r#"{"b": 1, "a": 2, "c": 3}"#, "x.json").unwrap();
        let keys: Vec<_> = value
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert_eq!(keys, ["b", "a", "c"]);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let error = parse_json_or_yaml("{\n  \"a\": 1,\n  \"b\" 2\n}", "spec.json").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Malformed);
        assert_eq!(error.place(), "spec.json:3:7");
    }

    #[test]
    fn malformed_yaml_names_line_and_column() {
        let error = parse_yaml("openapi: 3.0.3\npaths:\n  a: [1, 2\n", "spec.yaml").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Malformed);
        assert!(error.place().starts_with("spec.yaml:"), "{error}");
        assert!(!error.to_string().contains('\n'));
    }
}
