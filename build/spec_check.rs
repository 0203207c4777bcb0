//! Loads the spec and checks it for what progenitor 0.15.1 cannot take, so that a bad spec stops
//! the build with the file and a JSON pointer (or line) instead of a panic backtrace.
//!
//! Known panics/failures checked up front: a non-3.0 document, an operation without an
//! `operationId`, a `default` response, an operation whose success or error responses have more
//! than one type (`assertion failed: response_types.len() <= 1`), and a `$ref` to nothing. The
//! check also gathers the facts the syntax-tree rewrite needs (response enums, deprecations).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

/// A spec the generator cannot take, with where in the file the problem is.
#[derive(Debug)]
pub struct SpecError {
    file: &'static str,
    line: Option<(usize, usize)>,
    pointer: Option<String>,
    message: String,
}

impl SpecError {
    /// A problem with the file as a whole.
    pub fn file(file: &'static str, message: impl Into<String>) -> Self {
        Self {
            file,
            line: None,
            pointer: None,
            message: message.into(),
        }
    }

    /// A problem at a JSON pointer (`None` when it could not be narrowed down).
    pub fn at(file: &'static str, pointer: Option<String>, message: impl Into<String>) -> Self {
        Self {
            file,
            line: None,
            pointer,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.line {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " at #{pointer}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A problem found in the generated code, located by a JSON pointer into the spec.
#[derive(Debug)]
pub struct Located {
    pub pointer: Option<String>,
    pub message: String,
}

impl Located {
    pub fn in_spec(self, file: &'static str) -> SpecError {
        SpecError::at(file, self.pointer, self.message)
    }
}

/// The parsed spec and what the rewrite needs to know about it.
pub struct CheckedSpec {
    /// The document progenitor generates from (our `x-dispersed-*` notes removed).
    pub openapi: openapiv3::OpenAPI,
    pub facts: SpecFacts,
}

/// Facts about named component schemas, keyed by schema name (also the generated type's name).
#[derive(Default)]
pub struct SpecFacts {
    /// String enums reachable from a response, with their pointers.
    pub response_enums: BTreeMap<String, String>,
    /// Deprecated schemas: name → (pointer, note).
    pub deprecated_schemas: BTreeMap<String, (String, String)>,
    /// Deprecated properties: (schema, property as on the wire) → (pointer, note).
    pub deprecated_properties: BTreeMap<(String, String), (String, String)>,
}

/// Parses `text` and runs every check; the first problem found is returned.
pub fn load(file: &'static str, text: &str) -> Result<CheckedSpec, SpecError> {
    // Typed parse straight from the YAML text first: its errors carry a line and a path.
    let deserializer = serde_norway::Deserializer::from_str(text);
    let typed = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(deserializer);
    let mut document: Value = match (typed, serde_norway::from_str::<Value>(text)) {
        (Ok(_), Ok(document)) => document,
        (Err(error), document) => {
            let inner = error.inner();
            let mut pointer = path_to_pointer(error.path());
            let mut line = inner.location().map(|at| (at.line(), at.column()));
            let mut message = format!("not an OpenAPI 3.0 document: {inner}");
            // openapiv3's untagged enums report at the enclosing schema; find the innermost
            // schema that does not parse, and its line.
            if let Ok(document) = &document {
                if let Some((inner_pointer, detail)) = innermost_bad_schema(document, &pointer) {
                    if let Some(found) = line_of(text, &inner_pointer) {
                        line = Some(found);
                    }
                    if let Some(detail) = detail {
                        message = format!("not an OpenAPI 3.0 schema: {detail}");
                    }
                    pointer = inner_pointer;
                }
            }
            return Err(SpecError {
                file,
                line,
                pointer: (!pointer.is_empty()).then_some(pointer),
                message,
            });
        }
        (Ok(_), Err(error)) => {
            return Err(SpecError::file(file, format!("invalid YAML: {error}")));
        }
    };

    let problem = |pointer: String, message: String| SpecError::at(file, Some(pointer), message);
    check_version(&document).map_err(|(p, m)| problem(p, m))?;
    check_refs(&document, &document, &mut String::new()).map_err(|(p, m)| problem(p, m))?;
    check_operations(&document).map_err(|(p, m)| problem(p, m))?;
    let facts = gather_facts(&document).map_err(|(p, m)| problem(p, m))?;

    strip_notes(&mut document);
    let openapi = serde_json::from_value(document)
        .map_err(|error| SpecError::file(file, format!("not an OpenAPI 3.0 document: {error}")))?;
    Ok(CheckedSpec { openapi, facts })
}

type Problem = (String, String);

fn check_version(document: &Value) -> Result<(), Problem> {
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0.") => Ok(()),
        other => Err((
            "/openapi".to_owned(),
            format!(
                "progenitor reads only OpenAPI 3.0.x, this document says {}",
                other.map_or("nothing".to_owned(), |v| format!("{v:?}"))
            ),
        )),
    }
}

/// Every local `$ref` must point at something.
fn check_refs(root: &Value, value: &Value, pointer: &mut String) -> Result<(), Problem> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let target = reference
                    .strip_prefix('#')
                    .filter(|_| reference.starts_with("#/"));
                match target {
                    Some(target) if root.pointer(target).is_some() => {}
                    Some(_) => {
                        return Err((
                            format!("{pointer}/$ref"),
                            format!("$ref {reference:?} points at nothing in this document"),
                        ))
                    }
                    None => {
                        return Err((
                            format!("{pointer}/$ref"),
                            format!(
                            "$ref {reference:?} is not local; only #/... references are supported"
                        ),
                        ))
                    }
                }
            }
            for (key, child) in map {
                let len = pointer.len();
                push_token(pointer, key);
                check_refs(root, child, pointer)?;
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = pointer.len();
                push_token(pointer, &index.to_string());
                check_refs(root, child, pointer)?;
                pointer.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The operations of the document as (pointer, operation).
fn operations(document: &Value) -> Vec<(String, &serde_json::Map<String, Value>)> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method).and_then(Value::as_object) {
                let mut pointer = "/paths".to_owned();
                push_token(&mut pointer, path);
                push_token(&mut pointer, method);
                found.push((pointer, operation));
            }
        }
    }
    found
}

