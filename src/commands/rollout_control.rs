//! `kubectl stackset rollout status|pause|resume|promote|abort`: they work
//! on the rollout record in the StackSet, from any terminal, whether or not
//! a `rollout` command is driving it. A driving command notices their
//! changes on its next tick.

use stackset_core::Weights;
use stackset_core::shift::{Step, next_step};

use super::common::{emit, resolve_stackset_name};
use super::follow::{
    Ctx, View, drastic, duration_flag, follow, moves, observe, same_weights, seconds_since,
    settings,
};
use crate::cli::{
    RolloutAbortArgs, RolloutControlArgs, RolloutPromoteArgs, RolloutResumeArgs, RolloutStatusArgs,
    StatusOutput,
};
use crate::cluster::mutate::{WriteMode, edit_stackset};
use crate::cluster::reconcile::Settings;
use crate::cluster::snapshot::get_stackset;
use crate::error::{Exit, Failure};
use crate::render::out;
use crate::render::progress::{Progress, duration_text};
use crate::render::prompt::{confirm, ensure_confirmable};
use crate::render::weights::{inline, preview, stacks};
use stackset_core::rollout::{
    Driving, RolloutRecord, RolloutState, restore_weights, target_weights,
};

fn no_rollout(name: &str) -> Failure {
    Failure::error(format!("no rollout recorded for stackset {name}"))
        .hint("start one with `kubectl stackset rollout NAME --version V --image IMAGE`")
}

/// `rollout status`: the record and the per-stack traffic. Exit 0 for a
/// running, paused or finished rollout, 4 for an aborted one.
pub async fn status(ctx: &Ctx<'_>, a: &RolloutStatusArgs) -> Result<(), Failure> {
    let settings = settings(&a.engine, WriteMode::Live)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, a.name.as_deref()).await?;
    if a.watch {
        return watch_status(ctx, a, &settings, &name).await;
    }
    let (text, state) = status_once(ctx, a, &settings, &name).await?;
    out(&text)?;
    if state == RolloutState::Aborted {
        return Err(Failure::quiet(Exit::Degraded));
    }
    Ok(())
}

/// `rollout status -w`: the status again whenever it changes (a document
/// per change with `-o json|yaml`, else the summary with a timestamp), until
/// Ctrl-C (exit 130).
async fn watch_status(
    ctx: &Ctx<'_>,
    a: &RolloutStatusArgs,
    settings: &Settings,
    name: &str,
) -> Result<(), Failure> {
    let format = match a.output {
        StatusOutput::Table => crate::cli::OutputFormat::Table,
        StatusOutput::Json => crate::cli::OutputFormat::Json,
        StatusOutput::Yaml => crate::cli::OutputFormat::Yaml,
    };
    let every = super::observe::interval(&a.interval)?;
    super::observe::watch(
        ctx.conn,
        super::observe::Watch {
            ns: Some(ctx.conn.namespace.as_str()),
            stackset: Some(name),
            format,
            screen: crate::render::watch::Screen {
                style: crate::render::style::Style::PLAIN,
                terminal: None,
            },
            every,
        },
        ctx.now,
        |_| async move {
            let (text, _) = status_once(ctx, a, settings, name).await?;
            // Off a terminal: one line per change, without the ages that
            // change every second.
            let line = text
                .lines()
                .filter(|l| l.starts_with("State:") || l.starts_with("Step:"))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("; ");
            Ok(super::observe::Rendered {
                text,
                lines: vec![(name.to_string(), format!("{name} {line}"))],
            })
        },
    )
    .await
}

