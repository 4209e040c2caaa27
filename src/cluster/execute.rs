//! Executing a core plan, in order: server-side apply (field manager
//! `kubectl-stackset`) for creates, full updates guarded by the observed
//! resourceVersion for updates, deletes with a UID
//! precondition and background propagation, a full update for `spec.traffic`
//! (optimistic concurrency, like upstream), status-subresource replaces
//! retried with a fresh read on conflict, and the events upstream emits
//! (published before going on, or, in the controller, queued for a task of
//! their own: `background_events`).

use std::time::Duration;

use k8s_openapi::api::core::v1::ObjectReference;
use kube::Client;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, Patch, PatchParams, PostParams, Preconditions,
    PropagationPolicy,
};
use kube::runtime::events::{Event as KubeEvent, EventType as KubeEventType, Recorder, Reporter};
use serde_json::Value;
use stackset_core::{
    Action, Event, EventType, HeldStatus, Kind, ObjectRef, Plan, Reason, Snapshot,
};

use super::error::{Op, failure};
use super::mutate::kept_changing;
use super::retry::{CONFLICT_READS, conflict_pauses, is_conflict, with_retries};
use crate::error::Failure;

/// Our field manager for server-side apply and updates.
pub const FIELD_MANAGER: &str = "kubectl-stackset";

/// The API coordinates of a core kind.
pub fn api_resource(kind: Kind) -> ApiResource {
    let (group, version, plural) = match kind {
        Kind::StackSet => ("zalando.org", "v1", "stacksets"),
        Kind::Stack => ("zalando.org", "v1", "stacks"),
        Kind::RouteGroup => ("zalando.org", "v1", "routegroups"),
        Kind::PlatformCredentialsSet => ("zalando.org", "v1", "platformcredentialssets"),
        Kind::Deployment => ("apps", "v1", "deployments"),
        Kind::HorizontalPodAutoscaler => ("autoscaling", "v2", "horizontalpodautoscalers"),
        Kind::Ingress => ("networking.k8s.io", "v1", "ingresses"),
        Kind::Service => ("", "v1", "services"),
        Kind::ConfigMap => ("", "v1", "configmaps"),
        Kind::Secret => ("", "v1", "secrets"),
    };
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: kind.api_version().into(),
        kind: kind.as_str().into(),
        plural: plural.into(),
    }
}

fn op<'a>(verb: &'a str, ar: &'a ApiResource, target: &'a ObjectRef) -> Op<'a> {
    Op {
        verb,
        resource: &ar.plural,
        group: &ar.group,
        name: Some(&target.name),
        namespace: Some(&target.namespace),
    }
}

/// An object as the API server returned it after one of our writes, with
/// the resourceVersions that write (and earlier ones of the same plan)
/// replaced. Until a watch cache shows a newer version, this is the object's
/// current state: the controller decides on it instead of the cache
/// (`controller::OwnWrites`), and a later write in the same plan sends it.
#[derive(Debug, Clone)]
pub struct Written {
    pub kind: Kind,
    pub name: String,
    /// Versions this object had before our writes.
    pub superseded: Vec<String>,
    /// Whether one of the writes created it (absent from the caches).
    pub created: bool,
    pub object: DynamicObject,
}

impl Written {
    fn new(kind: Kind, name: &str, before: Option<&str>, object: DynamicObject) -> Self {
        Self {
            kind,
            name: name.to_string(),
            superseded: before.map(str::to_string).into_iter().collect(),
            created: false,
            object,
        }
    }

    fn create(kind: Kind, name: &str, object: DynamicObject) -> Self {
        Self {
            created: true,
            ..Self::new(kind, name, None, object)
        }
    }
}

