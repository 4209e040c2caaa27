//! `kubectl stackset rollout [NAME] (--version V [--image ...] | -f FILE)`:
//! writes the new template together with the rollout record (one
//! optimistic write), then drives the rollout: waits until the new stack is
//! ready, shifts the traffic step by step, holds each step for the interval,
//! and asks before each step on a terminal. Every tick re-reads the cluster
//! and asks `stackset_core::rollout::decide`, so the same command run again after
//! Ctrl-C or a crash continues where the StackSet says the rollout is.

use std::time::Duration;

use k8s_openapi::jiff::Timestamp;
use stackset_core::Weights;
use stackset_core::api::StackSet;
use stackset_core::reconcile::validate_template;
use stackset_core::shift::StepPlan;

use super::common::{emit, resolve_stackset_name};
use super::follow::{Ctx, View, duration_flag, observe, settings, tick};
use super::rollout_control;
use crate::cli::{ObjectOutput, OnFailure, RolloutAction, RolloutArgs, RolloutStartArgs};
use crate::cluster::mutate::{WriteMode, edit_stackset};
use crate::cluster::reconcile::Settings;
use crate::error::{Exit, Failure};
use crate::manifest;
use crate::render::out;
use crate::render::progress::{Bar, BarKind, Progress, duration_text};
use crate::render::prompt::{confirm, ensure_confirmable};
use crate::render::weights::inline;
use stackset_core::rollout::{
    ANNOTATION_ROLLOUT, Admission, Decision, Driver, DriverKind, FailurePolicy, Limits, Observed,
    Refusal, RolloutRecord, RolloutState, StartRequest, StepSpec, Waiting, admit, decide,
    simulate_steps, target_weights,
};

/// The default plan: 10%, 25%, 50%, 100%.
pub const DEFAULT_STEPS: &[u32] = &[10, 25, 50, 100];

pub async fn run(ctx: &Ctx<'_>, args: &RolloutArgs) -> Result<(), Failure> {
    match &args.action {
        Some(RolloutAction::Status(a)) => rollout_control::status(ctx, a).await,
        Some(RolloutAction::Pause(a)) => rollout_control::pause(ctx, a).await,
        Some(RolloutAction::Resume(a)) => rollout_control::resume(ctx, a).await,
        Some(RolloutAction::Promote(a)) => rollout_control::promote(ctx, a).await,
        Some(RolloutAction::Abort(a)) => rollout_control::abort(ctx, a).await,
        None => start_within(ctx, &args.start).await,
    }
}

/// `rollout --timeout`: the whole rollout within a deadline (0: none). When
/// it runs out, the rollout stays recorded where it is (exit 3).
async fn start_within(ctx: &Ctx<'_>, a: &RolloutStartArgs) -> Result<(), Failure> {
    let limit = duration_flag("--timeout", &a.timeout)?;
    if limit.is_zero() {
        return start(ctx, a).await;
    }
    match tokio::time::timeout(limit, start(ctx, a)).await {
        Ok(r) => r,
        Err(_) => Err(Failure::new(
            Exit::Timeout,
            format!("the rollout did not finish within --timeout {}", a.timeout),
        )
        .hint(
            "it stays recorded in the StackSet: continue with `kubectl stackset rollout NAME`, \
             see it with `kubectl stackset rollout status NAME`, or abort it",
        )),
    }
}

fn plan_of(args: &RolloutStartArgs) -> Result<StepPlan, Failure> {
    let plan = match (&args.steps, args.step_weight) {
        (Some(s), _) => StepPlan::parse_steps(s),
        (None, Some(n)) => StepPlan::step_weight(n),
        (None, None) => Ok(StepPlan::Steps(DEFAULT_STEPS.to_vec())),
    };
    plan.map_err(|e| {
        Failure::usage(e.to_string()).hint("e.g. --steps 10,25,50,100 or --step-weight 20")
    })
}

