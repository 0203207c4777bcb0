//! `spec derive` speed: the real pipeline (page snapshot + overlay → canonical YAML), the same
//! from an OpenAPI 3.1 source, and a large source (Stripe's 4 MB OpenAPI document, 417
//! operations, circular `$ref`s) cut down to one operation and its closure.
//!
//! `cargo bench -p xtask --bench derive`; the Stripe case needs `../shared/corpus/`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use xtask::derive::{self, DeriveOptions, OperationKey};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("derive");
    let page = DeriveOptions::new(repo_root());
    group.bench_function("node-details page + overlay", |b| {
        b.iter(|| derive::derive(&page).unwrap())
    });

    let mut openapi = DeriveOptions::new(repo_root());
    openapi.sources = vec![Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/derive/node-details.openapi-3.1.json")
        .display()
        .to_string()];
    group.bench_function("OpenAPI 3.1 JSON + overlay", |b| {
        b.iter(|| derive::derive(&openapi).unwrap())
    });

    let stripe = repo_root().join("../shared/corpus/stripe-openapi-fc5a2b92-e0123a38/base.json");
    if stripe.exists() {
        let mut large = DeriveOptions::new(repo_root());
        large.sources = vec![stripe.display().to_string()];
        large.overlay = None;
        large.operations = vec![OperationKey::new("get", "/v1/customers/{customer}")];
        group.sample_size(10);
        group.bench_function("Stripe 4 MB, one operation kept", |b| {
            b.iter(|| derive::derive(&large).unwrap())
        });
    }
    group.finish();
}

criterion_group!(derive_benches, benches);
criterion_main!(derive_benches);