/// Records `w`, folding in an earlier write of the same object in this plan.
fn record(written: &mut Vec<Written>, mut w: Written) {
    if let Some(i) = written
        .iter()
        .position(|o| o.kind == w.kind && o.name == w.name)
    {
        let earlier = written.remove(i);
        w.created |= earlier.created;
        w.superseded.extend(earlier.superseded);
        if let Some(rv) = earlier.object.metadata.resource_version {
            w.superseded.push(rv);
        }
    }
    written.push(w);
}

/// How a plan is executed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecOptions {
    /// Server-side dry run: the API server validates and admits, nothing is stored.
    pub server_dry_run: bool,
    /// Publish the events upstream's controller would.
    pub events: bool,
}

/// The executor: one client, one event recorder.
pub struct Executor {
    client: Client,
    publisher: Publisher,
    opts: ExecOptions,
    background: Option<BackgroundEvents>,
}

/// Sends events to the API server.
#[derive(Clone)]
struct Publisher {
    recorder: Recorder,
    opts: ExecOptions,
}

/// The queue of a task that publishes events in order, apart from the
/// reconciles, as client-go's recorder does upstream's: a reconcile does not
/// wait for its events (often a third of its requests). Like client-go's
/// broadcaster it holds a bounded number of events ([`EVENT_QUEUE`]) and
/// drops what comes when it is full (an API server that is away for long),
/// so it never grows without bound.
#[derive(Clone)]
pub struct BackgroundEvents(tokio::sync::mpsc::Sender<Event>);

/// How many events wait for the publishing task at most: ten times
/// client-go's 1,000, so that creating 1,000 StackSets at once (about six
/// events each) drops none even if none had gone out yet.
pub const EVENT_QUEUE: usize = 10_000;

/// The task behind [`BackgroundEvents`]; it ends once every queue handle is
/// dropped and what was queued is sent.
pub struct EventsSent(tokio::task::JoinHandle<()>);

impl EventsSent {
    /// Waits up to `limit` for the queued events to go out.
    pub async fn wait(self, limit: Duration) {
        let _ = tokio::time::timeout(limit, self.0).await;
    }
}

/// Starts the task that publishes events for the controller.
pub fn background_events(client: Client, opts: ExecOptions) -> (BackgroundEvents, EventsSent) {
    let publisher = Publisher::new(client, opts);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Event>(EVENT_QUEUE);
    let task = tokio::spawn(async move {
        while let Some(ev) = rx.recv().await {
            publisher.publish(&ev).await;
        }
    });
    (BackgroundEvents(tx), EventsSent(task))
}

/// Why executing a plan stopped.
#[derive(Debug)]
pub enum ExecError {
    /// Someone else changed an object we read (409): take a new snapshot and
    /// reconcile again.
    Conflict(String),
    /// A failure to report.
    Failed(Failure),
    /// A sub-resource of a stack was refused; the rest of the plan ran.
    StackFailed(Failure),
}

/// An object as JSON for a request. Serialising our own types does not fail
/// in practice; if it ever did, the write must not go out with `null` in
/// place of the object (a status of `null` would wipe the status).
fn encode<T: serde::Serialize + ?Sized>(what: &str, value: &T) -> Result<Value, ExecError> {
    serde_json::to_value(value).map_err(|e| cannot_encode(what, &e))
}

fn cannot_encode(what: &str, e: &serde_json::Error) -> ExecError {
    ExecError::Failed(Failure::error(format!("cannot encode {what}: {e}")))
}

