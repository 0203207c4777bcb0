//! Reading a docs page as text: the method and path, the example response, and the schema
//! listings (path parameters, query parameters, response fields) with their flags.
//!
//! The text is what a browser shows of a Mintlify API reference page (or what [`super::html`]
//! reduces an HTML page to). A field of a listing is a block of lines:
//!
//! ```text
//! reputation                      <- name
//! number                          <- type expression (optional: `operator_account` has none)
//! required                        <- flags: `required`, `deprecated`
//! Required range: 0 <= x <= 100   <- constraints, `Available options:` lists
//!                                 <- a blank line, then description paragraphs
//! ```

use std::fmt;

use super::super::document::Value;
use super::super::error::{DeriveError, ErrorKind, Result};

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Everything the page says, before it is turned into OpenAPI.
#[derive(Debug, Clone)]
pub struct Page {
    /// Lower case, as OpenAPI writes it.
    pub method: String,
    pub path: String,
    pub title: String,
    /// The server, from the curl example's `--url`.
    pub server: Option<String>,
    pub example: Option<Value>,
    pub path_parameters: Vec<Field>,
    pub query_parameters: Vec<Field>,
    pub response: Option<ResponseListing>,
}

#[derive(Debug, Clone)]
pub struct ResponseListing {
    pub status: String,
    pub media_type: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

/// One entry of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// 1-based line of the name in the page text.
    pub line: usize,
    pub type_expr: Option<TypeExpr>,
    pub required: bool,
    pub deprecated: bool,
    pub options: Vec<String>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub default: Option<String>,
    pub description: Option<String>,
}

/// A bound of "Required range", exclusive for `<`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: serde_norway::Number,
    pub exclusive: bool,
}

/// A type expression such as `string<date-time> | null`, `enum<string>`, `object[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub alternatives: Vec<TypeName>,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeName {
    /// `string`, `number`, `integer`, `boolean`, `object`, `any`, with an optional `<format>`.
    Basic {
        name: String,
        format: Option<String>,
    },
    /// `enum<string>`: the values are the field's "Available options".
    Enum { of: String },
    /// `T[]`.
    Array(Box<TypeName>),
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeName::Basic { name, format: None } => f.write_str(name),
            TypeName::Basic {
                name,
                format: Some(format),
            } => write!(f, "{name}<{format}>"),
            TypeName::Enum { of } => write!(f, "enum<{of}>"),
            TypeName::Array(item) => write!(f, "{item}[]"),
        }
    }
}

const BASIC_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "object", "any", "file",
];

/// Parses a type expression; `None` if the line is not one.
pub fn parse_type_expr(line: &str) -> Option<TypeExpr> {
    let mut alternatives = Vec::new();
    let mut nullable = false;
    for part in line.split('|').map(str::trim) {
        if part == "null" {
            nullable = true;
            continue;
        }
        alternatives.push(parse_type_name(part)?);
    }
    if alternatives.is_empty() && !nullable {
        return None;
    }
    Some(TypeExpr {
        alternatives,
        nullable,
    })
}

fn parse_type_name(text: &str) -> Option<TypeName> {
    if let Some(item) = text.strip_suffix("[]") {
        return Some(TypeName::Array(Box::new(parse_type_name(item)?)));
    }
    let (name, format) = match text.split_once('<') {
        Some((name, rest)) => (name, Some(rest.strip_suffix('>')?)),
        None => (text, None),
    };
    if name == "enum" {
        let of = format?;
        return BASIC_TYPES
            .contains(&of)
            .then(|| TypeName::Enum { of: of.to_string() });
    }
    if !BASIC_TYPES.contains(&name) {
        return None;
    }
    if let Some(format) = format {
        if format.is_empty()
            || !format
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
    }
    Some(TypeName::Basic {
        name: name.to_string(),
        format: format.map(str::to_string),
    })
}

