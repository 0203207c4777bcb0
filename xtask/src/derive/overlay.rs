//! Applying an OpenAPI Overlay 1.0 document: every correction we make to what upstream says.
//!
//! Semantics (Overlay 1.0, section "Action Object"):
//! - `update` on an object target merges: mappings merge recursively, anything else (scalars,
//!   arrays) in the update replaces the target's value. On an array target the update is
//!   appended.
//! - `remove: true` deletes every selected node from its parent.
//! - Actions apply in order, each to the result of the previous one.
//! - An action whose target selects nothing is an error: a correction that no longer applies means
//!   upstream changed, and someone must look.

use super::document::{get, get_str, kind_name, parse_yaml, Value};
use super::error::{DeriveError, ErrorKind, Result};
use super::jsonpath::{resolve_mut, JsonPath, Step};

/// A parsed overlay, with where each action was written (for error messages).
#[derive(Debug, Clone)]
pub struct Overlay {
    name: String,
    actions: Vec<Action>,
}

#[derive(Debug, Clone)]
struct Action {
    index: usize,
    line: Option<usize>,
    target_text: String,
    target: JsonPath,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
    /// `x-rename: NewName` (our extension): renames the selected `components.schemas` entry and
    /// every `$ref` to it. The page names no nested schema, so names are ours to choose.
    Rename(String),
}

impl Overlay {
    /// Parses and validates an overlay document; `name` is how errors refer to it.
    pub fn parse(text: &str, name: &str) -> Result<Self> {
        let document = parse_yaml(text, name)?;
        let invalid = |place: String, message: String| {
            DeriveError::new(ErrorKind::InvalidOverlay, place, message)
        };
        match get_str(&document, "overlay") {
            Some(version) if version.starts_with("1.0.") => {}
            Some(version) => {
                return Err(invalid(
                    name.to_string(),
                    format!("overlay version {version} is not supported (1.0.x is)"),
                ))
            }
            None => {
                return Err(invalid(
                    name.to_string(),
                    "not an Overlay document: no `overlay: 1.0.x` at the top".into(),
                ))
            }
        }
        let Some(Value::Sequence(raw_actions)) = get(&document, "actions") else {
            return Err(invalid(name.to_string(), "`actions` must be a list".into()));
        };
        let lines = target_lines(text);
        let mut actions = Vec::new();
        for (index, raw) in raw_actions.iter().enumerate() {
            let line = lines.get(index).copied();
            let place = match line {
                Some(line) => format!("{name}:{line}"),
                None => format!("{name}: actions[{index}]"),
            };
            let Some(target_text) = get_str(raw, "target") else {
                return Err(invalid(place, format!("actions[{index}] has no `target`")));
            };
            let target = JsonPath::parse(target_text).map_err(|message| {
                invalid(
                    place.clone(),
                    format!("actions[{index}] target `{target_text}`: {message}"),
                )
            })?;
            let remove = match get(raw, "remove") {
                None => false,
                Some(Value::Bool(flag)) => *flag,
                Some(other) => {
                    return Err(invalid(
                        place,
                        format!(
                            "actions[{index}] `remove` must be true or false, not {}",
                            kind_name(other)
                        ),
                    ))
                }
            };
            let rename = match get(raw, "x-rename") {
                None => None,
                Some(Value::String(new_name)) if !new_name.is_empty() => Some(new_name.clone()),
                Some(_) => {
                    return Err(invalid(
                        place,
                        format!("actions[{index}] `x-rename` must be a schema name"),
                    ))
                }
            };
            let change = match (get(raw, "update"), remove, rename) {
                (Some(update), false, None) => Change::Update(update.clone()),
                (None, true, None) => Change::Remove,
                (None, false, Some(new_name)) => Change::Rename(new_name),
                (None, false, None) => {
                    return Err(invalid(place, format!("actions[{index}] has none of `update`, `remove: true`, `x-rename`")))
                }
                _ => {
                    return Err(invalid(place, format!("actions[{index}] has more than one of `update`, `remove: true`, `x-rename`")))
                }
            };
            if get_str(raw, "description").is_none_or(|text| text.trim().is_empty()) {
                return Err(invalid(
                    place,
                    format!("actions[{index}] has no `description`: every correction must say why"),
                ));
            }
            actions.push(Action {
                index,
                line,
                target_text: target_text.to_string(),
                target,
                change,
            });
        }
        Ok(Overlay {
            name: name.to_string(),
            actions,
        })
    }

