//! Schemas from the listing and, where the listing is silent, from the example response.
//!
//! Rules for example values (each use is reported as an [`Inference`]):
//! - `"2023-11-07T05:31:56Z"` (an RFC 3339 date-time) → `string` + `format: date-time`;
//!   any other string → `string` (the page's placeholders say nothing more);
//! - a number → `number`: the page shows `123` for integers and numbers alike;
//! - `true` / `false` → `boolean`; `null` → `nullable: true` with no type;
//! - `[]` → an array of any JSON value; a non-empty array → items from its elements;
//! - an object → a named schema of its properties, none of them required (the page does not say);
//! - a string under the key `object` → a one-value enum, like the listed top-level `object`.

use super::super::document::{mapping, Mapping, Value};
use super::super::error::{DeriveError, ErrorKind, Result};
use super::listing::{Field, TypeName};
use super::{basic_schema, Inference};

/// Named schemas in the order they were first met.
pub type Components = Vec<(String, Value)>;

pub struct Inferrer<'a> {
    source: &'a str,
    components: Vec<(String, Value, String)>,
    inferences: Vec<Inference>,
}

impl<'a> Inferrer<'a> {
    pub fn new(source: &'a str) -> Self {
        Self {
            source,
            components: Vec::new(),
            inferences: Vec::new(),
        }
    }

    pub fn note(&mut self, place: &str, what: &str) {
        self.inferences.push(Inference {
            place: place.to_string(),
            what: what.to_string(),
        });
    }

    pub fn finish(self) -> (Components, Vec<Inference>) {
        let components = self
            .components
            .into_iter()
            .map(|(name, schema, _)| (name, schema))
            .collect();
        (components, self.inferences)
    }

    /// The response schema: the listed fields in the listing's order, then any field the example
    /// has and the listing does not.
    pub fn response_schema(
        &mut self,
        name: &str,
        fields: &[Field],
        example: Option<&Value>,
    ) -> Result<Value> {
        let example = example.and_then(Value::as_mapping);
        let mut properties = Mapping::new();
        let mut required = Vec::new();
        for field in fields {
            if field.name.contains('.') || field.name.contains('[') {
                return Err(DeriveError::new(
                    ErrorKind::PageSyntax,
                    format!("{}:{}", self.source, field.line),
                    format!(
                        "nested listing entries such as `{}` are not supported yet",
                        field.name
                    ),
                ));
            }
            let value = example.and_then(|map| map.get(field.name.as_str()));
            let schema =
                self.listed_field_schema(field, value, name, &format!("{name}.{}", field.name))?;
            properties.insert(Value::String(field.name.clone()), schema);
            if field.required {
                required.push(Value::String(field.name.clone()));
            }
        }
        if let Some(example) = example {
            for (key, value) in example {
                let Some(key) = key.as_str() else { continue };
                if !properties.contains_key(key) {
                    let place = format!("{name}.{key}");
                    self.note(&place, "in the example but not in the listing: added, shape taken from the example");
                    let schema = self.infer(value, name, key, &place)?;
                    properties.insert(Value::String(key.to_string()), schema);
                }
            }
        }
        let mut schema = mapping([("type", Value::from("object"))]);
        let map = schema.as_mapping_mut().expect("mapping");
        if !required.is_empty() {
            map.insert("required".into(), Value::Sequence(required));
        }
        map.insert("properties".into(), Value::Mapping(properties));
        self.register(name, schema, name)
    }

    /// The schema of a listed field (or parameter), with its flags.
    pub fn listed_field_schema(
        &mut self,
        field: &Field,
        example: Option<&Value>,
        owner: &str,
        place: &str,
    ) -> Result<Value> {
        let base = match &field.type_expr {
            None => match example {
                Some(value) => {
                    self.note(
                        place,
                        "the listing gives no type: shape taken from the example",
                    );
                    self.infer(value, owner, &field.name, place)?
                }
                None => {
                    self.note(
                        place,
                        "the listing gives no type and the example no value: any JSON value",
                    );
                    Value::Mapping(Mapping::new())
                }
            },
            Some(type_expr) => {
                let mut alternatives = Vec::new();
                for alternative in &type_expr.alternatives {
                    alternatives.push(self.listed_type(
                        alternative,
                        field,
                        example,
                        owner,
                        place,
                    )?);
                }
                match alternatives.len() {
                    0 => Value::Mapping(Mapping::new()),
                    1 => alternatives.pop().expect("one"),
                    _ => mapping([("anyOf", Value::Sequence(alternatives))]),
                }
            }
        };
        let mut extras = Mapping::new();
        if let Some(description) = &field.description {
            extras.insert("description".into(), Value::String(description.clone()));
        }
        if field.deprecated {
            extras.insert("deprecated".into(), Value::Bool(true));
        }
        if field.type_expr.as_ref().is_some_and(|t| t.nullable) {
            extras.insert("nullable".into(), Value::Bool(true));
        }
        if let Some(bound) = &field.minimum {
            extras.insert("minimum".into(), Value::Number(bound.value.clone()));
            if bound.exclusive {
                extras.insert("exclusiveMinimum".into(), Value::Bool(true));
            }
        }
        if let Some(bound) = &field.maximum {
            extras.insert("maximum".into(), Value::Number(bound.value.clone()));
            if bound.exclusive {
                extras.insert("exclusiveMaximum".into(), Value::Bool(true));
            }
        }
        if let Some(length) = field.min_length {
            extras.insert("minLength".into(), length.into());
        }
        if let Some(length) = field.max_length {
            extras.insert("maxLength".into(), length.into());
        }
        if let Some(default) = &field.default {
            let value = match base.get("type").and_then(Value::as_str) {
                Some("string") | None => Value::String(default.clone()),
                _ => serde_norway::from_str(default)
                    .unwrap_or_else(|_| Value::String(default.clone())),
            };
            extras.insert("default".into(), value);
        }
        Ok(attach(base, extras))
    }

