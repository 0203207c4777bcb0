//! `cargo xtask spec check` on throwaway git repositories: each test builds a small repository
//! holding the project's upstream snapshot, overlay and spec plus a `Cargo.toml`, commits, edits
//! the overlay (and re-derives the spec, as a contributor would), commits again, and runs the
//! real binary on it with `--root`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::derive::{self, DeriveOptions};

const OPERATION: &str = "GET /v1/nodes/{node_uuid}";

/// A repository in a temporary directory, removed when dropped.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// The project's spec inputs and a `Cargo.toml` at `version`, not yet committed.
    fn new(version: &str) -> Repo {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let upstream = dir.path().join("openapi/upstream");
        std::fs::create_dir_all(&upstream).unwrap();
        for entry in std::fs::read_dir(project.join("openapi/upstream")).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), upstream.join(entry.file_name())).unwrap();
        }
        for file in ["openapi/overlay.yaml", "openapi/dispersed.yaml"] {
            std::fs::copy(project.join(file), dir.path().join(file)).unwrap();
        }
        let repo = Repo { dir };
        repo.set_version(version);
        repo.git(&["init", "--quiet"]);
        repo
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Runs git with a fixed identity and branch name, independent of the user's config.
    fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .args([
                "-c",
                "user.name=Spec Check Test",
                "-c",
                "user.email=check@example.invalid",
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
            ])
            .args(args)
            .current_dir(self.root())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn set_version(&self, version: &str) {
        std::fs::write(
            self.path("Cargo.toml"),
            format!(
                "[package]\nname = \"dispersed\"\nversion = \"{version}\"\nedition = \"2021\"\n"
            ),
        )
        .unwrap();
    }

    /// Appends an overlay action and re-derives the spec, the way a real change is made.
    fn change_overlay(&self, action: &str) {
        let mut overlay = std::fs::read_to_string(self.path("openapi/overlay.yaml")).unwrap();
        overlay.push('\n');
        overlay.push_str(action);
        std::fs::write(self.path("openapi/overlay.yaml"), overlay).unwrap();
        derive::derive_and_write(&DeriveOptions::new(self.root()))
            .expect("the edited overlay derives");
    }

    fn accept(&self, entries: &str) {
        std::fs::write(self.path("openapi/accepted-changes.toml"), entries).unwrap();
    }

    /// The real CLI on this repository.
    fn check(&self, extra: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["spec", "check", "--root"])
            .arg(self.root())
            .args(extra)
            .output()
            .expect("xtask runs");
        Run::from(output)
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A new optional response field: minor for the Rust API (the struct is `#[non_exhaustive]`).
const ADD_OPTIONAL_FIELD: &str = "  - target: $.components.schemas.Node.properties
    description: 'test, a new optional field'
    update:
      region:
        type: string
";

/// `name` may now be null: breaking on the wire, `String` → `Option<String>` in Rust.
const NAME_NULLABLE: &str = "  - target: $.components.schemas.Node.properties.name
    description: 'test, name may be null'
    update:
      nullable: true
";
const NAME_NULLABLE_RULE: &str = "response-body-became-nullable";
/// Where the change is: the `nullable` keyword the revision added.
const NAME_POINTER: &str = "/components/schemas/Node/properties/name/nullable";

fn acknowledgement(rule: &str, pointer: &str, version: &str) -> String {
    format!(
        "[[accepted]]\nrule = \"{rule}\"\noperation = \"{OPERATION}\"\npointer = \"{pointer}\"\nreason = \"upstream sends null for unnamed nodes\"\nversion = \"{version}\"\n"
    )
}

/// A repository whose HEAD makes `name` nullable on top of a first commit at `version`.
fn repo_with_breaking_commit(version: &str) -> Repo {
    let repo = Repo::new(version);
    repo.commit("base");
    repo.change_overlay(NAME_NULLABLE);
    repo
}

#[test]
fn a_non_breaking_edit_passes_and_says_what_the_release_must_bump() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    repo.change_overlay(ADD_OPTIONAL_FIELD);
    repo.commit("add region");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("Base HEAD^"), "{run:?}");
    assert!(
        run.stdout.contains("[response-body-new-optional-property]"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("the next release must bump minor (at least 0.1.1)"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("Passed spec check: 0 breaking, 0 warnings, 1 info"),
        "{run:?}"
    );
}

#[test]
fn a_breaking_edit_fails_naming_rule_operation_and_the_fix() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.commit("name nullable");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains(&format!("\n{OPERATION}\n")), "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("breaking [{NAME_NULLABLE_RULE}]")),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!("--> {NAME_POINTER}")),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("semver major: `T` becomes `Option<T>`; neither accepted nor covered"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("Failed spec check: 1 breaking"),
        "{run:?}"
    );
    // The fix is named: the version to set, and the entry to paste.
    assert!(
        run.stdout
            .contains("help: set `version = \"0.2.0\"` in Cargo.toml"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("rule = \"{NAME_NULLABLE_RULE}\"")),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("pointer = \"{NAME_POINTER}\"")),
        "{run:?}"
    );
}

