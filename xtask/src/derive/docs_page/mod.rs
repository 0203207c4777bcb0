//! A docs page (text or HTML) as an OpenAPI 3.0.3 document.
//!
//! The schema listing is authoritative for what it states (top-level fields, types, formats,
//! required / nullable / deprecated, enum values, ranges, descriptions). The example response
//! gives the shapes the listing only calls `object`; what is taken from it is inferred by the
//! rules in [`infer`] and reported as [`Inference`]s.
//!
//! The page names nothing but the endpoint, so component names follow one convention: an object
//! whose example carries an `object` kind (`"object": "node_hardware"`) is named after the kind
//! (`NodeHardware`); any other object, array item or enum is named after its owner and field
//! (`NodeHardwareCpu` for the items of `current_hardware.cpus`, `NodeStatus`). The overlay renames
//! where the project chose otherwise.

pub mod html;
mod infer;
pub mod listing;

use std::collections::BTreeMap;

use super::document::{mapping, Mapping, Value};
use super::error::{DeriveError, ErrorKind, Result};
pub use infer::pascal_case;
use infer::{Components, Inferrer};
use listing::{Field, Page, TypeName};

/// Something the page did not state, and what we concluded from the example instead.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Inference {
    /// Where, as `Schema.property` (or `Schema` for a whole schema).
    pub place: String,
    pub what: String,
}

/// Reads a docs page (already reduced to text) into an OpenAPI 3.0.3 document.
pub fn page_to_openapi(text: &str, name: &str) -> Result<(Value, Vec<Inference>)> {
    let page = listing::parse_page(text, name)?;
    build(&page, name)
}

fn build(page: &Page, source: &str) -> Result<(Value, Vec<Inference>)> {
    let mut inferrer = Inferrer::new(source);
    let mut operation = Mapping::new();
    operation.insert("summary".into(), Value::String(page.title.clone()));

    let mut parameters = Vec::new();
    for (location, fields) in [
        ("path", &page.path_parameters),
        ("query", &page.query_parameters),
    ] {
        for field in fields {
            let schema = inferrer.listed_field_schema(
                field,
                None,
                "",
                &format!("parameter {}", field.name),
            )?;
            let mut parameter = mapping([
                ("name", Value::String(field.name.clone())),
                ("in", Value::String(location.to_string())),
            ]);
            let map = parameter.as_mapping_mut().expect("built as a mapping");
            if let Some(description) = &field.description {
                map.insert("description".into(), Value::String(description.clone()));
            }
            if location == "path" || field.required {
                map.insert("required".into(), Value::Bool(true));
            }
            if field.deprecated {
                map.insert("deprecated".into(), Value::Bool(true));
            }
            map.insert("schema".into(), strip_field_keywords(schema));
            parameters.push(parameter);
        }
    }
    for name in path_template_names(&page.path) {
        if !page.path_parameters.iter().any(|field| field.name == name) {
            return Err(DeriveError::new(
                ErrorKind::PageSyntax,
                source,
                format!(
                    "the path `{}` has `{{{name}}}` but the page lists no such path parameter",
                    page.path
                ),
            ));
        }
    }
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Sequence(parameters));
    }

    let Some(response) = &page.response else {
        return Err(DeriveError::new(
            ErrorKind::PageSyntax,
            source,
            "the page has no \"Response\" listing",
        ));
    };
    let root_name = match page
        .example
        .as_ref()
        .and_then(|example| example.get("object"))
        .and_then(Value::as_str)
    {
        Some(kind) => pascal_case(kind),
        None => {
            inferrer.note(&pascal_case(&page.title), "the example has no `object` kind; the response schema is named after the page title");
            pascal_case(&page.title)
        }
    };
    let schema = inferrer.response_schema(&root_name, &response.fields, page.example.as_ref())?;
    let description = match &response.description {
        Some(text) => text.clone(),
        None => {
            inferrer.note(
                &root_name,
                "the response has no description on the page; \"Successful response\" used",
            );
            "Successful response".to_string()
        }
    };
    let response_object = mapping([
        ("description", Value::String(description)),
        (
            "content",
            mapping([(response.media_type.clone(), mapping([("schema", schema)]))]),
        ),
    ]);
    operation.insert(
        "responses".into(),
        mapping([(response.status.clone(), response_object)]),
    );

    let mut document = Mapping::new();
    document.insert("openapi".into(), "3.0.3".into());
    // OpenAPI requires an info object; the page gives only its title and states no version.
    inferrer.note(
        "info",
        "the page states no API version: `unversioned`; the title is the page's",
    );
    document.insert(
        "info".into(),
        mapping([
            ("title", Value::String(page.title.clone())),
            ("version", Value::from("unversioned")),
        ]),
    );
    if let Some(server) = &page.server {
        document.insert(
            "servers".into(),
            Value::Sequence(vec![mapping([("url", Value::String(server.clone()))])]),
        );
    }
    document.insert(
        "paths".into(),
        mapping([(
            page.path.clone(),
            mapping([(page.method.clone(), Value::Mapping(operation))]),
        )]),
    );
    let (components, inferences) = inferrer.finish();
    document.insert(
        "components".into(),
        mapping([("schemas", components_value(components))]),
    );
    Ok((Value::Mapping(document), inferences))
}

fn components_value(components: Components) -> Value {
    let sorted: BTreeMap<String, Value> = components.into_iter().collect();
    mapping(sorted)
}

/// Keywords that describe a field's place in its object rather than the value: parameters carry
/// them on the parameter, not in its schema.
fn strip_field_keywords(schema: Value) -> Value {
    match schema {
        Value::Mapping(mut map) => {
            map.shift_remove("description");
            map.shift_remove("deprecated");
            Value::Mapping(map)
        }
        other => other,
    }
}

fn path_template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Used by [`infer`]: the OpenAPI schema of a listed type name.
fn basic_schema(type_name: &TypeName, field: &Field) -> Value {
    match type_name {
        TypeName::Basic { name, .. } if name == "any" => Value::Mapping(Mapping::new()),
        // Mintlify's `file` is OpenAPI's binary string.
        TypeName::Basic { name, .. } if name == "file" => mapping([
            ("type", Value::from("string")),
            ("format", Value::from("binary")),
        ]),
        TypeName::Basic { name, format } => {
            let mut map = mapping([("type", Value::String(name.clone()))]);
            if let Some(format) = format {
                map.as_mapping_mut()
                    .expect("mapping")
                    .insert("format".into(), Value::String(format.clone()));
            }
            map
        }
        TypeName::Enum { of } => {
            let values = field
                .options
                .iter()
                .map(|option| match of.as_str() {
                    "integer" | "number" => serde_norway::from_str::<Value>(option)
                        .unwrap_or_else(|_| Value::String(option.clone())),
                    _ => Value::String(option.clone()),
                })
                .collect();
            mapping([
                ("type", Value::String(of.clone())),
                ("enum", Value::Sequence(values)),
            ])
        }
        TypeName::Array(item) => mapping([
            ("type", "array".into()),
            ("items", basic_schema(item, field)),
        ]),
    }
}