    fn listed_type(
        &mut self,
        type_name: &TypeName,
        field: &Field,
        example: Option<&Value>,
        owner: &str,
        place: &str,
    ) -> Result<Value> {
        match type_name {
            TypeName::Enum { .. } => {
                let name = format!("{owner}{}", pascal_case(&field.name));
                self.register(&name, basic_schema(type_name, field), place)
            }
            TypeName::Basic { name, .. } if name == "object" => {
                match example {
                    Some(value @ Value::Mapping(_)) => self.infer(value, owner, &field.name, place),
                    _ => {
                        self.note(place, "listed as `object` but the example shows no object: properties unknown");
                        Ok(mapping([("type", Value::from("object"))]))
                    }
                }
            }
            TypeName::Array(item) if matches!(item.as_ref(), TypeName::Basic { name, .. } if name == "object") =>
            {
                let items = match example {
                    Some(Value::Sequence(elements)) if !elements.is_empty() => self.infer_items(
                        elements,
                        owner,
                        &singular(&field.name),
                        &format!("{place}[]"),
                    )?,
                    _ => {
                        self.note(place, "listed as `object[]` but the example shows no element: item properties unknown");
                        mapping([("type", Value::from("object"))])
                    }
                };
                Ok(mapping([("type", Value::from("array")), ("items", items)]))
            }
            other => Ok(basic_schema(other, field)),
        }
    }

    /// The schema of an example value found at `owner.field`.
    fn infer(&mut self, value: &Value, owner: &str, field: &str, place: &str) -> Result<Value> {
        Ok(match value {
            Value::Null => {
                self.note(place, "null in the example: nullable, type unknown");
                mapping([("nullable", Value::Bool(true))])
            }
            Value::Bool(_) => mapping([("type", Value::from("boolean"))]),
            Value::Number(_) => {
                self.note(place, "a number in the example: typed `number` (the page's `123` does not tell integer from number)");
                mapping([("type", Value::from("number"))])
            }
            Value::String(text) if field == "object" => {
                self.note(place, "an `object` kind in the example: a one-value enum, like the listed top-level `object`");
                let schema = mapping([
                    ("type", Value::from("string")),
                    ("enum", Value::Sequence(vec![Value::String(text.clone())])),
                ]);
                return self.register(&format!("{owner}Object"), schema, place);
            }
            Value::String(text) if is_date_time(text) => mapping([
                ("type", Value::from("string")),
                ("format", Value::from("date-time")),
            ]),
            Value::String(_) => mapping([("type", Value::from("string"))]),
            Value::Sequence(elements) if elements.is_empty() => {
                self.note(
                    place,
                    "an empty array in the example: item type unknown (any JSON value)",
                );
                mapping([
                    ("type", Value::from("array")),
                    ("items", Value::Mapping(Mapping::new())),
                ])
            }
            Value::Sequence(elements) => {
                let items =
                    self.infer_items(elements, owner, &singular(field), &format!("{place}[]"))?;
                mapping([("type", Value::from("array")), ("items", items)])
            }
            Value::Mapping(map) => {
                let name = match map.get("object").and_then(Value::as_str) {
                    Some(kind) => pascal_case(kind),
                    None => format!("{owner}{}", pascal_case(field)),
                };
                self.note(&name, "shape taken from the example; the page does not say which properties are required");
                let mut properties = Mapping::new();
                for (key, child) in map {
                    let Some(key) = key.as_str() else { continue };
                    let schema = self.infer(child, &name, key, &format!("{name}.{key}"))?;
                    properties.insert(Value::String(key.to_string()), schema);
                }
                let schema = mapping([
                    ("type", Value::from("object")),
                    ("properties", Value::Mapping(properties)),
                ]);
                return self.register(&name, schema, place);
            }
            Value::Tagged(tagged) => return self.infer(&tagged.value, owner, field, place),
        })
    }