#[test]
fn the_same_breaking_edit_passes_when_acknowledged() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.accept(&acknowledgement(NAME_NULLABLE_RULE, NAME_POINTER, "0.1.1"));
    repo.commit("name nullable, accepted");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("accepted in openapi/accepted-changes.toml:1 for 0.1.1: upstream sends null"),
        "{run:?}"
    );
    assert!(run.stdout.contains("0 not accepted, 1 accepted"), "{run:?}");
    assert!(!run.stdout.contains("Stale"), "{run:?}");
}

#[test]
fn an_acknowledgement_for_another_pointer_does_not_count() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.accept(&acknowledgement(
        NAME_NULLABLE_RULE,
        "/components/schemas/Node/properties/status/nullable",
        "0.1.1",
    ));
    repo.commit("name nullable, wrong pointer accepted");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    // ...and the entry that matches nothing is stale.
    assert!(
        run.stdout
            .contains("Stale openapi/accepted-changes.toml:1: [response-body-became-nullable]"),
        "{run:?}"
    );
}

#[test]
fn the_same_breaking_edit_passes_with_a_major_bump_but_not_a_minor_one() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.set_version("0.1.1");
    repo.commit("name nullable, 0.1.1");
    let run = repo.check(&[]);
    assert_eq!(
        run.code,
        Some(1),
        "pre-1.0, 0.1.1 is a minor release: {run:?}"
    );
    assert!(
        run.stdout.contains("0.1.0 → 0.1.1: a minor release"),
        "{run:?}"
    );

    repo.set_version("0.2.0");
    repo.commit("0.2.0");
    let run = repo.check(&["--base", "HEAD~2"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("covered by the version bump (0.1.0 → 0.2.0"),
        "{run:?}"
    );
}

#[test]
fn a_hand_edit_of_the_spec_fails_with_the_place_and_the_command() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    let spec = std::fs::read_to_string(repo.path("openapi/dispersed.yaml")).unwrap();
    let edited = spec.replacen("summary: Node Details", "summary: Node details, by hand", 1);
    assert_ne!(edited, spec, "the fixture has the summary to edit");
    std::fs::write(repo.path("openapi/dispersed.yaml"), edited).unwrap();
    repo.commit("hand edit");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains("Drift openapi/dispersed.yaml differs from what `cargo xtask spec derive` produces, first at line"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("- summary: Node details, by hand")
            || run
                .stdout
                .contains("-       summary: Node details, by hand"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("help: regenerate the spec with `cargo xtask spec derive`"),
        "{run:?}"
    );
}

#[test]
fn a_missing_base_revision_is_one_clear_line() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    let run = repo.check(&["--base", "v9.9.9"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr,
        "error: --base `v9.9.9` names no commit in this repository\n"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn the_first_commit_passes_with_a_notice() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("Base none: HEAD is the first commit: there is no earlier spec"),
        "{run:?}"
    );
    assert!(run.stdout.contains("Skipped the comparison"), "{run:?}");
}

#[test]
fn a_base_without_the_spec_passes_with_a_notice() {
    let repo = Repo::new("0.1.0");
    std::fs::write(repo.path("README.md"), "before the spec\n").unwrap();
    repo.git(&["add", "README.md"]);
    repo.git(&["commit", "--quiet", "-m", "readme only"]);
    repo.commit("spec");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .contains("openapi/dispersed.yaml did not exist at HEAD^, so all of it is new"),
        "{run:?}"
    );
}

#[test]
fn a_shallow_clone_without_the_parent_is_a_tool_error_not_a_pass() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.commit("name nullable");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.root().display());
    let status = Command::new("git")
        .args(["clone", "--quiet", "--depth", "1", &url])
        .arg(clone.path().join("shallow"))
        .status()
        .unwrap();
    assert!(status.success());
    let run = Run::from(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["spec", "check", "--root"])
            .arg(clone.path().join("shallow"))
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: this is a shallow clone without HEAD's parent"),
        "{run:?}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
}