/// The text of `rollout status` once, and the rollout's state.
async fn status_once(
    ctx: &Ctx<'_>,
    a: &RolloutStatusArgs,
    settings: &Settings,
    name: &str,
) -> Result<(String, RolloutState), Failure> {
    let ns = ctx.conn.namespace.as_str();
    let view = observe(ctx, name, settings, false).await?;
    let record = view.record()?.ok_or_else(|| no_rollout(name))?;
    let text = match a.output {
        StatusOutput::Json | StatusOutput::Yaml => {
            let stacks: Vec<serde_json::Value> = view
                .rows(None)
                .into_iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.stack, "desiredWeight": r.desired,
                        "actualWeight": r.actual, "ready": r.ready,
                    })
                })
                .collect();
            let driving = record.driving((ctx.now)());
            let driven_by = match &driving {
                Driving::Driven(d) => d.kind.as_str(),
                _ => "none",
            };
            let abandoned = matches!(driving, Driving::Abandoned { .. });
            let doc = serde_json::json!({
                "stackset": name,
                "namespace": ns,
                "managedBy": view.management.describe(),
                "rollout": record,
                "drivenBy": driven_by,
                "abandoned": abandoned,
                "stacks": stacks,
            });
            if a.output == StatusOutput::Json {
                serde_json::to_string_pretty(&doc)
                    .map(|s| s + "\n")
                    .map_err(|e| Failure::error(e.to_string()))?
            } else {
                serde_saphyr::to_string(&doc).map_err(|e| Failure::error(e.to_string()))?
            }
        }
        StatusOutput::Table => status_text(&view, &record, (ctx.now)(), a.no_headers),
    };
    Ok((text, record.state))
}

fn status_text(
    view: &View,
    r: &RolloutRecord,
    now: k8s_openapi::jiff::Timestamp,
    no_headers: bool,
) -> String {
    let mut text = String::new();
    let ago =
        |t: k8s_openapi::jiff::Timestamp| format!("{} ago", duration_text(seconds_since(now, t)));
    text.push_str(&format!("StackSet:   {}\n", view.name()));
    text.push_str(&format!("Managed by: {}\n", view.management.describe()));
    text.push_str(&format!("Rollout:    {} (stack {})\n", r.version, r.stack));
    text.push_str(&format!("State:      {}\n", r.state));
    text.push_str(&format!(
        "Driver:     {}\n",
        driver_text(r, view.name(), now)
    ));
    text.push_str(&format!(
        "Step:       {}/{}\n",
        r.step,
        r.total_steps.max(r.step)
    ));
    text.push_str(&format!(
        "Plan:       {}, interval {}\n",
        r.plan,
        duration_text(i64::try_from(r.interval_seconds).unwrap_or(i64::MAX))
    ));
    text.push_str(&format!("Started:    {} ({})\n", r.started, ago(r.started)));
    text.push_str(&format!("Updated:    {} ({})\n", r.updated, ago(r.updated)));
    if let Some(eta) = r.eta_seconds(now)
        && matches!(r.driving(now), Driving::Driven(_))
    {
        text.push_str(&format!("ETA:        {}\n", duration_text(eta)));
    }
    if let Some(m) = &r.message {
        text.push_str(&format!("Message:    {m}\n"));
    }
    text.push_str(&format!("Before:     {}\n\n", inline(&r.previous)));
    let table = stacks(&view.rows(None));
    if no_headers {
        // The first line of the per-stack table is its header.
        for l in table.lines().skip(1) {
            text.push_str(l);
            text.push('\n');
        }
    } else {
        text.push_str(&table);
    }
    text
}

/// Who drives the rollout: `cli alice@laptop pid 4242 (heartbeat 2s ago)`,
/// or that nobody does.
fn driver_text(r: &RolloutRecord, name: &str, now: k8s_openapi::jiff::Timestamp) -> String {
    match r.driving(now) {
        Driving::Driven(d) => format!(
            "{} (heartbeat {} ago)",
            d.describe(),
            duration_text(seconds_since(now, d.renewed))
        ),
        Driving::Abandoned { last, since } => format!(
            "none: abandoned, no process is driving it{}; run `kubectl stackset rollout resume {name}`",
            match last {
                Some(d) => format!(
                    " (its driver {} stopped {} ago)",
                    d.describe(),
                    duration_text(seconds_since(now, since))
                ),
                None => String::new(),
            }
        ),
        Driving::NotRunning => match &r.driver {
            Some(d) if r.state == RolloutState::Paused && d.alive(now) => {
                format!("{} (waits for `rollout resume`)", d.describe())
            }
            _ => "none (not running)".into(),
        },
    }
}

