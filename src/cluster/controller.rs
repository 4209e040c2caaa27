//! The in-cluster controller loop (`reconcile --watch`), built on
//! kube-runtime's `Controller`: one watch per kind feeds a reflector store;
//! an event is mapped to its StackSet (owner reference, then the `stackset`
//! label) and only that StackSet is queued; the queue coalesces bursts per
//! StackSet (debounce) and runs at most `workers` reconciles at once; a
//! failing reconcile is retried with backoff; a StackSet is requeued for the
//! moment its next scale-down TTL (or prescaling reset) falls due, and every
//! `interval` while it still has work to do. A StackSet whose last reconcile
//! had nothing to do waits for a watch event or its due time, nothing else
//! (`wake_at`). An event that leaves its objects unchanged (same
//! resourceVersions) before anything fell due decides nothing: the core
//! would decide the same no-op (`stackset_core::lifecycle::next_due` is the
//! only time dependence).
//!
//! Our own writes are read back (`OwnWrites`): until a cache shows the
//! object a write returned, the reconcile decides on that object.
//!
//! After the initial LISTs, the steady state costs watches only: snapshots
//! are built from the stores, filtered to one StackSet's objects.

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{Stream, StreamExt};
use k8s_openapi::NamespaceResourceScope;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::jiff::Timestamp;
use kube::api::Api;
use kube::runtime::controller::{Action, Config as ControllerConfig, Controller};
use kube::runtime::reflector::{self, ObjectRef, Store};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;
use stackset_core::api::constants::LABEL_STACKSET;
use stackset_core::api::{PlatformCredentialsSet, RouteGroup, Stack, StackSet};
use stackset_core::lifecycle::next_due;
use stackset_core::{HeldStatus, Kind, Reconciliation, Snapshot};

use stackset_core::rollout::{
    Advance, DRIVER_LEASE_SECONDS, Decision, DriverKind, Observed, RolloutRecord, RolloutState,
    advance, decide as decide_rollout, desired_traffic,
};

use super::execute::{BackgroundEvents, ExecError, Executor, Written};
use super::mutate::{WriteMode, edit_stackset};
use super::reconcile::{Settings, decide, ensure_ours};
use super::snapshot::{NamespaceObjects, get_named, referenced_names, selector};
use crate::error::Failure;
use crate::metrics;
use stackset_core::ManagedBy;

/// Which StackSets the controller is about.
#[derive(Debug, Clone)]
pub enum Watched {
    All,
    Namespace(String),
    One { ns: String, name: String },
}

/// Reports what one reconcile did (the command prints it).
pub type Reporter = dyn Fn(&str, &str, &[String], &Reconciliation) + Send + Sync;

pub struct ControllerSettings {
    pub watched: Watched,
    pub settings: Settings,
    /// Every StackSet is reconciled (from the caches) at least this often.
    pub interval: Duration,
    /// Reconciles running at the same time.
    pub workers: u16,
    /// Events for one StackSet within this window are coalesced.
    pub debounce: Duration,
    pub now: fn() -> Timestamp,
    /// Where the reconciles' events go (`execute::background_events`).
    pub events: BackgroundEvents,
}

type Key = (String, String);

/// The watch caches of every kind a StackSet owns.
struct Stores {
    stacks: Indexed<Stack>,
    deployments: Indexed<Deployment>,
    services: Indexed<Service>,
    hpas: Indexed<HorizontalPodAutoscaler>,
    ingresses: Indexed<Ingress>,
    routegroups: Option<Indexed<RouteGroup>>,
    config_maps: Option<Indexed<ConfigMap>>,
    secrets: Option<Indexed<Secret>>,
    platform_credentials_sets: Option<Indexed<PlatformCredentialsSet>>,
}

/// One kind's watch cache with an index by StackSet: its namespace and the
/// `stackset` label (what the one-shot commands select with
/// `stackset=NAME`). The index is kept up to date event by event, right
/// after the reflector applied each event to `store`, so a reconcile looks
/// its objects up by name instead of scanning every object of the kind.
/// (Rebuilding it from the whole store after each change, as it was first
/// done, cost O(objects) per reconcile while many StackSets were created at
/// once: a few CPU seconds per 1,000 on the cores the API server needed.)
struct Indexed<K: Resource<DynamicType = ()> + 'static> {
    store: Store<K>,
    index: Arc<Mutex<ByStackSet>>,
}

/// Names of one kind's objects by StackSet, mirroring the store: a relist
/// (`Init` .. `InitDone`) fills a buffer that replaces the index at its end,
/// as the store does with its own buffer.
#[derive(Default)]
struct ByStackSet {
    names: HashMap<Key, HashSet<String>>,
    /// Where each object is filed, to unfile it when its label changes.
    filed: HashMap<Key, Key>,
    relist: Option<Box<ByStackSet>>,
}

impl ByStackSet {
    fn file(&mut self, meta: &ObjectMeta) {
        let (Some(ns), Some(name)) = (meta.namespace.as_ref(), meta.name.as_ref()) else {
            return;
        };
        let object = (ns.clone(), name.clone());
        let owner = meta
            .labels
            .as_ref()
            .and_then(|l| l.get(LABEL_STACKSET))
            .map(|owner| (ns.clone(), owner.clone()));
        if self.filed.get(&object) == owner.as_ref() {
            return;
        }
        self.unfile(&object);
        if let Some(owner) = owner {
            self.names
                .entry(owner.clone())
                .or_default()
                .insert(name.clone());
            self.filed.insert(object, owner);
        }
    }

    fn unfile(&mut self, object: &Key) {
        if let Some(owner) = self.filed.remove(object)
            && let Some(names) = self.names.get_mut(&owner)
        {
            names.remove(&object.1);
            if names.is_empty() {
                self.names.remove(&owner);
            }
        }
    }

    /// Applies one watch event, after the reflector applied it to the store.
    fn apply<K: Resource>(&mut self, event: &watcher::Event<K>) {
        match event {
            watcher::Event::Apply(o) => self.file(o.meta()),
            watcher::Event::Delete(o) => {
                let meta = o.meta();
                if let (Some(ns), Some(name)) = (meta.namespace.clone(), meta.name.clone()) {
                    self.unfile(&(ns, name));
                }
            }
            watcher::Event::Init => self.relist = Some(Box::default()),
            watcher::Event::InitApply(o) => self.relist.get_or_insert_default().file(o.meta()),
            watcher::Event::InitDone => {
                let fresh = self.relist.take().map(|b| *b).unwrap_or_default();
                *self = fresh;
            }
        }
    }
}

