//! An HTML docs page reduced to the text a browser shows, with a real HTML5 parser (html5ever via
//! `scraper`): block elements start new lines, `<pre>` keeps its line breaks, scripts and styles
//! are dropped. The result is read like the text snapshot.

use scraper::{ElementRef, Html, Node};

const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "head", "button",
];
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Whether the text is an HTML document rather than plain text.
pub fn looks_like_html(text: &str) -> bool {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = start
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// The visible text of an HTML page, one block per line.
pub fn html_to_text(html: &str) -> String {
    let document = Html::parse_document(html);
    let mut out = Text::default();
    walk(document.root_element(), &mut out, false);
    out.finish()
}

#[derive(Default)]
struct Text {
    lines: Vec<String>,
    current: String,
}

impl Text {
    /// Appends text with runs of whitespace collapsed to one space, as a browser renders it.
    fn push_inline(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                if !self.current.is_empty() && !self.current.ends_with(' ') {
                    self.current.push(' ');
                }
            } else {
                self.current.push(c);
            }
        }
    }

    fn push_preformatted(&mut self, text: &str) {
        let mut parts = text.split('\n');
        if let Some(first) = parts.next() {
            self.current.push_str(first);
        }
        for part in parts {
            self.break_line();
            self.current.push_str(part);
        }
    }

    fn break_line(&mut self) {
        let line = std::mem::take(&mut self.current);
        self.lines.push(line.trim_end().to_string());
    }

    fn block_boundary(&mut self) {
        if !self.current.trim().is_empty() {
            self.break_line();
        } else {
            self.current.clear();
        }
    }

    fn finish(mut self) -> String {
        self.block_boundary();
        let mut text = String::new();
        let mut blank = false;
        for line in &self.lines {
            let line = line.trim_start_matches(' ');
            if line.trim().is_empty() {
                blank = !text.is_empty();
                continue;
            }
            if blank {
                text.push('\n');
                blank = false;
            }
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

fn walk(element: ElementRef, out: &mut Text, preformatted: bool) {
    let name = element.value().name();
    if SKIPPED.contains(&name) {
        return;
    }
    let preformatted = preformatted || name == "pre";
    let block = BLOCKS.contains(&name);
    if block {
        out.block_boundary();
    }
    // Headings and paragraphs are separated by a blank line, as on the rendered page.
    if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "pre") {
        out.lines.push(String::new());
    }
    for child in element.children() {
        match child.value() {
            Node::Text(text) => {
                if preformatted {
                    out.push_preformatted(text);
                } else {
                    out.push_inline(text);
                }
            }
            Node::Element(_) => {
                if let Some(child_element) = ElementRef::wrap(child) {
                    walk(child_element, out, preformatted);
                }
            }
            _ => {}
        }
    }
    if block {
        out.block_boundary();
    }
    if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "pre") {
        out.lines.push(String::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_scripts_vanish() {
        let text = html_to_text(
            "<!DOCTYPE html><html><head><title>x</title><script>var a = 1;</script></head><body><div><span>GET</span></div><div>/<span>v1</span></div><h2>Response</h2><p>Node   <b>details</b></p><pre>{\n  \"a\": 1\n}</pre></body></html>",
        );
        assert_eq!(
            text,
            "GET\n/v1\n\nResponse\n\nNode details\n\n{\n\"a\": 1\n}\n"
        );
    }

    #[test]
    fn detects_html() {
        assert!(looks_like_html("  <!DOCTYPE html><html></html>"));
        assert!(looks_like_html("<html lang=en>"));
        assert!(!looks_like_html("GET\n/\nv1"));
    }
}