#[test]
fn the_newest_release_tag_is_the_default_base() {
    let repo = Repo::new("0.1.0");
    repo.commit("release");
    repo.git(&["tag", "v0.1.0"]);
    repo.change_overlay(NAME_NULLABLE);
    repo.commit("name nullable");
    std::fs::write(repo.path("NOTES.md"), "unrelated\n").unwrap();
    repo.commit("unrelated");
    // HEAD^ would show no change; the release tag shows the breaking one.
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("Base v0.1.0 ("), "{run:?}");
    assert!(run.stdout.contains("the newest release tag"), "{run:?}");
    assert_eq!(repo.check(&["--base", "HEAD^"]).code, Some(0));
}

#[test]
fn a_branch_is_compared_with_where_it_left_origin_main() {
    let repo = Repo::new("0.1.0");
    let main = repo.commit("main");
    repo.git(&["update-ref", "refs/remotes/origin/main", &main]);
    repo.git(&["checkout", "--quiet", "-b", "feature"]);
    repo.change_overlay(NAME_NULLABLE);
    repo.commit("name nullable");
    std::fs::write(repo.path("NOTES.md"), "unrelated\n").unwrap();
    repo.commit("unrelated");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.contains("where HEAD branched from origin/main"),
        "{run:?}"
    );

    // On main itself (a fresh clone: origin/main is HEAD) the parent commit is the base.
    repo.git(&["checkout", "--quiet", "main"]);
    let run = repo.check(&[]);
    assert!(
        run.stdout.contains("Base none: HEAD is the first commit"),
        "{run:?}"
    );
}

#[test]
fn uncommitted_changes_are_checked_too() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    repo.commit("empty");
    repo.change_overlay(NAME_NULLABLE);
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains(NAME_NULLABLE_RULE), "{run:?}");
}

#[test]
fn stale_and_released_acknowledgements() {
    let repo = Repo::new("0.1.1");
    repo.commit("base");
    // Nothing changes; one entry is for the coming release, one for a release the base has.
    let mut entries = acknowledgement(NAME_NULLABLE_RULE, NAME_POINTER, "0.1.2");
    entries.push('\n');
    entries.push_str(&acknowledgement(
        "response-body-type-changed",
        NAME_POINTER,
        "0.1.0",
    ));
    repo.accept(&entries);
    repo.commit("accepted");
    let run = repo.check(&[]);
    assert_eq!(
        run.code,
        Some(0),
        "stale entries are reported, not failed: {run:?}"
    );
    assert!(
        run.stdout.contains(&format!(
            "Stale openapi/accepted-changes.toml:1: [{NAME_NULLABLE_RULE}] {OPERATION} {NAME_POINTER} matches no change since HEAD^"
        )),
        "{run:?}"
    );
    assert!(
        !run.stdout.contains("accepted-changes.toml:8"),
        "a released entry is history: {run:?}"
    );
    assert!(run.stdout.contains("1 stale"), "{run:?}");
    assert!(
        run.stdout
            .contains("History 1 acknowledgement(s) for releases the base already has"),
        "{run:?}"
    );
}

#[test]
fn a_malformed_acknowledgement_is_a_tool_error_with_its_line() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    repo.accept("# header\n[[accepted]]\nrule = \"response-body-became-nullable\"\n");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: openapi/accepted-changes.toml:2:"),
        "{run:?}"
    );
    assert!(run.stderr.contains("missing field `operation`"), "{run:?}");
}