/// Applies a rollout's template change to `ss`: the spec of a manifest
/// (keeping `spec.traffic`), new images, a new version. Returns what changed.
pub fn change_template(
    ss: &mut StackSet,
    version: Option<&str>,
    images: &[String],
    manifest: Option<&StackSet>,
) -> Result<Vec<String>, Failure> {
    let mut notes = Vec::new();
    if let Some(m) = manifest {
        let mut spec = m.spec.clone();
        spec.traffic = ss.spec.traffic.clone();
        if spec != ss.spec {
            notes.push("spec from the file".to_string());
            ss.spec = spec;
        }
    }
    for arg in images {
        let (container, image) = match arg.split_once('=') {
            Some((c, i)) => (Some(c.trim()), i.trim()),
            None => (None, arg.trim()),
        };
        if image.is_empty() || image.contains(char::is_whitespace) {
            return Err(Failure::usage(format!("--image {arg:?}: not an image"))
                .hint("--image [CONTAINER=]IMAGE, e.g. --image app=ghcr.io/example/app:2.0"));
        }
        let pod = ss
            .spec
            .stack_template
            .spec
            .spec
            .pod_template
            .spec
            .get_or_insert_with(Default::default);
        let names: Vec<String> = pod
            .containers
            .iter()
            .map(|c| c.name.clone())
            .chain(pod.init_containers.iter().flatten().map(|c| c.name.clone()))
            .collect();
        let slot = match container {
            Some(name) => pod
                .containers
                .iter_mut()
                .chain(pod.init_containers.iter_mut().flatten())
                .find(|c| c.name == name)
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "--image {arg}: the template has no container {name:?} (containers: {})",
                        names.join(", ")
                    ))
                })?,
            None if pod.containers.len() == 1 => &mut pod.containers[0],
            None => {
                return Err(Failure::usage(format!(
                    "--image {arg}: the template has {} containers ({}); name one",
                    pod.containers.len(),
                    names.join(", ")
                ))
                .hint("--image CONTAINER=IMAGE"));
            }
        };
        if slot.image.as_deref() != Some(image) {
            notes.push(format!(
                "container {}: {} -> {image}",
                slot.name,
                slot.image.as_deref().unwrap_or("(none)")
            ));
            slot.image = Some(image.to_string());
        }
    }
    if let Some(v) = version {
        let current = &mut ss.spec.stack_template.spec.version;
        if current != v {
            notes.push(format!("version {current} -> {v}"));
            *current = v.to_string();
        }
    }
    Ok(notes)
}

fn template_equal(a: &StackSet, b: &StackSet) -> bool {
    a.spec.stack_template == b.spec.stack_template
}