fn is_field_name(line: &str) -> bool {
    let mut chars = line.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-' | '.' | '[' | ']'))
}

/// Section headings of a Mintlify page, in the order they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    PathParameters,
    QueryParameters,
    Unsupported(&'static str),
    Response,
}

fn section_heading(line: &str) -> Option<Section> {
    Some(match line {
        "Path Parameters" => Section::PathParameters,
        "Query Parameters" => Section::QueryParameters,
        "Headers" | "Header Parameters" => Section::Unsupported("header parameters"),
        "Body" | "Request Body" => Section::Unsupported("request bodies"),
        "Cookies" => Section::Unsupported("cookie parameters"),
        "Response" | "Responses" => Section::Response,
        _ => return None,
    })
}

struct Lines<'a> {
    name: &'a str,
    lines: Vec<&'a str>,
}

impl Lines<'_> {
    fn get(&self, index: usize) -> Option<&str> {
        self.lines.get(index).map(|line| line.trim())
    }

    fn is_blank(&self, index: usize) -> bool {
        self.get(index).is_some_and(str::is_empty)
    }

    fn error<T>(&self, index: usize, message: impl Into<String>) -> Result<T> {
        Err(DeriveError::new(
            ErrorKind::PageSyntax,
            format!("{}:{}", self.name, index + 1),
            message,
        ))
    }
}

/// Whether `text` looks like a docs page at all (a method line followed by a path).
pub fn looks_like_page(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
    lines.by_ref().take(3).any(|line| METHODS.contains(&line))
        && lines.next().is_some_and(|l| l.starts_with('/'))
}

/// Parses the text of a docs page; `name` is how errors refer to the source.
pub fn parse_page(text: &str, name: &str) -> Result<Page> {
    let lines = Lines {
        name,
        lines: text.lines().collect(),
    };
    let skip_blank = |mut at: usize| {
        while lines.is_blank(at) {
            at += 1;
        }
        at
    };
    // The method: the first line that is an HTTP method ("Skip to main content" may come first).
    let mut at = skip_blank(0);
    let mut lines_before = 0;
    while at < lines.lines.len() && !METHODS.contains(&lines.get(at).unwrap_or("")) {
        at = skip_blank(at + 1);
        lines_before += 1;
        if lines_before > 3 {
            return lines.error(
                0,
                "not a docs page: no HTTP method line (GET, POST, …) at the top",
            );
        }
    }
    let method = lines.get(at).unwrap_or_default().to_ascii_lowercase();
    at = skip_blank(at + 1);
    // The path, one segment per line ("/", "v1", "/", "nodes", …) or on one line.
    let mut path = String::new();
    while let Some(line) = lines.get(at) {
        let joins_path = line == "/"
            || (path.ends_with('/') && !line.is_empty() && !line.contains(' '))
            || (path.is_empty() && line.starts_with('/') && !line.contains(' '));
        if joins_path {
            path.push_str(line);
            at += 1;
        } else {
            break;
        }
    }
    if path.is_empty() {
        return lines.error(at, "expected the endpoint path after the method");
    }
    at = skip_blank(at);
    let Some(title) = lines.get(at).filter(|line| !line.is_empty()) else {
        return lines.error(at, "expected the page title after the path");
    };
    let title = title.to_string();
    at += 1;

    let mut server = None;
    let mut example = None;
    let mut page_sections: Vec<(Section, usize)> = Vec::new();
    while at < lines.lines.len() {
        let line = lines.get(at).unwrap_or_default();
        if let Some(section) = section_heading(line) {
            page_sections.push((section, at));
        } else if page_sections.is_empty() {
            if line.starts_with("curl ") {
                at = read_curl(&lines, at, &path, &mut server)?;
                continue;
            }
            if example.is_none() && (line.starts_with('{') || line.starts_with('[')) {
                let (value, next) = read_example(&lines, at)?;
                example = Some(value);
                at = next;
                continue;
            }
        }
        at += 1;
    }

    let mut page = Page {
        method,
        path,
        title,
        server,
        example,
        path_parameters: Vec::new(),
        query_parameters: Vec::new(),
        response: None,
    };
    for (index, (section, start)) in page_sections.iter().enumerate() {
        let end = page_sections
            .get(index + 1)
            .map_or(lines.lines.len(), |(_, next)| *next);
        match section {
            Section::PathParameters => {
                page.path_parameters = read_fields(&lines, start + 1, end)?.1
            }
            Section::QueryParameters => {
                page.query_parameters = read_fields(&lines, start + 1, end)?.1
            }
            Section::Unsupported(what) => {
                return lines.error(
                    *start,
                    format!("{what} are not supported by the page reader yet"),
                )
            }
            Section::Response => page.response = Some(read_response(&lines, start + 1, end)?),
        }
    }
    Ok(page)
}

