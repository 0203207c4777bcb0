//! An OpenAPI source: checked, down-converted if it is 3.1, and cut down to the operations we ship
//! plus everything they reference (transitively), so the rest of upstream's API does not leak
//! into the client.

use std::collections::{BTreeSet, VecDeque};
use std::fmt;

use super::docs_page::Inference;
use super::document::{get, get_str, pointer_segment, unescape_pointer_segment, Mapping, Value};
use super::downconvert::to_openapi_3_0;
use super::error::{DeriveError, ErrorKind, Result};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation we ship, as method and path template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationKey {
    pub method: String,
    pub path: String,
}

impl OperationKey {
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_ascii_lowercase(),
            path: path.to_string(),
        }
    }
}

impl fmt::Display for OperationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.to_ascii_uppercase(), self.path)
    }
}

/// Whether a parsed document claims to be OpenAPI (so an error about it can say so).
pub fn is_openapi(document: &Value) -> bool {
    get(document, "openapi").is_some() || get(document, "swagger").is_some()
}

/// Checks the version and brings a 3.1 document down to 3.0.3.
pub fn normalise(mut document: Value, name: &str, notes: &mut Vec<Inference>) -> Result<Value> {
    let version = match get(&document, "openapi") {
        Some(Value::String(version)) => version.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ if get(&document, "swagger").is_some() => {
            return Err(DeriveError::new(
                ErrorKind::NotASource,
                name,
                "Swagger 2.0 is not supported; OpenAPI 3.0 or 3.1 is",
            ))
        }
        _ => {
            return Err(DeriveError::new(
                ErrorKind::NotASource,
                name,
                "not an OpenAPI document (no `openapi` version)",
            ))
        }
    };
    if version.starts_with("3.1.") {
        to_openapi_3_0(&mut document, name, notes)?;
    } else if version.starts_with("3.0.") {
        if let Value::Mapping(root) = &mut document {
            root.insert("openapi".into(), "3.0.3".into());
        }
    } else {
        return Err(DeriveError::new(
            ErrorKind::NotASource,
            format!("{name}#/openapi"),
            format!("OpenAPI version {version} is not supported (3.0.x and 3.1.x are)"),
        ));
    }
    if !document.is_mapping() || !get(&document, "paths").is_some_and(Value::is_mapping) {
        return Err(DeriveError::new(
            ErrorKind::NotASource,
            format!("{name}#/paths"),
            "the document has no `paths` object",
        ));
    }
    Ok(document)
}

/// Keeps the shipped operations found in `document` and the components they need.
/// Returns the cut-down document and which shipped operations it had.
pub fn select_operations(
    document: &Value,
    name: &str,
    shipped: &[OperationKey],
) -> Result<(Value, Vec<OperationKey>)> {
    let mut found = Vec::new();
    let mut paths = Mapping::new();
    if let Some(Value::Mapping(all_paths)) = get(document, "paths") {
        for (path, item) in all_paths {
            let (Some(path), Value::Mapping(item)) = (path.as_str(), item) else {
                continue;
            };
            let mut kept = Mapping::new();
            for (key, value) in item {
                let Some(key) = key.as_str() else { continue };
                if METHODS.contains(&key) {
                    let operation = OperationKey::new(key, path);
                    if shipped.contains(&operation) {
                        found.push(operation);
                        kept.insert(key.into(), value.clone());
                    }
                } else if key == "$ref" {
                    return Err(DeriveError::new(
                        ErrorKind::UnresolvableRef,
                        format!("{name}#/paths/{}/$ref", pointer_segment(path)),
                        "path item references are not supported",
                    ));
                } else {
                    kept.insert(key.into(), value.clone());
                }
            }
            if kept
                .keys()
                .any(|key| key.as_str().is_some_and(|key| METHODS.contains(&key)))
            {
                paths.insert(path.into(), Value::Mapping(kept));
            }
        }
    }

    let mut result = Mapping::new();
    for key in ["openapi", "info", "servers", "security", "externalDocs"] {
        if let Some(value) = get(document, key) {
            result.insert(key.into(), value.clone());
        }
    }
    if let Value::Mapping(root) = document {
        for (key, value) in root {
            if key.as_str().is_some_and(|key| key.starts_with("x-")) {
                result.insert(key.clone(), value.clone());
            }
        }
    }
    let paths = Value::Mapping(paths);

    // Components reachable from the kept operations (and from the global security requirement).
    let mut needed: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: VecDeque<(Value, String)> = VecDeque::new();
    queue.push_back((paths.clone(), "/paths".to_string()));
    let mut security_schemes = BTreeSet::new();
    collect_security(get(document, "security"), &mut security_schemes);
    while let Some((value, pointer)) = queue.pop_front() {
        let mut references = Vec::new();
        collect_refs(&value, &pointer, &mut references, &mut security_schemes);
        for (reference, site) in references {
            let (kind, component) = resolve_chain(document, name, &reference, &site)?;
            if needed.insert((kind.clone(), component.clone())) {
                let target = get(document, "components")
                    .and_then(|c| get(c, &kind))
                    .and_then(|k| get(k, &component))
                    .expect("resolved");
                queue.push_back((
                    target.clone(),
                    format!("/components/{kind}/{}", pointer_segment(&component)),
                ));
            }
        }
    }
    for scheme in &security_schemes {
        let exists = get(document, "components")
            .and_then(|c| get(c, "securitySchemes"))
            .and_then(|s| get(s, scheme))
            .is_some();
        if !exists {
            return Err(DeriveError::new(
                ErrorKind::UnresolvableRef,
                format!("{name}#/components/securitySchemes"),
                format!("the security requirement names `{scheme}`, which is not defined"),
            ));
        }
        needed.insert(("securitySchemes".to_string(), scheme.clone()));
    }

    result.insert("paths".into(), paths);
    if !needed.is_empty() {
        let mut components = Mapping::new();
        for (kind, component) in &needed {
            let value = get(document, "components")
                .and_then(|c| get(c, kind))
                .and_then(|k| get(k, component))
                .expect("checked");
            let entry = components
                .entry(Value::String(kind.clone()))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if let Value::Mapping(map) = entry {
                map.insert(Value::String(component.clone()), value.clone());
            }
        }
        result.insert("components".into(), Value::Mapping(components));
    }
    found.sort();
    Ok((Value::Mapping(result), found))
}

