//! Edits of a StackSet with optimistic concurrency: read, modify, replace
//! with the resourceVersion that was read, and on a 409 Conflict read again
//! and apply the same modification to the fresh object. Two concurrent
//! `traffic set` therefore never lose an update: the second one is computed
//! again on top of the first. Every edit is a single write, so a command
//! interrupted at any point leaves the StackSet as it was before or after
//! that write, never in between.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use kube::Client;
use kube::api::{Api, PostParams};
use stackset_core::api::StackSet;

use super::error::{Op, failure};
use super::execute::FIELD_MANAGER;
use super::retry::{is_conflict, with_retries};
use super::snapshot::get_stackset;
use crate::error::Failure;

/// How many fresh reads an edit tries before giving up on conflicts.
pub const EDIT_ATTEMPTS: u32 = 10;

/// Whether an edit is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WriteMode {
    /// Store it.
    #[default]
    Live,
    /// Send it with dryRun=All: validated and admitted, not stored.
    ServerDryRun,
    /// Compute it locally, send nothing.
    ClientDryRun,
}

impl WriteMode {
    /// From `--dry-run`.
    pub fn from_flag(flag: Option<crate::cli::DryRun>) -> Self {
        match flag {
            None => Self::Live,
            Some(crate::cli::DryRun::Server) => Self::ServerDryRun,
            Some(crate::cli::DryRun::Client) => Self::ClientDryRun,
        }
    }

    /// Whether anything is stored.
    pub fn is_live(self) -> bool {
        self == Self::Live
    }

    /// ` (dry run)` / ` (server dry run)` for result lines.
    pub fn suffix(self) -> &'static str {
        match self {
            Self::Live => "",
            Self::ServerDryRun => " (server dry run)",
            Self::ClientDryRun => " (dry run)",
        }
    }
}

/// The result of an edit.
#[derive(Debug, Clone)]
pub struct Edited<T> {
    /// What the modification returned on the object that was written.
    pub value: T,
    /// The object as read before the successful attempt.
    pub before: StackSet,
    /// The object as stored (or as it would be, for a dry run).
    pub after: StackSet,
    /// Whether the modification changed anything (nothing is sent otherwise).
    pub changed: bool,
    /// Attempts used: 1 plus the number of conflicts.
    pub attempts: u32,
}

fn jitter_ms() -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
        % 100
}

/// Edits one StackSet. `modify` is called on a fresh copy for every
/// attempt and may refuse (its error is returned as is). When it changes
/// nothing, nothing is written. `first` may supply the object already read
/// (saving a GET); if it is stale, the first write conflicts and the edit
/// reads again.
pub async fn edit_stackset<T, F>(
    client: &Client,
    ns: &str,
    name: &str,
    mode: WriteMode,
    first: Option<StackSet>,
    mut modify: F,
) -> Result<Edited<T>, Failure>
where
    F: FnMut(&mut StackSet) -> Result<T, Failure>,
{
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let op = Op {
        verb: "update",
        resource: "stacksets",
        group: "zalando.org",
        name: Some(name),
        namespace: Some(ns),
    };
    let pp = PostParams {
        dry_run: mode == WriteMode::ServerDryRun,
        field_manager: Some(FIELD_MANAGER.into()),
    };
    let mut first = first;
    for attempt in 1..=EDIT_ATTEMPTS {
        let current = match first.take() {
            Some(s) => s,
            None => get_stackset(client, ns, name).await?,
        };
        let mut next = current.clone();
        let value = modify(&mut next)?;
        if next == current {
            return Ok(Edited {
                value,
                after: current.clone(),
                before: current,
                changed: false,
                attempts: attempt,
            });
        }
        if mode == WriteMode::ClientDryRun {
            return Ok(Edited {
                value,
                before: current,
                after: next,
                changed: true,
                attempts: attempt,
            });
        }
        // Omitted managedFields keep the server's; the resourceVersion read
        // above makes the write conditional.
        next.metadata.managed_fields = None;
        match with_retries(|| api.replace(name, &pp, &next)).await {
            Ok(stored) => {
                return Ok(Edited {
                    value,
                    before: current,
                    after: stored,
                    changed: true,
                    attempts: attempt,
                });
            }
            Err(e) if is_conflict(&e) => {
                tracing::debug!(attempt, stackset = name, "conflict, reading again");
                tokio::time::sleep(Duration::from_millis(25 * u64::from(attempt) + jitter_ms()))
                    .await;
            }
            Err(e) => return Err(failure(op, &e)),
        }
    }
    Err(Failure::error(format!(
        "cannot update stacksets.zalando.org \"{name}\" in namespace \"{ns}\": \
         it kept changing under us ({EDIT_ATTEMPTS} conflicts)"
    ))
    .hint("another writer keeps changing this StackSet; try again"))
}