/// Reads the curl example (with `\` continuations); the server is its `--url` minus the path.
fn read_curl(
    lines: &Lines,
    mut at: usize,
    path: &str,
    server: &mut Option<String>,
) -> Result<usize> {
    loop {
        let line = lines.get(at).unwrap_or_default();
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(position) = words.iter().position(|word| *word == "--url") {
            if let Some(url) = words.get(position + 1) {
                let url = url.trim_matches(|c| c == '\'' || c == '"');
                match url.strip_suffix(path) {
                    Some(base) if base.starts_with("https://") || base.starts_with("http://") => {
                        *server = Some(base.to_string())
                    }
                    _ => return lines.error(at, format!("the example's --url `{url}` does not end with the endpoint path `{path}`")),
                }
            }
        }
        at += 1;
        if !line.ends_with('\\') {
            return Ok(at);
        }
    }
}

/// Reads the example response: one JSON value starting at line `at`.
fn read_example(lines: &Lines, at: usize) -> Result<(Value, usize)> {
    let rest = lines.lines[at..].join("\n");
    let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<Value>();
    match stream.next() {
        Some(Ok(value)) => {
            let consumed = stream.byte_offset();
            let used_lines = rest[..consumed].matches('\n').count() + 1;
            Ok((value, at + used_lines))
        }
        Some(Err(error)) => Err(DeriveError::new(
            ErrorKind::PageSyntax,
            format!("{}:{}:{}", lines.name, at + error.line(), error.column()),
            format!(
                "the example response is not valid JSON: {}",
                strip_position(&error.to_string())
            ),
        )),
        None => lines.error(at, "expected the example response"),
    }
}

fn strip_position(message: &str) -> &str {
    message
        .find(" at line ")
        .map_or(message, |at| &message[..at])
}

fn read_response(lines: &Lines, start: usize, end: usize) -> Result<ResponseListing> {
    let mut at = start;
    let mut status = None;
    let mut media_type = None;
    while at < end {
        let line = lines.get(at).unwrap_or_default();
        if line.is_empty() {
            at += 1;
        } else if status.is_none() && line.len() == 3 && line.chars().all(|c| c.is_ascii_digit()) {
            status = Some(line.to_string());
            at += 1;
        } else if media_type.is_none()
            && line.contains('/')
            && !line.contains(' ')
            && line.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && !is_field_name(line)
        {
            media_type = Some(line.to_string());
            at += 1;
        } else {
            break;
        }
    }
    let (description, fields) = read_fields(lines, at, end)?;
    Ok(ResponseListing {
        status: status.unwrap_or_else(|| "200".to_string()),
        media_type: media_type.unwrap_or_else(|| "application/json".to_string()),
        description,
        fields,
    })
}

/// A field starts at a name line that is followed directly by a non-blank line (its type, a flag,
/// or the next field); a lone word between blank lines is a description.
fn field_starts_at(lines: &Lines, index: usize, end: usize) -> bool {
    lines.get(index).is_some_and(is_field_name) && (index + 1 >= end || !lines.is_blank(index + 1))
}

