//! Meaning-preserving edits give no findings; references, recursion and hostile input are
//! handled; the library API works on in-memory text (as `spec check` uses it).

use std::path::{Path, PathBuf};

use xtask::diff::{diff_files, diff_sources, DiffError, Level, Source};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(name)
}

fn findings(base: &str, revision: &str) -> Vec<xtask::diff::Finding> {
    diff_files(&fixture(base), &fixture(revision))
        .expect("fixtures load")
        .findings
}

#[test]
fn key_order_and_json_versus_yaml_change_nothing() {
    assert_eq!(findings("pets.yaml", "pets-reordered.json"), vec![]);
    assert_eq!(findings("pets-reordered.json", "pets.yaml"), vec![]);
}

#[test]
fn renaming_components_consistently_changes_nothing() {
    assert_eq!(findings("pets.yaml", "pets-renamed.yaml"), vec![]);
}

#[test]
fn inlining_or_extracting_a_ref_changes_nothing() {
    assert_eq!(findings("pets.yaml", "pets-inlined.yaml"), vec![]);
    assert_eq!(findings("pets-inlined.yaml", "pets.yaml"), vec![]);
}

#[test]
fn moving_schemas_to_another_file_changes_nothing() {
    assert_eq!(findings("pets.yaml", "pets-split/openapi.yaml"), vec![]);
}

#[test]
fn a_change_in_a_referenced_file_is_found_with_its_file() {
    let dir = scratch("split-change");
    for name in ["openapi.yaml", "schemas.yaml"] {
        std::fs::copy(fixture("pets-split").join(name), dir.join(name)).unwrap();
    }
    let schemas = std::fs::read_to_string(dir.join("schemas.yaml")).unwrap();
    std::fs::write(
        dir.join("schemas.yaml"),
        schemas.replace("enum: [cat, dog]", "enum: [cat]"),
    )
    .unwrap();
    let report = diff_files(&fixture("pets.yaml"), &dir.join("openapi.yaml")).unwrap();
    let removed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "request-body-enum-value-removed")
        .collect();
    assert_eq!(removed.len(), 1, "{:#?}", report.findings);
    assert!(
        removed[0]
            .revision_pointer
            .ends_with("schemas.yaml#/Kind/enum"),
        "{}",
        removed[0].revision_pointer
    );
    assert_eq!(
        report.revision_location(&removed[0].revision_pointer).1,
        Some(29)
    );
}

#[test]
fn a_renamed_path_parameter_is_at_most_info() {
    let found = findings("pets.yaml", "pets-path-param-renamed.yaml");
    assert!(!found.is_empty());
    assert!(found.iter().all(|f| f.level == Level::Info), "{found:#?}");
    assert!(found
        .iter()
        .all(|f| f.id == "request-path-parameter-renamed"));
}

#[test]
fn changes_inside_recursive_schemas_are_found_once_per_operation() {
    let base = std::fs::read_to_string(fixture("pets.yaml")).unwrap();
    let revision = base.replace("format: uuid", "format: int64");
    let report = diff_sources(
        Source::text("pets.yaml", base),
        Source::text("pets-changed.yaml", revision),
    )
    .unwrap();
    let operations: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.operation.as_str())
        .collect();
    assert_eq!(operations, ["GET /pets", "GET /pets/{petId}", "POST /pets"]);
    assert!(report
        .findings
        .iter()
        .all(|f| f.id == "response-body-format-changed"));
}

#[test]
fn nullable_spellings_of_30_and_31_are_equivalent() {
    let doc = |schema: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\ncomponents:\n  schemas:\n    X: {{type: string}}\n"
        )
    };
    let cases = [
        ("{type: string, nullable: true}", "{type: [string, 'null']}"),
        (
            "{oneOf: [{$ref: '#/components/schemas/X'}, {type: 'null'}]}",
            "{type: [string, 'null']}",
        ),
    ];
    for (base, revision) in cases {
        let report = diff_sources(
            Source::text("base.yaml", doc(base)),
            Source::text("revision.yaml", doc(revision)),
        )
        .unwrap();
        assert_eq!(report.findings, vec![], "{base} vs {revision}");
    }
}

