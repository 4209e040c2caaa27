//! Tables and lines for the read commands, drawn from the documented views.
//! Pure functions of the view, a `Style` and `now`: they never read the clock
//! or the environment. Without colour they read the same (words, not colours,
//! carry the meaning).

use comfy_table::presets::NOTHING;
use comfy_table::{ContentArrangement, Table};
use k8s_openapi::jiff::Timestamp;

use super::style::Style;
use super::view::{
    EventView, HistoryView, Phase, StackSetListView, StackSetView, StackState, StackView,
    StatusView, TrafficView, weights_summary,
};

/// How wide the traffic bar is, in cells.
const BAR_CELLS: u32 = 10;

/// Table options.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOpts {
    /// `-o wide`.
    pub wide: bool,
    /// `--no-headers`.
    pub no_headers: bool,
    /// `-A`: prefix a NAMESPACE column (list).
    pub all_namespaces: bool,
}

/// A kubectl-like table: no borders, three spaces between columns, no
/// trailing spaces, ending with a newline (empty when there are no rows and no header).
fn table(style: Style, headers: &[&str], rows: Vec<Vec<String>>, no_headers: bool) -> String {
    let mut t = Table::new();
    t.load_style(NOTHING);
    t.set_content_arrangement(ContentArrangement::Disabled);
    if !no_headers {
        let h: Vec<String> = headers.iter().map(|h| style.bold(h)).collect();
        t.set_header(h);
    }
    let empty = rows.is_empty();
    for r in rows {
        t.add_row(r);
    }
    if no_headers && empty {
        return String::new();
    }
    let n = t.column_count();
    for (i, col) in t.column_iter_mut().enumerate() {
        col.set_padding((0, if i + 1 == n { 0 } else { 3 }));
    }
    let mut s = t.trim_fmt();
    s.push('\n');
    s
}

/// kubectl's short ages: `45s`, `5m30s`, `42m`, `3h20m`, `30h`, `5d4h`, `40d`, `3y`.
pub fn age(since: Option<&str>, now: Timestamp) -> String {
    let Some(t) = since.and_then(|s| s.parse::<Timestamp>().ok()) else {
        return "-".into();
    };
    let secs = (now.as_second() - t.as_second()).max(0);
    let (m, h, d) = (secs / 60, secs / 3600, secs / 86_400);
    match secs {
        s if s < 120 => format!("{s}s"),
        _ if m < 10 => match secs % 60 {
            0 => format!("{m}m"),
            s => format!("{m}m{s}s"),
        },
        _ if h < 3 => format!("{m}m"),
        _ if h < 8 => match m % 60 {
            0 => format!("{h}h"),
            mm => format!("{h}h{mm}m"),
        },
        _ if h < 48 => format!("{h}h"),
        _ if d < 8 => match h % 24 {
            0 => format!("{d}d"),
            hh => format!("{d}d{hh}h"),
        },
        _ if d < 365 * 2 => format!("{d}d"),
        _ => format!("{}y", d / 365),
    }
}

/// A 10-cell bar of a percentage: `██████░░░░`.
pub fn bar(percent: u32, style: Style) -> String {
    let filled = (percent.min(100) + 5) / BAR_CELLS;
    let filled = filled.min(BAR_CELLS) as usize;
    let empty = BAR_CELLS as usize - filled;
    let mut s = String::new();
    if filled > 0 {
        s.push_str(&style.ok(&"█".repeat(filled)));
    }
    if empty > 0 {
        s.push_str(&style.dim(&"░".repeat(empty)));
    }
    s
}

fn phase(p: Phase, style: Style) -> String {
    match p {
        Phase::Healthy => style.ok(p.as_str()),
        Phase::Progressing => style.warn(p.as_str()),
        Phase::Degraded => style.bad(p.as_str()),
    }
}

fn stack_status(s: &StackView, style: Style) -> String {
    match s.state {
        StackState::Ready => style.ok("ready"),
        StackState::NotReady => style.warn(&format!("not ready ({})", s.reason)),
        StackState::Error => style.bad(&format!("error ({})", s.reason)),
        StackState::Unknown => style.dim("unknown"),
        other => style.dim(other.as_str()),
    }
}