/// The weights `abort` writes and the record change, in one write. With
/// `expected`, only a rollout to that version is aborted. Returns the
/// restored weights (`None` when it was aborted already).
pub async fn abort_rollout(
    ctx: &Ctx<'_>,
    name: &str,
    settings: &Settings,
    mode: WriteMode,
    expected: Option<&str>,
    message: &str,
) -> Result<Option<Weights>, Failure> {
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let view = observe(ctx, name, settings, false).await?;
    let existing = view.known();
    let edited = edit_stackset(client, ns, name, mode, Some(view.stackset.clone()), |ss| {
        let mut r = RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
            .map_err(Failure::error)?
            .ok_or_else(|| no_rollout(name))?;
        if let Some(v) = expected
            && r.version != v
        {
            return Err(Failure::error(format!(
                "stackset {name} is rolling out {} now, not {v}; not aborting it",
                r.version
            )));
        }
        match r.state {
            RolloutState::Aborted => return Ok(None),
            RolloutState::Done => {
                return Err(Failure::error(format!(
                    "the rollout of stackset {name} to {} is done; there is nothing to abort",
                    r.version
                ))
                .hint(format!(
                    "switch back with `kubectl stackset rollback {name}`"
                )));
            }
            RolloutState::Running | RolloutState::Paused => {}
        }
        let weights = restore_weights(&r.previous, &existing).ok_or_else(|| {
            Failure::error(format!(
                "none of the stacks that had traffic before the rollout ({}) exists any more",
                inline(&r.previous)
            ))
            .hint("set the traffic with `kubectl stackset traffic set`")
        })?;
        let now = (ctx.now)();
        ss.spec.traffic = stackset_core::rollout::desired_traffic(&weights);
        r.state = RolloutState::Aborted;
        r.message = Some(message.to_string());
        r.updated = now;
        r.store(&mut ss.metadata.annotations);
        Ok(Some(weights))
    })
    .await?;
    Ok(edited.value)
}

/// `rollout abort`: restore the weights from before the rollout.
pub async fn abort(ctx: &Ctx<'_>, a: &RolloutAbortArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(a.dry_run.dry_run);
    let settings = settings(&a.engine, mode)?;
    let timeout = duration_flag("--timeout", &a.timeout)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, a.name.as_deref()).await?;
    let view = observe(ctx, &name, &settings, false).await?;
    let record = view.record()?.ok_or_else(|| no_rollout(&name))?;
    if record.state == RolloutState::Aborted {
        return emit(
            ctx.conn,
            ns,
            &name,
            a.output.output,
            None,
            &format!(
                "stackset.zalando.org/{name} rollout to {} already aborted",
                record.version
            ),
        )
        .await;
    }
    if record.state.is_open()
        && let Some(after) = restore_weights(&record.previous, &view.known())
    {
        // The before/after preview goes to stderr in every mode.
        eprint!("{}", preview(&view.rows(Some(&after))));
        if mode.is_live() {
            let question = format!(
                "Abort the rollout of stackset {name} to {} and restore {}?",
                record.version,
                inline(&after)
            );
            if !confirm(ctx.ia, a.yes, "aborting a rollout", &question)? {
                return Err(Failure::error("cancelled; nothing was changed"));
            }
        }
    }
    let restored = abort_rollout(
        ctx,
        &name,
        &settings,
        mode,
        Some(&record.version),
        "aborted by user",
    )
    .await?;
    if mode.is_live() && a.no_wait {
        super::follow::nudge(ctx, &name, &settings).await?;
    }
    if !mode.is_live() || a.no_wait {
        return emit(
            ctx.conn,
            ns,
            &name,
            a.output.output,
            None,
            &format!(
                "stackset.zalando.org/{name} rollout to {} aborted: {}{}",
                record.version,
                restored.as_ref().map(inline).unwrap_or_default(),
                mode.suffix()
            ),
        )
        .await;
    }
    let progress = Progress::new(ctx.ia.bars, ctx.now);
    let view = follow(ctx, &name, &settings, timeout, &progress).await?;
    progress.done();
    let actual = view.actual();
    eprintln!("{}", kept_note(&record.stack, &record.version, &actual));
    emit(
        ctx.conn,
        ns,
        &name,
        a.output.output,
        None,
        &format!(
            "stackset.zalando.org/{name} rollout to {} aborted: {}",
            record.version,
            inline(&actual)
        ),
    )
    .await
}