/// The Stack that owns a generated sub-resource (its only ownerReference).
fn stack_owner(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> Option<(String, String)> {
    match meta.owner_references.as_deref() {
        Some([o]) if o.kind == "Stack" => Some((o.name.clone(), o.uid.clone())),
        _ => None,
    }
}

impl Publisher {
    fn new(client: Client, opts: ExecOptions) -> Self {
        let reporter = Reporter {
            controller: FIELD_MANAGER.into(),
            instance: None,
        };
        Self {
            recorder: Recorder::new(client, reporter),
            opts,
        }
    }

    async fn publish(&self, ev: &Event) {
        if !self.opts.events || self.opts.server_dry_run {
            return;
        }
        let ar = api_resource(ev.involved.kind);
        let reference = ObjectReference {
            api_version: Some(ar.api_version.clone()),
            kind: Some(ar.kind.clone()),
            name: Some(ev.involved.name.clone()),
            namespace: Some(ev.involved.namespace.clone()),
            uid: ev.involved.uid.clone(),
            ..Default::default()
        };
        let event = KubeEvent {
            type_: match ev.type_ {
                EventType::Normal => KubeEventType::Normal,
                EventType::Warning => KubeEventType::Warning,
            },
            reason: ev.reason.to_string(),
            note: Some(truncate(&ev.message, 1000)),
            action: "Reconcile".into(),
            secondary: None,
        };
        if let Err(e) = with_retries(|| self.recorder.publish(&event, &reference)).await {
            tracing::warn!(reason = %ev.reason, error = %e, "could not publish event");
        }
    }
}

impl Executor {
    pub fn new(client: Client, opts: ExecOptions) -> Self {
        Self {
            publisher: Publisher::new(client.clone(), opts),
            client,
            opts,
            background: None,
        }
    }

    /// Hands events to `queue` instead of publishing them before going on.
    pub fn with_background_events(mut self, queue: BackgroundEvents) -> Self {
        self.background = Some(queue);
        self
    }

    fn api(&self, kind: Kind, ns: &str) -> (Api<DynamicObject>, ApiResource) {
        let ar = api_resource(kind);
        (Api::namespaced_with(self.client.clone(), ns, &ar), ar)
    }

    /// Runs the plan in order. `snapshot` supplies the observed objects that
    /// status writes need; an object this plan wrote before is sent as the
    /// server returned it (its new resourceVersion), not as observed, so
    /// `spec.traffic` and then the status of one StackSet cost two writes,
    /// not a conflict, a read and a third. Returns what the server returned
    /// for each object written (nothing on a server-side dry run).
    pub async fn execute(
        &self,
        plan: &Plan,
        snapshot: &Snapshot,
    ) -> Result<Vec<Written>, ExecError> {
        let mut written = Vec::new();
        self.execute_into(plan, snapshot, &mut written).await?;
        Ok(written)
    }

    /// As [`Self::execute`], but what was written is pushed to `written`
    /// (empty on entry: a later write of an object replaces its earlier
    /// entry) as it happens, so a plan that fails part-way still tells what
    /// it wrote before the failure (the controller stands in for those
    /// writes as for any other). Nothing is left there on a server-side dry
    /// run.
    pub async fn execute_into(
        &self,
        plan: &Plan,
        snapshot: &Snapshot,
        written: &mut Vec<Written>,
    ) -> Result<(), ExecError> {
        debug_assert!(written.is_empty(), "execute_into starts from no writes");
        let result = self.run(plan, snapshot, written).await;
        if self.opts.server_dry_run {
            written.clear();
        }
        result
    }

    async fn run(
        &self,
        plan: &Plan,
        snapshot: &Snapshot,
        written: &mut Vec<Written>,
    ) -> Result<(), ExecError> {
        let latest = |written: &Vec<Written>, kind: Kind, name: &str| {
            written
                .iter()
                .find(|w| w.kind == kind && w.name == name)
                .map(|w| encode("the object written", &w.object))
                .transpose()
        };
        // Stacks whose sub-resource the API server refused in this plan, and
        // the first such failure. As upstream does, the rest of that stack's
        // sub-resources wait for the next pass (the core orders them as
        // upstream does), a FailedManage<Kind> warning goes to the Stack,
        // and the other stacks and the statuses are still written.
        let mut failed_stacks: Vec<(String, String)> = Vec::new();
        let mut first_failure: Option<Failure> = None;
        for action in plan {
            tracing::debug!(action = %action, "executing");
            let owner = match action {
                Action::Create { object, .. } | Action::Update { object, .. } => {
                    stack_owner(object.meta())
                }
                _ => None,
            };
            if let Some(stack) = &owner
                && failed_stacks.contains(stack)
            {
                tracing::debug!(action = %action, "skipped: an earlier step of this stack failed");
                continue;
            }
            let done = match action {
                Action::Create { object, .. } => match object.to_json() {
                    Ok(body) => self.apply(body, &object.object_ref()).await.map(|o| {
                        let target = object.object_ref();
                        record(written, Written::create(target.kind, &target.name, o));
                    }),
                    Err(e) => Err(cannot_encode(&object.object_ref().to_string(), &e)),
                },
                // An update replaces labels, annotations and spec wholesale,
                // as upstream does: with server-side apply, an annotation
                // someone else added would survive, the object would never
                // match the desired one, and every pass would rewrite it.
                // The observed resourceVersion guards against lost updates.
                Action::Update { object, .. } => match object.to_json() {
                    Ok(body) => {
                        let target = object.object_ref();
                        let before = object.meta().resource_version.as_deref();
                        self.replace(&target, body).await.map(|o| {
                            record(written, Written::new(target.kind, &target.name, before, o));
                        })
                    }
                    Err(e) => Err(cannot_encode(&object.object_ref().to_string(), &e)),
                },
                _ => Ok(()),
            };
            match (done, &owner) {
                (Ok(()), _) => {}
                (Err(ExecError::Failed(f)), Some(stack)) => {
                    let target = action.target();
                    self.publish(&Event {
                        involved: ObjectRef {
                            kind: Kind::Stack,
                            namespace: target.namespace.clone(),
                            name: stack.0.clone(),
                            uid: Some(stack.1.clone()),
                        },
                        type_: EventType::Warning,
                        reason: Reason::FailedWrite(target.kind),
                        message: f.message().to_owned(),
                    })
                    .await;
                    failed_stacks.push(stack.clone());
                    first_failure.get_or_insert(f);
                    continue;
                }
                (Err(e), _) => return Err(e),
            }
            match action {
                Action::Create { .. } | Action::Update { .. } => {}
                Action::Delete { target, .. } => {
                    self.delete(target).await?;
                }
                Action::WriteDesiredTraffic { stackset, .. } => {
                    let target = action.target();
                    let mut body = encode("the StackSet", stackset.as_ref())?;
                    set_type(&mut body, Kind::StackSet);
                    let before = stackset.metadata.resource_version.as_deref();
                    let o = self.replace(&target, body).await?;
                    record(
                        written,
                        Written::new(Kind::StackSet, &target.name, before, o),
                    );
                }
                Action::UpdateStackStatus { target, status, .. } => {
                    let observed = match latest(written, Kind::Stack, &target.name)? {
                        Some(o) => Some(o),
                        None => snapshot
                            .stacks
                            .iter()
                            .find(|s| s.metadata.name.as_deref() == Some(target.name.as_str()))
                            .map(|s| encode("the Stack", s))
                            .transpose()?,
                    };
                    let status = encode("the Stack status", status.as_ref())?;
                    let (before, o) = self.replace_status(target, observed, status).await?;
                    record(
                        written,
                        Written::new(Kind::Stack, &target.name, before.as_deref(), o),
                    );
                }
                Action::UpdateStackSetStatus { target, status, .. } => {
                    let observed = match latest(written, Kind::StackSet, &target.name)? {
                        Some(o) => o,
                        None => encode("the StackSet", &snapshot.stackset)?,
                    };
                    let status = encode("the StackSet status", status.as_ref())?;
                    let (before, o) = self.replace_status(target, Some(observed), status).await?;
                    record(
                        written,
                        Written::new(Kind::StackSet, &target.name, before.as_deref(), o),
                    );
                }
            }
            if let Some(ev) = action.event() {
                self.publish(ev).await;
            }
        }
        match first_failure {
            Some(f) => Err(ExecError::StackFailed(f)),
            None => Ok(()),
        }
    }

    /// Best effort, when a held StackSet status ([`stackset_core::HeldStatus`])
    /// will not go out with a next decision (that decision failed before
    /// its status write, reported errors, or was never reached): writes the
    /// held fields alone, so a created Stack keeps the `observedStackVersion`
    /// that upstream writes right after its create. Lost, that field would
    /// stay behind until the next version (a status only carries it
    /// forward). `snapshot` is the last one decided on; a 409 re-reads the
    /// StackSet as any status write does. Returns what was written.
    pub async fn write_held(&self, held: Option<HeldStatus>, snapshot: &Snapshot) -> Vec<Written> {
        let Some(held) = held else {
            return Vec::new();
        };
        let mut stackset = snapshot.stackset.clone();
        held.apply_to(&mut stackset);
        let mut plan = Plan::default();
        held.fold_into(&mut plan, &stackset);
        match self.execute(&plan, snapshot).await {
            Ok(written) => written,
            Err(e) => {
                tracing::warn!(
                    error = ?e,
                    "observedStackVersion not written; the created stack's version is not recorded"
                );
                Vec::new()
            }
        }
    }

    /// Publishes events that have no action of their own (errors, blocked
    /// switches, TrafficSwitched). Failures to publish are logged, not fatal.
    pub async fn publish_all(&self, events: &[Event]) {
        for ev in events {
            self.publish(ev).await;
        }
    }

    async fn publish(&self, ev: &Event) {
        use tokio::sync::mpsc::error::TrySendError;
        match self.background.as_ref().map(|q| q.0.try_send(ev.clone())) {
            Some(Ok(())) => {}
            Some(Err(TrySendError::Full(ev))) => {
                tracing::warn!(reason = %ev.reason, "event dropped: {EVENT_QUEUE} events are waiting to be sent");
            }
            Some(Err(TrySendError::Closed(_))) | None => self.publisher.publish(ev).await,
        }
    }

    async fn apply(&self, mut body: Value, target: &ObjectRef) -> Result<DynamicObject, ExecError> {
        strip_server_fields(&mut body);
        let (api, ar) = self.api(target.kind, &target.namespace);
        let mut pp = PatchParams::apply(FIELD_MANAGER).force();
        pp.dry_run = self.opts.server_dry_run;
        let patch = Patch::Apply(&body);
        with_retries(|| api.patch(&target.name, &pp, &patch))
            .await
            .map_err(|e| classify(op("apply", &ar, target), &e))
    }

    async fn delete(&self, target: &ObjectRef) -> Result<(), ExecError> {
        let (api, ar) = self.api(target.kind, &target.namespace);
        let dp = DeleteParams {
            dry_run: self.opts.server_dry_run,
            propagation_policy: Some(PropagationPolicy::Background),
            preconditions: target.uid.clone().map(|uid| Preconditions {
                uid: Some(uid),
                resource_version: None,
            }),
            ..Default::default()
        };
        match with_retries(|| api.delete(&target.name, &dp)).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(classify(op("delete", &ar, target), &e)),
        }
    }

    async fn replace(
        &self,
        target: &ObjectRef,
        mut body: Value,
    ) -> Result<DynamicObject, ExecError> {
        strip_server_fields(&mut body);
        let (api, ar) = self.api(target.kind, &target.namespace);
        let pp = PostParams {
            dry_run: self.opts.server_dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        let obj: DynamicObject = serde_json::from_value(body)
            .map_err(|e| ExecError::Failed(Failure::error(format!("invalid object: {e}"))))?;
        with_retries(|| api.replace(&target.name, &pp, &obj))
            .await
            .map_err(|e| classify(op("update", &ar, target), &e))
    }

    /// Replaces the status subresource. On a conflict the object is read
    /// again and the same status written on top, as upstream does. Returns
    /// the resourceVersion written on top of and what the server returned.
    async fn replace_status(
        &self,
        target: &ObjectRef,
        observed: Option<Value>,
        status: Value,
    ) -> Result<(Option<String>, DynamicObject), ExecError> {
        let (api, ar) = self.api(target.kind, &target.namespace);
        let pp = PostParams {
            dry_run: self.opts.server_dry_run,
            field_manager: Some(FIELD_MANAGER.into()),
        };
        let mut current = observed.filter(|v| !v.is_null());
        let mut pauses = conflict_pauses();
        loop {
            let mut body = match current.take() {
                Some(v) => v,
                None => {
                    let fresh = with_retries(|| api.get(&target.name))
                        .await
                        .map_err(|e| classify(op("get", &ar, target), &e))?;
                    encode("the object read", &fresh)?
                }
            };
            set_type(&mut body, target.kind);
            if let Some(map) = body.as_object_mut() {
                map.insert("status".into(), status.clone());
            }
            strip_managed_fields(&mut body);
            let obj: DynamicObject = serde_json::from_value(body)
                .map_err(|e| ExecError::Failed(Failure::error(format!("invalid object: {e}"))))?;
            match with_retries(|| api.replace_status(&target.name, &pp, &obj)).await {
                Ok(o) => return Ok((obj.metadata.resource_version, o)),
                // Read again and write the same status on top.
                Err(e) if is_conflict(&e) => match pauses.next() {
                    Some(pause) => tokio::time::sleep(pause).await,
                    None => {
                        return Err(ExecError::Failed(kept_changing(
                            op("update", &ar, target),
                            CONFLICT_READS,
                        )));
                    }
                },
                Err(e) => return Err(classify(op("update", &ar, target), &e)),
            }
        }
    }
}

fn classify(op: Op<'_>, e: &kube::Error) -> ExecError {
    if is_conflict(e) {
        ExecError::Conflict(failure(op, e).message().to_owned())
    } else {
        ExecError::Failed(failure(op, e))
    }
}

fn set_type(body: &mut Value, kind: Kind) {
    if let Some(map) = body.as_object_mut() {
        map.insert("apiVersion".into(), kind.api_version().into());
        map.insert("kind".into(), kind.as_str().into());
    }
}

fn strip_managed_fields(body: &mut Value) {
    if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
}

/// Fields that the API server owns and an apply body must not carry.
fn strip_server_fields(body: &mut Value) {
    strip_managed_fields(body);
    if let Some(map) = body.as_object_mut() {
        // Status is written through the status subresource only.
        map.remove("status");
    }
    if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "creationTimestamp",
            "generation",
            "selfLink",
            "deletionTimestamp",
        ] {
            meta.remove(key);
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full queue drops the event instead of making the reconcile wait
    /// for the API server, and it never holds more than `EVENT_QUEUE`.
    #[tokio::test]
    async fn a_full_event_queue_drops_instead_of_waiting() {
        // Nothing listens there: an event published inline would hang in
        // retries, one queued is never sent.
        let config = kube::Config::new("http://127.0.0.1:9".parse().unwrap());
        let client = Client::try_from(config).unwrap();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Event>(EVENT_QUEUE);
        let opts = ExecOptions {
            server_dry_run: false,
            events: true,
        };
        let executor = Executor::new(client, opts).with_background_events(BackgroundEvents(tx));
        let event = Event {
            involved: ObjectRef {
                kind: Kind::StackSet,
                namespace: "ns".into(),
                name: "app".into(),
                uid: None,
            },
            type_: EventType::Normal,
            reason: Reason::TrafficSwitched,
            message: "switched".into(),
        };
        let all = async {
            for _ in 0..EVENT_QUEUE + 5 {
                executor.publish(&event).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), all)
            .await
            .expect("publishing into a full queue waited");
        let mut queued = 0;
        while rx.try_recv().is_ok() {
            queued += 1;
        }
        assert_eq!(queued, EVENT_QUEUE);
    }
}