    /// Applies every action in order.
    pub fn apply(&self, document: &mut Value) -> Result<()> {
        for action in &self.actions {
            let place = match action.line {
                Some(line) => format!("{}:{line}", self.name),
                None => format!("{}: actions[{}]", self.name, action.index),
            };
            let mut locations = action.target.select(document);
            if locations.is_empty() {
                return Err(DeriveError::new(
                    ErrorKind::OverlayTargetUnmatched,
                    place,
                    format!(
                        "actions[{}] target `{}` matches nothing in the source",
                        action.index, action.target_text
                    ),
                ));
            }
            match &action.change {
                Change::Update(update) => {
                    for location in &locations {
                        let node = resolve_mut(document, location).expect("just selected");
                        match node {
                            Value::Mapping(_) => merge(node, update),
                            Value::Sequence(items) => items.push(update.clone()),
                            other => {
                                return Err(DeriveError::new(
                                    ErrorKind::InvalidOverlay,
                                    place,
                                    format!(
                                        "actions[{}] target `{}` selects {}; `update` needs an object or array (target its parent)",
                                        action.index,
                                        action.target_text,
                                        kind_name(other)
                                    ),
                                ))
                            }
                        }
                    }
                }
                Change::Rename(new_name) => {
                    rename_schema(document, &locations, new_name).map_err(|message| {
                        DeriveError::new(
                            ErrorKind::InvalidOverlay,
                            place.clone(),
                            format!(
                                "actions[{}] target `{}`: {message}",
                                action.index, action.target_text
                            ),
                        )
                    })?;
                }
                Change::Remove => {
                    // Later array indexes first, so earlier removals do not shift them.
                    locations.sort_by(|a, b| compare_for_removal(b, a));
                    for location in &locations {
                        remove_at(document, location);
                    }
                }
            }
        }
        Ok(())
    }
}

/// Renames one `components.schemas` entry (keeping its place) and rewrites every `$ref` to it.
fn rename_schema(
    document: &mut Value,
    locations: &[Vec<Step>],
    new_name: &str,
) -> Result<(), String> {
    let [location] = locations else {
        return Err(format!(
            "`x-rename` needs exactly one schema, but the target selects {}",
            locations.len()
        ));
    };
    let old_name = match location.as_slice() {
        [Step::Key(components), Step::Key(schemas), Step::Key(name)]
            if components.as_str() == Some("components") && schemas.as_str() == Some("schemas") =>
        {
            name.as_str().unwrap_or_default().to_string()
        }
        _ => return Err("`x-rename` works on an entry of `$.components.schemas` only".to_string()),
    };
    let Some(Value::Mapping(schemas)) = resolve_mut(document, &location[..2]) else {
        return Err("no components.schemas".to_string());
    };
    if schemas.contains_key(new_name) {
        return Err(format!("a schema named `{new_name}` already exists"));
    }
    let entries = std::mem::take(schemas);
    for (key, value) in entries {
        if key.as_str() == Some(old_name.as_str()) {
            schemas.insert(Value::String(new_name.to_string()), value);
        } else {
            schemas.insert(key, value);
        }
    }
    let old_ref = format!("#/components/schemas/{old_name}");
    let new_ref = Value::String(format!("#/components/schemas/{new_name}"));
    rewrite_refs(document, &old_ref, &new_ref);
    Ok(())
}

fn rewrite_refs(value: &mut Value, old_ref: &str, new_ref: &Value) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map.iter_mut() {
                if key.as_str() == Some("$ref") && child.as_str() == Some(old_ref) {
                    *child = new_ref.clone();
                } else {
                    rewrite_refs(child, old_ref, new_ref);
                }
            }
        }
        Value::Sequence(items) => items
            .iter_mut()
            .for_each(|item| rewrite_refs(item, old_ref, new_ref)),
        _ => {}
    }
}

/// Recursive merge of `update` into `target` (both mappings at the top).
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Mapping(target_map), Value::Mapping(update_map)) => {
            for (key, value) in update_map {
                match target_map.get_mut(key) {
                    Some(existing @ Value::Mapping(_)) if value.is_mapping() => {
                        merge(existing, value)
                    }
                    Some(existing) => *existing = value.clone(),
                    None => {
                        target_map.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, update) => *target = update.clone(),
    }
}

fn compare_for_removal(a: &[Step], b: &[Step]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if let (Step::Index(i), Step::Index(j)) = (x, y) {
            if i != j {
                return i.cmp(j);
            }
        }
    }
    a.len().cmp(&b.len())
}