async fn start(ctx: &Ctx<'_>, a: &RolloutStartArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(a.dry_run.dry_run);
    let settings = settings(&a.engine, mode)?;
    let interval = duration_flag("--step-interval", &a.interval)?;
    let ready_timeout = duration_flag("--ready-timeout", &a.ready_timeout)?;
    let step_timeout = duration_flag("--step-timeout", &a.step_timeout)?;
    let plan = plan_of(a)?;
    let manifest = match &a.file {
        Some(path) => {
            let mut docs = manifest::load(path)?;
            if docs.len() != 1 {
                return Err(Failure::usage(format!(
                    "{}: {} StackSets; a rollout takes one",
                    path.display(),
                    docs.len()
                )));
            }
            Some(docs.remove(0).stackset)
        }
        None => None,
    };
    let file_name = manifest.as_ref().and_then(|m| m.metadata.name.clone());
    if let (Some(n), Some(f)) = (&a.name, &file_name)
        && n != f
    {
        return Err(Failure::usage(format!(
            "NAME {n} does not match the file's StackSet {f}"
        )));
    }
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = match a.name.as_deref().or(file_name.as_deref()) {
        Some(n) => n.to_string(),
        None => resolve_stackset_name(client, ns, None).await?,
    };
    let view = observe(ctx, &name, &settings, false).await?;
    view.require_traffic()?;
    let existing = view.record()?;
    let limits = |started: Timestamp| Limits {
        ready_timeout: i64::try_from(ready_timeout.as_secs()).unwrap_or(i64::MAX),
        step_timeout: i64::try_from(step_timeout.as_secs()).unwrap_or(i64::MAX),
        driver_started: started,
    };

    if a.version.is_none() && manifest.is_none() {
        return match admit(existing.as_ref(), &StartRequest::Continue) {
            Admission::Continue(r) => {
                continue_rollout(ctx, a, &name, &r, &settings, mode, limits((ctx.now)())).await
            }
            Admission::Refuse(why) => Err(refusal(&name, why)),
            Admission::Start => Err(Failure::error("internal: nothing to start")),
        };
    }

    let mut wanted = view.stackset.clone();
    let notes = change_template(
        &mut wanted,
        a.version.as_deref(),
        &a.images,
        manifest.as_ref(),
    )?;
    if let Err(e) = validate_template(&wanted) {
        return Err(Failure::usage(format!("the new template is invalid: {e}"))
            .hint("check --version, --image and the file's stackTemplate"));
    }
    let version = wanted.spec.stack_template.spec.version.clone();
    super::create::check_stack_name(&name, &version).map_err(|e| {
        Failure::usage(format!("invalid version {version:?}: {e}"))
            .hint("versions are lowercase letters, digits and '-', e.g. v2")
    })?;
    let stack = format!("{name}-{version}");
    let template_changes =
        !template_equal(&wanted, &view.stackset) || wanted.spec != view.stackset.spec;
    let request = StartRequest::Start {
        version: &version,
        stack: &stack,
        current_version: &view.stackset.spec.stack_template.spec.version,
        template_changes,
        stack_exists: view.stack(&stack).is_some(),
        observed_stack_version: view
            .stackset
            .status
            .as_ref()
            .and_then(|s| s.observed_stack_version.as_deref()),
    };
    match admit(existing.as_ref(), &request) {
        Admission::Start => {}
        Admission::Continue(r) => {
            return continue_rollout(ctx, a, &name, &r, &settings, mode, limits((ctx.now)())).await;
        }
        Admission::Refuse(why) => return Err(refusal(&name, why)),
    }
    if mode.is_live() {
        ensure_confirmable(ctx.ia, a.yes, "a rollout (it asks before each step)")?;
    }

    let before = view.desired();
    let mut start_weights = before.clone();
    start_weights.entry(stack.clone()).or_insert(0);
    let target = target_weights(
        &stack,
        &stackset_core::shift::ShiftObserved {
            desired: start_weights.clone(),
            actual: start_weights.clone(),
            not_ready: Default::default(),
        },
    );
    let steps = simulate_steps(&start_weights, &target, &plan);
    let now = (ctx.now)();
    let record = RolloutRecord {
        version: version.clone(),
        stack: stack.clone(),
        plan: StepSpec::from_plan(&plan),
        interval_seconds: interval.as_secs(),
        on_failure: match a.on_failure {
            OnFailure::Abort => FailurePolicy::Abort,
            OnFailure::Pause => FailurePolicy::Pause,
        },
        previous: before.clone(),
        state: RolloutState::Running,
        step: 0,
        total_steps: u32::try_from(steps.len()).unwrap_or(u32::MAX),
        started: now,
        updated: now,
        step_started: None,
        step_reached: None,
        message: None,
        ready_timeout_seconds: Some(ready_timeout.as_secs()),
        step_timeout_seconds: Some(step_timeout.as_secs()),
        driver: mode
            .is_live()
            .then(|| Driver::new(DriverKind::Cli, cli_holder(), now)),
    };
    let text = plan_text(&name, &stack, &notes, &steps, &record);
    // The plan goes to stderr in every mode; stdout gets only the result.
    eprint!("{text}");
    if mode == WriteMode::ClientDryRun {
        return emit(
            ctx.conn,
            ns,
            &name,
            a.output.output,
            None,
            &format!("stackset.zalando.org/{name} rollout to {version} would start (dry run)"),
        )
        .await;
    }
    let ours = record.to_annotation();
    edit_stackset(client, ns, &name, mode, Some(view.stackset.clone()), |ss| {
        let stored = ss.metadata.annotations.as_ref();
        // Our own record is there when an earlier attempt of this very
        // write landed and its response was lost (the retry conflicted and
        // read again): the rollout is started, nothing else to write.
        let own = stored.and_then(|a| a.get(ANNOTATION_ROLLOUT)) == Some(&ours);
        if let Some(r) = RolloutRecord::from_annotations(stored).map_err(Failure::error)?
            && r.state.is_open()
            && !own
        {
            return Err(Failure::error(format!(
                "another rollout of stackset {name} (to {}) started meanwhile",
                r.version
            )));
        }
        change_template(ss, a.version.as_deref(), &a.images, manifest.as_ref())?;
        record.store(&mut ss.metadata.annotations);
        Ok(())
    })
    .await?;
    if mode == WriteMode::ServerDryRun {
        return emit(
            ctx.conn,
            ns,
            &name,
            a.output.output,
            None,
            &format!(
                "stackset.zalando.org/{name} rollout to {version} would start{}",
                mode.suffix()
            ),
        )
        .await;
    }
    drive(
        ctx,
        &name,
        &version,
        &settings,
        a.yes,
        a.output.output,
        limits(now),
    )
    .await
}

/// Drives a recorded, running rollout on from where it is (or, in a dry
/// run, says that it would).
async fn continue_rollout(
    ctx: &Ctx<'_>,
    a: &RolloutStartArgs,
    name: &str,
    r: &RolloutRecord,
    settings: &Settings,
    mode: WriteMode,
    limits: Limits,
) -> Result<(), Failure> {
    if !mode.is_live() {
        return out(&format!(
            "stackset.zalando.org/{name} rollout to {} continues at {}{}\n",
            r.version,
            r.step_text(),
            mode.suffix()
        ));
    }
    ensure_confirmable(ctx.ia, a.yes, "a rollout (it asks before each step)")?;
    eprintln!(
        "continuing the rollout of stackset {name} to {} at {}",
        r.version,
        r.step_text()
    );
    drive(
        ctx,
        name,
        &r.version,
        settings,
        a.yes,
        a.output.output,
        limits,
    )
    .await
}