/// What becomes of the rollout's stack after an abort: it keeps the traffic
/// it had before the rollout, if any; otherwise it is scaled down later.
pub fn kept_note(stack: &str, version: &str, actual: &Weights) -> String {
    match actual.get(stack).copied().unwrap_or(0) {
        0 => format!(
            "stack {stack} keeps no traffic and is scaled down after the TTL; the template stays at {version}"
        ),
        w => format!(
            "stack {stack} keeps {w}%, the traffic it had before the rollout; the template stays at {version}"
        ),
    }
}

/// `rollout pause`.
pub async fn pause(ctx: &Ctx<'_>, a: &RolloutControlArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(a.dry_run.dry_run);
    let (name, r, what) = set_state(ctx, a.name.as_deref(), mode, RolloutState::Paused).await?;
    let ns = ctx.conn.namespace.as_str();
    emit(
        ctx.conn,
        ns,
        &name,
        a.output.output,
        None,
        &format!(
            "stackset.zalando.org/{name} rollout to {} {what} at {}{}",
            r.version,
            r.step_text(),
            mode.suffix()
        ),
    )
    .await
}

/// `rollout resume`: marks the rollout running and drives it from this
/// terminal, as `rollout NAME` does (following a live driver that holds
/// it, such as the controller, and taking over if that one stops). With
/// `--no-wait` it only marks it running.
pub async fn resume(ctx: &Ctx<'_>, a: &RolloutResumeArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(a.dry_run.dry_run);
    let settings = settings(&a.engine, mode)?;
    let timeout = duration_flag("--timeout", &a.timeout)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, a.name.as_deref()).await?;
    // A live driver (a `rollout` waiting at the pause, the controller)
    // carries it on by itself once it runs again.
    let before = RolloutRecord::from_annotations(
        get_stackset(client, ns, &name)
            .await?
            .metadata
            .annotations
            .as_ref(),
    )
    .map_err(Failure::error)?;
    let now = (ctx.now)();
    let live = before
        .as_ref()
        .and_then(|r| r.driver.clone())
        .filter(|d| d.alive(now) && !super::rollout::local_driver_gone(d));
    let drives = mode.is_live() && !a.no_wait && live.is_none();
    if drives {
        ensure_confirmable(
            ctx.ia,
            a.yes,
            "driving a rollout (it asks before each step)",
        )?;
    }
    let (name, r, what) = set_state(ctx, Some(&name), mode, RolloutState::Running).await?;
    let line = format!(
        "stackset.zalando.org/{name} rollout to {} {what} at {}{}\n",
        r.version,
        r.step_text(),
        mode.suffix()
    );
    if !drives {
        if mode.is_live() {
            match &live {
                Some(d) => eprintln!("{} drives it on", d.describe()),
                None => eprintln!(
                    "no process drives it yet: `kubectl stackset reconcile --watch` takes it over, or run `kubectl stackset rollout resume {name}`"
                ),
            }
        }
        let ns = ctx.conn.namespace.as_str();
        return emit(ctx.conn, ns, &name, a.output.output, None, &line).await;
    }
    eprint!("{line}");
    let started = (ctx.now)();
    let driven = super::rollout::drive(
        ctx,
        &name,
        &r.version,
        &settings,
        a.yes,
        a.output.output,
        r.limits(started),
    );
    if timeout.is_zero() {
        return driven.await;
    }
    match tokio::time::timeout(timeout, driven).await {
        Ok(r) => r,
        Err(_) => Err(Failure::new(
            Exit::Timeout,
            format!("the rollout did not finish within --timeout {}", a.timeout),
        )
        .hint(format!(
            "it stays recorded in the StackSet: continue with `kubectl stackset rollout resume {name}`, or abort it"
        ))),
    }
}

