//! `$ref` resolution, local and relative-file.
//!
//! Every file a document reaches is loaded and every reference looked up once, up front, so the
//! comparison does no I/O and borrows values from an immutable set. A reference that cannot be
//! resolved is remembered and becomes an error only if the comparison reaches it: a dangling
//! reference in an unused corner of a real spec should not stop a diff.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;

use super::lines::escape;
use super::load::{self, DiffError, Document, FileText};

/// Index of a file in a [`DocumentSet`]; 0 is the main document.
pub type DocId = usize;

/// How many `$ref` hops one lookup may take before it is called a cycle.
const MAX_REF_HOPS: usize = 64;

/// A value, the file it lives in and its pointer (`/a/b`, or `file#/a/b` outside the main file).
#[derive(Debug, Clone)]
pub struct Loc<'a> {
    pub doc: DocId,
    pub value: &'a Value,
    pub pointer: Pointer<'a>,
}

/// A JSON pointer built lazily: most locations are never reported, so a child costs one small
/// allocation that borrows its key from the document, and text is made only when asked for.
#[derive(Debug, Clone)]
pub struct Pointer<'a>(Rc<Segment<'a>>);

#[derive(Debug)]
enum Segment<'a> {
    Root(String),
    Key(Pointer<'a>, &'a str),
    Index(Pointer<'a>, usize),
}

impl<'a> Pointer<'a> {
    pub fn root(text: String) -> Self {
        Pointer(Rc::new(Segment::Root(text)))
    }

    /// The pointer as text (`/a/b~1c`).
    pub fn render(&self) -> String {
        let mut segments: Vec<&Segment<'a>> = Vec::new();
        let mut at = &*self.0;
        let mut out = loop {
            match at {
                Segment::Root(text) => break text.clone(),
                Segment::Key(parent, _) | Segment::Index(parent, _) => {
                    segments.push(at);
                    at = &parent.0;
                }
            }
        };
        for segment in segments.iter().rev() {
            out.push('/');
            match segment {
                Segment::Key(_, key) => out.push_str(&escape(key)),
                Segment::Index(_, index) => out.push_str(&index.to_string()),
                Segment::Root(_) => {}
            }
        }
        out
    }
}

impl<'a> Loc<'a> {
    /// The child at `segment`, if the value has one.
    pub fn child(&self, segment: &str) -> Option<Loc<'a>> {
        let (value, pointer) = match self.value {
            Value::Object(map) => {
                let (key, value) = map.get_key_value(segment)?;
                (value, Segment::Key(self.pointer.clone(), key.as_str()))
            }
            Value::Array(items) => {
                let index = segment.parse::<usize>().ok()?;
                (
                    items.get(index)?,
                    Segment::Index(self.pointer.clone(), index),
                )
            }
            _ => return None,
        };
        Some(Loc {
            doc: self.doc,
            value,
            pointer: Pointer(Rc::new(pointer)),
        })
    }

    /// The pointer as text.
    pub fn ptr(&self) -> String {
        self.pointer.render()
    }

    /// Pointer of a (maybe absent) child, for findings about something that is not there.
    pub fn pointer_to(&self, segment: &str) -> String {
        format!("{}/{}", self.ptr(), escape(segment))
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key)
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.value.get(key).and_then(Value::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.value
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Identity of the underlying value: stable for the life of the set, used as a memo key.
    pub fn address(&self) -> usize {
        std::ptr::from_ref(self.value) as usize
    }
}

#[derive(Debug, Clone)]
struct Target {
    doc: DocId,
    pointer: String,
}

/// The main document and every file it reaches, with all references looked up.
#[derive(Debug)]
pub struct DocumentSet {
    docs: Vec<Document>,
    /// Per file: each `$ref` string it contains, looked up.
    refs: Vec<HashMap<String, Result<Target, String>>>,
}

impl DocumentSet {
    pub fn resolve(main: Document) -> Result<Self, DiffError> {
        let mut set = DocumentSet {
            docs: vec![main],
            refs: vec![HashMap::new()],
        };
        let mut by_path: HashMap<PathBuf, DocId> = HashMap::new();
        if let Some(path) = set.docs[0].path.as_deref().and_then(canonical) {
            by_path.insert(path, 0);
        }
        let mut next = 0;
        while next < set.docs.len() {
            let doc = next;
            next += 1;
            for reference in collect_refs(&set.docs[doc].root) {
                if set.refs[doc].contains_key(&reference) {
                    continue;
                }
                let target = set.locate(doc, &reference, &mut by_path)?;
                set.refs[doc].insert(reference, target);
            }
        }
        Ok(set)
    }