/// Reads the fields of a listing in `[start, end)`; text before the first field is returned as
/// the listing's description.
fn read_fields(lines: &Lines, start: usize, end: usize) -> Result<(Option<String>, Vec<Field>)> {
    let mut at = start;
    let mut preamble = Vec::new();
    while at < end && !field_starts_at(lines, at, end) {
        preamble.push(lines.get(at).unwrap_or_default());
        at += 1;
    }
    let mut fields = Vec::new();
    while at < end {
        let (field, next) = read_field(lines, at, end)?;
        fields.push(field);
        at = next;
    }
    Ok((paragraphs(&preamble), fields))
}

fn read_field(lines: &Lines, start: usize, end: usize) -> Result<(Field, usize)> {
    let mut field = Field {
        name: lines.get(start).unwrap_or_default().to_string(),
        line: start + 1,
        type_expr: None,
        required: false,
        deprecated: false,
        options: Vec::new(),
        minimum: None,
        maximum: None,
        min_length: None,
        max_length: None,
        default: None,
        description: None,
    };
    let mut at = start + 1;
    if let Some(type_expr) = lines.get(at).filter(|_| at < end).and_then(parse_type_expr) {
        field.type_expr = Some(type_expr);
        at += 1;
    }
    // Flags and constraints, one per line, until a blank line or the next field.
    while at < end {
        let line = lines.get(at).unwrap_or_default();
        if line.is_empty()
            || field_starts_at(lines, at, end) && !matches!(line, "required" | "deprecated")
        {
            break;
        }
        match line {
            "required" => field.required = true,
            "deprecated" => field.deprecated = true,
            "optional" => {}
            _ if line.starts_with("Available options:") => {
                at = read_options(lines, at, end, &mut field)?;
                continue;
            }
            _ if line.starts_with("Required range:") => read_range(lines, at, line, &mut field)?,
            _ if line.starts_with("Required string length:") => {
                read_length(lines, at, line, &mut field)?
            }
            _ if line.starts_with("Default:") => {
                field.default = Some(line["Default:".len()..].trim().to_string());
            }
            _ => break,
        }
        at += 1;
    }
    // Description paragraphs: everything up to the next field.
    let mut text = Vec::new();
    while at < end && !field_starts_at(lines, at, end) {
        text.push(lines.get(at).unwrap_or_default());
        at += 1;
    }
    field.description = paragraphs(&text);
    if field.type_expr.as_ref().is_some_and(|t| {
        t.alternatives
            .iter()
            .any(|a| matches!(a, TypeName::Enum { .. }))
    }) && field.options.is_empty()
    {
        return lines.error(
            start,
            format!(
                "`{}` is an enum but lists no \"Available options\"",
                field.name
            ),
        );
    }
    Ok((field, at))
}

/// "Available options:" then values separated by commas, possibly over several lines.
fn read_options(lines: &Lines, start: usize, end: usize, field: &mut Field) -> Result<usize> {
    let mut at = start;
    let mut text = lines.get(at).unwrap_or_default()["Available options:".len()..]
        .trim()
        .to_string();
    at += 1;
    while (text.is_empty() || text.ends_with(',')) && at < end {
        let line = lines.get(at).unwrap_or_default();
        if line.is_empty() {
            break;
        }
        text.push_str(line);
        at += 1;
    }
    field.options = text
        .split(',')
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .collect();
    if field.options.is_empty() {
        return lines.error(
            start,
            format!("`{}`: \"Available options\" lists no value", field.name),
        );
    }
    Ok(at)
}

