//! JSON pointer → line, for `github` annotations.
//!
//! The value trees carry no positions (that keeps parsing fast), so when an annotation needs a
//! line we scan the text once more with a positioned YAML event parser (JSON is YAML too).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

/// Line (1-based) of every key and sequence item, by JSON pointer.
#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

enum Frame {
    Mapping { key: Option<String> },
    Sequence { next: usize },
}

impl LineIndex {
    /// Scan `text`. A scan error stops the index where it happened: what came before still
    /// answers, later pointers fall back to their nearest indexed parent.
    pub fn build(text: &str) -> Self {
        let mut lines = HashMap::new();
        lines.insert(String::new(), 1);
        let mut frames: Vec<Frame> = Vec::new();
        let mut path: Vec<String> = Vec::new();
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let line = span.start.line();
            let opens = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
            let is_value = matches!(
                event,
                Event::Scalar(..)
                    | Event::Alias(..)
                    | Event::MappingStart(..)
                    | Event::SequenceStart(..)
            );
            if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                frames.pop();
                if !frames.is_empty() {
                    path.pop();
                }
                continue;
            }
            if !is_value {
                continue;
            }
            // Which segment this value sits at, if any (keys are recorded, not descended into).
            let segment = match frames.last_mut() {
                None => None,
                Some(Frame::Sequence { next }) => {
                    let segment = next.to_string();
                    *next += 1;
                    Some(segment)
                }
                Some(Frame::Mapping { key }) => match key.take() {
                    Some(key) => Some(key),
                    None => {
                        let name = match &event {
                            Event::Scalar(value, ..) => value.to_string(),
                            _ => String::from("?"),
                        };
                        let pointer = join(&path, &name);
                        lines.entry(pointer).or_insert(line);
                        *key = Some(name);
                        if opens {
                            // A complex key: skip its contents by treating it as a value.
                            frames.push(Frame::Mapping { key: None });
                            path.push(String::from("?"));
                        }
                        continue;
                    }
                },
            };
            if let Some(segment) = &segment {
                if matches!(frames.last(), Some(Frame::Sequence { .. })) {
                    lines.entry(join(&path, segment)).or_insert(line);
                }
            }
            if opens {
                if let Some(segment) = segment {
                    path.push(segment);
                }
                frames.push(match event {
                    Event::MappingStart(..) => Frame::Mapping { key: None },
                    _ => Frame::Sequence { next: 0 },
                });
            }
        }
        LineIndex { lines }
    }

    /// Line of `pointer`, or of its nearest indexed parent.
    pub fn line_of(&self, pointer: &str) -> Option<usize> {
        let mut pointer = pointer;
        loop {
            if let Some(line) = self.lines.get(pointer) {
                return Some(*line);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }
}

fn join(path: &[String], last: &str) -> String {
    let mut pointer = String::new();
    for segment in path.iter().map(String::as_str).chain([last]) {
        pointer.push('/');
        pointer.push_str(&escape(segment));
    }
    pointer
}

/// JSON pointer escaping (RFC 6901).
pub fn escape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_and_items_have_their_lines() {
        let text = "openapi: 3.0.3\npaths:\n  /a/{id}:\n    get:\n      tags: [x, y]\n      parameters:\n        - name: id\n          in: path\n";
        let index = LineIndex::build(text);
        assert_eq!(index.line_of("/openapi"), Some(1));
        assert_eq!(index.line_of("/paths/~1a~1{id}/get"), Some(4));
        assert_eq!(index.line_of("/paths/~1a~1{id}/get/parameters/0"), Some(7));
        assert_eq!(
            index.line_of("/paths/~1a~1{id}/get/parameters/0/in"),
            Some(8)
        );
        assert_eq!(
            index.line_of("/paths/~1a~1{id}/get/missing/deeper"),
            Some(4)
        );
    }

    #[test]
    fn json_keys_have_their_lines() {
        let text = "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {\n    \"/a\": {\n      \"get\": {}\n    }\n  }\n}\n";
        let index = LineIndex::build(text);
        assert_eq!(index.line_of("/paths/~1a/get"), Some(5));
        assert_eq!(index.line_of("/openapi"), Some(2));
    }
}
