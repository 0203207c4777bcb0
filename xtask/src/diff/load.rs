//! Text into a JSON value tree, for OpenAPI 3.0 and 3.1 in JSON or YAML.
//!
//! Everything downstream works on `serde_json::Value`, not on a typed 3.0 model, so 3.1's
//! differences (type arrays, `const`, numeric `exclusiveMaximum`) are just more keywords.
//! Both parsers bound nesting (serde_json at 128 levels, serde_norway likewise), so a hostile
//! document is an error, never a stack overflow.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Map, Number, Value};

/// Where a document comes from. `Text` serves callers that read a spec from elsewhere (e.g.
/// `git show REV:openapi/dispersed.yaml`); its relative `$ref`s resolve against `base_dir`.
#[derive(Debug, Clone)]
pub enum Source {
    File(PathBuf),
    Text {
        name: String,
        text: String,
        base_dir: Option<PathBuf>,
    },
}

impl Source {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Source::File(path.into())
    }

    /// In-memory text; `name` is used in messages and decides JSON vs YAML by its extension.
    pub fn text(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source::Text {
            name: name.into(),
            text: text.into(),
            base_dir: None,
        }
    }

    /// Directory against which relative-file `$ref`s of in-memory text resolve.
    pub fn with_base_dir(self, dir: impl Into<PathBuf>) -> Self {
        match self {
            Source::Text { name, text, .. } => Source::Text {
                name,
                text,
                base_dir: Some(dir.into()),
            },
            file => file,
        }
    }

    pub fn display_name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Text { name, .. } => name.clone(),
        }
    }
}

/// Why a diff could not be made. Every variant names the file; parse errors the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    Read {
        file: String,
        reason: String,
    },
    Parse {
        file: String,
        line: usize,
        column: usize,
        reason: String,
    },
    NotOpenApi {
        file: String,
        reason: String,
    },
    Reference {
        file: String,
        pointer: String,
        reference: String,
        reason: String,
    },
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffError::Read { file, reason } => write!(f, "{file}: cannot read: {reason}"),
            DiffError::Parse {
                file,
                line,
                column,
                reason,
            } => write!(f, "{file}:{line}:{column}: {reason}"),
            DiffError::NotOpenApi { file, reason } => {
                write!(f, "{file}: not an OpenAPI 3.0/3.1 document: {reason}")
            }
            DiffError::Reference {
                file,
                pointer,
                reference,
                reason,
            } => write!(
                f,
                "{file}#{pointer}: cannot resolve `$ref: {reference}`: {reason}"
            ),
        }
    }
}

impl std::error::Error for DiffError {}

/// A parsed file: its value tree, plus the text for line lookups later.
#[derive(Debug)]
pub struct Document {
    pub root: Value,
    pub text: FileText,
    /// Directory for relative-file `$ref`s (none for in-memory text without one).
    pub dir: Option<PathBuf>,
    /// The file itself, so a `$ref` back into it is recognised.
    pub path: Option<PathBuf>,
}

/// A file's name and text, kept so annotations can find the line of a pointer.
#[derive(Debug)]
pub struct FileText {
    pub name: String,
    pub text: String,
    pub format: Format,
    lines: OnceLock<super::lines::LineIndex>,
}

impl FileText {
    /// 1-based line of the value (or of its key) at `pointer`; the index is built on first use.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        self.lines
            .get_or_init(|| super::lines::LineIndex::build(&self.text))
            .line_of(pointer)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// Deepest nesting accepted from YAML (serde_json stops at 128 by itself).
const MAX_DEPTH: usize = 128;

/// Load and check an OpenAPI document.
pub fn load(source: &Source) -> Result<Document, DiffError> {
    let (name, text, dir, path) = match source {
        Source::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| DiffError::Read {
                file: path.display().to_string(),
                reason: e.to_string(),
            })?;
            let dir = path.parent().map(Path::to_path_buf);
            (path.display().to_string(), text, dir, Some(path.clone()))
        }
        Source::Text {
            name,
            text,
            base_dir,
        } => (name.clone(), text.clone(), base_dir.clone(), None),
    };
    let mut document = parse(name, text, dir)?;
    document.path = path;
    check_openapi(&document)?;
    Ok(document)
}

/// Parse any JSON or YAML file (also used for files reached by `$ref`, which need not be
/// whole OpenAPI documents).
pub fn parse(name: String, text: String, dir: Option<PathBuf>) -> Result<Document, DiffError> {
    let format = detect_format(&name, &text);
    // Editors on some systems start files with a byte-order mark; it is not content.
    let content = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let root = match format {
        Format::Json => serde_json::from_str::<Value>(content).map_err(|e| DiffError::Parse {
            file: name.clone(),
            line: e.line(),
            column: e.column(),
            reason: strip_position(&e.to_string()),
        })?,
        Format::Yaml => parse_yaml(&name, content)?,
    };
    Ok(Document {
        root,
        text: FileText {
            name,
            text,
            format,
            lines: OnceLock::new(),
        },
        dir,
        path: None,
    })
}

fn detect_format(name: &str, text: &str) -> Format {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        Format::Json
    } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        Format::Yaml
    } else if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

fn parse_yaml(name: &str, text: &str) -> Result<Value, DiffError> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((1, 1));
        DiffError::Parse {
            file: name.to_string(),
            line,
            column,
            reason: strip_position(&e.to_string()),
        }
    })?;
    yaml_to_json(yaml, 0).map_err(|reason| DiffError::Parse {
        file: name.to_string(),
        line: 1,
        column: 1,
        reason,
    })
}

/// YAML allows keys that are not strings (`200:`) and tags; OpenAPI means the plain string.
fn yaml_to_json(value: serde_norway::Value, depth: usize) -> Result<Value, String> {
    use serde_norway::Value as Y;
    if depth > MAX_DEPTH {
        return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
    }
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Number::from_f64(f).map_or_else(|| Value::String(n.to_string()), Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(|v| yaml_to_json(v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                map.insert(yaml_key(key)?, yaml_to_json(value, depth + 1)?);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, depth + 1)?,
    })
}

fn yaml_key(key: serde_norway::Value) -> Result<String, String> {
    use serde_norway::Value as Y;
    match key {
        Y::String(s) => Ok(s),
        Y::Number(n) => Ok(n.to_string()),
        Y::Bool(b) => Ok(b.to_string()),
        Y::Null => Ok("null".to_string()),
        Y::Tagged(tagged) => yaml_key(tagged.value),
        Y::Sequence(_) | Y::Mapping(_) => Err("a mapping key must be a scalar".to_string()),
    }
}

fn check_openapi(document: &Document) -> Result<(), DiffError> {
    let file = || document.text.name.clone();
    let Some(root) = document.root.as_object() else {
        return Err(DiffError::NotOpenApi {
            file: file(),
            reason: "the top level is not a mapping".into(),
        });
    };
    if root.contains_key("swagger") {
        return Err(DiffError::NotOpenApi {
            file: file(),
            reason: "Swagger 2.0 is not supported (convert it to OpenAPI 3 first)".into(),
        });
    }
    match root.get("openapi") {
        Some(Value::String(version))
            if version.starts_with("3.0") || version.starts_with("3.1") =>
        {
            Ok(())
        }
        Some(other) => Err(DiffError::NotOpenApi {
            file: file(),
            reason: format!("unsupported `openapi: {other}`"),
        }),
        None => Err(DiffError::NotOpenApi {
            file: file(),
            reason: "no `openapi` version field".into(),
        }),
    }
}