impl<K> Indexed<K>
where
    K: Resource<DynamicType = ()> + Clone + 'static,
{
    fn new(store: Store<K>, index: Arc<Mutex<ByStackSet>>) -> Self {
        Self { store, index }
    }

    /// The objects of one StackSet (shared, not copied).
    fn owned_refs(&self, ns: &str, name: &str) -> Vec<Arc<K>> {
        let names: Vec<String> = match self.index.lock() {
            Ok(index) => index
                .names
                .get(&(ns.to_string(), name.to_string()))
                .map(|n| n.iter().cloned().collect())
                .unwrap_or_default(),
            Err(_) => return self.scan(ns, name),
        };
        let mut objects: Vec<Arc<K>> = names
            .iter()
            .filter_map(|n| self.store.get(&ObjectRef::new(n).within(ns)))
            // The store may be an event ahead of the index: a relabelled
            // object is not this StackSet's any more.
            .filter(|o| label_is(o.meta(), name))
            .collect();
        // The order the one-shot commands' LIST gives: by name.
        objects.sort_by(|a, b| a.meta().name.cmp(&b.meta().name));
        objects
    }

    /// The same without the index (only if its lock is poisoned).
    fn scan(&self, ns: &str, name: &str) -> Vec<Arc<K>> {
        self.store
            .state_filter(|o| o.meta().namespace.as_deref() == Some(ns) && label_is(o.meta(), name))
    }

    fn owned(&self, ns: &str, name: &str) -> Vec<K> {
        self.owned_refs(ns, name)
            .iter()
            .map(|o| o.as_ref().clone())
            .collect()
    }
}

fn label_is(meta: &ObjectMeta, name: &str) -> bool {
    meta.labels
        .as_ref()
        .and_then(|l| l.get(LABEL_STACKSET))
        .is_some_and(|v| v == name)
}

/// One object's identity and version, for a fingerprint.
fn version_hash<K: Resource<DynamicType = ()>>(o: &K) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    K::kind(&()).hash(&mut h);
    o.meta().name.hash(&mut h);
    o.meta().resource_version.hash(&mut h);
    h.finish()
}

/// Adds the versions of `objects` to a fingerprint: a sum, so the order the
/// store returns them in does not matter.
fn add_versions<K: Resource<DynamicType = ()>>(acc: &mut (u64, u64), objects: &[Arc<K>]) {
    for o in objects {
        acc.0 = acc.0.wrapping_add(version_hash(o.as_ref()));
        acc.1 += 1;
    }
}

impl Stores {
    /// The versions of everything one StackSet's decision reads (the
    /// StackSet itself included), without copying an object.
    fn fingerprint(&self, ss: &StackSet, ns: &str, name: &str) -> u64 {
        let mut acc = (version_hash(ss), 0u64);
        add_versions(&mut acc, &self.stacks.owned_refs(ns, name));
        add_versions(&mut acc, &self.deployments.owned_refs(ns, name));
        add_versions(&mut acc, &self.services.owned_refs(ns, name));
        add_versions(&mut acc, &self.hpas.owned_refs(ns, name));
        add_versions(&mut acc, &self.ingresses.owned_refs(ns, name));
        if let Some(s) = &self.routegroups {
            add_versions(&mut acc, &s.owned_refs(ns, name));
        }
        if let Some(s) = &self.platform_credentials_sets {
            add_versions(&mut acc, &s.owned_refs(ns, name));
        }
        if let Some(s) = &self.config_maps {
            add_versions(&mut acc, &s.owned_refs(ns, name));
        }
        if let Some(s) = &self.secrets {
            add_versions(&mut acc, &s.owned_refs(ns, name));
        }
        let mut fixed = std::collections::hash_map::DefaultHasher::new();
        acc.hash(&mut fixed);
        fixed.finish()
    }

    fn objects_for(&self, ns: &str, name: &str) -> NamespaceObjects {
        NamespaceObjects {
            stacks: self.stacks.owned(ns, name),
            deployments: self.deployments.owned(ns, name),
            services: self.services.owned(ns, name),
            hpas: self.hpas.owned(ns, name),
            ingresses: self.ingresses.owned(ns, name),
            routegroups: self
                .routegroups
                .as_ref()
                .map(|s| s.owned(ns, name))
                .unwrap_or_default(),
            config_maps: self
                .config_maps
                .as_ref()
                .map(|s| s.owned(ns, name))
                .unwrap_or_default(),
            secrets: self
                .secrets
                .as_ref()
                .map(|s| s.owned(ns, name))
                .unwrap_or_default(),
            platform_credentials_sets: self
                .platform_credentials_sets
                .as_ref()
                .map(|s| s.owned(ns, name))
                .unwrap_or_default(),
        }
    }
}

/// Which watch caches have their initial listing. (Not
/// `Store::wait_until_ready`: its one-shot channel wakes only the last of
/// several waiters.)
struct Synced {
    need: usize,
    done: Mutex<HashSet<&'static str>>,
    tx: tokio::sync::watch::Sender<bool>,
    /// A tick after each listing of any kind has replaced its store.
    relisted: futures::channel::mpsc::UnboundedSender<()>,
    relists: Mutex<Option<futures::channel::mpsc::UnboundedReceiver<()>>>,
}

impl Synced {
    fn new(need: usize) -> Arc<Self> {
        let (relisted, relists) = futures::channel::mpsc::unbounded();
        Arc::new(Self {
            need,
            done: Mutex::default(),
            tx: tokio::sync::watch::Sender::new(false),
            relisted,
            relists: Mutex::new(Some(relists)),
        })
    }

    /// A listing replaced a store (and its index): every StackSet is looked
    /// at again. A StackSet that waits for its own events would otherwise
    /// miss what changed while the watch was away: a relist queues nothing
    /// for an object deleted meanwhile, and the reconciles it queues may run
    /// before the listing has replaced the store. Each one whose objects are
    /// unchanged is skipped by its fingerprint.
    fn relisted(&self) {
        let _ = self.relisted.unbounded_send(());
    }

    fn mark(&self, kind: &'static str) {
        if let Ok(mut d) = self.done.lock()
            && d.insert(kind)
            && d.len() >= self.need
        {
            self.tx.send_replace(true);
            metrics::set_ready(true);
            tracing::info!("watch caches synced");
        }
    }

    async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|v| *v).await;
    }
}

struct Ctx {
    client: Client,
    synced: Arc<Synced>,
    stores: Stores,
    stacksets: Store<StackSet>,
    cs: ControllerSettings,
    executor: Executor,
    /// StackSets with an event whose reconcile has not started.
    pending: Arc<Mutex<HashSet<Key>>>,
    /// Consecutive failures per StackSet, for the backoff.
    failures: Mutex<HashMap<Key, u32>>,
    /// StackSets whose last reconcile had nothing to do: the fingerprint of
    /// what it read, and when its decision changes with time alone.
    quiet: Mutex<HashMap<Key, Quiet>>,
    /// What our writes returned, until the caches show them.
    own: OwnWrites,
    report: Arc<Reporter>,
    /// This process as a rollout driver.
    rollout_holder: String,
}