fn remove_at(document: &mut Value, location: &[Step]) {
    let Some((last, parent_location)) = location.split_last() else {
        *document = Value::Null;
        return;
    };
    match (resolve_mut(document, parent_location), last) {
        (Some(Value::Mapping(map)), Step::Key(key)) => {
            map.shift_remove(key);
        }
        (Some(Value::Sequence(items)), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => {}
    }
}

/// The 1-based line of each `target:` in the overlay text, in order: actions are written one
/// `target:` each, so the n-th such line belongs to the n-th action.
fn target_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
            trimmed.starts_with("target:")
        })
        .map(|(index, _)| index + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(overlay: &str, document: &str) -> Result<Value> {
        let mut document = parse_yaml(document, "doc.yaml").unwrap();
        Overlay::parse(overlay, "overlay.yaml")?.apply(&mut document)?;
        Ok(document)
    }

    const HEAD: &str = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n";

    #[test]
    fn update_merges_recursively_and_replaces_arrays() {
        let result = apply(
            &format!("{HEAD}  - target: $.a\n    description: why\n    update: {{b: {{c: 2}}, r: [z]}}\n"),
            "a: {b: {c: 1, d: 1}, r: [x, y]}\n",
        )
        .unwrap();
        assert_eq!(
            result,
            parse_yaml("a: {b: {c: 2, d: 1}, r: [z]}\n", "e").unwrap()
        );
    }

    #[test]
    fn update_appends_to_an_array_target_and_remove_deletes() {
        let result = apply(
            &format!(
                "{HEAD}  - target: $.list\n    description: why\n    update: c\n  - target: $.m.gone\n    description: why\n    remove: true\n  - target: $.list[0]\n    description: why\n    remove: true\n"
            ),
            "list: [a, b]\nm: {gone: 1, kept: 2}\n",
        )
        .unwrap();
        assert_eq!(
            result,
            parse_yaml("list: [b, c]\nm: {kept: 2}\n", "e").unwrap()
        );
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error_naming_the_line() {
        let error = apply(
            &format!("{HEAD}  - target: $.a\n    description: why\n    update: {{}}\n  - target: $.nope\n    description: why\n    remove: true\n"),
            "a: {}\n",
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::OverlayTargetUnmatched);
        assert_eq!(error.place(), "overlay.yaml:7");
        assert!(error.message().contains("$.nope"), "{error}");
    }

    #[test]
    fn x_rename_renames_a_schema_and_its_references() {
        let result = apply(
            &format!("{HEAD}  - target: $.components.schemas.NodeCpu\n    description: our name\n    x-rename: Cpu\n"),
            "paths: {a: {$ref: '#/components/schemas/NodeCpu'}}\ncomponents: {schemas: {A: {}, NodeCpu: {type: string}, Z: {items: {$ref: '#/components/schemas/NodeCpu'}}}}\n",
        )
        .unwrap();
        assert_eq!(
            result,
            parse_yaml("paths: {a: {$ref: '#/components/schemas/Cpu'}}\ncomponents: {schemas: {A: {}, Cpu: {type: string}, Z: {items: {$ref: '#/components/schemas/Cpu'}}}}\n", "e").unwrap()
        );
        let clash = apply(
            &format!("{HEAD}  - target: $.components.schemas.A\n    description: our name\n    x-rename: Z\n"),
            "components: {schemas: {A: {}, Z: {}}}\n",
        )
        .unwrap_err();
        assert!(clash.message().contains("already exists"), "{clash}");
    }

    #[test]
    fn every_action_needs_a_reason() {
        let error = apply(
            &format!("{HEAD}  - target: $.a\n    update: {{}}\n"),
            "a: {}\n",
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidOverlay);
        assert!(error.message().contains("description"), "{error}");
    }

    #[test]
    fn a_bad_jsonpath_is_reported_with_its_action() {
        let error = apply(
            &format!("{HEAD}  - target: $.a[?x]\n    description: why\n    remove: true\n"),
            "a: {}\n",
        )
        .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidOverlay);
        assert_eq!(error.place(), "overlay.yaml:4");
        assert!(error.message().contains("character"), "{error}");
    }
}