fn check_operations(document: &Value) -> Result<(), Problem> {
    let mut operation_ids = BTreeMap::new();
    for (pointer, operation) in operations(document) {
        match operation.get("operationId").and_then(Value::as_str) {
            None => return Err((pointer, "operation has no operationId".to_owned())),
            Some(id) => {
                if let Some(first) = operation_ids.insert(id.to_owned(), pointer.clone()) {
                    return Err((
                        format!("{pointer}/operationId"),
                        format!("operationId {id:?} is already used at #{first}"),
                    ));
                }
            }
        }
        check_path_parameters(&pointer, operation)?;
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            continue;
        };
        let mut success = BTreeMap::new();
        let mut error = BTreeMap::new();
        for (status, response) in responses {
            let mut response_pointer = format!("{pointer}/responses");
            push_token(&mut response_pointer, status);
            if status == "default" {
                return Err((
                    response_pointer,
                    "a `default` response makes progenitor 0.15.1 panic; list the error statuses \
                     (e.g. 4XX, 5XX) with one shared schema instead"
                        .to_owned(),
                ));
            }
            let kind = response_kind(document, response);
            match status.chars().next() {
                Some('1' | '2' | '3') => success.entry(kind).or_insert(response_pointer),
                _ => error.entry(kind).or_insert(response_pointer),
            };
        }
        for (label, kinds) in [("success", &success), ("error", &error)] {
            if kinds.len() > 1 {
                let pointers: Vec<&String> = kinds.values().collect();
                return Err((
                    pointers[1].clone(),
                    format!(
                        "its {label} responses have {} different types ({}); progenitor 0.15.1 \
                         panics on that (`response_types.len() <= 1`): give them one shared schema",
                        kinds.len(),
                        kinds.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// progenitor asserts that path parameters are required (as OpenAPI demands).
fn check_path_parameters(
    pointer: &str,
    operation: &serde_json::Map<String, Value>,
) -> Result<(), Problem> {
    let Some(parameters) = operation.get("parameters").and_then(Value::as_array) else {
        return Ok(());
    };
    for (index, parameter) in parameters.iter().enumerate() {
        let is_path = parameter.get("in").and_then(Value::as_str) == Some("path");
        if is_path && parameter.get("required").and_then(Value::as_bool) != Some(true) {
            return Err((
                format!("{pointer}/parameters/{index}/required"),
                "a path parameter must be `required: true` (progenitor 0.15.1 panics otherwise)"
                    .to_owned(),
            ));
        }
    }
    Ok(())
}

/// How progenitor tells response types apart: none, raw bytes, or one JSON schema.
fn response_kind(document: &Value, response: &Value) -> String {
    let response = resolve(document, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return "no body".to_owned();
    };
    match content
        .get("application/json")
        .and_then(|media| media.get("schema"))
    {
        Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_owned(),
            None => format!("inline schema {schema}"),
        },
        None if content.is_empty() => "no body".to_owned(),
        None => "raw bytes".to_owned(),
    }
}

/// Follows a `$ref` (already checked to resolve).
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix('#')
            .and_then(|target| document.pointer(target))
            .map_or(value, |target| resolve(document, target)),
        None => value,
    }
}

fn gather_facts(document: &Value) -> Result<SpecFacts, Problem> {
    let mut facts = SpecFacts::default();
    let schemas = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();

    for (name, schema) in &schemas {
        let mut pointer = "/components/schemas".to_owned();
        push_token(&mut pointer, name);
        if is_deprecated(schema) {
            facts
                .deprecated_schemas
                .insert(name.clone(), (pointer.clone(), deprecation_note(schema)));
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (property, property_schema) in properties {
                if is_deprecated(property_schema) {
                    let mut property_pointer = format!("{pointer}/properties");
                    push_token(&mut property_pointer, property);
                    facts.deprecated_properties.insert(
                        (name.clone(), property.clone()),
                        (property_pointer, deprecation_note(property_schema)),
                    );
                }
            }
        }
    }

    // Enums reachable from any response: walk every response schema through its $refs.
    let mut seen = BTreeSet::new();
    for (pointer, operation) in operations(document) {
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            continue;
        };
        for (status, response) in responses {
            let Some(content) = resolve(document, response)
                .get("content")
                .and_then(Value::as_object)
            else {
                continue;
            };
            for (media_type, media) in content {
                if let Some(schema) = media.get("schema") {
                    let mut schema_pointer = format!("{pointer}/responses");
                    push_token(&mut schema_pointer, status);
                    push_token(&mut schema_pointer, "content");
                    push_token(&mut schema_pointer, media_type);
                    push_token(&mut schema_pointer, "schema");
                    collect_enums(document, schema, schema_pointer, &mut seen, &mut facts)?;
                }
            }
        }
    }
    Ok(facts)
}

fn collect_enums(
    document: &Value,
    schema: &Value,
    pointer: String,
    seen: &mut BTreeSet<String>,
    facts: &mut SpecFacts,
) -> Result<(), Problem> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if !seen.insert(reference.to_owned()) {
            return Ok(());
        }
        let target = reference.trim_start_matches('#');
        let Some(target_schema) = document.pointer(target) else {
            return Ok(());
        };
        if target_schema.get("enum").is_some() {
            let name = target
                .strip_prefix("/components/schemas/")
                .filter(|name| !name.contains('/'))
                .map(unescape_token);
            return match (name, target_schema.get("type").and_then(Value::as_str)) {
                (Some(name), Some("string")) => {
                    facts.response_enums.insert(name, target.to_owned());
                    Ok(())
                }
                _ => Err((
                    target.to_owned(),
                    "an enum that arrives in a response must be a named `type: string` schema \
                     under components/schemas, so build.rs can add its catch-all variant"
                        .to_owned(),
                )),
            };
        }
        return collect_enums(document, target_schema, target.to_owned(), seen, facts);
    }
    if schema.get("enum").is_some() {
        return Err((
            pointer,
            "an inline enum in a response gets no catch-all variant; move it to a named schema \
             under components/schemas"
                .to_owned(),
        ));
    }
    let Some(map) = schema.as_object() else {
        return Ok(());
    };
    for key in ["properties"] {
        if let Some(children) = map.get(key).and_then(Value::as_object) {
            for (name, child) in children {
                let mut child_pointer = format!("{pointer}/{key}");
                push_token(&mut child_pointer, name);
                collect_enums(document, child, child_pointer, seen, facts)?;
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key).filter(|child| child.is_object()) {
            collect_enums(document, child, format!("{pointer}/{key}"), seen, facts)?;
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(children) = map.get(key).and_then(Value::as_array) {
            for (index, child) in children.iter().enumerate() {
                collect_enums(
                    document,
                    child,
                    format!("{pointer}/{key}/{index}"),
                    seen,
                    facts,
                )?;
            }
        }
    }
    Ok(())
}

fn is_deprecated(schema: &Value) -> bool {
    schema.get("deprecated").and_then(Value::as_bool) == Some(true)
}

fn deprecation_note(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "deprecated in the API documentation".to_owned())
}

/// Removes our `x-dispersed-*` documentation extensions: progenitor matches `with_conversion`
/// schemas exactly, extensions included, so a note on an IP field would defeat the conversion.
fn strip_notes(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| !key.starts_with("x-dispersed-"));
            map.values_mut().for_each(strip_notes);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_notes),
        _ => {}
    }
}