fn percent(w: u32) -> String {
    format!("{w}%")
}

fn replicas_ready(s: &StackView) -> String {
    format!("{}/{}", s.replicas.ready, s.replicas.desired)
}

fn hpa(s: &StackView) -> String {
    s.autoscaling
        .map(|a| format!("{}-{}", a.min, a.max))
        .unwrap_or_else(|| "-".into())
}

fn header_block(view: &StackSetView, style: Style) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        ("Name", style.bold(&view.name)),
        ("Namespace", view.namespace.clone()),
    ];
    if let Some(ctx) = &view.context {
        rows.push(("Context", ctx.clone()));
    }
    rows.push(("Managed by", view.managed_by.describe()));
    rows.push((
        "Version",
        format!("{} (stack {})", view.current_version, view.current_stack),
    ));
    if view.traffic_managed {
        rows.push((
            "Traffic",
            view.traffic_mechanism
                .clone()
                .unwrap_or_else(|| "unknown".into()),
        ));
    } else {
        rows.push(("Traffic", "not managed (no ingress or routegroup)".into()));
    }
    rows.push((
        "Status",
        format!(
            "{} - {}",
            phase(view.status.phase, style),
            view.status.message
        ),
    ));
    if let Some(r) = view.rollout.as_ref().filter(|r| r.open) {
        rows.push(("Rollout", r.describe(&view.name)));
    }
    let mut out = String::new();
    for (k, v) in rows {
        out.push_str(&format!("{:<12}{v}\n", format!("{k}:")));
    }
    out
}

