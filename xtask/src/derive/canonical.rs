//! The canonical YAML writer: one fixed layout for an OpenAPI document, so deriving twice gives the
//! same bytes on every machine and a diff in review is a real change.
//!
//! - OpenAPI keywords come in a fixed order ([`KEYWORD_ORDER`]), then `x-` extensions, then any
//!   other key, each group alphabetical.
//! - Maps of names (`paths`, `components.schemas`, `responses`, …) are sorted by name, except
//!   `properties`, which keep the source's order (the docs page's order, and the order of the
//!   generated struct's fields).
//! - Data (`example`, `default`, `enum`, `x-` extension values) is written as given.
//! - Two-space indentation, sequences indented under their key, strings plain where YAML reads
//!   them back as the same string, else double-quoted; multi-line strings as literal blocks; a
//!   one-line string that would run past [`WIDTH`] columns folded (`>-`) at spaces.

use super::document::{Mapping, Value};

/// Lines longer than this are folded where a string allows it.
pub const WIDTH: usize = 100;

/// The order of OpenAPI keywords in any object of the document.
const KEYWORD_ORDER: &[&str] = &[
    "openapi",
    "info",
    "servers",
    "security",
    "tags",
    "paths",
    "components",
    "$ref",
    "type",
    "format",
    "nullable",
    "name",
    "in",
    "title",
    "summary",
    "description",
    "termsOfService",
    "contact",
    "license",
    "version",
    "url",
    "email",
    "variables",
    "operationId",
    "deprecated",
    "scheme",
    "bearerFormat",
    "flows",
    "openIdConnectUrl",
    "enum",
    "default",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "required",
    "style",
    "explode",
    "allowReserved",
    "parameters",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "requestBody",
    "responses",
    "headers",
    "content",
    "schema",
    "items",
    "properties",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "discriminator",
    "readOnly",
    "writeOnly",
    "schemas",
    "requestBodies",
    "securitySchemes",
    "links",
    "callbacks",
    "example",
    "examples",
    "externalDocs",
];

/// Keys whose value maps names to objects: written sorted by name.
const SORTED_NAME_MAPS: &[&str] = &[
    "paths",
    "schemas",
    "responses",
    "securitySchemes",
    "headers",
    "content",
    "requestBodies",
    "links",
    "callbacks",
    "variables",
    "mapping",
    "scopes",
    "encoding",
];

/// Keys whose value is data, written exactly as given.
const DATA_KEYS: &[&str] = &["example", "default", "enum", "const"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// An OpenAPI object: keys are keywords.
    Keywords,
    /// A map from names to OpenAPI objects.
    Names { sorted: bool },
    /// Free-form data.
    Data,
    /// A security requirement: scheme names to scope lists.
    Requirement,
}