    /// Find (loading if needed) the file and pointer a reference names.
    fn locate(
        &mut self,
        doc: DocId,
        reference: &str,
        by_path: &mut HashMap<PathBuf, DocId>,
    ) -> Result<Result<Target, String>, DiffError> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let pointer = decode_fragment(fragment);
        let target_doc = if file.is_empty() {
            doc
        } else if file.contains("://") {
            return Ok(Err("remote references are not supported".into()));
        } else {
            let Some(dir) = self.docs[doc].dir.clone() else {
                return Ok(Err(
                    "a relative-file reference needs the document's directory".into(),
                ));
            };
            let joined = dir.join(file);
            let Some(path) = canonical(&joined) else {
                return Ok(Err(format!("no such file {}", joined.display())));
            };
            match by_path.get(&path) {
                Some(id) => *id,
                None => {
                    let text = std::fs::read_to_string(&path).map_err(|e| DiffError::Read {
                        file: joined.display().to_string(),
                        reason: e.to_string(),
                    })?;
                    let mut document = load::parse(
                        joined.display().to_string(),
                        text,
                        path.parent().map(Path::to_path_buf),
                    )?;
                    document.path = Some(path.clone());
                    self.docs.push(document);
                    self.refs.push(HashMap::new());
                    let id = self.docs.len() - 1;
                    by_path.insert(path, id);
                    id
                }
            }
        };
        if self.docs[target_doc].root.pointer(&pointer).is_none() {
            return Ok(Err(format!("nothing at `{pointer}`")));
        }
        Ok(Ok(Target {
            doc: target_doc,
            pointer,
        }))
    }

    pub fn root(&self) -> Loc<'_> {
        Loc {
            doc: 0,
            value: &self.docs[0].root,
            pointer: Pointer::root(String::new()),
        }
    }

    /// Follow `$ref` until a value without one; cycles and dangling references are errors.
    pub fn deref<'a>(&'a self, loc: Loc<'a>) -> Result<Loc<'a>, DiffError> {
        let mut loc = loc;
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = loc.value.get("$ref").and_then(Value::as_str) else {
                return Ok(loc);
            };
            let error = |reason: String| DiffError::Reference {
                file: self.docs[loc.doc].text.name.clone(),
                pointer: self.local_pointer(&loc.ptr()).to_string(),
                reference: reference.to_string(),
                reason,
            };
            let target = match self.refs[loc.doc].get(reference) {
                Some(Ok(target)) => target,
                Some(Err(reason)) => return Err(error(reason.clone())),
                None => return Err(error("not indexed".into())),
            };
            let Some(value) = self.docs[target.doc].root.pointer(&target.pointer) else {
                return Err(error(format!("nothing at `{}`", target.pointer)));
            };
            loc = Loc {
                doc: target.doc,
                value,
                pointer: Pointer::root(self.display_pointer(target.doc, &target.pointer)),
            };
        }
        Err(DiffError::Reference {
            file: self.docs[loc.doc].text.name.clone(),
            pointer: self.local_pointer(&loc.ptr()).to_string(),
            reference: loc.str("$ref").unwrap_or_default().to_string(),
            reason: format!("more than {MAX_REF_HOPS} references in a row (a cycle?)"),
        })
    }

    fn display_pointer(&self, doc: DocId, pointer: &str) -> String {
        if doc == 0 {
            pointer.to_string()
        } else {
            format!("{}#{pointer}", self.docs[doc].text.name)
        }
    }

    fn local_pointer<'p>(&self, pointer: &'p str) -> &'p str {
        pointer.split_once('#').map_or(pointer, |(_, p)| p)
    }

    pub fn into_texts(self) -> Vec<FileText> {
        self.docs.into_iter().map(|d| d.text).collect()
    }
}

fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// The distinct `$ref` strings in a tree, without recursion (trees may be deep).
fn collect_refs(root: &Value) -> Vec<String> {
    let mut refs: HashSet<&str> = HashSet::new();
    let mut stack = vec![root];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match child {
                        Value::String(reference) if key == "$ref" => {
                            refs.insert(reference);
                        }
                        Value::Object(_) | Value::Array(_) => stack.push(child),
                        _ => {}
                    }
                }
            }
            Value::Array(items) => stack.extend(
                items
                    .iter()
                    .filter(|v| matches!(v, Value::Object(_) | Value::Array(_))),
            ),
            _ => {}
        }
    }
    let mut refs: Vec<String> = refs.into_iter().map(str::to_string).collect();
    refs.sort_unstable();
    refs
}

/// URI fragments may percent-encode pointer characters (`%7B` for `{`).
fn decode_fragment(fragment: &str) -> String {
    if !fragment.contains('%') {
        return fragment.to_string();
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_are_percent_decoded() {
        assert_eq!(decode_fragment("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
        assert_eq!(decode_fragment("/bad%zz%"), "/bad%zz%");
    }
}