/// How long one of our writes stands in for a cache that has not shown it.
/// A watch event normally comes within milliseconds; this bounds how long an
/// object we created stays visible if its watch events never show it (it
/// was deleted again before the next reconcile, say).
const OWN_WRITE_TTL: Duration = Duration::from_secs(10);

/// Read your own writes: per StackSet, the objects as the API server
/// returned them after our writes. A reconcile decides on them where a
/// cache still holds a version a write replaced (or nothing, for an object
/// we created), and on the cache once it shows anything else. Without it, a
/// reconcile that an event brought before the cache saw our last write
/// decided on the old object: a status written on top of an old
/// resourceVersion is a conflict, a read and a second write; and a new
/// Stack's children could not be decided before the Stack's own watch event
/// came, which held a worker waiting for it.
#[derive(Default)]
struct OwnWrites(Mutex<OwnWritesInner>);

#[derive(Default)]
struct OwnWritesInner {
    by_stackset: HashMap<Key, Vec<(Written, std::time::Instant)>>,
    pruned: Option<std::time::Instant>,
}

impl OwnWrites {
    fn remember(&self, key: &Key, written: Vec<Written>, now: std::time::Instant) {
        let Ok(mut inner) = self.0.lock() else { return };
        if inner
            .pruned
            .is_none_or(|t| now.duration_since(t) > OWN_WRITE_TTL)
        {
            // StackSets that are not reconciled again (deleted) keep nothing.
            inner.pruned = Some(now);
            inner.by_stackset.retain(|_, list| {
                list.retain(|(_, at)| now.duration_since(*at) < OWN_WRITE_TTL);
                !list.is_empty()
            });
        }
        if written.is_empty() {
            return;
        }
        let list = inner.by_stackset.entry(key.clone()).or_default();
        for mut w in written {
            if let Some(i) = list
                .iter()
                .position(|(o, _)| o.kind == w.kind && o.name == w.name)
            {
                let (earlier, _) = list.remove(i);
                w.created |= earlier.created;
                w.superseded.extend(earlier.superseded);
                w.superseded
                    .extend(earlier.object.metadata.resource_version);
            }
            list.push((w, now));
        }
    }

    /// Puts our writes over what the caches gave for one StackSet, and
    /// forgets those the caches have caught up with. Returns the objects
    /// (`Kind name`) whose write stood in for the caches.
    fn overlay(
        &self,
        key: &Key,
        stackset: &mut StackSet,
        objects: &mut NamespaceObjects,
        now: std::time::Instant,
    ) -> Vec<String> {
        let Ok(mut inner) = self.0.lock() else {
            return Vec::new();
        };
        let Some(list) = inner.by_stackset.get_mut(key) else {
            return Vec::new();
        };
        list.retain(|(w, at)| {
            now.duration_since(*at) < OWN_WRITE_TTL
                && match w.kind {
                    Kind::StackSet => overlay_one(stackset, w),
                    Kind::Stack => overlay_list(&mut objects.stacks, w),
                    Kind::Deployment => overlay_list(&mut objects.deployments, w),
                    Kind::Service => overlay_list(&mut objects.services, w),
                    Kind::HorizontalPodAutoscaler => overlay_list(&mut objects.hpas, w),
                    Kind::Ingress => overlay_list(&mut objects.ingresses, w),
                    Kind::RouteGroup => overlay_list(&mut objects.routegroups, w),
                    Kind::ConfigMap => overlay_list(&mut objects.config_maps, w),
                    Kind::Secret => overlay_list(&mut objects.secrets, w),
                    Kind::PlatformCredentialsSet => {
                        overlay_list(&mut objects.platform_credentials_sets, w)
                    }
                }
        });
        let stood_in: Vec<String> = list
            .iter()
            .map(|(w, _)| format!("{} {}", w.kind, w.name))
            .collect();
        if stood_in.is_empty() {
            inner.by_stackset.remove(key);
        }
        stood_in
    }
}

/// The written object as the cache would hold it.
fn typed<K: DeserializeOwned + Resource>(w: &Written) -> Option<K> {
    let mut o: K = serde_json::to_value(&w.object)
        .and_then(serde_json::from_value)
        .ok()?;
    o.meta_mut().managed_fields = None;
    Some(o)
}

/// Whether the cache still holds a version our write replaced.
fn behind(cached: &ObjectMeta, w: &Written) -> bool {
    cached
        .resource_version
        .as_ref()
        .is_some_and(|rv| w.superseded.contains(rv))
}

/// Overlays one write on a cached object; false once the cache is past it.
fn overlay_one<K: DeserializeOwned + Resource>(cached: &mut K, w: &Written) -> bool {
    if !behind(cached.meta(), w) {
        return false;
    }
    typed(w).map(|o| *cached = o).is_some()
}