#[test]
fn markdown_and_github_reports_carry_the_same_verdict() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.commit("name nullable");
    let run = repo.check(&["--format", "markdown"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout.starts_with("### Spec check: ❌ failed\n"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(&format!(
            "| ❌ breaking | `{OPERATION}` | `{NAME_NULLABLE_RULE}` |"
        )),
        "{run:?}"
    );
    assert!(run.stdout.contains("```toml\n[[accepted]]"), "{run:?}");

    let run = repo.check(&["--format", "github"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let error = run
        .stdout
        .lines()
        .find(|line| line.starts_with("::error "))
        .unwrap_or_else(|| panic!("{run:?}"));
    let prefix = "::error file=openapi/dispersed.yaml,line=";
    assert!(error.starts_with(prefix), "{error}");
    let line: usize = error[prefix.len()..]
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let spec = std::fs::read_to_string(repo.path("openapi/dispersed.yaml")).unwrap();
    let annotated = spec.lines().nth(line - 1).unwrap();
    assert_eq!(annotated.trim(), "nullable: true", "line {line}");
    let property = spec.lines().nth(line - 3).unwrap();
    assert_eq!(property.trim(), "name:", "line {line} is in `name`");
    assert!(
        error.contains(&format!(
            ",title={NAME_NULLABLE_RULE}::GET /v1/nodes/{{node_uuid}}: "
        )),
        "{error}"
    );
    assert!(
        run.stdout.ends_with("\n")
            && run
                .stdout
                .lines()
                .last()
                .unwrap()
                .starts_with("spec check failed: 1 breaking"),
        "{run:?}"
    );
}

#[test]
fn the_api_version_in_the_build_metadata_must_match_the_spec() {
    let repo = Repo::new("0.1.0+api.v1");
    repo.commit("base");
    assert_eq!(repo.check(&[]).code, Some(0));
    repo.set_version("0.1.0+api.v0");
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("help: set `version = \"0.1.0+api.v1\"` in Cargo.toml"),
        "{run:?}"
    );
}

#[test]
fn colour_never_reaches_a_pipe() {
    let repo = repo_with_breaking_commit("0.1.0");
    repo.commit("name nullable");
    let run = repo.check(&[]);
    assert!(!run.stdout.contains('\u{1b}'), "{run:?}");
}

/// The report a reviewer reads, whole: compared with `tests/fixtures/check/*`, with the commit
/// id and the annotations' line numbers normalised (the project's spec moves with every overlay
/// change; `markdown_and_github_reports_carry_the_same_verdict` checks a line).
/// `UPDATE_CHECK_SNAPSHOTS=1 cargo test -p xtask --test check` rewrites them.
fn assert_snapshot(name: &str, repo: &Repo, actual: &str) {
    let short = repo.git(&["rev-parse", "--short", "HEAD^"]);
    let actual = actual
        .replace(&short, "<commit>")
        .split(",line=")
        .enumerate()
        .map(|(index, part)| match index {
            0 => part.to_string(),
            _ => format!(
                ",line=<n>{}",
                part.trim_start_matches(|c: char| c.is_ascii_digit())
            ),
        })
        .collect::<String>();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name);
    if std::env::var_os("UPDATE_CHECK_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert_eq!(
        actual, expected,
        "{name} changed (see the doc comment to update it)"
    );
}

#[test]
fn report_snapshots() {
    let repo = Repo::new("0.1.0+api.v1");
    repo.commit("base");
    repo.change_overlay(ADD_OPTIONAL_FIELD);
    repo.change_overlay(NAME_NULLABLE);
    repo.commit("region, and name nullable");
    for (name, format) in [
        ("breaking.txt", "text"),
        ("breaking.md", "markdown"),
        ("breaking.github", "github"),
    ] {
        let run = repo.check(&["--format", format]);
        assert_eq!(run.code, Some(1), "{run:?}");
        assert_snapshot(name, &repo, &run.stdout);
    }
}

#[test]
fn a_tagged_release_is_judged_against_the_release_before() {
    let repo = Repo::new("0.1.0");
    repo.commit("0.1.0");
    repo.git(&["tag", "v0.1.0"]);
    repo.change_overlay(NAME_NULLABLE);
    repo.commit("name nullable");
    repo.git(&["tag", "v0.1.1"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(1), "not bumped since v0.1.0: {run:?}");
    assert!(
        run.stdout.contains("Base v0.1.0 (")
            && run
                .stdout
                .contains("the release before v0.1.1, which tags HEAD"),
        "{run:?}"
    );

    repo.set_version("0.2.0");
    repo.commit("0.2.0");
    repo.git(&["tag", "v0.2.0"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("Base v0.1.1 ("), "{run:?}");
}

#[test]
fn outside_a_git_repository_is_one_clear_line() {
    let repo = Repo::new("0.1.0");
    std::fs::remove_dir_all(repo.path(".git")).unwrap();
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.ends_with("is not a git work tree, so there is no base spec to compare with (run in a clone of the repository)\n"),
        "{run:?}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
}

#[test]
fn an_overlay_that_no_longer_applies_is_a_tool_error() {
    let repo = Repo::new("0.1.0");
    repo.commit("base");
    let mut overlay = std::fs::read_to_string(repo.path("openapi/overlay.yaml")).unwrap();
    overlay.push_str("\n  - target: $.components.schemas.NoSuchSchema\n    description: 'gone upstream'\n    remove: true\n");
    std::fs::write(repo.path("openapi/overlay.yaml"), overlay).unwrap();
    let run = repo.check(&[]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: spec derive: openapi/overlay.yaml"),
        "{run:?}"
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
}