/// The error (with hint and exit code) for a rollout the core's admission
/// rules refuse.
fn refusal(name: &str, why: Refusal) -> Failure {
    match why {
        Refusal::NothingRecorded => Failure::usage(format!(
            "no rollout recorded for stackset {name}; say what to roll out"
        ))
        .hint("kubectl stackset rollout NAME --version V2 --image IMAGE (or -f FILE)"),
        Refusal::Paused(r) => Failure::new(
            Exit::Degraded,
            format!(
                "the rollout of stackset {name} to {} is paused at {}{}",
                r.version,
                r.step_text(),
                r.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
            ),
        )
        .hint(format!(
            "resume it with `kubectl stackset rollout resume {name}` (it drives it from there), or abort it"
        )),
        Refusal::Finished(r) => Failure::usage(format!(
            "the last rollout of stackset {name} (to {}) is {}; say what to roll out next",
            r.version, r.state
        ))
        .hint("kubectl stackset rollout NAME --version V --image IMAGE"),
        Refusal::OtherRolloutOpen(r) => Failure::error(format!(
            "a rollout of stackset {name} to {} is {} ({})",
            r.version,
            r.state,
            r.step_text()
        ))
        .hint(format!(
            "let it finish, or abort it first: kubectl stackset rollout abort {name}"
        )),
        Refusal::OpenWithOtherTemplate(r) => Failure::error(format!(
            "a rollout of stackset {name} to {} is {}, with another template",
            r.version, r.state
        ))
        .hint("a new template needs a new version"),
        Refusal::PausedAtVersion(r) => Failure::new(
            Exit::Degraded,
            format!(
                "the rollout of stackset {name} to {} is paused at {}",
                r.version,
                r.step_text()
            ),
        )
        .hint(format!(
            "resume it with `kubectl stackset rollout resume {name}` first"
        )),
        Refusal::StackExists { stack } => Failure::usage(format!(
            "stack {stack} already exists; a changed template needs a new version"
        ))
        .hint("pick another --version; to move traffic between existing stacks use `traffic set` or `rollback`"),
        Refusal::VersionUnchanged { version } => Failure::usage(format!(
            "the template changes but its version stays {version}; StackSets create stacks only for new versions"
        ))
        .hint("pass --version with a new version"),
        Refusal::VersionConsumed { stack, version } => Failure::usage(format!(
            "stack {stack} was created before and is gone; the StackSet will not create version {version} again"
        ))
        .hint("roll out under a new version"),
    }
}

/// `steps: N (w1%, ..., 100%), interval D`: the count and the weights of
/// the stack come from the same simulated steps, and the requested plan is
/// named when the simulation differs from it (a stack that already has
/// traffic skips the steps below its weight).
pub fn steps_line(stack: &str, steps: &[Weights], record: &RolloutRecord) -> String {
    let shown: Vec<String> = steps
        .iter()
        .map(|w| format!("{}%", w.get(stack).copied().unwrap_or(0)))
        .collect();
    let shown = shown.join(", ");
    let plan = record.plan.to_string();
    let from = if plan == shown {
        String::new()
    } else {
        format!(" from the plan {plan}")
    };
    format!(
        "  steps: {} ({shown}){from}, interval {}\n",
        steps.len(),
        duration_text(i64::try_from(record.interval_seconds).unwrap_or(i64::MAX))
    )
}

fn plan_text(
    name: &str,
    stack: &str,
    notes: &[String],
    steps: &[Weights],
    record: &RolloutRecord,
) -> String {
    let mut text = format!("rollout of stackset {name} to {}:\n", record.version);
    if notes.is_empty() {
        text.push_str(&format!("  template: unchanged (stack {stack})\n"));
    } else {
        text.push_str(&format!("  template: {}\n", notes.join("; ")));
    }
    text.push_str(&steps_line(stack, steps, record));
    for (i, w) in steps.iter().enumerate() {
        text.push_str(&format!("  {:>3}. {}\n", i + 1, inline(w)));
    }
    let holds = steps.len().saturating_sub(1) as u64 * record.interval_seconds;
    text.push_str(&format!(
        "  at least {} once {stack} is ready\n",
        duration_text(i64::try_from(holds).unwrap_or(i64::MAX))
    ));
    text
}

fn observed_of(view: &View, record: &RolloutRecord) -> Observed {
    Observed::from_reconciliation(&view.rec, &view.stackset, record, view.reconciled)
}

/// Who this process is, as a rollout's driver: `alice@laptop pid 4242`.
pub fn cli_holder() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "someone".into());
    format!("{user}@{} pid {}", hostname(), std::process::id())
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// Whether a CLI driver's claim names a process on this machine that is
/// gone (killed, terminal closed): then its claim need not lapse first.
pub(crate) fn local_driver_gone(driver: &Driver) -> bool {
    if driver.kind != DriverKind::Cli || !std::path::Path::new("/proc/self").exists() {
        return false;
    }
    let Some((user_host, pid)) = driver.holder.rsplit_once(" pid ") else {
        return false;
    };
    let same_host = user_host
        .split_once('@')
        .is_some_and(|(_, host)| host == hostname());
    same_host
        && pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
}

/// Whether this process (`holder`) may act on the rollout now: see
/// `RolloutRecord::may_drive`, plus a dead driver on this machine.
fn may_act(r: &RolloutRecord, holder: &str, now: Timestamp) -> bool {
    r.may_drive(holder, now)
        || (r.state == RolloutState::Running && r.driver.as_ref().is_some_and(local_driver_gone))
}

