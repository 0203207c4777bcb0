//! OpenAPI 3.1 → 3.0.3, because progenitor reads only 3.0.x. Every rewrite keeps the meaning; what
//! 3.0 cannot say at all is an error naming the JSON pointer, never silently dropped.
//!
//! | 3.1 (JSON Schema 2020-12) | 3.0.3 |
//! |---|---|
//! | `type: [T, "null"]` | `type: T` + `nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | the branch removed, `nullable: true` |
//! | `const: v` | `enum: [v]` |
//! | `exclusiveMinimum: n` (a number) | `minimum: n` + `exclusiveMinimum: true` (same for maximum) |
//! | `examples: [a, …]` (in a schema) | `example: a` |
//! | `$ref` with sibling keywords | `allOf: [{$ref}]` beside the siblings |
//! | `contentEncoding: base64` | `format: byte` |
//! | `info.summary`, `info.license.identifier`, `jsonSchemaDialect`, `webhooks`, `$comment` | dropped, and reported |

use super::docs_page::Inference;
use super::document::{pointer_segment, Mapping, Value};
use super::error::{DeriveError, ErrorKind, Result};

/// Keywords of JSON Schema 2020-12 with no OpenAPI 3.0 equivalent.
const UNCONVERTIBLE: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "propertyNames",
    "$defs",
    "$dynamicRef",
    "$dynamicAnchor",
];

/// Keys whose values are data, never schemas or OpenAPI objects.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

/// Rewrites a 3.1 document in place as 3.0.3; `name` is the source, for errors.
pub fn to_openapi_3_0(document: &mut Value, name: &str, notes: &mut Vec<Inference>) -> Result<()> {
    let mut converter = Converter { name, notes };
    let Value::Mapping(root) = document else {
        return Ok(());
    };
    root.insert("openapi".into(), "3.0.3".into());
    for dropped in ["jsonSchemaDialect", "webhooks"] {
        if root.shift_remove(dropped).is_some() {
            converter.note(
                &format!("#/{dropped}"),
                "has no OpenAPI 3.0 equivalent: dropped",
            );
        }
    }
    if let Some(Value::Mapping(info)) = root.get_mut("info") {
        if info.shift_remove("summary").is_some() {
            converter.note("#/info/summary", "has no OpenAPI 3.0 equivalent: dropped");
        }
        if let Some(Value::Mapping(license)) = info.get_mut("license") {
            if license.shift_remove("identifier").is_some() {
                converter.note(
                    "#/info/license/identifier",
                    "has no OpenAPI 3.0 equivalent: dropped",
                );
            }
        }
    }
    converter.walk_document(document, "")
}

struct Converter<'a> {
    name: &'a str,
    notes: &'a mut Vec<Inference>,
}