/// Narrows a generation failure down to an operation, or to the components.
///
/// `generates` runs progenitor on a reduced document; the first reduction that fails on its own
/// names the place.
pub fn locate(
    openapi: &openapiv3::OpenAPI,
    generates: impl Fn(&openapiv3::OpenAPI) -> bool,
) -> Option<String> {
    let mut without_paths = openapi.clone();
    without_paths.paths.paths.clear();
    if !generates(&without_paths) {
        let mut empty = without_paths;
        empty.components = None;
        // Failing with nothing to generate: the settings, not any one place in the spec.
        return generates(&empty).then(|| "/components/schemas".to_owned());
    }
    for (path, item) in &openapi.paths.paths {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let mut single_item = openapiv3::PathItem {
                parameters: item.parameters.clone(),
                ..Default::default()
            };
            match method {
                "get" => single_item.get = Some(operation.clone()),
                "put" => single_item.put = Some(operation.clone()),
                "post" => single_item.post = Some(operation.clone()),
                "delete" => single_item.delete = Some(operation.clone()),
                "options" => single_item.options = Some(operation.clone()),
                "head" => single_item.head = Some(operation.clone()),
                "patch" => single_item.patch = Some(operation.clone()),
                _ => single_item.trace = Some(operation.clone()),
            }
            let mut single = without_paths.clone();
            single
                .paths
                .paths
                .insert(path.clone(), openapiv3::ReferenceOr::Item(single_item));
            if !generates(&single) {
                let mut pointer = "/paths".to_owned();
                push_token(&mut pointer, path);
                push_token(&mut pointer, method);
                return Some(pointer);
            }
        }
    }
    None
}