/// Renews this process's claim on a rollout every third of the lease, in
/// the background, so that the claim holds while the driver waits for an
/// answer at a prompt, or for a paused rollout to be resumed. Only a claim this process holds is renewed; taking a
/// rollout over is the driver loop's decision. Stops when dropped.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    fn start(ctx: &Ctx<'_>, name: &str, version: &str, holder: &str) -> Self {
        let client = ctx.conn.client.clone();
        let (ns, name, version, holder) = (
            ctx.conn.namespace.clone(),
            name.to_string(),
            version.to_string(),
            holder.to_string(),
        );
        // The wall clock is read by `app` only: time here is the driver's
        // start plus the monotonic time since.
        let (base, started) = ((ctx.now)(), tokio::time::Instant::now());
        let every = Duration::from_secs(stackset_core::rollout::DRIVER_LEASE_SECONDS / 3);
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let now = base.checked_add(started.elapsed()).unwrap_or(base);
                let renewed = edit_stackset(&client, &ns, &name, WriteMode::Live, None, |ss| {
                    if let Ok(Some(mut r)) =
                        RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
                        && r.version == version
                        && r.state.is_open()
                        && r.driver.as_ref().is_some_and(|d| d.holder == holder)
                    {
                        r.claim(DriverKind::Cli, &holder, now);
                        r.store(&mut ss.metadata.annotations);
                    }
                    Ok(())
                })
                .await;
                if let Err(e) = renewed {
                    tracing::debug!(error = %e.message(), "rollout heartbeat");
                }
            }
        }))
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The bars of a driver.
struct Ui<'p> {
    progress: &'p Progress<'p>,
    ready: Option<Bar>,
    step: Option<(u32, Bar)>,
    overall: Bar,
    announced_ready: bool,
}

impl<'p> Ui<'p> {
    fn new(progress: &'p Progress<'p>) -> Self {
        Self {
            progress,
            ready: None,
            step: None,
            overall: progress.bar(BarKind::Percent, "rollout", 100),
            announced_ready: false,
        }
    }

    fn overview(&mut self, record: &RolloutRecord, view: &View, now: Timestamp) {
        let weight = view.actual().get(&record.stack).copied().unwrap_or(0);
        self.overall.set_position(u64::from(weight));
        let eta = record
            .eta_seconds(now)
            .map(|s| format!("{} ETA {}", record.step_text(), duration_text(s)))
            .unwrap_or_else(|| format!("{} {}", record.step_text(), record.state));
        self.overall.set_message(eta);
        if let Some(f) = view.stack(&record.stack)
            && f.ready
            && !self.announced_ready
        {
            self.announced_ready = true;
            if let Some(b) = self.ready.take() {
                b.set_len(u64::try_from(f.deployment_replicas).unwrap_or(0));
                b.set_position(u64::try_from(f.ready_replicas).unwrap_or(0));
                b.finish();
            }
            self.progress.event(&format!(
                "stack {} is ready ({})",
                record.stack, f.readiness
            ));
            // The status line said what was missing; it must not keep
            // saying so now that the stack is ready.
            self.progress
                .restate(&format!("stack {} is ready", record.stack));
        }
    }

    fn wait(&mut self, record: &RolloutRecord, view: &View, w: &Waiting) {
        let msg = match w {
            Waiting::Paused => format!(
                "paused at {}{}; waiting for `kubectl stackset rollout resume`",
                record.step_text(),
                record
                    .message
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            ),
            Waiting::StackCreation => format!("waiting for stack {} to be created", record.stack),
            Waiting::Ready {
                ready,
                replicas,
                readiness,
            } => {
                let bar = self
                    .ready
                    .get_or_insert_with(|| self.progress.bar(BarKind::Replicas, "ready", 1));
                bar.set_len(u64::try_from(*replicas).unwrap_or(0));
                bar.set_position(u64::try_from(*ready).unwrap_or(0));
                bar.set_message(record.stack.clone());
                format!(
                    "waiting for stack {} to become ready: {readiness}",
                    record.stack
                )
            }
            Waiting::Traffic { reason } => {
                let want = view.desired().get(&record.stack).copied().unwrap_or(0);
                let have = view.actual().get(&record.stack).copied().unwrap_or(0);
                if let Some((_, b)) = &self.step {
                    b.set_message(format!("switching: {} {have}% of {want}%", record.stack));
                }
                format!(
                    "{}: {} at {have}% of {want}%: {reason}",
                    record.step_text(),
                    record.stack
                )
            }
            Waiting::Interval { remaining } => {
                if let Some((_, b)) = &self.step {
                    let len = record.interval_seconds.max(1);
                    b.set_len(len);
                    b.set_position(len.saturating_sub(u64::try_from(*remaining).unwrap_or(0)));
                    b.set_message(format!("holding, {} left", duration_text(*remaining)));
                }
                // Off a terminal, one line per hold, not one per second.
                format!(
                    "{}: holding for {}",
                    record.step_text(),
                    duration_text(i64::try_from(record.interval_seconds).unwrap_or(i64::MAX))
                )
            }
        };
        self.progress.status(&msg);
    }