#[test]
fn ten_thousand_levels_of_nesting_are_an_error_not_a_crash() {
    let depth = 10_000;
    let json = format!(
        "{{\"openapi\": \"3.0.3\", \"x\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let yaml_flow = format!(
        "openapi: 3.0.3\nx: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // Block style: compact nested sequences, `- - - … x`.
    let yaml_block = format!("openapi: 3.0.3\nx:\n  {}x\n", "- ".repeat(depth));
    for (name, text) in [
        ("deep.json", json),
        ("deep.yaml", yaml_flow),
        ("deep-block.yaml", yaml_block),
    ] {
        let error = diff_sources(Source::text(name, text), Source::file(fixture("pets.yaml")))
            .expect_err(name);
        match error {
            DiffError::Parse {
                file, line, column, ..
            } => {
                assert_eq!(file, name);
                assert!(line >= 1 && column >= 1, "{name}: {line}:{column}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn malformed_input_names_file_line_and_column() {
    let error = diff_sources(
        Source::text(
            "bad.json",
            "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}",
        ),
        Source::file(fixture("pets.yaml")),
    )
    .unwrap_err();
    assert!(
        matches!(&error, DiffError::Parse { file, line: 3, column: 13, .. } if file == "bad.json"),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("bad.json:3:13: "), "{error}");

    let error = diff_sources(
        Source::text("bad.yaml", "openapi: 3.0.3\npaths:\n  /a: {get: [}\n"),
        Source::file(fixture("pets.yaml")),
    )
    .unwrap_err();
    assert!(
        matches!(&error, DiffError::Parse { file, line: 3, .. } if file == "bad.yaml"),
        "{error:?}"
    );
}

#[test]
fn documents_that_are_not_openapi_3_are_refused() {
    for text in [
        "swagger: '2.0'\n",
        "openapi: 2.0.0\n",
        "- a\n",
        "info: {}\n",
    ] {
        let error =
            diff_sources(Source::text("x.yaml", text), Source::text("y.yaml", text)).unwrap_err();
        assert!(
            matches!(error, DiffError::NotOpenApi { .. }),
            "{text}: {error:?}"
        );
    }
}

#[test]
fn reference_cycles_and_dangling_references_are_errors_when_reached() {
    let doc = |schema_ref: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{schema_ref}'}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    Unused: {{$ref: '#/components/schemas/Missing'}}\n    Fine: {{type: string}}\n"
        )
    };
    // A dangling reference nobody reaches does not stop the diff.
    let fine = diff_sources(
        Source::text("a.yaml", doc("#/components/schemas/Fine")),
        Source::text("b.yaml", doc("#/components/schemas/Fine")),
    )
    .unwrap();
    assert_eq!(fine.findings, vec![]);
    let cycle = diff_sources(
        Source::text("a.yaml", doc("#/components/schemas/A")),
        Source::text("b.yaml", doc("#/components/schemas/A")),
    )
    .unwrap_err();
    assert!(
        matches!(&cycle, DiffError::Reference { reason, .. } if reason.contains("cycle")),
        "{cycle:?}"
    );
    let dangling = diff_sources(
        Source::text("a.yaml", doc("#/components/schemas/Fine")),
        Source::text("b.yaml", doc("#/components/schemas/Missing")),
    )
    .unwrap_err();
    assert!(
        matches!(&dangling, DiffError::Reference { file, reference, .. }
            if file == "b.yaml" && reference == "#/components/schemas/Missing"),
        "{dangling:?}"
    );
}

#[test]
fn in_memory_text_resolves_relative_files_against_a_base_dir() {
    let text = std::fs::read_to_string(fixture("pets-split/openapi.yaml")).unwrap();
    let without_dir = diff_sources(
        Source::file(fixture("pets.yaml")),
        Source::text("openapi/split.yaml", text.clone()),
    )
    .unwrap_err();
    assert!(
        matches!(without_dir, DiffError::Reference { .. }),
        "{without_dir:?}"
    );
    let report = diff_sources(
        Source::file(fixture("pets.yaml")),
        Source::text("openapi/split.yaml", text).with_base_dir(fixture("pets-split")),
    )
    .unwrap();
    assert_eq!(report.findings, vec![]);
    assert_eq!(report.revision, "openapi/split.yaml");
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-diff-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn yaml_alias_bombs_are_refused_not_expanded() {
    let mut text = String::from("openapi: 3.0.3\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
    for level in 1..10 {
        let previous = format!("*x{}", level - 1);
        let items = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("x{level}: &x{level} [{items}]\n"));
    }
    let error = diff_sources(
        Source::text("bomb.yaml", text),
        Source::file(fixture("pets.yaml")),
    )
    .unwrap_err();
    assert!(
        matches!(&error, DiffError::Parse { file, .. } if file == "bomb.yaml"),
        "{error:?}"
    );
}

#[test]
fn colour_is_the_callers_choice() {
    use xtask::diff::report::{render, Format};
    let report = diff_files(&fixture("pets.yaml"), &fixture("pets-breaking.yaml")).unwrap();
    let coloured = render(&report, Format::Text, true);
    let plain = render(&report, Format::Text, false);
    assert!(coloured.contains("\x1b[1;31m"), "{coloured}");
    assert!(!plain.contains('\x1b'));
    assert!(!render(&report, Format::Json, true).contains('\x1b'));
}

#[test]
fn a_byte_order_mark_is_not_content() {
    let text = std::fs::read_to_string(fixture("pets-reordered.json")).unwrap();
    let report = diff_sources(
        Source::file(fixture("pets.yaml")),
        Source::text("bom.json", format!("\u{feff}{text}")),
    )
    .unwrap();
    assert_eq!(report.findings, vec![]);
}

#[test]
fn rewriting_30_keywords_in_31_spelling_changes_nothing() {
    let doc = |version: &str, schema: &str| {
        format!(
            "openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {schema}\n      responses:\n        '200': {{description: ok}}\n"
        )
    };
    let v30 = "{type: object, properties: {n: {type: number, minimum: 0, exclusiveMinimum: true, nullable: true}, e: {type: string, enum: [x]}}}";
    let v31 = "{type: object, properties: {n: {type: [number, 'null'], exclusiveMinimum: 0}, e: {type: string, const: x}}}";
    let report = diff_sources(
        Source::text("v30.yaml", doc("3.0.3", v30)),
        Source::text("v31.yaml", doc("3.1.0", v31)),
    )
    .unwrap();
    assert_eq!(report.findings, vec![]);
}
