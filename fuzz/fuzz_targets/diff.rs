//! Load + diff + render on arbitrary input: no input may panic, overflow the stack or hang.
//!
//! The input is split at the first NUL byte into a base and a revision (no NUL: the same text
//! on both sides). The first byte picks JSON or YAML for each side, so both parsers get input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use xtask::diff::{diff_sources, report, Source};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let (base, revision) = text.split_once('\0').unwrap_or((&text, &text));
    let name = |json: bool| if json { "spec.json" } else { "spec.yaml" };
    let result = diff_sources(
        Source::text(name(selector & 1 == 1), base),
        Source::text(name(selector & 2 == 2), revision),
    );
    if let Ok(diff) = result {
        for format in [
            report::Format::Text,
            report::Format::Json,
            report::Format::Markdown,
            report::Format::Github,
        ] {
            let _ = report::render(&diff, format, selector & 4 == 4);
        }
    }
});