    fn following(&mut self, record: &RolloutRecord) {
        self.progress.status(&format!(
            "{}: driven by {}",
            record.step_text(),
            record
                .driver
                .as_ref()
                .map(Driver::describe)
                .unwrap_or_default()
        ));
    }

    fn stepped(&mut self, index: u32, total: u32, weights: &Weights) {
        if let Some((_, b)) = self.step.take() {
            b.finish();
        }
        let bar = self
            .progress
            .bar(BarKind::Step, &format!("step {index}/{total}"), 1);
        bar.set_message("switching");
        self.step = Some((index, bar));
        self.progress
            .event(&format!("step {index}/{total}: {}", inline(weights)));
        self.progress
            .restate(&format!("step {index}/{total}: switching the traffic"));
    }
}

/// Drives the rollout of `version` until it is done (Ok), fails, is
/// aborted or is declined (exit 4).
pub async fn drive(
    ctx: &Ctx<'_>,
    name: &str,
    version: &str,
    settings: &Settings,
    yes: bool,
    output: Option<ObjectOutput>,
    limits: Limits,
) -> Result<(), Failure> {
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let progress = Progress::new(ctx.ia.bars, ctx.now);
    let mut ui = Ui::new(&progress);
    let holder = cli_holder();
    let _heartbeat = Heartbeat::start(ctx, name, version, &holder);
    let mut following: Option<String> = None;
    loop {
        let view = observe(ctx, name, settings, true).await?;
        let Some(record) = view.record()? else {
            return Err(Failure::error(format!(
                "the rollout record of stackset {name} was removed; stopping"
            )));
        };
        if record.version != version {
            return Err(Failure::error(format!(
                "stackset {name} is now rolling out {} (started elsewhere); stopping the rollout to {version}",
                record.version
            )));
        }
        let now = (ctx.now)();
        ui.overview(&record, &view, now);
        if record.state == RolloutState::Running {
            if !may_act(&record, &holder, now) {
                // Another live driver (the controller, another terminal):
                // show its progress, take over if its heartbeat stops.
                let other = record
                    .driver
                    .as_ref()
                    .map(Driver::describe)
                    .unwrap_or_default();
                if following.as_deref() != Some(other.as_str()) {
                    progress.event(&format!(
                        "the rollout is driven by {other}; following it (this terminal takes over if that driver stops)"
                    ));
                    following = Some(other);
                }
                ui.following(&record);
                tick().await;
                continue;
            }
            if record.driver.as_ref().is_none_or(|d| d.holder != holder) {
                let taken = edit_record(ctx, name, version, record.step, |r, now| {
                    r.updated = now;
                })
                .await?;
                if taken {
                    following = None;
                    progress.event(&format!("driving the rollout as {holder}"));
                }
                continue;
            }
        }
        let decision = match view.rec.errors.first() {
            Some(e) if record.state == RolloutState::Running => Decision::Fail {
                reason: format!("stackset {name}: {e}"),
            },
            _ => decide(&record, &observed_of(&view, &record), now, &limits),
        };
        match decision {
            Decision::Finished(RolloutState::Done) => {
                progress.done();
                return emit(
                    ctx.conn,
                    ns,
                    name,
                    output,
                    None,
                    &format!(
                        "stackset.zalando.org/{name} rolled out: {}",
                        inline(&view.actual())
                    ),
                )
                .await;
            }
            Decision::Finished(_) => {
                progress.done();
                return Err(Failure::new(
                    Exit::Degraded,
                    format!(
                        "the rollout of stackset {name} to {version} was aborted{}; traffic: {}",
                        record
                            .message
                            .as_deref()
                            .map(|m| format!(" ({m})"))
                            .unwrap_or_default(),
                        inline(&view.actual())
                    ),
                ));
            }
            Decision::Complete => {
                edit_record(ctx, name, version, record.step, |r, now| {
                    r.state = RolloutState::Done;
                    r.message = Some("rolled out".into());
                    r.updated = now;
                })
                .await?;
                progress.event(&format!("{} has all the traffic", record.stack));
            }
            Decision::Wait(w) => {
                ui.wait(&record, &view, &w);
                tick().await;
            }
            Decision::MarkReached => {
                edit_record(ctx, name, version, record.step, |r, now| {
                    r.step_reached = Some(now);
                    r.updated = now;
                })
                .await?;
                progress.event(&format!(
                    "{} reached: {}",
                    record.step_text(),
                    inline(&view.actual())
                ));
            }
            Decision::Step { index, weights } => {
                let total = record.total_steps.max(index);
                if !yes {
                    let question = format!(
                        "Apply step {index}/{total} of stackset {name}: {}?",
                        super::follow::moves(&view.desired(), &weights)
                    );
                    let answer = progress.suspend(|| {
                        confirm(ctx.ia, yes, &format!("step {index}/{total}"), &question)
                    })?;
                    if !answer {
                        edit_record(ctx, name, version, record.step, |r, now| {
                            r.state = RolloutState::Paused;
                            r.message = Some(format!("step {index}/{total} declined"));
                            r.updated = now;
                        })
                        .await?;
                        // A declined prompt exits 1 on every command.
                        return Err(Failure::new(
                            Exit::Error,
                            format!("step {index}/{total} declined; the rollout of stackset {name} is paused"),
                        )
                        .hint(format!(
                            "resume with `kubectl stackset rollout resume {name}`, or abort it"
                        )));
                    }
                }
                let weights_for_edit = weights.clone();
                let edited = edit_stackset(client, ns, name, WriteMode::Live, None, |ss| {
                    let Some(mut r) =
                        RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
                            .map_err(Failure::error)?
                    else {
                        return Ok(false);
                    };
                    // Someone else (a second driver, promote) moved on: re-decide.
                    let now = (ctx.now)();
                    if r.version != version
                        || r.state != RolloutState::Running
                        || r.step != record.step
                        || !may_act(&r, &holder, now)
                    {
                        return Ok(false);
                    }
                    r.claim(DriverKind::Cli, &holder, now);
                    ss.spec.traffic = stackset_core::rollout::desired_traffic(&weights_for_edit);
                    r.step = index;
                    r.step_started = Some(now);
                    r.step_reached = None;
                    r.updated = now;
                    r.store(&mut ss.metadata.annotations);
                    Ok(true)
                })
                .await?;
                if edited.value {
                    ui.stepped(index, total, &weights);
                }
            }
            Decision::Fail { reason } => {
                progress.event(&format!("rollout failed: {reason}"));
                return fail(ctx, name, settings, &record, &reason, &progress).await;
            }
        }
    }
}

