//! Which commit the working tree's spec is compared with.
//!
//! The order, first match wins:
//! 1. `--base REV`, exactly as given (an unknown revision is an error, never a fallback);
//! 2. the newest `v*` tag reachable from HEAD: the last release, so the bump is judged against
//!    what users have (when that tag is on HEAD itself, the release being made, the one before);
//! 3. the merge-base of HEAD and `origin/main`, when it is not HEAD itself: a branch is judged
//!    by everything it adds;
//! 4. HEAD's first parent: on main itself (a fresh clone, where `origin/main` is HEAD) or a
//!    GitHub pull-request merge commit (whose first parent is the target branch), the last
//!    commit's change;
//! 5. none: the first commit passes with a notice; a shallow clone that lacks the parent is an
//!    error, because passing there would wave through the change the check exists to catch.

use super::git::Git;
use super::CheckError;

/// Tags that mark releases.
pub const RELEASE_TAG_PATTERN: &str = "v[0-9]*";
/// The branch a feature branch is measured against.
pub const MAIN_BRANCH: &str = "origin/main";

/// A commit to compare with, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base {
    /// The revision as chosen or given (`v0.1.0`, `HEAD^`, a hash).
    pub revision: String,
    pub commit: String,
    /// Abbreviated commit id, for messages.
    pub short: String,
    /// Why this one, in a few words.
    pub reason: String,
}

/// The outcome of choosing a base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseSelection {
    Found(Base),
    /// Nothing to compare with; why.
    None(String),
}

pub fn select(git: &Git, requested: Option<&str>) -> Result<BaseSelection, CheckError> {
    if !git.is_work_tree()? {
        return Err(CheckError::NotARepository {
            root: git.root().display().to_string(),
        });
    }
    if let Some(revision) = requested {
        return match git.commit(revision)? {
            Some(commit) => Ok(found(git, revision, commit, "given with --base")),
            None => Err(CheckError::BaseNotFound {
                revision: revision.to_string(),
                shallow: git.is_shallow()?,
            }),
        };
    }
    let Some(head) = git.commit("HEAD")? else {
        return Ok(BaseSelection::None(
            "the repository has no commit yet".to_string(),
        ));
    };
    if let Some(tag) = git.newest_tag("HEAD", RELEASE_TAG_PATTERN)? {
        if let Some(commit) = git.commit(&tag)? {
            if commit != head {
                return Ok(found(git, &tag, commit, "the newest release tag"));
            }
            // HEAD is the release: judge it against the release before.
            if let Some(previous) = git.newest_tag("HEAD^", RELEASE_TAG_PATTERN)? {
                if let Some(commit) = git.commit(&previous)? {
                    let reason = format!("the release before {tag}, which tags HEAD");
                    return Ok(found(git, &previous, commit, &reason));
                }
            }
        }
    }
    let has_main = git.commit(MAIN_BRANCH)?.is_some();
    if has_main {
        if let Some(merge_base) = git.merge_base("HEAD", MAIN_BRANCH)? {
            if merge_base != head {
                let short = git.short(&merge_base);
                return Ok(found(
                    git,
                    &short,
                    merge_base,
                    &format!("where HEAD branched from {MAIN_BRANCH}"),
                ));
            }
        }
    }
    if let Some(parent) = git.commit("HEAD^")? {
        let reason = if has_main {
            format!("the parent commit: no release tag, and HEAD is on {MAIN_BRANCH}")
        } else {
            format!("the parent commit: no release tag, no {MAIN_BRANCH}")
        };
        return Ok(found(git, "HEAD^", parent, &reason));
    }
    if git.is_shallow()? {
        return Err(CheckError::ShallowClone);
    }
    Ok(BaseSelection::None(
        "HEAD is the first commit: there is no earlier spec".to_string(),
    ))
}

fn found(git: &Git, revision: &str, commit: String, reason: &str) -> BaseSelection {
    BaseSelection::Found(Base {
        revision: revision.to_string(),
        short: git.short(&commit),
        commit,
        reason: reason.to_string(),
    })
}
