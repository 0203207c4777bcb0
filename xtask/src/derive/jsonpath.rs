//! The subset of JSONPath (RFC 9535) that overlay targets need, with errors that point at the
//! character where a path stops making sense.
//!
//! Supported: `$`, `.name`, `['name']` / `["name"]` (several, comma-separated), `.*` / `[*]`,
//! `[index]` (negative counts from the end), `..` descendants with any of those selectors, and
//! filters `[?@.a.b]`, `[?@.a == 'x']`, `[?@.a != 1]` (parentheses around the test allowed).
//! Anything else is an error, never a silently wrong match.

use super::document::{Mapping, Value};

/// One step from a node to a child, so the overlay can update or remove what was selected.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(Value),
    Index(usize),
}

/// A parsed JSONPath query.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Child(Vec<Selector>),
    Descendants(Vec<Selector>),
}

#[derive(Debug, Clone, PartialEq)]
enum Selector {
    Name(String),
    Wildcard,
    Index(i64),
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    relative: Vec<String>,
    comparison: Option<(bool, Value)>, // (equal?, literal)
}

impl JsonPath {
    /// Parses `text`; the error says what was expected at which character (1-based).
    pub fn parse(text: &str) -> Result<Self, String> {
        Parser {
            chars: text.chars().collect(),
            at: 0,
        }
        .path()
    }

    /// The location of every node the path selects, in document order.
    pub fn select(&self, root: &Value) -> Vec<Vec<Step>> {
        let mut current = vec![Vec::new()];
        for segment in &self.segments {
            let mut next = Vec::new();
            for location in &current {
                let node = resolve(root, location).expect("selected locations exist");
                match segment {
                    Segment::Child(selectors) => {
                        apply_selectors(node, location, selectors, &mut next)
                    }
                    Segment::Descendants(selectors) => {
                        let mut stack = vec![location.clone()];
                        let mut visited = Vec::new();
                        while let Some(here) = stack.pop() {
                            let value = resolve(root, &here).expect("exists");
                            let children = child_locations(value, &here);
                            visited.push(here);
                            stack.extend(children.into_iter().rev());
                        }
                        for here in visited {
                            let value = resolve(root, &here).expect("exists");
                            apply_selectors(value, &here, selectors, &mut next);
                        }
                    }
                }
            }
            current = next;
        }
        current
    }
}

/// The node at `location`, if it still exists.
pub fn resolve<'a>(root: &'a Value, location: &[Step]) -> Option<&'a Value> {
    location
        .iter()
        .try_fold(root, |node, step| match (node, step) {
            (Value::Mapping(map), Step::Key(key)) => map.get(key),
            (Value::Sequence(items), Step::Index(index)) => items.get(*index),
            _ => None,
        })
}