/// Edits the record of the rollout to `version` if it is still at `step`
/// (so two drivers do not both act on the same observation).
async fn edit_record(
    ctx: &Ctx<'_>,
    name: &str,
    version: &str,
    step: u32,
    change: impl Fn(&mut RolloutRecord, Timestamp),
) -> Result<bool, Failure> {
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let holder = cli_holder();
    let edited = edit_stackset(client, ns, name, WriteMode::Live, None, |ss| {
        let Some(mut r) = RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
            .map_err(Failure::error)?
        else {
            return Ok(false);
        };
        let now = (ctx.now)();
        if r.version != version || r.step != step || !r.state.is_open() {
            return Ok(false);
        }
        if r.state == RolloutState::Running {
            if !may_act(&r, &holder, now) {
                return Ok(false);
            }
            r.claim(DriverKind::Cli, &holder, now);
        }
        change(&mut r, now);
        r.store(&mut ss.metadata.annotations);
        Ok(true)
    })
    .await?;
    Ok(edited.value)
}

async fn fail(
    ctx: &Ctx<'_>,
    name: &str,
    settings: &Settings,
    record: &RolloutRecord,
    reason: &str,
    progress: &Progress<'_>,
) -> Result<(), Failure> {
    let version = &record.version;
    match record.on_failure {
        FailurePolicy::Abort => {
            let restored = rollout_control::abort_rollout(
                ctx,
                name,
                settings,
                WriteMode::Live,
                Some(version),
                &format!("failed: {reason}"),
            )
            .await?;
            let followed =
                super::follow::follow(ctx, name, settings, Duration::from_secs(120), progress)
                    .await;
            let traffic = match (&followed, &restored) {
                (Ok(v), _) => inline(&v.actual()),
                (Err(_), Some(w)) => format!("{} (desired; not switched back yet)", inline(w)),
                (Err(_), None) => "unchanged".into(),
            };
            progress.done();
            Err(Failure::new(
                Exit::Degraded,
                format!(
                    "the rollout of stackset {name} to {version} failed: {reason}; aborted, traffic: {traffic}"
                ),
            )
            .hint(format!(
                "stack {} stays without traffic and is scaled down after the TTL; see `kubectl stackset rollout status {name}`",
                record.stack
            )))
        }
        FailurePolicy::Pause => {
            edit_record(ctx, name, version, record.step, |r, now| {
                r.state = RolloutState::Paused;
                r.message = Some(format!("failed: {reason}"));
                r.updated = now;
            })
            .await?;
            progress.done();
            Err(Failure::new(
                Exit::Degraded,
                format!(
                    "the rollout of stackset {name} to {version} failed: {reason}; paused at {}",
                    record.step_text()
                ),
            )
            .hint(format!(
                "abort with `kubectl stackset rollout abort {name}`, or fix the cause and `kubectl stackset rollout resume {name}`"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stackset(containers: &[(&str, &str)]) -> StackSet {
        let containers: Vec<serde_json::Value> = containers
            .iter()
            .map(|(n, i)| serde_json::json!({"name": n, "image": i}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "apiVersion": "zalando.org/v1", "kind": "StackSet",
            "metadata": {"name": "app"},
            "spec": {"stackLifecycle": {}, "stackTemplate": {"spec": {
                "version": "v1", "podTemplate": {"spec": {"containers": containers}}}}}
        }))
        .unwrap()
    }

    fn image_of(ss: &StackSet, container: &str) -> String {
        ss.spec
            .stack_template
            .spec
            .spec
            .pod_template
            .spec
            .as_ref()
            .unwrap()
            .containers
            .iter()
            .find(|c| c.name == container)
            .and_then(|c| c.image.clone())
            .unwrap()
    }

    #[test]
    fn the_step_count_and_the_weights_come_from_the_same_steps() {
        let w = |pairs: &[(&str, u32)]| -> Weights {
            pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
        };
        let record = |plan: &str| RolloutRecord {
            version: "v2".into(),
            stack: "app-v2".into(),
            plan: StepSpec::from_plan(&StepPlan::parse_steps(plan).unwrap()),
            interval_seconds: 30,
            on_failure: FailurePolicy::Abort,
            previous: w(&[("app-v1", 100)]),
            state: RolloutState::Running,
            step: 0,
            total_steps: 3,
            started: Timestamp::UNIX_EPOCH,
            updated: Timestamp::UNIX_EPOCH,
            step_started: None,
            step_reached: None,
            message: None,
            ready_timeout_seconds: None,
            step_timeout_seconds: None,
            driver: None,
        };
        // --steps 5,25: 100% is added, and the line says 3 steps of 3 weights.
        let steps = [
            w(&[("app-v1", 95), ("app-v2", 5)]),
            w(&[("app-v1", 75), ("app-v2", 25)]),
            w(&[("app-v2", 100)]),
        ];
        assert_eq!(
            steps_line("app-v2", &steps, &record("5,25")),
            "  steps: 3 (5%, 25%, 100%) from the plan 5%, 25%, interval 30s\n"
        );
        // A stack that already has 25% skips the lower steps.
        let steps = [w(&[("app-v1", 50), ("app-v2", 50)]), w(&[("app-v2", 100)])];
        assert_eq!(
            steps_line("app-v2", &steps, &record("10,25,50,100")),
            "  steps: 2 (50%, 100%) from the plan 10%, 25%, 50%, 100%, interval 30s\n"
        );
        let steps = [w(&[("app-v1", 50), ("app-v2", 50)]), w(&[("app-v2", 100)])];
        assert_eq!(
            steps_line("app-v2", &steps, &record("50,100")),
            "  steps: 2 (50%, 100%), interval 30s\n"
        );
    }

    #[test]
    fn template_changes() {
        let mut one = stackset(&[("app", "img:1")]);
        let notes = change_template(&mut one, Some("v2"), &["img:2".into()], None).unwrap();
        assert_eq!(
            notes,
            vec!["container app: img:1 -> img:2", "version v1 -> v2"]
        );
        assert_eq!(image_of(&one, "app"), "img:2");
        assert_eq!(one.spec.stack_template.spec.version, "v2");

        let mut two = stackset(&[("app", "img:1"), ("sidecar", "side:1")]);
        let err = change_template(&mut two, Some("v2"), &["img:2".into()], None).unwrap_err();
        assert!(
            err.message().contains("2 containers (app, sidecar)"),
            "{}",
            err.message()
        );
        change_template(&mut two, None, &["sidecar=side:2".into()], None).unwrap();
        assert_eq!(image_of(&two, "sidecar"), "side:2");
        let err = change_template(&mut two, None, &["nope=x:1".into()], None).unwrap_err();
        assert!(
            err.message().contains("no container \"nope\""),
            "{}",
            err.message()
        );
        let err = change_template(&mut two, None, &["app=".into()], None).unwrap_err();
        assert!(err.message().contains("not an image"), "{}", err.message());

        let mut same = stackset(&[("app", "img:1")]);
        assert!(
            change_template(&mut same, Some("v1"), &["img:1".into()], None)
                .unwrap()
                .is_empty()
        );

        let mut from_file = stackset(&[("app", "img:1")]);
        from_file.spec.traffic = Some(vec![stackset_core::api::DesiredTraffic {
            stack_name: "app-v1".into(),
            weight: 100.0,
        }]);
        let mut file = stackset(&[("app", "img:9")]);
        file.spec.stack_template.spec.version = "v9".into();
        let notes = change_template(&mut from_file, None, &[], Some(&file)).unwrap();
        assert_eq!(notes, vec!["spec from the file"]);
        assert_eq!(from_file.spec.stack_template.spec.version, "v9");
        assert!(from_file.spec.traffic.is_some(), "traffic is kept");
    }
}