impl Converter<'_> {
    fn note(&mut self, pointer: &str, what: &str) {
        self.notes.push(Inference {
            place: format!("{}#{pointer}", self.name),
            what: what.to_string(),
        });
    }

    fn error(&self, pointer: &str, message: String) -> DeriveError {
        DeriveError::new(
            ErrorKind::Unconvertible,
            format!("{}#{pointer}", self.name),
            message,
        )
    }

    /// Walks OpenAPI objects, looking for schemas under `schema` and `components.schemas`.
    fn walk_document(&mut self, value: &mut Value, pointer: &str) -> Result<()> {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map.iter_mut() {
                    let Some(key) = key.as_str() else { continue };
                    if DATA_KEYS.contains(&key) || key.starts_with("x-") {
                        continue;
                    }
                    let child_pointer = format!("{pointer}/{}", pointer_segment(key));
                    if key == "schema" {
                        self.schema(child, &child_pointer)?;
                    } else if key == "schemas" && pointer == "/components" {
                        if let Value::Mapping(schemas) = child {
                            for (schema_name, schema) in schemas.iter_mut() {
                                let schema_pointer = format!(
                                    "{child_pointer}/{}",
                                    pointer_segment(schema_name.as_str().unwrap_or(""))
                                );
                                self.schema(schema, &schema_pointer)?;
                            }
                        }
                    } else {
                        self.walk_document(child, &child_pointer)?;
                    }
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk_document(item, &format!("{pointer}/{index}"))?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn schema(&mut self, value: &mut Value, pointer: &str) -> Result<()> {
        let Value::Mapping(map) = value else {
            return Ok(());
        };
        for keyword in UNCONVERTIBLE {
            if map.contains_key(*keyword) {
                return Err(self.error(
                    &format!("{pointer}/{}", pointer_segment(keyword)),
                    format!("`{keyword}` has no OpenAPI 3.0 equivalent"),
                ));
            }
        }
        for dropped in ["$schema", "$id", "$comment", "$anchor"] {
            if map.shift_remove(dropped).is_some() {
                self.note(
                    &format!("{pointer}/{}", pointer_segment(dropped)),
                    "has no OpenAPI 3.0 equivalent: dropped",
                );
            }
        }
        self.type_list(map, pointer)?;
        for combinator in ["anyOf", "oneOf"] {
            self.null_branch(map, combinator, pointer);
        }
        if let Some(constant) = map.shift_remove("const") {
            map.insert("enum".into(), Value::Sequence(vec![constant]));
        }
        for (exclusive, inclusive) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(bound @ Value::Number(_)) = map.get(exclusive).cloned() {
                if map.contains_key(inclusive) {
                    self.note(
                        &format!("{pointer}/{inclusive}"),
                        "both an inclusive and an exclusive bound: the exclusive one is kept",
                    );
                }
                map.insert(inclusive.into(), bound);
                map.insert(exclusive.into(), Value::Bool(true));
            }
        }
        if let Some(Value::Sequence(examples)) = map.get("examples").cloned() {
            map.shift_remove("examples");
            if let Some(first) = examples.first() {
                map.insert("example".into(), first.clone());
            }
            if examples.len() > 1 {
                self.note(
                    &format!("{pointer}/examples"),
                    "OpenAPI 3.0 has one schema example: the first is kept",
                );
            }
        }
        match map.shift_remove("contentEncoding") {
            Some(Value::String(encoding)) if encoding == "base64" => {
                map.insert("format".into(), "byte".into());
            }
            Some(_) => {
                return Err(self.error(
                    &format!("{pointer}/contentEncoding"),
                    "only `contentEncoding: base64` has an OpenAPI 3.0 equivalent".into(),
                ))
            }
            None => {}
        }
        if map.contains_key("$ref") && map.len() > 1 {
            let reference = map.shift_remove("$ref").expect("checked");
            let mut inner = Mapping::new();
            inner.insert("$ref".into(), reference);
            map.insert("allOf".into(), Value::Sequence(vec![Value::Mapping(inner)]));
        }
        // Subschemas.
        for key in ["items", "not", "additionalProperties"] {
            if let Some(child) = map.get_mut(key) {
                self.schema(child, &format!("{pointer}/{key}"))?;
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Sequence(branches)) = map.get_mut(key) {
                for (index, branch) in branches.iter_mut().enumerate() {
                    self.schema(branch, &format!("{pointer}/{key}/{index}"))?;
                }
            }
        }
        if let Some(Value::Mapping(properties)) = map.get_mut("properties") {
            for (name, child) in properties.iter_mut() {
                let child_pointer = format!(
                    "{pointer}/properties/{}",
                    pointer_segment(name.as_str().unwrap_or(""))
                );
                self.schema(child, &child_pointer)?;
            }
        }
        Ok(())
    }

    fn type_list(&mut self, map: &mut Mapping, pointer: &str) -> Result<()> {
        let types = match map.get("type") {
            Some(Value::Sequence(types)) => types.clone(),
            Some(Value::String(single)) if single == "null" => vec![Value::from("null")],
            _ => return Ok(()),
        };
        let mut names = Vec::new();
        let mut nullable = false;
        for entry in &types {
            match entry.as_str() {
                Some("null") => nullable = true,
                Some(name) => names.push(name.to_string()),
                None => {
                    return Err(self.error(
                        &format!("{pointer}/type"),
                        "`type` lists something that is not a type name".into(),
                    ))
                }
            }
        }
        map.shift_remove("type");
        match names.as_slice() {
            [] => self.note(
                &format!("{pointer}/type"),
                "`type: null` alone: written as `nullable: true` with no type",
            ),
            [single] => {
                map.insert("type".into(), Value::String(single.clone()));
            }
            several => {
                let branches = several.iter().map(|name| {
                    let mut branch = Mapping::new();
                    branch.insert("type".into(), Value::String(name.clone()));
                    Value::Mapping(branch)
                });
                map.insert("anyOf".into(), Value::Sequence(branches.collect()));
            }
        }
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
        }
        Ok(())
    }

    /// `anyOf: [X, {type: "null"}]` → `allOf: [X]` + `nullable: true`.
    fn null_branch(&mut self, map: &mut Mapping, combinator: &str, pointer: &str) {
        let Some(Value::Sequence(branches)) = map.get(combinator) else {
            return;
        };
        let is_null = |branch: &Value| {
            branch.as_mapping().is_some_and(|b| {
                b.len() == 1 && b.get("type").and_then(Value::as_str) == Some("null")
            })
        };
        if !branches.iter().any(is_null) {
            return;
        }
        let rest: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
        map.shift_remove(combinator);
        map.insert("nullable".into(), Value::Bool(true));
        if rest.len() == 1 {
            map.insert("allOf".into(), Value::Sequence(rest));
            self.note(
                &format!("{pointer}/{combinator}"),
                "a `null` branch: written as `allOf` of the other branch + `nullable: true`",
            );
        } else if !rest.is_empty() {
            map.insert(combinator.into(), Value::Sequence(rest));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::document::parse_yaml;

    fn convert(yaml: &str) -> Result<Value> {
        let mut document = parse_yaml(yaml, "t.yaml").unwrap();
        to_openapi_3_0(&mut document, "t.yaml", &mut Vec::new())?;
        Ok(document)
    }

    #[test]
    fn schema_keywords() {
        let document = convert(
            "openapi: 3.1.0\ninfo: {title: t, summary: s, version: '1', license: {name: MIT, identifier: MIT}}\njsonSchemaDialect: x\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        a: {type: [string, 'null'], format: date-time}\n        b: {const: node}\n        c: {type: number, exclusiveMinimum: 0, examples: [1, 2]}\n        d: {$ref: '#/components/schemas/B', description: x}\n        e: {anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]}\n        f: {type: [string, integer]}\n",
        )
        .unwrap();
        let expected = parse_yaml(
            "openapi: 3.0.3\ninfo: {title: t, version: '1', license: {name: MIT}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        a: {type: string, format: date-time, nullable: true}\n        b: {enum: [node]}\n        c: {type: number, minimum: 0, exclusiveMinimum: true, example: 1}\n        d: {description: x, allOf: [{$ref: '#/components/schemas/B'}]}\n        e: {nullable: true, allOf: [{$ref: '#/components/schemas/B'}]}\n        f: {anyOf: [{type: string}, {type: integer}]}\n",
            "e",
        )
        .unwrap();
        assert_eq!(document, expected);
    }

    #[test]
    fn what_3_0_cannot_say_is_an_error_with_its_pointer() {
        let error = convert("openapi: 3.1.0\ncomponents:\n  schemas:\n    A:\n      prefixItems: [{type: string}]\n").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unconvertible);
        assert_eq!(error.place(), "t.yaml#/components/schemas/A/prefixItems");
    }
}