/// Sets an open rollout's state; returns the StackSet's name, the record
/// and what happened (`paused`, `resumed`, `already running`).
async fn set_state(
    ctx: &Ctx<'_>,
    name: Option<&str>,
    mode: WriteMode,
    to: RolloutState,
) -> Result<(String, RolloutRecord, String), Failure> {
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, name).await?;
    let verb = if to == RolloutState::Paused {
        "paused"
    } else {
        "resumed"
    };
    let edited = edit_stackset(client, ns, &name, mode, None, |ss| {
        let mut r = RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
            .map_err(Failure::error)?
            .ok_or_else(|| no_rollout(&name))?;
        if !r.state.is_open() {
            return Err(Failure::error(format!(
                "the rollout of stackset {name} to {} is {}; there is nothing to {}",
                r.version,
                r.state,
                if to == RolloutState::Paused {
                    "pause"
                } else {
                    "resume"
                }
            )));
        }
        if r.state != to {
            let now = (ctx.now)();
            r.state = to;
            r.updated = now;
            if to == RolloutState::Running {
                r.message = None;
                // The step's deadline starts again.
                if r.step > 0 {
                    r.step_started = Some(now);
                }
            } else {
                r.message = Some("paused by user".into());
            }
            r.store(&mut ss.metadata.annotations);
        }
        Ok(r)
    })
    .await?;
    let r = edited.value;
    let what = if edited.changed {
        verb.to_string()
    } else {
        format!("already {}", r.state)
    };
    Ok((name, r, what))
}