/// Below `pointer` (a schema that failed to parse), the innermost sub-schema that still fails on
/// its own, with serde's reason when it is more specific than "did not match any variant".
fn innermost_bad_schema(document: &Value, pointer: &str) -> Option<(String, Option<String>)> {
    let is_schema = pointer.starts_with("/components/schemas/") || pointer.ends_with("/schema");
    let value = document.pointer(pointer)?;
    if !is_schema || parses_as_schema(value) {
        return None;
    }
    let mut current = (pointer.to_owned(), value);
    'descend: loop {
        for (child_pointer, child) in sub_schemas(&current.0, current.1) {
            if !parses_as_schema(child) {
                current = (child_pointer, child);
                continue 'descend;
            }
        }
        break;
    }
    let detail = serde_json::from_value::<openapiv3::Schema>(current.1.clone())
        .err()
        .map(|error| error.to_string())
        .filter(|detail| !detail.contains("did not match any variant"));
    Some((current.0, detail))
}

fn parses_as_schema(value: &Value) -> bool {
    serde_json::from_value::<openapiv3::ReferenceOr<openapiv3::Schema>>(value.clone()).is_ok()
}

/// The schemas directly inside `schema`, with their pointers.
fn sub_schemas<'a>(pointer: &str, schema: &'a Value) -> Vec<(String, &'a Value)> {
    let mut found = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let mut child_pointer = format!("{pointer}/properties");
            push_token(&mut child_pointer, name);
            found.push((child_pointer, child));
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = schema.get(key).filter(|child| child.is_object()) {
            found.push((format!("{pointer}/{key}"), child));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(children) = schema.get(key).and_then(Value::as_array) {
            for (index, child) in children.iter().enumerate() {
                found.push((format!("{pointer}/{key}/{index}"), child));
            }
        }
    }
    found
}

/// The line and column of the key that `pointer` names, for block-style YAML made of mappings
/// (as our spec is); `None` when the pointer goes through a sequence or is not found.
fn line_of(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape_token).collect();
    let mut open: Vec<(usize, String)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let key_text = line.trim_start();
        let indent = line.len() - key_text.len();
        let Some(key) = yaml_key(key_text) else {
            continue;
        };
        while open
            .last()
            .is_some_and(|(open_indent, _)| *open_indent >= indent)
        {
            open.pop();
        }
        open.push((indent, key));
        if open.len() == tokens.len() && open.iter().map(|(_, key)| key).eq(tokens.iter()) {
            return Some((index + 1, indent + 1));
        }
    }
    None
}

/// The key of a `key:` or `key: value` line (plain or quoted), if the line is one.
fn yaml_key(line: &str) -> Option<String> {
    if line.starts_with('#') || line.starts_with('-') {
        return None;
    }
    let (key, rest) = match line.chars().next()? {
        quote @ ('\'' | '"') => {
            let end = line[1..].find(quote)? + 1;
            (line[1..end].to_owned(), &line[end + 1..])
        }
        _ => {
            let end = line.find(':')?;
            (line[..end].to_owned(), &line[end..])
        }
    };
    let rest = rest.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(key)
}

fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                push_token(&mut pointer, &index.to_string())
            }
            serde_path_to_error::Segment::Map { key } => push_token(&mut pointer, key),
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}