/// Writes `document` canonically, after `header` lines written as `# ` comments.
pub fn to_canonical_yaml(document: &Value, header: &[&str]) -> String {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
    match document {
        Value::Mapping(map) if !map.is_empty() => {
            write_mapping(&mut out, map, Context::Keywords, 0, false)
        }
        other => {
            write_scalar_or_empty(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn child_context(parent: Context, key: &str, value: &Value) -> Context {
    match parent {
        Context::Data | Context::Requirement => Context::Data,
        Context::Names { .. } => Context::Keywords,
        Context::Keywords => {
            if key.starts_with("x-") || DATA_KEYS.contains(&key) {
                Context::Data
            } else if key == "properties" {
                Context::Names { sorted: false }
            } else if key == "security" {
                Context::Requirement
            } else if SORTED_NAME_MAPS.contains(&key)
                || (matches!(key, "parameters" | "examples") && value.is_mapping())
            {
                Context::Names { sorted: true }
            } else {
                Context::Keywords
            }
        }
    }
}

/// Sort key of a keyword: known keywords by rank, then `x-` extensions, then the rest.
fn keyword_rank(key: &str) -> (usize, usize, &str) {
    match KEYWORD_ORDER.iter().position(|known| *known == key) {
        Some(rank) => (0, rank, ""),
        None if key.starts_with("x-") => (1, 0, key),
        None => (2, 0, key),
    }
}

fn ordered_entries(map: &Mapping, context: Context) -> Vec<(&Value, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    match context {
        Context::Keywords => entries
            .sort_by(|(a, _), (b, _)| keyword_rank(key_text(a)).cmp(&keyword_rank(key_text(b)))),
        Context::Names { sorted: true } | Context::Requirement => {
            entries.sort_by(|(a, _), (b, _)| key_text(a).cmp(key_text(b)))
        }
        Context::Names { sorted: false } | Context::Data => {}
    }
    entries
}

fn key_text(key: &Value) -> &str {
    key.as_str().unwrap_or("")
}

/// Writes the entries of a non-empty mapping at `indent`; with `inline_first`, the first entry
/// continues the current line (after `- `).
fn write_mapping(
    out: &mut String,
    map: &Mapping,
    context: Context,
    indent: usize,
    inline_first: bool,
) {
    for (index, (key, value)) in ordered_entries(map, context).into_iter().enumerate() {
        if index > 0 || !inline_first {
            push_indent(out, indent);
        }
        let key_string = match key {
            Value::String(text) => text.clone(),
            other => scalar_text(other),
        };
        out.push_str(&scalar_string(&key_string));
        out.push(':');
        let child = child_context(context, &key_string, value);
        write_after_key(out, value, child, indent);
    }
}

/// Writes what follows `key:` (or `-`), including the line break.
fn write_after_key(out: &mut String, value: &Value, context: Context, indent: usize) {
    match value {
        Value::Mapping(map) if !map.is_empty() => {
            out.push('\n');
            write_mapping(out, map, context, indent + 2, false);
        }
        Value::Sequence(items) if !items.is_empty() => {
            out.push('\n');
            write_sequence(out, items, context, indent + 2);
        }
        Value::String(text) if literal_block_ok(text) => write_literal_block(out, text, indent + 2),
        Value::String(text) if fold_needed(out, text) => write_folded(out, text, indent + 2),
        Value::Tagged(tagged) => write_after_key(out, &tagged.value, context, indent),
        other => {
            out.push(' ');
            write_scalar_or_empty(out, other);
            out.push('\n');
        }
    }
}

fn write_sequence(out: &mut String, items: &[Value], context: Context, indent: usize) {
    for item in items {
        push_indent(out, indent);
        out.push('-');
        match item {
            Value::Mapping(map) if !map.is_empty() => {
                out.push(' ');
                write_mapping(out, map, context, indent + 2, true);
            }
            _ => write_after_key(out, item, context, indent),
        }
    }
}

fn write_scalar_or_empty(out: &mut String, value: &Value) {
    match value {
        Value::Mapping(_) => out.push_str("{}"),
        Value::Sequence(_) => out.push_str("[]"),
        Value::String(text) => out.push_str(&scalar_string(text)),
        Value::Tagged(tagged) => write_scalar_or_empty(out, &tagged.value),
        other => out.push_str(&scalar_text(other)),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => scalar_string(text),
        _ => String::new(),
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A string as a plain scalar when YAML reads that back as the same string, else double-quoted.
fn scalar_string(text: &str) -> String {
    if plain_ok(text) {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("a string always serialises")
    }
}

fn plain_ok(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || text.chars().any(|c| c.is_control())
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
    {
        return false;
    }
    // The last word: YAML itself decides whether this reads back as the same string
    // (`true`, `null`, `1.0`, `0x1F`, `~` … do not).
    matches!(serde_norway::from_str::<Value>(text), Ok(Value::String(back)) if back == text)
}

fn literal_block_ok(text: &str) -> bool {
    text.contains('\n')
        && !text.starts_with([' ', '\n'])
        && !text.ends_with("\n\n")
        && !text.chars().any(|c| c.is_control() && c != '\n')
        && text.lines().all(|line| line.trim_end() == line)
}

/// Folding keeps a long one-line string readable; it applies when the text survives folding
/// unchanged (single spaces only, no leading or trailing space) and the line would be too long.
fn fold_needed(out: &str, text: &str) -> bool {
    let line_so_far = out.len() - out.rfind('\n').map_or(0, |at| at + 1);
    line_so_far + 1 + scalar_string(text).len() > WIDTH
        && text.contains(' ')
        && !text.contains("  ")
        && text.trim() == text
        && !text.chars().any(|c| c.is_control())
}

fn write_folded(out: &mut String, text: &str, indent: usize) {
    out.push_str(" >-\n");
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && indent + line.len() + 1 + word.len() > WIDTH {
            push_indent(out, indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    push_indent(out, indent);
    out.push_str(&line);
    out.push('\n');
}

fn write_literal_block(out: &mut String, text: &str, indent: usize) {
    let (body, chomp) = match text.strip_suffix('\n') {
        Some(body) => (body, ""),
        None => (text, "-"),
    };
    out.push_str(" |");
    out.push_str(chomp);
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            push_indent(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::document::parse_yaml;

    fn round_trip(yaml: &str) -> (String, Value) {
        let value = parse_yaml(yaml, "t.yaml").unwrap();
        let written = to_canonical_yaml(&value, &[]);
        let back = parse_yaml(&written, "written.yaml").unwrap();
        assert_eq!(
            back, value,
            "canonical output reads back differently:\n{written}"
        );
        (written, value)
    }

    #[test]
    fn keywords_are_ordered_and_properties_keep_their_order() {
        let (written, _) = round_trip(
            "components:\n  schemas:\n    B:\n      properties:\n        zeta: {type: string}\n        alpha: {type: string}\n      type: object\n    A: {type: string}\nopenapi: 3.0.3\n",
        );
        assert_eq!(
            written,
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    A:\n      type: string\n    B:\n      type: object\n      properties:\n        zeta:\n          type: string\n        alpha:\n          type: string\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        let (written, _) = round_trip(
            "responses:\n  '200': {description: 'true'}\nenum: ['null', '1.5', 'a: b', ' x', '#c', '-', 'yes', 'DEPRECATED: gone', '<string>']\n",
        );
        assert!(written.contains("\"200\":"), "{written}");
        assert!(written.contains("description: \"true\""), "{written}");
        assert!(written.contains("- <string>"), "{written}");
        assert!(written.contains("- \"DEPRECATED: gone\""), "{written}");
    }

    #[test]
    fn multi_line_strings_become_literal_blocks() {
        let (written, _) =
            round_trip("description: \"line one\\n\\nline three\\n\"\nsummary: \"a\\nb\"\n");
        assert!(written.contains("summary: |-\n  a\n  b\n"), "{written}");
        assert!(
            written.contains("description: |\n  line one\n\n  line three\n"),
            "{written}"
        );
    }

    #[test]
    fn sequences_of_mappings_and_data_keep_order() {
        let (written, _) = round_trip(
            "parameters:\n  - {schema: {type: string}, name: id, in: path}\nexample: {z: 1, a: [true, null, {y: 1, b: 2}]}\nx-note: {z: 1, a: 2}\n",
        );
        assert!(
            written.starts_with(
                "parameters:\n  - name: id\n    in: path\n    schema:\n      type: string\n"
            ),
            "{written}"
        );
        assert!(
            written.contains(
                "example:\n  z: 1\n  a:\n    - true\n    - null\n    - y: 1\n      b: 2\n"
            ),
            "{written}"
        );
        assert!(written.contains("x-note:\n  z: 1\n  a: 2\n"), "{written}");
    }

    #[test]
    fn long_strings_are_folded_at_spaces() {
        let long =
            "word ".repeat(40).trim_end().to_string() + " \"quoted: yes\" #not-a-comment - item";
        let (written, _) = round_trip(&format!(
            "description: {}\n",
            serde_json::to_string(&long).unwrap()
        ));
        assert!(
            written.starts_with("description: >-\n  word word"),
            "{written}"
        );
        assert!(written.lines().all(|line| line.len() <= WIDTH), "{written}");
        // Double spaces cannot survive folding: such a string stays on one line.
        let spaced = "a  b ".repeat(30);
        let (written, _) = round_trip(&format!(
            "description: {}\n",
            serde_json::to_string(spaced.trim()).unwrap()
        ));
        assert_eq!(written.lines().count(), 1, "{written}");
    }

    #[test]
    fn writing_is_idempotent() {
        let (first, _) = round_trip("b: [1, {c: '', d: {}}, []]\na: {e: 1.5, f: -3}\n");
        let (second, _) = round_trip(&first);
        assert_eq!(first, second);
    }
}
