//! `spec diff` speed on the real Stripe pair (4 MB per side), split into parse / resolve /
//! compare, and on a doubled Stripe pair (8 MB per side: every path and component copied under
//! a new name) to show that cost grows linearly with document size.
//!
//! `cargo bench -p xtask --bench diff`; needs `../shared/corpus/` next to the repository.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::Value;
use xtask::diff::{self, load, resolve::DocumentSet, walk, Source};

fn corpus(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/stripe-openapi-fc5a2b92-e0123a38")
        .join(file)
}

/// Every path and component twice: the copy's names (and the `$ref`s inside it) get a prefix.
fn doubled(path: &PathBuf) -> String {
    let text = std::fs::read_to_string(path).expect("corpus file");
    let mut root: Value = serde_json::from_str(&text).expect("corpus JSON");
    let mut copy = root.clone();
    rename_refs(&mut copy);
    if let (Some(paths), Some(copied)) = (
        root.get_mut("paths").and_then(Value::as_object_mut),
        copy.get("paths").and_then(Value::as_object),
    ) {
        for (key, item) in copied {
            paths.insert(format!("/copy{key}"), item.clone());
        }
    }
    if let (Some(components), Some(copied)) = (
        root.get_mut("components").and_then(Value::as_object_mut),
        copy.get("components").and_then(Value::as_object),
    ) {
        for (kind, entries) in copied {
            let (Some(target), Some(entries)) = (
                components.get_mut(kind).and_then(Value::as_object_mut),
                entries.as_object(),
            ) else {
                continue;
            };
            for (name, entry) in entries {
                target.insert(format!("copy_{name}"), entry.clone());
            }
        }
    }
    serde_json::to_string_pretty(&root).expect("serialise")
}

fn rename_refs(value: &mut Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "$ref" {
                        if let Value::String(reference) = child {
                            if let Some((prefix, name)) = reference.rsplit_once('/') {
                                *reference = format!("{prefix}/copy_{name}");
                            }
                        }
                    } else {
                        stack.push(child);
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn phases(c: &mut Criterion, label: &str, base: Source, revision: Source) {
    let mut group = c.benchmark_group(label);
    group.sample_size(10);
    group.bench_function("parse", |b| {
        b.iter(|| {
            black_box(load::load(&base).expect("base"));
            black_box(load::load(&revision).expect("revision"));
        })
    });
    group.bench_function("resolve", |b| {
        b.iter_batched(
            || (load::load(&base).unwrap(), load::load(&revision).unwrap()),
            |(x, y)| {
                black_box(DocumentSet::resolve(x).unwrap());
                black_box(DocumentSet::resolve(y).unwrap());
            },
            BatchSize::PerIteration,
        )
    });
    let base_set = DocumentSet::resolve(load::load(&base).unwrap()).unwrap();
    let revision_set = DocumentSet::resolve(load::load(&revision).unwrap()).unwrap();
    group.bench_function("compare", |b| {
        b.iter(|| black_box(walk::compare(&base_set, &revision_set).unwrap()))
    });
    group.bench_function("total", |b| {
        b.iter(|| black_box(diff::diff_sources(base.clone(), revision.clone()).unwrap()))
    });
    group.finish();
}

fn stripe(c: &mut Criterion) {
    let (base, revision) = (corpus("base.json"), corpus("revision.json"));
    phases(
        c,
        "stripe-4MB",
        Source::file(&base),
        Source::file(&revision),
    );
    phases(
        c,
        "stripe-doubled-8MB",
        Source::text("base.json", doubled(&base)),
        Source::text("revision.json", doubled(&revision)),
    );
}

criterion_group!(benches, stripe);
criterion_main!(benches);