fn collect_security(requirements: Option<&Value>, schemes: &mut BTreeSet<String>) {
    if let Some(Value::Sequence(requirements)) = requirements {
        for requirement in requirements {
            if let Value::Mapping(map) = requirement {
                schemes.extend(map.keys().filter_map(Value::as_str).map(str::to_string));
            }
        }
    }
}

/// Every `$ref` under `value`, with the pointer of where it was written; also the security schemes
/// named by operation-level requirements.
fn collect_refs(
    value: &Value,
    pointer: &str,
    out: &mut Vec<(String, String)>,
    schemes: &mut BTreeSet<String>,
) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                let child_pointer = format!("{pointer}/{}", pointer_segment(key));
                if key == "$ref" {
                    if let Some(reference) = child.as_str() {
                        out.push((reference.to_string(), child_pointer));
                    }
                } else if matches!(key, "example" | "examples" | "default" | "enum")
                    || key.starts_with("x-")
                {
                    continue;
                } else {
                    if key == "security" {
                        collect_security(Some(child), schemes);
                    }
                    collect_refs(child, &child_pointer, out, schemes);
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_refs(item, &format!("{pointer}/{index}"), out, schemes);
            }
        }
        _ => {}
    }
}

/// Resolves `#/components/<kind>/<name>`, following a chain of bare `$ref`s; a chain that loops is
/// circular (a schema that contains itself through properties is fine, and is kept).
fn resolve_chain(
    document: &Value,
    name: &str,
    reference: &str,
    site: &str,
) -> Result<(String, String)> {
    let mut seen = Vec::new();
    let mut current = reference.to_string();
    let mut current_site = site.to_string();
    loop {
        let place = format!("{name}#{current_site}");
        let Some(pointer) = current.strip_prefix('#') else {
            return Err(DeriveError::new(
                ErrorKind::UnresolvableRef,
                place,
                format!("`{current}`: only references within the document (`#/…`) are supported"),
            ));
        };
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(unescape_pointer_segment)
            .collect();
        let [first, kind, component] = segments.as_slice() else {
            return Err(DeriveError::new(
                ErrorKind::UnresolvableRef,
                place,
                format!("`{current}` does not point at a component (`#/components/<kind>/<name>`)"),
            ));
        };
        let target = (first == "components")
            .then(|| {
                get(document, "components")
                    .and_then(|c| get(c, kind))
                    .and_then(|k| get(k, component))
            })
            .flatten();
        let Some(target) = target else {
            return Err(DeriveError::new(
                ErrorKind::UnresolvableRef,
                place,
                format!("`{current}` points at nothing"),
            ));
        };
        if seen.contains(&current) {
            return Err(DeriveError::new(
                ErrorKind::CircularRef,
                place,
                format!(
                    "`{reference}` is circular: {} → {current}",
                    seen.join(" → ")
                ),
            ));
        }
        seen.push(current.clone());
        match get_str(target, "$ref") {
            Some(next) if target.as_mapping().is_some_and(|m| m.len() == 1) => {
                current_site = format!(
                    "/components/{}/{}/$ref",
                    pointer_segment(kind),
                    pointer_segment(component)
                );
                current = next.to_string();
            }
            _ => return Ok((kind.clone(), component.clone())),
        }
    }
}

