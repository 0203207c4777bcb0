//! The few git questions the check asks, answered by the `git` command in the repository root.
//!
//! Every call names the repository and what was asked when it fails, so a missing `git`, a
//! directory that is not a clone, or an unknown revision is a one-line message, not a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::CheckError;

/// A repository, by the directory the check runs in (the root of the project).
#[derive(Debug, Clone)]
pub struct Git {
    root: PathBuf,
}

impl Git {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Runs `git <args>`; `Ok(None)` when git answered "no" (non-zero exit), an error only when
    /// git could not be run at all.
    fn query(&self, args: &[&str]) -> Result<Option<String>, CheckError> {
        let output = Command::new("git")
            .args(args)
            .current_dir(&self.root)
            // A user's pager or colour settings must not leak into parsed output.
            .env("GIT_PAGER", "cat")
            .env("LC_ALL", "C")
            .output()
            .map_err(|error| CheckError::Git {
                root: self.root.display().to_string(),
                message: format!("cannot run `git {}`: {error}", args.join(" ")),
            })?;
        if !output.status.success() {
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&output.stdout).into_owned()))
    }

    fn query_line(&self, args: &[&str]) -> Result<Option<String>, CheckError> {
        Ok(self
            .query(args)?
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty()))
    }

    pub fn is_work_tree(&self) -> Result<bool, CheckError> {
        Ok(self
            .query_line(&["rev-parse", "--is-inside-work-tree"])?
            .as_deref()
            == Some("true"))
    }

    pub fn is_shallow(&self) -> Result<bool, CheckError> {
        Ok(self
            .query_line(&["rev-parse", "--is-shallow-repository"])?
            .as_deref()
            == Some("true"))
    }

    /// The full commit id a revision names, or `None` when it names no commit here.
    pub fn commit(&self, revision: &str) -> Result<Option<String>, CheckError> {
        // `--end-of-options` keeps a revision starting with `-` from being read as an option.
        self.query_line(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{revision}^{{commit}}"),
        ])
    }

    /// The newest tag matching `pattern` reachable from `revision`.
    pub fn newest_tag(&self, revision: &str, pattern: &str) -> Result<Option<String>, CheckError> {
        self.query_line(&[
            "describe",
            "--tags",
            "--abbrev=0",
            "--match",
            pattern,
            revision,
        ])
    }

    pub fn merge_base(&self, a: &str, b: &str) -> Result<Option<String>, CheckError> {
        self.query_line(&["merge-base", a, b])
    }

    /// A file's text at a commit (`path` relative to the root), `None` when it did not exist.
    pub fn file_at(&self, commit: &str, path: &str) -> Result<Option<String>, CheckError> {
        let object = format!("{commit}:./{path}");
        if self.query(&["cat-file", "-e", &object])?.is_none() {
            return Ok(None);
        }
        match self.query(&["show", &object])? {
            Some(text) => Ok(Some(text)),
            None => Err(CheckError::Git {
                root: self.root.display().to_string(),
                message: format!("`git show {object}` failed"),
            }),
        }
    }

    /// `abc1234` for messages.
    pub fn short(&self, commit: &str) -> String {
        self.query_line(&["rev-parse", "--short", commit])
            .ok()
            .flatten()
            .unwrap_or_else(|| commit.chars().take(12).collect())
    }
}