/// `rollout promote [--full]`: apply the next step now (or the target).
pub async fn promote(ctx: &Ctx<'_>, a: &RolloutPromoteArgs) -> Result<(), Failure> {
    let mode = WriteMode::from(a.dry_run.dry_run);
    let settings = settings(&a.engine, mode)?;
    let timeout = duration_flag("--timeout", &a.timeout)?;
    let (client, ns) = (&ctx.conn.client, ctx.conn.namespace.as_str());
    let name = resolve_stackset_name(client, ns, a.name.as_deref()).await?;
    let view = observe(ctx, &name, &settings, false).await?;
    let record = view.record()?.ok_or_else(|| no_rollout(&name))?;
    if !record.state.is_open() {
        return Err(Failure::error(format!(
            "the rollout of stackset {name} to {} is {}; there is nothing to promote",
            record.version, record.state
        )));
    }
    let shift = view.shift();
    let target = target_weights(&record.stack, &shift);
    if view.stack(&record.stack).is_none() {
        return Err(
            Failure::error(format!("stack {} does not exist yet", record.stack))
                .hint("promote once the stack exists and is ready"),
        );
    }
    let plan = record.plan.to_plan().map_err(Failure::error)?;
    let (weights, index) = if a.full {
        (target.clone(), record.total_steps.max(record.step + 1))
    } else {
        match next_step(&shift, &target, &plan) {
            Step::Apply(w) => (w, record.step + 1),
            Step::Done => {
                return emit(
                    ctx.conn,
                    ns,
                    &name,
                    a.output.output,
                    None,
                    &format!(
                        "stackset.zalando.org/{name} rollout to {} already at 100%",
                        record.version
                    ),
                )
                .await;
            }
            Step::Wait { reason } => {
                return Err(Failure::error(format!(
                    "{} of stackset {name} is not complete: {reason}",
                    record.step_text()
                ))
                .hint("promote again once it completes, or use --full (the switch still waits for readiness)"));
            }
        }
    };
    let before = view.desired();
    // The before/after preview goes to stderr in every mode.
    eprint!("{}", preview(&view.rows(Some(&weights))));
    if mode == WriteMode::ClientDryRun {
        return emit(
            ctx.conn,
            ns,
            &name,
            a.output.output,
            None,
            &format!(
                "stackset.zalando.org/{name} rollout to {} promoted to step {index}: {}{}",
                record.version,
                inline(&weights),
                mode.suffix()
            ),
        )
        .await;
    }
    let big = drastic(&before, &weights);
    if !big.is_empty() && mode.is_live() {
        let question = format!("Promote: {}?", moves(&before, &weights));
        if !confirm(
            ctx.ia,
            a.yes,
            &format!("moving {}", big.join(" and ")),
            &question,
        )? {
            return Err(Failure::error("cancelled; nothing was changed"));
        }
    }
    let step = record.step;
    let version = record.version.clone();
    edit_stackset(client, ns, &name, mode, Some(view.stackset.clone()), |ss| {
        let mut r = RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
            .map_err(Failure::error)?
            .ok_or_else(|| no_rollout(&name))?;
        if r.version != version || r.step != step || !r.state.is_open() {
            return Err(Failure::error(format!(
                "the rollout of stackset {name} moved on meanwhile ({}, {}); look again",
                r.step_text(),
                r.state
            )));
        }
        let now = (ctx.now)();
        ss.spec.traffic = stackset_core::rollout::desired_traffic(&weights);
        r.step = index;
        r.total_steps = r.total_steps.max(index);
        r.step_started = Some(now);
        r.step_reached = None;
        r.state = RolloutState::Running;
        r.message = Some(if a.full { "fully promoted" } else { "promoted" }.into());
        r.updated = now;
        r.store(&mut ss.metadata.annotations);
        Ok(())
    })
    .await?;
    let verb = if a.full { "fully promoted" } else { "promoted" };
    if mode.is_live() && a.no_wait {
        super::follow::nudge(ctx, &name, &settings).await?;
    }
    if !mode.is_live() || a.no_wait {
        return emit(
            ctx.conn,
            ns,
            &name,
            a.output.output,
            None,
            &format!(
                "stackset.zalando.org/{name} rollout to {version} {verb}: {}{}",
                inline(&weights),
                mode.suffix()
            ),
        )
        .await;
    }
    let progress = Progress::new(ctx.ia.bars, ctx.now);
    let after = follow(ctx, &name, &settings, timeout, &progress).await?;
    progress.done();
    if same_weights(&after.actual(), &target) {
        // Nobody else may be driving: record the end here.
        edit_stackset(client, ns, &name, WriteMode::Live, None, |ss| {
            if let Some(mut r) = RolloutRecord::from_annotations(ss.metadata.annotations.as_ref())
                .map_err(Failure::error)?
                && r.version == version
                && r.state.is_open()
            {
                r.state = RolloutState::Done;
                r.message = Some(format!("{verb}; rolled out"));
                r.updated = (ctx.now)();
                r.store(&mut ss.metadata.annotations);
            }
            Ok(())
        })
        .await?;
    }
    emit(
        ctx.conn,
        ns,
        &name,
        a.output.output,
        None,
        &format!(
            "stackset.zalando.org/{name} rollout to {version} {verb}: {}",
            inline(&after.actual())
        ),
    )
    .await
}
