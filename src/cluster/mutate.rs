//! Edits of a StackSet with optimistic concurrency: read, modify, replace
//! with the resourceVersion that was read, and on a 409 Conflict read again
//! and apply the same modification to the fresh object. Two concurrent
//! `traffic set` therefore never lose an update: the second one is computed
//! again on top of the first. Every edit is a single write, so a command
//! interrupted at any point leaves the StackSet as it was before or after
//! that write, never in between.

use kube::Client;
use kube::api::{
    Api, DeleteParams, Patch, PatchParams, PostParams, Preconditions, PropagationPolicy,
};
use serde_json::Value;
use stackset_core::api::{Stack, StackSet};

use super::error::{Op, failure};
use super::execute::FIELD_MANAGER;
use super::retry::{
    CONFLICT_READS, conflict_pauses, is_conflict, with_retries, with_retries_counted,
};
use super::snapshot::get_stackset;
use crate::error::Failure;

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
    let mut pauses = conflict_pauses();
    let mut attempt = 0;
    loop {
        attempt += 1;
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
            Err(e) if is_conflict(&e) => match pauses.next() {
                Some(pause) => {
                    tracing::debug!(attempt, stackset = name, ?pause, "conflict, reading again");
                    tokio::time::sleep(pause).await;
                }
                None => return Err(kept_changing(op, CONFLICT_READS)),
            },
            Err(e) => return Err(failure(op, &e)),
        }
    }
}

/// The failure when conflicts outlast [`CONFLICT_READS`] fresh reads.
pub fn kept_changing(op: Op<'_>, reads: u32) -> Failure {
    Failure::error(format!(
        "cannot {} {}: it kept changing under us ({reads} conflicts)",
        op.verb,
        op.object()
    ))
    .hint("another writer keeps changing it; try again")
}

fn stackset_op<'a>(verb: &'a str, ns: &'a str, name: &'a str) -> Op<'a> {
    Op {
        verb,
        resource: "stacksets",
        group: "zalando.org",
        name: Some(name),
        namespace: Some(ns),
    }
}

/// Creates a StackSet (not for a client-side dry run). `Ok(None)`: one of
/// that name exists already, created by someone else or by an earlier
/// attempt of ours whose response was lost; the caller reads it.
pub async fn create_stackset(
    client: &Client,
    ns: &str,
    stackset: &StackSet,
    mode: WriteMode,
) -> Result<Option<StackSet>, Failure> {
    let name = stackset.metadata.name.as_deref().unwrap_or_default();
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let pp = PostParams {
        dry_run: mode == WriteMode::ServerDryRun,
        field_manager: Some(FIELD_MANAGER.into()),
    };
    match with_retries(|| api.create(&pp, stackset)).await {
        Ok(created) => Ok(Some(created)),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(None),
        Err(e) => Err(failure(stackset_op("create", ns, name), &e)),
    }
}

/// Server-side apply of a StackSet document (field manager
/// `kubectl-stackset`, conflicts forced). Idempotent, so a retry after a
/// lost response is harmless.
pub async fn apply_stackset(
    client: &Client,
    ns: &str,
    name: &str,
    body: &Value,
    mode: WriteMode,
) -> Result<StackSet, Failure> {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let mut pp = PatchParams::apply(FIELD_MANAGER).force();
    pp.dry_run = mode == WriteMode::ServerDryRun;
    let patch = Patch::Apply(body);
    with_retries(|| api.patch(name, &pp, &patch))
        .await
        .map_err(|e| failure(stackset_op("patch", ns, name), &e))
}

/// What a delete found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Deleted (or, after a lost response, found gone).
    Gone,
    /// There was nothing of that name.
    NotFound,
    /// The name now belongs to another object (the UID precondition
    /// failed); nothing was deleted.
    Replaced,
}

fn delete_params(uid: Option<&str>, mode: WriteMode) -> DeleteParams {
    DeleteParams {
        dry_run: mode == WriteMode::ServerDryRun,
        propagation_policy: Some(PropagationPolicy::Background),
        preconditions: Some(Preconditions {
            uid: uid.map(str::to_string),
            resource_version: None,
        }),
        ..Default::default()
    }
}

async fn delete_one<K>(
    client: &Client,
    ns: &str,
    name: &str,
    uid: Option<&str>,
    mode: WriteMode,
    resource: &str,
) -> Result<Deleted, Failure>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + serde::de::DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), ns);
    let dp = delete_params(uid, mode);
    match with_retries_counted(|| api.delete(name, &dp)).await {
        (Ok(_), _) => Ok(Deleted::Gone),
        // Our earlier attempt went through; its response was lost.
        (Err(kube::Error::Api(s)), true) if s.code == 404 => Ok(Deleted::Gone),
        (Err(kube::Error::Api(s)), false) if s.code == 404 => Ok(Deleted::NotFound),
        (Err(kube::Error::Api(s)), _) if s.code == 409 => Ok(Deleted::Replaced),
        (Err(e), _) => Err(failure(
            Op {
                verb: "delete",
                resource,
                group: "zalando.org",
                name: Some(name),
                namespace: Some(ns),
            },
            &e,
        )),
    }
}

/// Deletes a StackSet if it is still the object with `uid`, in the
/// background (the garbage collector removes its stacks and their children).
pub async fn delete_stackset(
    client: &Client,
    ns: &str,
    name: &str,
    uid: Option<&str>,
    mode: WriteMode,
) -> Result<Deleted, Failure> {
    delete_one::<StackSet>(client, ns, name, uid, mode, "stacksets").await
}

/// Deletes a Stack if it is still the object with `uid`, in the background.
pub async fn delete_stack(
    client: &Client,
    ns: &str,
    name: &str,
    uid: Option<&str>,
    mode: WriteMode,
) -> Result<Deleted, Failure> {
    delete_one::<Stack>(client, ns, name, uid, mode, "stacks").await
}