/// "Required range: 0 <= x <= 100", "x >= 1", "x < 5", "0 < x".
fn read_range(lines: &Lines, at: usize, line: &str, field: &mut Field) -> Result<()> {
    let tokens: Vec<&str> = line["Required range:".len()..].split_whitespace().collect();
    let Some(x) = tokens.iter().position(|token| *token == "x") else {
        return lines.error(at, format!("cannot read the range `{line}`"));
    };
    let bad = || lines.error::<()>(at, format!("cannot read the range `{line}`"));
    let number = |text: &str| match serde_norway::from_str::<Value>(text) {
        Ok(Value::Number(number)) => Some(number),
        _ => None,
    };
    // Left of x: "a <= x" / "a < x".
    if x >= 2 {
        let (Some(value), op) = (number(tokens[x - 2]), tokens[x - 1]) else {
            return bad();
        };
        match op {
            "<=" => {
                field.minimum = Some(Bound {
                    value,
                    exclusive: false,
                })
            }
            "<" => {
                field.minimum = Some(Bound {
                    value,
                    exclusive: true,
                })
            }
            _ => return bad(),
        }
    } else if x != 0 {
        return bad();
    }
    // Right of x: "x <= b", "x < b", "x >= a", "x > a".
    if let (Some(op), Some(value)) = (tokens.get(x + 1), tokens.get(x + 2)) {
        let Some(value) = number(value) else {
            return bad();
        };
        match *op {
            "<=" => {
                field.maximum = Some(Bound {
                    value,
                    exclusive: false,
                })
            }
            "<" => {
                field.maximum = Some(Bound {
                    value,
                    exclusive: true,
                })
            }
            ">=" => {
                field.minimum = Some(Bound {
                    value,
                    exclusive: false,
                })
            }
            ">" => {
                field.minimum = Some(Bound {
                    value,
                    exclusive: true,
                })
            }
            _ => return bad(),
        }
        if tokens.len() > x + 3 {
            return bad();
        }
    } else if tokens.len() != x + 1 || x == 0 {
        return bad();
    }
    Ok(())
}

/// "Required string length: 1 - 64" or "Required string length: 8".
fn read_length(lines: &Lines, at: usize, line: &str, field: &mut Field) -> Result<()> {
    let text = line["Required string length:".len()..].trim();
    let parse = |t: &str| t.trim().parse::<u64>().ok();
    match text.split_once('-') {
        Some((low, high)) => match (parse(low), parse(high)) {
            (Some(low), Some(high)) => {
                field.min_length = Some(low);
                field.max_length = Some(high);
            }
            _ => return lines.error(at, format!("cannot read the length `{line}`")),
        },
        None => match parse(text) {
            Some(exact) => {
                field.min_length = Some(exact);
                field.max_length = Some(exact);
            }
            None => return lines.error(at, format!("cannot read the length `{line}`")),
        },
    }
    Ok(())
}