/// Overlays one write on a list of cached objects; false once the cache
/// shows the object in any version but one the write replaced.
fn overlay_list<K: DeserializeOwned + Resource>(list: &mut Vec<K>, w: &Written) -> bool {
    match list
        .iter_mut()
        .find(|o| o.meta().name.as_deref() == Some(w.name.as_str()))
    {
        Some(cached) => overlay_one(cached, w),
        // Created by our writes, not in the cache yet.
        None if w.created => typed(w).map(|o| list.push(o)).is_some(),
        None => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Quiet {
    fingerprint: u64,
    due: Option<Timestamp>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReconcileError(String);

impl From<Failure> for ReconcileError {
    fn from(f: Failure) -> Self {
        match &f.hint {
            Some(h) => Self(format!("{} (hint: {h})", f.message())),
            None => Self(f.message().to_owned()),
        }
    }
}

fn key_of(ss: &StackSet) -> Key {
    (ss.namespace().unwrap_or_default(), ss.name_any())
}

fn mark_pending(pending: &Mutex<HashSet<Key>>, key: Key) {
    if let Ok(mut p) = pending.lock() {
        p.insert(key);
        metrics::set_queue_depth(p.len());
    }
}

/// A watch that lists again at once when the API server says its resource
/// version expired (410 Gone: after an API server restart, or a watch that
/// fell behind), and otherwise backs off on errors as
/// [`super::retry::watch_backoff`] says. The expiry is not counted as an
/// error: with kube-runtime's default backoff (which grows to 30 s and counts
/// it) the caches stayed stale for over a minute after a real API server
/// restart while the controller kept deciding on them.
fn watch<K>(
    api: Api<K>,
    wc: watcher::Config,
) -> impl Stream<Item = Result<watcher::Event<K>, watcher::Error>> + Send + 'static
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    watcher(api, wc)
        .filter(|e| {
            // The watcher has already gone back to listing.
            let expired = matches!(e, Err(watcher::Error::WatchError(s)) if s.code == 410);
            if expired {
                tracing::debug!("watch expired; listing again");
            }
            std::future::ready(!expired)
        })
        .backoff(super::retry::watch_backoff())
}

/// A watch on one kind, feeding an indexed store, with backoff on errors;
/// `synced` learns when the `required` kinds have their initial listing.
fn reflected<K>(
    api: Api<K>,
    wc: watcher::Config,
    synced: &Arc<Synced>,
    required: bool,
) -> (
    Indexed<K>,
    impl Stream<Item = Result<K, watcher::Error>> + Send + 'static,
)
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
{
    let (store, writer) = reflector::store::<K>();
    let synced = synced.clone();
    let kind = std::any::type_name::<K>();
    let index = Arc::new(Mutex::new(ByStackSet::default()));
    let filing = index.clone();
    let stream = watch(api, wc)
        // No decision reads managedFields (the shell strips them from what
        // it writes); in the caches they were about half of each object.
        .modify(|o| o.meta_mut().managed_fields = None)
        .reflect(writer)
        .inspect(move |e| {
            // After `reflect` applied it to the store.
            if let (Ok(e), Ok(mut index)) = (e, filing.lock()) {
                index.apply(e);
            }
            if matches!(e, Ok(watcher::Event::InitDone)) {
                synced.relisted();
            }
            if required && matches!(e, Ok(watcher::Event::InitDone)) {
                synced.mark(kind);
            }
        })
        .touched_objects()
        .filter(move |r| reported(kind, r));
    (Indexed::new(store, index), stream)
}

/// Logs a watch error and keeps it from the controller: the watch has
/// already backed off (`watch`), and kube-runtime's `Controller` would
/// otherwise pause every trigger, of every kind, on its own backoff that
/// grows to 30 s.
fn reported<K>(kind: &str, r: &Result<K, watcher::Error>) -> std::future::Ready<bool> {
    if let Err(e) = r {
        tracing::warn!(kind, error = %e, "watch");
    }
    std::future::ready(r.is_ok())
}

fn api<K>(client: &Client, watched: &Watched) -> Api<K>
where
    K: Resource<Scope = NamespaceResourceScope, DynamicType = ()>,
{
    match watched {
        Watched::All => Api::all(client.clone()),
        Watched::Namespace(ns) | Watched::One { ns, .. } => Api::namespaced(client.clone(), ns),
    }
}

/// The StackSet an owned object belongs to: its owner reference to a
/// StackSet, or to a Stack whose StackSet we know, else its `stackset` label.
fn stackset_of<K: Resource>(obj: &K, stacks: &Store<Stack>) -> Option<ObjectRef<StackSet>> {
    let ns = obj.meta().namespace.clone()?;
    let owners = obj.meta().owner_references.as_deref().unwrap_or_default();
    for o in owners {
        if o.kind == "StackSet" && o.api_version.starts_with("zalando.org/") {
            return Some(ObjectRef::new(&o.name).within(&ns));
        }
        if o.kind == "Stack" && o.api_version.starts_with("zalando.org/") {
            let stack = stacks.get(&ObjectRef::new(&o.name).within(&ns));
            if let Some(stack) = stack
                && let Some(ss) = stack
                    .metadata
                    .owner_references
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .find(|r| r.kind == "StackSet")
            {
                return Some(ObjectRef::new(&ss.name).within(&ns));
            }
        }
    }
    let name = obj.meta().labels.as_ref()?.get(LABEL_STACKSET)?;
    Some(ObjectRef::new(name).within(&ns))
}

/// Runs the controller until the returned future is dropped.
/// `watches` serves the watches (long reads the server ends); `client`
/// every other request, each bounded in time.
pub async fn run(watches: Client, client: Client, cs: ControllerSettings, report: Arc<Reporter>) {
    let watched = cs.watched.clone();
    let child_wc = match &watched {
        Watched::One { name, .. } => watcher::Config::default().labels(&selector(Some(name))),
        _ => watcher::Config::default().labels(&selector(None)),
    };
    let ss_wc = match &watched {
        Watched::One { name, .. } => {
            watcher::Config::default().fields(&format!("metadata.name={name}"))
        }
        _ => watcher::Config::default(),
    };
    let scope = cs.settings.scope();
    let pending: Arc<Mutex<HashSet<Key>>> = Arc::default();

    // StackSets and the five kinds every StackSet has.
    let synced = Synced::new(6);
    let (ss_store, ss_writer) = reflector::store::<StackSet>();
    let ss_pending = pending.clone();
    let ss_synced = synced.clone();
    let ss_stream = watch(api::<StackSet>(&watches, &watched), ss_wc)
        .reflect(ss_writer)
        .inspect(move |e| {
            if matches!(e, Ok(watcher::Event::InitDone)) {
                ss_synced.mark("stacksets");
                ss_synced.relisted();
            }
        })
        .applied_objects()
        .filter(|r| reported("StackSet", r))
        .inspect(move |r| {
            if let Ok(ss) = r {
                mark_pending(&ss_pending, key_of(ss));
            }
        });

    let (stacks, stack_stream) =
        reflected::<Stack>(api(&watches, &watched), child_wc.clone(), &synced, true);
    let (deployments, dep_stream) =
        reflected::<Deployment>(api(&watches, &watched), child_wc.clone(), &synced, true);
    let (services, svc_stream) =
        reflected::<Service>(api(&watches, &watched), child_wc.clone(), &synced, true);
    let (hpas, hpa_stream) = reflected::<HorizontalPodAutoscaler>(
        api(&watches, &watched),
        child_wc.clone(),
        &synced,
        true,
    );
    let (ingresses, ing_stream) =
        reflected::<Ingress>(api(&watches, &watched), child_wc.clone(), &synced, true);

    let mut controller = Controller::for_stream(ss_stream, ss_store.clone())
        .with_config(
            ControllerConfig::default()
                .concurrency(cs.workers.max(1))
                .debounce(cs.debounce),
        )
        // Errors never reach it (`reported`); the same policy if one did.
        .trigger_backoff(super::retry::watch_backoff());
    if let Some(relists) = synced.relists.lock().ok().and_then(|mut r| r.take()) {
        controller = controller.reconcile_all_on(relists);
    }
    // Every child kind: map the event to its StackSet and queue that one.
    macro_rules! child {
        ($stream:expr) => {{
            let stacks = stacks.store.clone();
            let pending = pending.clone();
            controller = controller.watches_stream($stream, move |obj| {
                let r = stackset_of(&obj, &stacks);
                if let Some(r) = &r {
                    mark_pending(
                        &pending,
                        (r.namespace.clone().unwrap_or_default(), r.name.clone()),
                    );
                }
                r
            });
        }};
    }
    child!(stack_stream);
    child!(dep_stream);
    child!(svc_stream);
    child!(hpa_stream);
    child!(ing_stream);
    let routegroups = if scope.routegroups {
        let (s, stream) =
            reflected::<RouteGroup>(api(&watches, &watched), child_wc.clone(), &synced, false);
        child!(stream);
        Some(s)
    } else {
        None
    };
    let platform_credentials_sets = if scope.platform_credentials_sets {
        let (s, stream) = reflected::<PlatformCredentialsSet>(
            api(&watches, &watched),
            child_wc.clone(),
            &synced,
            false,
        );
        child!(stream);
        Some(s)
    } else {
        None
    };
    // ConfigMaps and Secrets: only those adopted by a stack (they carry its
    // labels) are watched, never the namespace's with their data; one that
    // a stack references but has not adopted yet is read by name when the
    // StackSet is reconciled.
    let config_maps = if scope.config_maps {
        let (s, stream) =
            reflected::<ConfigMap>(api(&watches, &watched), child_wc.clone(), &synced, false);
        child!(stream);
        Some(s)
    } else {
        None
    };
    let secrets = if scope.secrets {
        let (s, stream) =
            reflected::<Secret>(api(&watches, &watched), child_wc.clone(), &synced, false);
        child!(stream);
        Some(s)
    } else {
        None
    };

    let executor =
        Executor::new(client.clone(), cs.settings.exec).with_background_events(cs.events.clone());
    let rollout_holder = rollout_holder(&cs.settings.controller_id);
    let ctx = Arc::new(Ctx {
        client,
        synced,
        stores: Stores {
            stacks,
            deployments,
            services,
            hpas,
            ingresses,
            routegroups,
            config_maps,
            secrets,
            platform_credentials_sets,
        },
        stacksets: ss_store,
        cs,
        executor,
        pending,
        failures: Mutex::default(),
        quiet: Mutex::default(),
        own: OwnWrites::default(),
        report,
        rollout_holder,
    });
    controller
        .run(reconcile, error_policy, ctx)
        .for_each(|r| async move {
            match r {
                Ok(_) => {}
                // Reconcile errors are reported by the reconciler itself.
                Err(kube::runtime::controller::Error::ReconcilerFailed(..)) => {}
                // A StackSet deleted between its event and its turn: nothing
                // left to reconcile, not a failure.
                Err(kube::runtime::controller::Error::ObjectNotFound(obj)) => {
                    tracing::debug!(object = %obj, "gone before its reconcile");
                }
                Err(e) => tracing::warn!(error = %e, "controller"),
            }
        })
        .await;
}

fn error_policy(ss: Arc<StackSet>, err: &ReconcileError, ctx: Arc<Ctx>) -> Action {
    let key = key_of(&ss);
    let n = match ctx.failures.lock() {
        Ok(mut f) => {
            let n = f.entry(key.clone()).or_default();
            *n = n.saturating_add(1);
            *n
        }
        Err(_) => 1,
    };
    eprintln!("error: {err}");
    // 0.5 s, 1 s, 2 s, … up to the interval.
    let delay = Duration::from_millis(500)
        .saturating_mul(1u32 << (n - 1).min(16))
        .min(ctx.cs.interval.max(Duration::from_secs(1)));
    Action::requeue(delay)
}

async fn reconcile(ss: Arc<StackSet>, ctx: Arc<Ctx>) -> Result<Action, ReconcileError> {
    // Nothing is decided on caches that have not been listed yet.
    ctx.synced.wait().await;
    let key = key_of(&ss);
    if let Ok(mut p) = ctx.pending.lock() {
        p.remove(&key);
        metrics::set_queue_depth(p.len());
    }
    let start = tokio::time::Instant::now();
    let result = reconcile_stackset(ss, &ctx).await;
    metrics::reconciled(start.elapsed(), result.is_ok());
    if result.is_ok()
        && let Ok(mut f) = ctx.failures.lock()
    {
        f.remove(&key);
    }
    result
}

async fn reconcile_stackset(ss: Arc<StackSet>, ctx: &Ctx) -> Result<Action, ReconcileError> {
    let key = key_of(&ss);
    let (ns, name) = key.clone();
    let fingerprint = ctx.stores.fingerprint(&ss, &ns, &name);
    let quiet = ctx.quiet.lock().ok().and_then(|q| q.get(&key).copied());
    if let Some(q) = quiet.filter(|q| q.fingerprint == fingerprint) {
        let now = (ctx.cs.now)();
        if q.due.is_none_or(|due| now < due) {
            tracing::trace!(%ns, %name, "resync skipped: unchanged since a no-op");
            metrics::resync_skipped();
            return Ok(wake_at(q.due, now));
        }
    }
    if let Ok(mut q) = ctx.quiet.lock() {
        q.remove(&key);
    }
    // The message names the StackSet (tests count reconciles per StackSet).
    tracing::debug!("reconcile stackset {ns}/{name}");
    if ss.metadata.deletion_timestamp.is_some() {
        return Ok(Action::await_change());
    }
    let settings = &ctx.cs.settings;
    match ManagedBy::of(&ss, &settings.controller_id) {
        ManagedBy::ClientSide { .. } => {}
        _ if !settings.claim => {
            tracing::debug!(%ns, %name, "skipped: not managed by us");
            return Ok(Action::await_change());
        }
        // The claim's own watch event brings it back, and so does the
        // event of a write that beat it (a conflict).
        _ => {
            return match ensure_ours(&ctx.client, &ss, settings).await {
                Ok(_) | Err(ExecError::Conflict(_)) => Ok(Action::await_change()),
                Err(ExecError::Failed(f) | ExecError::StackFailed(f)) => Err(f.into()),
            };
        }
    }
    let ss_ref = ObjectRef::<StackSet>::new(&name).within(&ns);
    // The status write of a create plan, held for the decision after it,
    // and the snapshot of the pass that held it.
    let mut held: Option<HeldStatus> = None;
    let mut last: Option<Snapshot> = None;
    const PASSES: usize = 5;
    for pass in 1..=PASSES {
        let mut executed = Vec::new();
        let now = (ctx.cs.now)();
        let mut stackset = ctx
            .stacksets
            .get(&ss_ref)
            .map_or_else(|| (*ss).clone(), |s| (*s).clone());
        let mut objects = ctx.stores.objects_for(&ns, &name);
        let stood = ctx
            .own
            .overlay(&key, &mut stackset, &mut objects, std::time::Instant::now());
        if !stood.is_empty() {
            // The message names the StackSet (tests look for it).
            tracing::debug!(
                "stackset {ns}/{name}: deciding on our own writes of {}",
                stood.join(", ")
            );
        }
        let stood_in = !stood.is_empty();
        if let Some(h) = &held {
            h.apply_to(&mut stackset);
        }
        if let Err(e) = read_unadopted(ctx, &ns, &mut objects).await {
            if let Some(snapshot) = &last {
                write_held(ctx, &key, held.take(), snapshot).await;
            }
            return Err(e);
        }
        let (mut rec, snapshot) = decide(&objects, stackset.clone(), settings, now);
        let folded = held.take();
        if let Some(h) = &folded {
            h.clone().fold_into(&mut rec.plan, &stackset);
        }
        // Held only when another pass follows to write it.
        if pass < PASSES && !settings.exec.server_dry_run {
            held = rec.plan.hold_status();
        }
        let mut stack_failure = None;
        // What the plan wrote is remembered even when it failed part-way:
        // the next decision stands in for those writes too.
        let mut written = Vec::new();
        let result = ctx
            .executor
            .execute_into(&rec.plan, &snapshot, &mut written)
            .await;
        ctx.own.remember(&key, written, std::time::Instant::now());
        match result {
            Ok(()) => executed.extend(rec.plan.iter().map(ToString::to_string)),
            Err(ExecError::StackFailed(f)) => stack_failure = Some(f),
            // Our cache was behind a write; the watch event that brings it
            // up to date queues the StackSet again.
            Err(ExecError::Conflict(why)) => {
                tracing::debug!(%ns, %name, %why, "conflict; waiting for the cache");
                write_held(ctx, &key, folded, &snapshot).await;
                return Ok(Action::requeue(Duration::from_secs(1)));
            }
            Err(ExecError::Failed(f)) => {
                write_held(ctx, &key, folded, &snapshot).await;
                return Err(f.into());
            }
        }
        ctx.executor.publish_all(&rec.events).await;
        if !rec.plan.is_empty() || !rec.errors.is_empty() {
            (ctx.report)(&ns, &name, &executed, &rec);
        }
        let rollout_due = if rec.plan.requires_resnapshot() || settings.exec.server_dry_run {
            None
        } else {
            drive_rollout(ctx, &stackset, &rec, now).await?
        };
        if let Some(f) = stack_failure {
            write_held(ctx, &key, held, &snapshot).await;
            return Err(f.into());
        }
        if let Some(e) = rec.errors.first() {
            write_held(ctx, &key, held, &snapshot).await;
            return Err(ReconcileError(format!("stackset {ns}/{name}: {e}")));
        }
        if rec.plan.requires_resnapshot() && !settings.exec.server_dry_run {
            // The new Stack's children need its UID: decide again on the
            // Stack (and the StackSet) as our writes returned them.
            last = Some(snapshot);
            continue;
        }
        let mut due = next_due(&rec, &stackset);
        if let Some(after) = rollout_due {
            // A running rollout is looked at again when its hold ends, its
            // claim needs renewing or another driver's claim would lapse.
            let at = now.checked_add(after).unwrap_or(now);
            due = Some(due.map_or(at, |d| d.min(at)));
        }
        // A no-op decided on our writes, not on the caches, is not
        // remembered as one: the fingerprint is the caches', and if a write
        // never shows there (the object was deleted meanwhile), the
        // StackSet must be decided again once the write has lapsed.
        if rec.plan.is_empty() && rec.events.is_empty() && rec.errors.is_empty() && !stood_in {
            // Decided on the objects `fingerprint` was taken of (or newer
            // ones, which only makes the next comparison fail).
            if let Ok(mut q) = ctx.quiet.lock() {
                q.insert(key, Quiet { fingerprint, due });
            }
            match due {
                Some(due) => {
                    tracing::debug!("quiet stackset {ns}/{name}: nothing to do until {due}")
                }
                None => tracing::debug!("quiet stackset {ns}/{name}: nothing to do until a change"),
            }
            return Ok(wake_at(due, now));
        }
        let mut after = requeue_after(ctx.cs.interval, due, now);
        if stood_in {
            // Looked at again by the time the writes lapse, at the latest.
            after = after.min(OWN_WRITE_TTL);
        }
        return Ok(Action::requeue(after));
    }
    Ok(Action::requeue(Duration::from_secs(1)))
}

/// Writes a held StackSet status alone ([`Executor::write_held`]) and
/// remembers the write, so that the next decision starts from it even while
/// the cache lags: decided on the cache alone, it could write a status
/// without the held `observedStackVersion` over it.
async fn write_held(ctx: &Ctx, key: &Key, held: Option<HeldStatus>, snapshot: &Snapshot) {
    let written = ctx.executor.write_held(held, snapshot).await;
    if !written.is_empty() {
        ctx.own.remember(key, written, std::time::Instant::now());
    }
}

/// Adds the ConfigMaps and Secrets that the stacks reference but that are
/// not in the caches yet (not adopted, so not labelled): read by name.
async fn read_unadopted(
    ctx: &Ctx,
    ns: &str,
    objects: &mut NamespaceObjects,
) -> Result<(), ReconcileError> {
    let scope = ctx.cs.settings.scope();
    let (config_maps, secrets) = referenced_names(&objects.stacks);
    let missing = |names: Vec<String>, have: Vec<&str>| -> Vec<String> {
        names
            .into_iter()
            .filter(|n| !have.contains(&n.as_str()))
            .collect()
    };
    if scope.config_maps {
        let have = objects
            .config_maps
            .iter()
            .map(|c| c.metadata.name.as_deref().unwrap_or_default())
            .collect();
        let names = missing(config_maps, have);
        if !names.is_empty() {
            objects
                .config_maps
                .extend(get_named::<ConfigMap>(&ctx.client, ns, &names).await?);
        }
    }
    if scope.secrets {
        let have = objects
            .secrets
            .iter()
            .map(|c| c.metadata.name.as_deref().unwrap_or_default())
            .collect();
        let names = missing(secrets, have);
        if !names.is_empty() {
            objects
                .secrets
                .extend(get_named::<Secret>(&ctx.client, ns, &names).await?);
        }
    }
    Ok(())
}

/// When a StackSet that has nothing to do is looked at again: when its
/// decision changes with time alone (a scale-down TTL, a prescaling reset,
/// a rollout step), else only on a watch event, or when any watch listed
/// again after a gap (`Synced::relisted` queues every StackSet then). A
/// periodic resync of it would decide nothing: its fingerprint covers all
/// it reads, and `next_due` is the core's only time dependence. Resyncing
/// 100 quiet StackSets every 10 s cost as much CPU as upstream's whole
/// controller at rest.
fn wake_at(due: Option<Timestamp>, now: Timestamp) -> Action {
    until_due(due, now).map_or_else(Action::await_change, Action::requeue)
}

/// The resync interval, or sooner when something falls due.
fn requeue_after(interval: Duration, due: Option<Timestamp>, now: Timestamp) -> Duration {
    until_due(due, now).map_or(interval, |wait| interval.min(wait))
}

/// How long until `due`, never less than 100 ms (a due time already past
/// is looked at again shortly, not in a busy loop).
fn until_due(due: Option<Timestamp>, now: Timestamp) -> Option<Duration> {
    let wait = due?.duration_since(now).as_secs_f64().max(0.0);
    Some(Duration::from_secs_f64(wait).max(Duration::from_millis(100)))
}

/// Who this controller process is, as a rollout's driver.
fn rollout_holder(controller_id: &str) -> String {
    format!(
        "{controller_id} ({}_{})",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "kubectl-stackset".into()),
        std::process::id()
    )
}

/// Carries a recorded rollout on by one step of the pure state machine
/// (record + the decision just executed + `now`), when it runs and no live
/// driver holds it: a `kubectl stackset rollout` whose heartbeat stopped
/// (terminal closed, process killed), or none at all. A live CLI driver
/// keeps the rollout; this loop looks again when its claim would lapse.
/// Every write is guarded by the record it was decided on, so of two
/// drivers only one acts on an observation. Returns when to look again.
async fn drive_rollout(
    ctx: &Ctx,
    stackset: &StackSet,
    rec: &Reconciliation,
    now: Timestamp,
) -> Result<Option<Duration>, ReconcileError> {
    let Ok(Some(record)) = RolloutRecord::from_annotations(stackset.metadata.annotations.as_ref())
    else {
        return Ok(None);
    };
    if record.state != RolloutState::Running {
        return Ok(None);
    }
    let (ns, name) = key_of(stackset);
    let me = &ctx.rollout_holder;
    let until = |t: Timestamp| {
        Duration::from_secs(u64::try_from((t.as_second() - now.as_second()).max(0)).unwrap_or(0))
    };
    if !record.may_drive(me, now) {
        let lapses = record.driver.as_ref().map_or(now, |d| d.expires());
        return Ok(Some(until(lapses) + Duration::from_secs(1)));
    }
    let since = match &record.driver {
        Some(d) if &d.holder == me => d.since,
        _ => now,
    };
    let decision = match rec.errors.first() {
        Some(e) => Decision::Fail {
            reason: format!("stackset {name}: {e}"),
        },
        None => decide_rollout(
            &record,
            &Observed::from_reconciliation(rec, stackset, &record, true),
            now,
            &record.limits(since),
        ),
    };
    let existing: Vec<String> = rec
        .stacks
        .iter()
        .filter(|s| !s.pending_removal)
        .map(|s| s.name.clone())
        .collect();
    let renew = Duration::from_secs(DRIVER_LEASE_SECONDS / 3);
    let (next, traffic, note, after) = match advance(&record, decision, &existing, now) {
        Advance::Idle => return Ok(None),
        Advance::Wait { after_seconds } => {
            let after =
                until(Timestamp::from_second(now.as_second() + after_seconds).unwrap_or(now));
            if !record.needs_renewal(me, now) {
                return Ok(Some(after.min(renew)));
            }
            (record.clone(), None, None, after.min(renew))
        }
        Advance::Write {
            record: next,
            traffic,
            note,
        } => (*next, traffic, Some(note), Duration::from_secs(1)),
    };
    let taking_over = record.driver.as_ref().is_none_or(|d| &d.holder != me);
    let edited = edit_stackset(
        &ctx.client,
        &ns,
        &name,
        WriteMode::Live,
        Some(stackset.clone()),
        |ss| {
            let Ok(Some(current)) =
                RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
            else {
                return Ok(false);
            };
            // Only on the record this was decided on, and only while no
            // other live driver holds it.
            if current.version != record.version
                || current.step != record.step
                || current.state != record.state
                || current.step_reached != record.step_reached
                || !current.may_drive(me, now)
            {
                return Ok(false);
            }
            let mut next = next.clone();
            next.driver = current.driver.clone();
            next.claim(DriverKind::Controller, me, now);
            if let Some(w) = &traffic {
                ss.spec.traffic = desired_traffic(w);
            }
            next.store(&mut ss.metadata.annotations);
            Ok(true)
        },
    )
    .await?;
    if edited.value {
        if taking_over {
            let from = record
                .driver
                .as_ref()
                .map(|d| format!(" (its driver {} stopped)", d.describe()))
                .unwrap_or_default();
            eprintln!(
                "stackset {ns}/{name}: took over the rollout to {}{from}",
                record.version
            );
        }
        if let Some(note) = note {
            eprintln!(
                "stackset {ns}/{name}: rollout to {}: {note}",
                record.version
            );
        }
    }
    Ok(Some(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(name: &str, owner: Option<&str>) -> ConfigMap {
        ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("ns".into()),
                labels: owner.map(|o| [(LABEL_STACKSET.to_string(), o.to_string())].into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn names(index: &ByStackSet, owner: &str) -> Vec<String> {
        let mut n: Vec<String> = index
            .names
            .get(&("ns".to_string(), owner.to_string()))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        n.sort();
        n
    }

    #[test]
    fn a_due_time_is_waited_for_never_under_100_ms_nor_past_the_interval() {
        let at = |s: i64| Timestamp::from_second(s).unwrap();
        let now = at(1_000);
        assert_eq!(until_due(None, now), None);
        assert_eq!(
            until_due(Some(at(1_005)), now),
            Some(Duration::from_secs(5))
        );
        // Already past: looked at again shortly, not at once in a loop.
        assert_eq!(
            until_due(Some(at(990)), now),
            Some(Duration::from_millis(100))
        );
        assert_eq!(wake_at(None, now), Action::await_change());
        assert_eq!(
            wake_at(Some(at(1_030)), now),
            Action::requeue(Duration::from_secs(30))
        );
        let interval = Duration::from_secs(10);
        assert_eq!(requeue_after(interval, None, now), interval);
        assert_eq!(requeue_after(interval, Some(at(1_030)), now), interval);
        assert_eq!(
            requeue_after(interval, Some(at(1_003)), now),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn the_index_follows_labels_deletions_and_relists() {
        let mut index = ByStackSet::default();
        index.apply(&watcher::Event::Apply(cm("a-v1", Some("a"))));
        index.apply(&watcher::Event::Apply(cm("a-v2", Some("a"))));
        index.apply(&watcher::Event::Apply(cm("free", None)));
        assert_eq!(names(&index, "a"), ["a-v1", "a-v2"]);

        // Relabelled: filed under its new StackSet only; unlabelled: nowhere.
        index.apply(&watcher::Event::Apply(cm("a-v2", Some("b"))));
        assert_eq!(names(&index, "a"), ["a-v1"]);
        assert_eq!(names(&index, "b"), ["a-v2"]);
        index.apply(&watcher::Event::Apply(cm("a-v2", None)));
        assert!(names(&index, "b").is_empty());
        assert!(!index.names.contains_key(&("ns".into(), "b".into())));

        index.apply(&watcher::Event::Delete(cm("a-v1", Some("a"))));
        assert!(names(&index, "a").is_empty());

        // A relist replaces the index at its end, not before.
        index.apply(&watcher::Event::Apply(cm("gone", Some("a"))));
        index.apply(&watcher::Event::<ConfigMap>::Init);
        index.apply(&watcher::Event::InitApply(cm("c-v1", Some("c"))));
        assert_eq!(names(&index, "a"), ["gone"]);
        assert!(names(&index, "c").is_empty());
        index.apply(&watcher::Event::<ConfigMap>::InitDone);
        assert!(names(&index, "a").is_empty());
        assert_eq!(names(&index, "c"), ["c-v1"]);
        assert_eq!(index.filed.len(), 1);
    }

    fn written(kind: Kind, name: &str, rv: &str, superseded: &[&str]) -> Written {
        let mut object = match kind {
            Kind::StackSet => serde_json::to_value(with_rv::<StackSet>(name, rv)),
            _ => serde_json::to_value(with_rv::<Stack>(name, rv)),
        }
        .unwrap();
        object["metadata"]["uid"] = format!("uid-{rv}").into();
        object["metadata"]["managedFields"] = serde_json::json!([{"manager": "kubectl-stackset"}]);
        Written {
            kind,
            name: name.into(),
            superseded: superseded.iter().map(ToString::to_string).collect(),
            created: superseded.is_empty(),
            object: serde_json::from_value(object).unwrap(),
        }
    }

    fn with_rv<K: Resource + Default>(name: &str, rv: &str) -> K {
        let mut o = K::default();
        o.meta_mut().name = Some(name.into());
        o.meta_mut().namespace = Some("ns".into());
        o.meta_mut().resource_version = Some(rv.into());
        o
    }

    fn rvs<K: Resource>(list: &[K]) -> Vec<String> {
        list.iter()
            .map(|o| o.meta().resource_version.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn own_writes_stand_in_until_the_cache_shows_something_else() {
        let own = OwnWrites::default();
        let key: Key = ("ns".into(), "app".into());
        let t0 = std::time::Instant::now();
        // One plan: the StackSet's spec.traffic (5 -> 6) then its status
        // (6 -> 7), folded into one; a Stack created (-> 8).
        own.remember(
            &key,
            vec![
                written(Kind::StackSet, "app", "7", &["5", "6"]),
                written(Kind::Stack, "app-v1", "8", &[]),
            ],
            t0,
        );

        // The caches are behind both: the reconcile sees the writes.
        let mut ss: StackSet = with_rv("app", "5");
        let mut objects = NamespaceObjects::default();
        own.overlay(&key, &mut ss, &mut objects, t0);
        assert_eq!(ss.metadata.resource_version.as_deref(), Some("7"));
        assert_eq!(rvs(&objects.stacks), ["8"]);
        assert!(objects.stacks[0].metadata.managed_fields.is_none());
        assert_eq!(objects.stacks[0].metadata.uid.as_deref(), Some("uid-8"));

        // The cache shows the intermediate version: still ours to show.
        let mut ss: StackSet = with_rv("app", "6");
        let mut objects = NamespaceObjects::default();
        own.overlay(&key, &mut ss, &mut objects, t0);
        assert_eq!(ss.metadata.resource_version.as_deref(), Some("7"));

        // The cache caught up with the Stack and someone else changed the
        // StackSet after us: the caches win, and both writes are forgotten.
        let mut ss: StackSet = with_rv("app", "9");
        let mut objects = NamespaceObjects {
            stacks: vec![with_rv("app-v1", "8")],
            ..Default::default()
        };
        own.overlay(&key, &mut ss, &mut objects, t0);
        assert_eq!(ss.metadata.resource_version.as_deref(), Some("9"));
        assert_eq!(rvs(&objects.stacks), ["8"]);
        assert!(own.0.lock().unwrap().by_stackset.is_empty());

        // A write the caches never show (deleted meanwhile) lapses.
        own.remember(&key, vec![written(Kind::Stack, "app-v2", "10", &[])], t0);
        let mut objects = NamespaceObjects::default();
        let later = t0 + OWN_WRITE_TTL + Duration::from_millis(1);
        own.overlay(&key, &mut ss, &mut objects, later);
        assert!(objects.stacks.is_empty());
        assert!(own.0.lock().unwrap().by_stackset.is_empty());
    }

    #[test]
    fn a_second_write_of_an_object_supersedes_the_first() {
        let own = OwnWrites::default();
        let key: Key = ("ns".into(), "app".into());
        let t0 = std::time::Instant::now();
        own.remember(&key, vec![written(Kind::StackSet, "app", "6", &["5"])], t0);
        own.remember(&key, vec![written(Kind::StackSet, "app", "8", &["6"])], t0);
        for cached in ["5", "6"] {
            let mut ss: StackSet = with_rv("app", cached);
            own.overlay(&key, &mut ss, &mut NamespaceObjects::default(), t0);
            assert_eq!(ss.metadata.resource_version.as_deref(), Some("8"));
        }
    }

    #[test]
    fn an_object_we_created_and_wrote_again_stands_in_until_the_cache_has_it() {
        let own = OwnWrites::default();
        let key: Key = ("ns".into(), "app".into());
        let t0 = std::time::Instant::now();
        // Created (-> 8), then its status written in the next pass (8 -> 9).
        own.remember(&key, vec![written(Kind::Stack, "app-v1", "8", &[])], t0);
        own.remember(&key, vec![written(Kind::Stack, "app-v1", "9", &["8"])], t0);
        let mut ss: StackSet = with_rv("app", "5");
        let mut objects = NamespaceObjects::default();
        assert_eq!(
            own.overlay(&key, &mut ss, &mut objects, t0),
            ["Stack app-v1"]
        );
        assert_eq!(rvs(&objects.stacks), ["9"]);
        // Once the cache has it at our last version, the cache decides.
        let mut objects = NamespaceObjects {
            stacks: vec![with_rv("app-v1", "9")],
            ..Default::default()
        };
        assert!(own.overlay(&key, &mut ss, &mut objects, t0).is_empty());
        assert_eq!(rvs(&objects.stacks), ["9"]);
    }
}