    /// Array items: objects are merged (every key seen in any element), other elements must agree.
    fn infer_items(
        &mut self,
        elements: &[Value],
        owner: &str,
        item_field: &str,
        place: &str,
    ) -> Result<Value> {
        if elements.iter().all(Value::is_mapping) {
            let mut merged = Mapping::new();
            for element in elements.iter().filter_map(Value::as_mapping) {
                for (key, value) in element {
                    if !merged.contains_key(key) {
                        merged.insert(key.clone(), value.clone());
                    }
                }
            }
            return self.infer(&Value::Mapping(merged), owner, item_field, place);
        }
        let first = self.infer(&elements[0], owner, item_field, place)?;
        for element in &elements[1..] {
            if self.infer(element, owner, item_field, place)? != first {
                self.note(
                    place,
                    "array elements of different types in the example: items are any JSON value",
                );
                return Ok(Value::Mapping(Mapping::new()));
            }
        }
        Ok(first)
    }

    /// Adds a named schema (or finds the identical one) and returns a `$ref` to it.
    fn register(&mut self, name: &str, schema: Value, place: &str) -> Result<Value> {
        match self
            .components
            .iter()
            .find(|(existing, _, _)| existing == name)
        {
            Some((_, existing, _)) if *existing == schema => {}
            Some((_, _, first_place)) => {
                return Err(DeriveError::new(
                    ErrorKind::Conflict,
                    self.source,
                    format!(
                    "two different shapes would both be named `{name}` ({first_place} and {place})"
                ),
                ))
            }
            None => self
                .components
                .push((name.to_string(), schema, place.to_string())),
        }
        Ok(mapping([(
            "$ref",
            Value::String(format!("#/components/schemas/{name}")),
        )]))
    }
}

/// Adds field-level keywords to a schema; beside a `$ref` they go on an `allOf` wrapper, because
/// OpenAPI 3.0 ignores the siblings of a `$ref`.
fn attach(base: Value, extras: Mapping) -> Value {
    if extras.is_empty() {
        return base;
    }
    let mut map = match base {
        Value::Mapping(map) if map.contains_key("$ref") => {
            let mut wrapper = Mapping::new();
            wrapper.insert("allOf".into(), Value::Sequence(vec![Value::Mapping(map)]));
            wrapper
        }
        Value::Mapping(map) => map,
        other => {
            let mut wrapper = Mapping::new();
            wrapper.insert("allOf".into(), Value::Sequence(vec![other]));
            wrapper
        }
    };
    for (key, value) in extras {
        map.insert(key, value);
    }
    Value::Mapping(map)
}

/// `node_hardware_event` → `NodeHardwareEvent`, `Node Details` → `NodeDetails`.
pub fn pascal_case(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().expect("non-empty").to_ascii_uppercase();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

/// The name of one element of a plural field: `hard_drives` → `hard_drive`.
fn singular(field: &str) -> String {
    if let Some(stem) = field.strip_suffix("ies") {
        format!("{stem}y")
    } else if field.ends_with('s') && !field.ends_with("ss") && field.len() > 1 {
        field[..field.len() - 1].to_string()
    } else {
        format!("{field}_item")
    }
}

/// RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(bytes.get(10), Some(b'T' | b't'))
        && digits(11..13)
        && bytes.get(13) == Some(&b':')
        && digits(14..16)
        && bytes.get(16) == Some(&b':')
        && digits(17..19))
    {
        return false;
    }
    let mut at = 19;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return false;
        }
    }
    match bytes.get(at) {
        Some(b'Z' | b'z') => at + 1 == bytes.len(),
        Some(b'+' | b'-') => {
            at + 6 == bytes.len()
                && digits(at + 1..at + 3)
                && bytes[at + 3] == b':'
                && digits(at + 4..at + 6)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal_case("node_hardware_event"), "NodeHardwareEvent");
        assert_eq!(pascal_case("Node Details"), "NodeDetails");
        assert_eq!(pascal_case("ramTotal"), "RamTotal");
        assert_eq!(singular("hard_drives"), "hard_drive");
        assert_eq!(singular("capabilities"), "capability");
        assert_eq!(singular("memory"), "memory_item");
    }

    #[test]
    fn date_times() {
        assert!(is_date_time("2023-11-07T05:31:56Z"));
        assert!(is_date_time("2023-11-07T05:31:56.123+01:00"));
        assert!(!is_date_time("2023-11-07"));
        assert!(!is_date_time("<string>"));
        assert!(!is_date_time("2023-11-07T05:31:56"));
    }
}