/// Checks that every `$ref` in the finished document resolves (the overlay may have added some).
pub fn validate_refs(document: &Value, name: &str) -> Result<()> {
    let mut references = Vec::new();
    collect_refs(document, "", &mut references, &mut BTreeSet::new());
    for (reference, site) in references {
        resolve_chain(document, name, &reference, &site)?;
    }
    Ok(())
}

/// Merges the documents of several sources; the same operation or component defined differently
/// in two of them is a conflict.
pub fn merge(into: &mut Value, from: Value, from_name: &str) -> Result<()> {
    let (Value::Mapping(target), Value::Mapping(source)) = (into, from) else {
        return Ok(());
    };
    for (key, value) in source {
        let key_text = key.as_str().unwrap_or("").to_string();
        match (target.get_mut(&key), key_text.as_str()) {
            (None, _) => {
                target.insert(key, value);
            }
            (Some(Value::Sequence(existing)), "servers") => {
                if let Value::Sequence(servers) = value {
                    for server in servers {
                        if !existing.contains(&server) {
                            existing.push(server);
                        }
                    }
                }
            }
            (Some(Value::Mapping(existing)), "paths" | "components") => {
                let Value::Mapping(incoming) = value else {
                    continue;
                };
                for (child_key, child) in incoming {
                    match existing.get_mut(&child_key) {
                        None => {
                            existing.insert(child_key, child);
                        }
                        Some(Value::Mapping(existing_child)) => {
                            let Value::Mapping(incoming_child) = child else {
                                continue;
                            };
                            for (entry_key, entry) in incoming_child {
                                match existing_child.get(&entry_key) {
                                    None => {
                                        existing_child.insert(entry_key, entry);
                                    }
                                    Some(same) if *same == entry => {}
                                    Some(_) => {
                                        return Err(DeriveError::new(
                                            ErrorKind::Conflict,
                                            format!(
                                                "{from_name}#/{key_text}/{}/{}",
                                                pointer_segment(child_key.as_str().unwrap_or("")),
                                                pointer_segment(entry_key.as_str().unwrap_or(""))
                                            ),
                                            "defined differently by an earlier source",
                                        ))
                                    }
                                }
                            }
                        }
                        Some(_) => {}
                    }
                }
            }
            // `openapi`, `info`, `security`: the first source that has them wins.
            (Some(_), _) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::document::parse_yaml;

    const DOC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}\n  /b:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Unused'}}}}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}, self: {$ref: '#/components/schemas/A'}}}\n    B: {type: string}\n    Unused: {type: string}\n";

    #[test]
    fn keeps_shipped_operations_and_the_closure_of_their_references() {
        let document = parse_yaml(DOC, "d.yaml").unwrap();
        let (selected, found) =
            select_operations(&document, "d.yaml", &[OperationKey::new("GET", "/a")]).unwrap();
        assert_eq!(found, [OperationKey::new("get", "/a")]);
        let schemas: Vec<_> = get(get(&selected, "components").unwrap(), "schemas")
            .unwrap()
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        assert_eq!(schemas, ["A", "B"]);
        assert!(get(get(&selected, "paths").unwrap(), "/b").is_none());
    }

    #[test]
    fn dangling_and_circular_references_are_errors() {
        let dangling = parse_yaml(
            &DOC.replace("B: {type: string}", "C: {type: string}"),
            "d.yaml",
        )
        .unwrap();
        let error =
            select_operations(&dangling, "d.yaml", &[OperationKey::new("get", "/a")]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnresolvableRef);
        assert_eq!(
            error.place(),
            "d.yaml#/components/schemas/A/properties/b/$ref"
        );

        let circular = parse_yaml(
            &DOC.replace(
                "B: {type: string}",
                "B: {$ref: '#/components/schemas/C'}\n    C: {$ref: '#/components/schemas/B'}",
            ),
            "d.yaml",
        )
        .unwrap();
        let error =
            select_operations(&circular, "d.yaml", &[OperationKey::new("get", "/a")]).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::CircularRef);
    }

    #[test]
    fn versions() {
        let swagger = parse_yaml("swagger: '2.0'\npaths: {}\n", "s.yaml").unwrap();
        assert_eq!(
            normalise(swagger, "s.yaml", &mut Vec::new())
                .unwrap_err()
                .kind(),
            ErrorKind::NotASource
        );
        let old = parse_yaml("openapi: 4.0.0\npaths: {}\n", "s.yaml").unwrap();
        assert_eq!(
            normalise(old, "s.yaml", &mut Vec::new())
                .unwrap_err()
                .place(),
            "s.yaml#/openapi"
        );
    }
}