/// Joins lines into paragraphs (blank lines separate them); `None` if there is no text.
fn paragraphs(lines: &[&str]) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines
        .iter()
        .map(|line| line.trim())
        .chain(std::iter::once(""))
    {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    (!out.is_empty()).then(|| out.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_expressions() {
        let t = parse_type_expr("string<date-time> | null").unwrap();
        assert!(t.nullable);
        assert_eq!(
            t.alternatives,
            [TypeName::Basic {
                name: "string".into(),
                format: Some("date-time".into())
            }]
        );
        assert_eq!(
            parse_type_expr("object[]").unwrap().alternatives[0].to_string(),
            "object[]"
        );
        assert_eq!(
            parse_type_expr("enum<string>").unwrap().alternatives[0],
            TypeName::Enum {
                of: "string".into()
            }
        );
        assert!(parse_type_expr("operator_account").is_none());
        assert!(parse_type_expr("Node details").is_none());
    }

    const PAGE: &str = "Skip to main content\nGET\n/\nv1\n/\nthings\n/\n{id}\nThing\ncurl --request GET \\\n  --url https://api.example.com/v1/things/{id}\n{\n  \"a\": 1\n}\n\nPath Parameters\n\nid\nstring\nrequired\n\nResponse\n\nA thing\n\nstatus\nenum<string>\nrequired\nAvailable options:\nON,\nOFF\nscore\nnumber\nrequired\nRequired range: 0 <= x < 10\nowner\nlegacy\nstring | null\ndeprecated\n\nDEPRECATED: gone soon.\n\nsecond paragraph\n\nlast\nboolean";

    #[test]
    fn a_small_page() {
        let page = parse_page(PAGE, "p.txt").unwrap();
        assert_eq!(
            (
                page.method.as_str(),
                page.path.as_str(),
                page.title.as_str()
            ),
            ("get", "/v1/things/{id}", "Thing")
        );
        assert_eq!(page.server.as_deref(), Some("https://api.example.com"));
        assert_eq!(page.path_parameters.len(), 1);
        assert!(page.path_parameters[0].required);
        let response = page.response.unwrap();
        assert_eq!(response.description.as_deref(), Some("A thing"));
        let names: Vec<_> = response.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["status", "score", "owner", "legacy", "last"]);
        assert_eq!(response.fields[0].options, ["ON", "OFF"]);
        let score = &response.fields[1];
        assert_eq!(
            score.minimum,
            Some(Bound {
                value: 0.into(),
                exclusive: false
            })
        );
        assert_eq!(
            score.maximum,
            Some(Bound {
                value: 10.into(),
                exclusive: true
            })
        );
        assert_eq!(response.fields[2].type_expr, None);
        let legacy = &response.fields[3];
        assert!(legacy.deprecated && !legacy.required);
        assert_eq!(
            legacy.description.as_deref(),
            Some("DEPRECATED: gone soon.\n\nsecond paragraph")
        );
    }

    #[test]
    fn constraints_and_defaults() {
        let text = "GET\n/v1/x\nX\n\nQuery Parameters\n\nlimit\ninteger\nrequired\nDefault: 20\nRequired range: x >= 1\ncode\nstring\nRequired string length: 2 - 8\nprice\nnumber\nRequired range: 0 < x\n\nResponse\n\nok\nboolean\n";
        let page = parse_page(text, "q.txt").unwrap();
        let [limit, code, price] = page.query_parameters.as_slice() else {
            panic!("{:?}", page.query_parameters)
        };
        assert!(limit.required);
        assert_eq!(limit.default.as_deref(), Some("20"));
        assert_eq!(
            limit.minimum,
            Some(Bound {
                value: 1.into(),
                exclusive: false
            })
        );
        assert_eq!((code.min_length, code.max_length), (Some(2), Some(8)));
        assert_eq!(
            price.minimum,
            Some(Bound {
                value: 0.into(),
                exclusive: true
            })
        );
        assert_eq!(price.maximum, None);
    }

    #[test]
    fn unsupported_sections_and_unreadable_ranges_are_errors() {
        let body = "POST\n/v1/x\nX\n\nBody\n\nname\nstring\n";
        let error = parse_page(body, "b.txt").unwrap_err();
        assert_eq!(
            (error.kind(), error.place()),
            (ErrorKind::PageSyntax, "b.txt:5")
        );
        assert!(error.message().contains("request bodies"), "{error}");
        let range = "GET\n/v1/x\nX\n\nResponse\n\nn\nnumber\nRequired range: about 5\n";
        let error = parse_page(range, "r.txt").unwrap_err();
        assert_eq!(error.place(), "r.txt:9");
    }

    #[test]
    fn a_broken_example_names_its_line_in_the_page() {
        let text = PAGE.replace("\"a\": 1", "\"a\": 1,,");
        let error = parse_page(&text, "p.txt").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PageSyntax);
        assert!(error.place().starts_with("p.txt:13:"), "{error}");
    }

    #[test]
    fn an_enum_without_options_is_an_error_with_its_line() {
        let text = PAGE.replace("Available options:\nON,\nOFF\n", "");
        let error = parse_page(&text, "p.txt").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::PageSyntax);
        assert_eq!(error.place(), "p.txt:26");
    }
}