fn events_block(events: &[EventView], style: Style, now: Timestamp) -> String {
    if events.is_empty() {
        return String::new();
    }
    let rows = events
        .iter()
        .map(|e| {
            vec![
                age(e.last_seen.as_deref(), now),
                e.subject.clone(),
                style.warn(&e.reason),
                e.count.to_string(),
                e.message.clone(),
            ]
        })
        .collect();
    let t = table(
        style,
        &["LAST SEEN", "SUBJECT", "REASON", "COUNT", "MESSAGE"],
        rows,
        false,
    );
    let mut out = String::from("\nWarnings (newest first):\n");
    for line in t.lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The stack table of `get`.
pub fn stacks_table(stacks: &[StackView], opts: TableOpts, style: Style, now: Timestamp) -> String {
    let mut headers = vec![];
    if opts.wide {
        headers.push("STACK");
    }
    headers.extend([
        "VERSION",
        "DESIRED",
        "ACTUAL",
        "TRAFFIC",
        "READY",
        "UPDATED",
        "HPA",
        "STATUS",
        "NO TRAFFIC SINCE",
        "AGE",
    ]);
    if opts.wide {
        headers.push("IMAGES");
    }
    let rows = stacks
        .iter()
        .map(|s| {
            let mut r = vec![];
            if opts.wide {
                r.push(s.name.clone());
            }
            let version = if s.current {
                format!("{}*", s.version)
            } else {
                s.version.clone()
            };
            r.extend([
                version,
                percent(s.desired_weight),
                percent(s.actual_weight),
                bar(s.actual_weight, style),
                replicas_ready(s),
                s.replicas.updated.to_string(),
                hpa(s),
                stack_status(s, style),
                age(s.no_traffic_since.as_deref(), now),
                age(s.created.as_deref(), now),
            ]);
            if opts.wide {
                r.push(s.images.join(","));
            }
            r
        })
        .collect();
    table(style, &headers, rows, opts.no_headers)
}

/// `get` as a table: header block, one row per stack, why traffic differs,
/// the latest Warning events.
pub fn get_table(view: &StackSetView, opts: TableOpts, style: Style, now: Timestamp) -> String {
    let mut out = String::new();
    if !opts.no_headers {
        out.push_str(&header_block(view, style));
        out.push('\n');
    }
    if view.stacks.is_empty() {
        out.push_str("No stacks yet.\n");
    } else {
        out.push_str(&stacks_table(&view.stacks, opts, style, now));
        if !opts.no_headers && view.stacks.iter().any(|s| s.current) {
            out.push_str(&style.dim("* the template's current version"));
            out.push('\n');
        }
    }
    let mut notes: Vec<&str> = view
        .stacks
        .iter()
        .filter_map(|s| s.traffic_note.as_deref())
        .collect();
    notes.dedup();
    for n in notes {
        out.push_str(&format!("Actual traffic differs from desired: {n}\n"));
    }
    if !opts.no_headers {
        out.push_str(&events_block(&view.events, style, now));
    }
    out
}

/// `list` as a table.
pub fn list_table(
    view: &StackSetListView,
    opts: TableOpts,
    style: Style,
    now: Timestamp,
) -> String {
    let mut headers = vec![];
    if opts.all_namespaces {
        headers.push("NAMESPACE");
    }
    headers.extend([
        "NAME",
        "MANAGED BY",
        "VERSION",
        "STACKS",
        "TRAFFIC",
        "STATUS",
        "AGE",
    ]);
    // Shown only while some StackSet has an open rollout.
    let rollouts = view
        .items
        .iter()
        .any(|s| s.rollout.as_ref().is_some_and(|r| r.open));
    if rollouts {
        headers.push("ROLLOUT");
    }
    if opts.wide {
        headers.extend(["DESIRED", "MESSAGE"]);
    }
    let rows = view
        .items
        .iter()
        .map(|s| {
            let mut r = vec![];
            if opts.all_namespaces {
                r.push(s.namespace.clone());
            }
            r.extend([
                s.name.clone(),
                s.managed_by.short(),
                s.current_version.clone(),
                format!("{}/{}", s.ready_stacks, s.stacks),
                weights_summary(&s.traffic, true),
                phase(s.status.phase, style),
                age(s.created.as_deref(), now),
            ]);
            if rollouts {
                r.push(
                    s.rollout
                        .as_ref()
                        .filter(|r| r.open)
                        .map_or_else(|| "-".to_string(), super::view::RolloutView::short),
                );
            }
            if opts.wide {
                r.push(weights_summary(&s.traffic, false));
                r.push(s.status.message.clone());
            }
            r
        })
        .collect();
    table(style, &headers, rows, opts.no_headers)
}

/// `traffic` as a table.
pub fn traffic_table(view: &TrafficView, opts: TableOpts, style: Style) -> String {
    let mut headers = vec![];
    if opts.wide {
        headers.push("STACK");
    }
    headers.extend(["VERSION", "DESIRED", "ACTUAL", "TRAFFIC", "NOTE"]);
    let rows = view
        .stacks
        .iter()
        .map(|s| {
            let mut r = vec![];
            if opts.wide {
                r.push(s.stack.clone());
            }
            r.extend([
                s.version.clone(),
                percent(s.desired_weight),
                percent(s.actual_weight),
                bar(s.actual_weight, style),
                s.note.clone().unwrap_or_default(),
            ]);
            r
        })
        .collect();
    table(style, &headers, rows, opts.no_headers)
}

/// `history` as a table, newest version first.
pub fn history_table(view: &HistoryView, opts: TableOpts, style: Style, now: Timestamp) -> String {
    let mut headers = vec![];
    if opts.wide {
        headers.push("STACK");
    }
    headers.extend([
        "VERSION",
        "IMAGES",
        "CREATED",
        "TRAFFIC",
        "LAST TRAFFIC",
        "STATUS",
    ]);
    let rows = view
        .versions
        .iter()
        .map(|v| {
            let mut r = vec![];
            if opts.wide {
                r.push(v.stack.clone());
            }
            let version = if v.current {
                format!("{}*", v.version)
            } else {
                v.version.clone()
            };
            let created = if opts.wide {
                v.created.clone().unwrap_or_else(|| "-".into())
            } else {
                format!("{} ago", age(v.created.as_deref(), now))
            };
            let last = if v.actual_weight > 0 {
                "now".to_string()
            } else if v.no_traffic_since.is_some() {
                format!("{} ago", age(v.no_traffic_since.as_deref(), now))
            } else {
                "-".into()
            };
            r.extend([
                version,
                v.images.join(","),
                created,
                percent(v.actual_weight),
                last,
                match v.state {
                    StackState::Ready => style.ok("ready"),
                    StackState::NotReady => style.warn("not ready"),
                    StackState::Error => style.bad("error"),
                    other => style.dim(other.as_str()),
                },
            ]);
            r
        })
        .collect();
    table(style, &headers, rows, opts.no_headers)
}

/// `status` as text: `Healthy - <message>`; `-o wide` adds the traffic and
/// the ready stacks.
pub fn status_text(view: &StatusView, wide: bool, style: Style) -> String {
    let mut out = format!(
        "{} - {}\n",
        phase(view.status.phase, style),
        view.status.message
    );
    if wide {
        out.push_str(&format!(
            "stacks ready: {}/{}; traffic: {}; switched: {}\n",
            view.ready_stacks,
            view.stacks,
            weights_summary(&view.traffic, true),
            if view.status.traffic_switched {
                "yes"
            } else {
                "no"
            }
        ));
    }
    out
}

/// One line per change for `get --watch` off a terminal.
pub fn get_line(view: &StackSetView) -> String {
    let stacks: Vec<String> = view
        .stacks
        .iter()
        .map(|s| {
            format!(
                "{} actual {} desired {} ready {}",
                s.version,
                s.actual_weight,
                s.desired_weight,
                replicas_ready(s)
            )
        })
        .collect();
    format!(
        "{} {} - {} | {}",
        view.name,
        view.status.phase.as_str(),
        view.status.message,
        if stacks.is_empty() {
            "no stacks".to_string()
        } else {
            stacks.join(" · ")
        }
    )
}

/// One line per StackSet for `list --watch` off a terminal, keyed by namespace/name.
pub fn list_lines(view: &StackSetListView) -> Vec<(String, String)> {
    view.items
        .iter()
        .map(|s| {
            let key = format!("{}/{}", s.namespace, s.name);
            let line = format!(
                "{key} {} - {} | traffic {} | ready {}/{}",
                s.status.phase.as_str(),
                s.status.message,
                weights_summary(&s.traffic, true),
                s.ready_stacks,
                s.stacks
            );
            (key, line)
        })
        .collect()
}

/// One line per change for `traffic --watch` off a terminal.
pub fn traffic_line(view: &TrafficView) -> String {
    let stacks: Vec<String> = view
        .stacks
        .iter()
        .map(|s| {
            format!(
                "{} actual {} desired {}",
                s.version, s.actual_weight, s.desired_weight
            )
        })
        .collect();
    let mut notes: Vec<&str> = view
        .stacks
        .iter()
        .filter_map(|s| s.note.as_deref())
        .collect();
    notes.dedup();
    let mut line = format!(
        "{} {} | {}",
        view.name,
        if view.switched {
            "switched"
        } else {
            "switching"
        },
        stacks.join(" · ")
    );
    if !notes.is_empty() {
        line.push_str(&format!(" | {}", notes.join("; ")));
    }
    line
}

/// One line per version for `history --watch` off a terminal.
pub fn history_lines(view: &HistoryView) -> Vec<(String, String)> {
    view.versions
        .iter()
        .map(|v| {
            let key = v.stack.clone();
            let line = format!(
                "{} {} actual {} {} images {}",
                view.name,
                v.version,
                v.actual_weight,
                v.state.as_str(),
                v.images.join(",")
            );
            (key, line)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputFormat;
    use crate::render::fixtures::{self, ago, client_side, t0, warning};
    use crate::render::view::{
        self, Input, ManagedBy, encode, history_view, list_view, stackset_view, status_view,
        summary, traffic_view,
    };

    const PLAIN: Style = Style::PLAIN;

    fn events() -> Vec<k8s_openapi::api::core::v1::Event> {
        vec![
            warning(
                "StackSet",
                "shop",
                "TrafficNotSwitched",
                "Failed to switch traffic: stacks not ready: shop-v2",
                7,
                ago(20),
            ),
            warning(
                "Pod",
                "shop-v2-5c7d-x2x9q",
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503",
                12,
                ago(45),
            ),
            warning(
                "Pod",
                "shop-v2-5c7d-k4m2p",
                "Unhealthy",
                "Readiness probe failed: HTTP probe failed with statuscode: 503",
                9,
                ago(50),
            ),
        ]
    }

    fn get_view(
        w: &fixtures::World,
        evs: &[k8s_openapi::api::core::v1::Event],
    ) -> view::StackSetView {
        let rec = w.decide(t0());
        stackset_view(Input {
            snapshot: &w.snap,
            rec: &rec,
            managed_by: &client_side(),
            context: Some("prod-eu"),
            events: evs,
            now: t0(),
        })
    }

    #[test]
    fn get_table_blocked() {
        let text = get_table(
            &get_view(&fixtures::blocked(), &events()),
            TableOpts::default(),
            PLAIN,
            t0(),
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn get_table_wide_healthy() {
        let opts = TableOpts {
            wide: true,
            ..TableOpts::default()
        };
        insta::assert_snapshot!(get_table(
            &get_view(&fixtures::healthy(), &[]),
            opts,
            PLAIN,
            t0()
        ));
    }

    #[test]
    fn get_table_no_headers() {
        let opts = TableOpts {
            no_headers: true,
            ..TableOpts::default()
        };
        insta::assert_snapshot!(get_table(
            &get_view(&fixtures::healthy(), &events()),
            opts,
            PLAIN,
            t0()
        ));
    }

    #[test]
    fn get_table_degraded_by_a_stackset_error() {
        let mut w = fixtures::healthy();
        w.annotate("kubectl-stackset.io/traffic-mechanism", "carrier-pigeon");
        insta::assert_snapshot!(get_table(
            &get_view(&w, &[]),
            TableOpts::default(),
            PLAIN,
            t0()
        ));
    }

    #[test]
    fn get_table_in_colour() {
        let text = get_table(
            &get_view(&fixtures::blocked(), &events()),
            TableOpts::default(),
            Style { color: true },
            t0(),
        );
        insta::assert_snapshot!(text);
    }

    fn summaries() -> view::StackSetListView {
        let mut degraded = fixtures::healthy();
        degraded.annotate("kubectl-stackset.io/traffic-mechanism", "carrier-pigeon");
        let mut items = vec![];
        for (w, ns, name, who) in [
            (fixtures::healthy(), "prod", "shop", client_side()),
            (
                fixtures::blocked(),
                "prod",
                "checkout",
                ManagedBy::Controller,
            ),
            (
                degraded,
                "staging",
                "shop",
                ManagedBy::Other {
                    controller_id: "team-ci".into(),
                },
            ),
        ] {
            let rec = w.decide(t0());
            let mut s = summary(&w.snap, &rec, &who, t0());
            s.name = name.into();
            s.namespace = ns.into();
            items.push(s);
        }
        list_view(items)
    }

    #[test]
    fn list_table_plain() {
        insta::assert_snapshot!(list_table(&summaries(), TableOpts::default(), PLAIN, t0()));
    }

    #[test]
    fn list_table_all_namespaces_wide() {
        let opts = TableOpts {
            wide: true,
            all_namespaces: true,
            ..TableOpts::default()
        };
        insta::assert_snapshot!(list_table(&summaries(), opts, PLAIN, t0()));
    }

    #[test]
    fn traffic_table_blocked() {
        let w = fixtures::blocked();
        let rec = w.decide(t0());
        let v = traffic_view(&w.snap, &rec, &client_side());
        insta::assert_snapshot!(traffic_table(&v, TableOpts::default(), PLAIN));
    }

    #[test]
    fn traffic_table_wide_healthy() {
        let w = fixtures::healthy();
        let rec = w.decide(t0());
        let v = traffic_view(&w.snap, &rec, &client_side());
        let opts = TableOpts {
            wide: true,
            ..TableOpts::default()
        };
        insta::assert_snapshot!(traffic_table(&v, opts, PLAIN));
    }

    #[test]
    fn history_table_newest_first() {
        let w = fixtures::healthy();
        let rec = w.decide(t0());
        let v = history_view(&w.snap, &rec, &client_side());
        insta::assert_snapshot!(history_table(&v, TableOpts::default(), PLAIN, t0()));
    }

    #[test]
    fn history_table_wide() {
        let w = fixtures::blocked();
        let rec = w.decide(t0());
        let v = history_view(&w.snap, &rec, &client_side());
        let opts = TableOpts {
            wide: true,
            ..TableOpts::default()
        };
        insta::assert_snapshot!(history_table(&v, opts, PLAIN, t0()));
    }

    #[test]
    fn status_text_plain_and_wide() {
        let mut text = String::new();
        for w in [fixtures::healthy(), fixtures::blocked()] {
            let rec = w.decide(t0());
            let v = status_view(&w.snap, &rec, &client_side(), t0());
            text.push_str(&status_text(&v, false, PLAIN));
            text.push_str(&status_text(&v, true, PLAIN));
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn get_view_json() {
        let v = get_view(&fixtures::blocked(), &events());
        insta::assert_snapshot!(encode(&v, OutputFormat::Json, false).unwrap());
    }

    #[test]
    fn list_view_yaml() {
        insta::assert_snapshot!(encode(&summaries(), OutputFormat::Yaml, false).unwrap());
    }

    #[test]
    fn traffic_history_and_status_views_json() {
        let w = fixtures::blocked();
        let rec = w.decide(t0());
        let mut text = String::new();
        text.push_str(
            &encode(
                &traffic_view(&w.snap, &rec, &client_side()),
                OutputFormat::Json,
                false,
            )
            .unwrap(),
        );
        text.push_str(
            &encode(
                &history_view(&w.snap, &rec, &client_side()),
                OutputFormat::Json,
                false,
            )
            .unwrap(),
        );
        text.push_str(
            &encode(
                &status_view(&w.snap, &rec, &client_side(), t0()),
                OutputFormat::Json,
                false,
            )
            .unwrap(),
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn watch_lines() {
        let w = fixtures::blocked();
        let rec = w.decide(t0());
        let mut text = get_line(&get_view(&w, &[])) + "\n";
        text.push_str(&traffic_line(&traffic_view(&w.snap, &rec, &client_side())));
        text.push('\n');
        for (k, l) in list_lines(&summaries())
            .into_iter()
            .chain(history_lines(&history_view(&w.snap, &rec, &client_side())))
        {
            text.push_str(&format!("{k} => {l}\n"));
        }
        insta::assert_snapshot!(text);
    }

    #[test]
    fn streamed_documents_are_one_json_line_or_a_yaml_document() {
        let w = fixtures::blocked();
        let rec = w.decide(t0());
        let v = status_view(&w.snap, &rec, &client_side(), t0());
        let json = encode(&v, OutputFormat::Json, true).unwrap();
        assert_eq!(json.lines().count(), 1, "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["phase"], "Progressing");
        let yaml = encode(&v, OutputFormat::Yaml, true).unwrap();
        assert!(yaml.starts_with("---\n"), "{yaml}");
    }

    #[test]
    fn ages_read_like_kubectl() {
        let cases = [
            (0, "0s"),
            (119, "119s"),
            (120, "2m"),
            (330, "5m30s"),
            (42 * 60, "42m"),
            (3 * 3600 + 20 * 60, "3h20m"),
            (30 * 3600, "30h"),
            (5 * 86_400 + 4 * 3600, "5d4h"),
            (40 * 86_400, "40d"),
            (3 * 365 * 86_400, "3y"),
            (-30, "0s"),
        ];
        for (secs, want) in cases {
            let since = ago(secs).to_string();
            assert_eq!(age(Some(&since), t0()), want, "{secs}s");
        }
        assert_eq!(age(None, t0()), "-");
        assert_eq!(age(Some("not a time"), t0()), "-");
    }

    #[test]
    fn the_bar_rounds_to_tenths() {
        let cases = [
            (0, "░░░░░░░░░░"),
            (4, "░░░░░░░░░░"),
            (5, "█░░░░░░░░░"),
            (25, "███░░░░░░░"),
            (75, "████████░░"),
            (100, "██████████"),
            (250, "██████████"),
        ];
        for (p, want) in cases {
            assert_eq!(bar(p, PLAIN), want, "{p}%");
        }
    }
}