/// The node at `location`, mutably.
pub fn resolve_mut<'a>(root: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    location
        .iter()
        .try_fold(root, |node, step| match (node, step) {
            (Value::Mapping(map), Step::Key(key)) => map.get_mut(key),
            (Value::Sequence(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        })
}

fn child_locations(value: &Value, location: &[Step]) -> Vec<Vec<Step>> {
    let with = |step: Step| {
        let mut child = location.to_vec();
        child.push(step);
        child
    };
    match value {
        Value::Mapping(map) => map.keys().map(|key| with(Step::Key(key.clone()))).collect(),
        Value::Sequence(items) => (0..items.len())
            .map(|index| with(Step::Index(index)))
            .collect(),
        _ => Vec::new(),
    }
}

fn apply_selectors(
    node: &Value,
    location: &[Step],
    selectors: &[Selector],
    out: &mut Vec<Vec<Step>>,
) {
    let with = |step: Step| {
        let mut child = location.to_vec();
        child.push(step);
        child
    };
    for selector in selectors {
        match (selector, node) {
            (Selector::Name(name), Value::Mapping(map)) => {
                let key = Value::String(name.clone());
                if map.contains_key(&key) {
                    out.push(with(Step::Key(key)));
                }
            }
            (Selector::Wildcard, _) => out.extend(child_locations(node, location)),
            (Selector::Index(index), Value::Sequence(items)) => {
                let len = items.len() as i64;
                let resolved = if *index < 0 { len + index } else { *index };
                if (0..len).contains(&resolved) {
                    out.push(with(Step::Index(resolved as usize)));
                }
            }
            (Selector::Filter(filter), _) => {
                for child in child_locations(node, location) {
                    let value = resolve(node, &child[location.len()..]).expect("exists");
                    if filter.matches(value) {
                        out.push(child);
                    }
                }
            }
            _ => {}
        }
    }
}

impl Filter {
    fn matches(&self, candidate: &Value) -> bool {
        let mut value = candidate;
        for name in &self.relative {
            match value
                .as_mapping()
                .and_then(|map: &Mapping| map.get(name.as_str()))
            {
                Some(child) => value = child,
                None => return false,
            }
        }
        match &self.comparison {
            None => true,
            Some((equal, literal)) => (value == literal) == *equal,
        }
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
}

impl Parser {
    fn error<T>(&self, expected: &str) -> Result<T, String> {
        let found = match self.chars.get(self.at) {
            Some(c) => format!("`{c}`"),
            None => "the end".to_string(),
        };
        Err(format!(
            "JSONPath: expected {expected} at character {}, found {found}",
            self.at + 1
        ))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.at += 1;
        }
    }

    fn path(mut self) -> Result<JsonPath, String> {
        if !self.eat('$') {
            return self.error("`$` (the root)");
        }
        let mut segments = Vec::new();
        while self.peek().is_some() {
            if self.eat('.') {
                if self.eat('.') {
                    let selectors = if self.peek() == Some('[') {
                        self.bracket()?
                    } else {
                        vec![self.shorthand()?]
                    };
                    segments.push(Segment::Descendants(selectors));
                } else {
                    segments.push(Segment::Child(vec![self.shorthand()?]));
                }
            } else if self.peek() == Some('[') {
                segments.push(Segment::Child(self.bracket()?));
            } else {
                return self.error("`.`, `..` or `[`");
            }
        }
        Ok(JsonPath { segments })
    }

    /// After `.`: `*` or a member name.
    fn shorthand(&mut self) -> Result<Selector, String> {
        if self.eat('*') {
            return Ok(Selector::Wildcard);
        }
        let name = self.member_name();
        if name.is_empty() {
            return self.error("a member name or `*`");
        }
        Ok(Selector::Name(name))
    }

    fn member_name(&mut self) -> String {
        let start = self.at;
        while let Some(c) = self.peek() {
            let first = self.at == start;
            if c.is_alphabetic()
                || c == '_'
                || (!first && (c.is_ascii_digit() || c == '-'))
                || !c.is_ascii()
            {
                self.at += 1;
            } else {
                break;
            }
        }
        self.chars[start..self.at].iter().collect()
    }

    fn bracket(&mut self) -> Result<Vec<Selector>, String> {
        self.eat('[');
        let mut selectors = Vec::new();
        loop {
            self.skip_spaces();
            let selector = match self.peek() {
                Some('\'' | '"') => Selector::Name(self.quoted()?),
                Some('*') => {
                    self.at += 1;
                    Selector::Wildcard
                }
                Some('?') => {
                    self.at += 1;
                    Selector::Filter(self.filter()?)
                }
                Some(c) if c == '-' || c.is_ascii_digit() => Selector::Index(self.integer()?),
                _ => return self.error("a quoted name, `*`, an index or a `?` filter"),
            };
            selectors.push(selector);
            self.skip_spaces();
            if self.eat(']') {
                return Ok(selectors);
            }
            if !self.eat(',') {
                return self.error("`,` or `]`");
            }
        }
    }

    fn quoted(&mut self) -> Result<String, String> {
        let quote = self.peek().expect("checked by caller");
        self.at += 1;
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return self.error(&format!("a closing {quote}")),
                Some('\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c @ ('\\' | '\'' | '"' | '/')) => text.push(c),
                        Some('n') => text.push('\n'),
                        Some('t') => text.push('\t'),
                        _ => return self.error("an escape (\\\\, \\', \\\", \\n, \\t)"),
                    }
                    self.at += 1;
                }
                Some(c) if c == quote => {
                    self.at += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(c);
                    self.at += 1;
                }
            }
        }
    }

    fn integer(&mut self) -> Result<i64, String> {
        let start = self.at;
        self.eat('-');
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let text: String = self.chars[start..self.at].iter().collect();
        match text.parse() {
            Ok(number) => Ok(number),
            Err(_) => {
                self.at = start;
                self.error("an integer index")
            }
        }
    }

    /// After `?`: `@.a.b`, optionally `== literal` / `!= literal`, optionally in parentheses.
    fn filter(&mut self) -> Result<Filter, String> {
        self.skip_spaces();
        let parenthesised = self.eat('(');
        self.skip_spaces();
        if !self.eat('@') {
            return self.error("`@` (filters compare a member of the current node)");
        }
        let mut relative = Vec::new();
        while self.peek() == Some('.') || self.peek() == Some('[') {
            if self.eat('.') {
                let name = self.member_name();
                if name.is_empty() {
                    return self.error("a member name");
                }
                relative.push(name);
            } else {
                self.at += 1;
                self.skip_spaces();
                if !matches!(self.peek(), Some('\'' | '"')) {
                    return self.error("a quoted member name");
                }
                relative.push(self.quoted()?);
                self.skip_spaces();
                if !self.eat(']') {
                    return self.error("`]`");
                }
            }
        }
        self.skip_spaces();
        let comparison = if self.eat('=') {
            if !self.eat('=') {
                return self.error("`==`");
            }
            Some((true, self.literal()?))
        } else if self.eat('!') {
            if !self.eat('=') {
                return self.error("`!=`");
            }
            Some((false, self.literal()?))
        } else {
            None
        };
        self.skip_spaces();
        if parenthesised && !self.eat(')') {
            return self.error("`)`");
        }
        Ok(Filter {
            relative,
            comparison,
        })
    }

    fn literal(&mut self) -> Result<Value, String> {
        self.skip_spaces();
        match self.peek() {
            Some('\'' | '"') => Ok(Value::String(self.quoted()?)),
            _ => {
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
                {
                    self.at += 1;
                }
                let word: String = self.chars[start..self.at].iter().collect();
                match word.as_str() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" => Ok(Value::Null),
                    _ => match serde_norway::from_str::<Value>(&word) {
                        Ok(number @ Value::Number(_)) => Ok(number),
                        _ => {
                            self.at = start;
                            self.error("a string, number, true, false or null")
                        }
                    },
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::document::parse_yaml;

    fn doc() -> Value {
        parse_yaml(
            "paths:\n  /v1/nodes/{id}:\n    get:\n      parameters:\n        - {name: id, in: path}\n        - {name: q, in: query}\ncomponents:\n  schemas:\n    Node:\n      properties:\n        name: {type: string}\n        cpus: {type: array, items: {type: object, properties: {name: {type: string}}}}\n",
            "doc.yaml",
        )
        .unwrap()
    }

    fn selected(path: &str) -> Vec<Value> {
        let root = doc();
        JsonPath::parse(path)
            .unwrap()
            .select(&root)
            .iter()
            .map(|location| resolve(&root, location).unwrap().clone())
            .collect()
    }

    #[test]
    fn dotted_and_bracketed_names() {
        assert_eq!(
            selected("$.components.schemas.Node.properties.name").len(),
            1
        );
        assert_eq!(selected("$.paths['/v1/nodes/{id}'].get").len(), 1);
        assert_eq!(selected("$[\"components\"]['schemas']").len(), 1);
        assert!(selected("$.components.schemas.Missing").is_empty());
    }

    #[test]
    fn wildcards_indexes_and_filters() {
        assert_eq!(selected("$.paths.*.get.parameters[*]").len(), 2);
        let last = selected("$.paths.*.get.parameters[-1]");
        assert_eq!(last[0].get("name").unwrap().as_str(), Some("q"));
        let path_params = selected("$.paths.*.get.parameters[?(@.in == 'path')]");
        assert_eq!(path_params.len(), 1);
        assert_eq!(path_params[0].get("name").unwrap().as_str(), Some("id"));
        assert_eq!(
            selected("$.paths.*.get.parameters[?@.in != 'path']").len(),
            1
        );
    }

    #[test]
    fn descendants_in_document_order() {
        let names = selected("$..properties.name");
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn errors_point_at_the_character() {
        assert_eq!(
            JsonPath::parse("$.a[?@.b ~ 1]").unwrap_err(),
            "JSONPath: expected `,` or `]` at character 10, found `~`"
        );
        assert!(JsonPath::parse("components")
            .unwrap_err()
            .contains("character 1"));
        assert!(JsonPath::parse("$.a['b").unwrap_err().contains("closing '"));
    }
}
