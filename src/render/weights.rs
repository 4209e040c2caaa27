//! Tables of the mutating commands: the before/after preview of a weight
//! change and the per-stack table of `rollout status`. Plain kubectl-style
//! columns (comfy-table, no borders); functions of data only.

use comfy_table::{Table, presets::NOTHING};

/// One stack of a preview or status table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightRow {
    /// Stack name.
    pub stack: String,
    /// Readiness text, e.g. `2/2 ready`.
    pub ready: String,
    /// Actual weight now.
    pub actual: u32,
    /// Desired weight now.
    pub desired: u32,
    /// Desired weight after the change (previews only).
    pub after: Option<u32>,
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(NOTHING)
        .force_no_tty()
        .set_header(header.to_vec());
    for i in 0..header.len() {
        if let Some(c) = t.column_mut(i) {
            c.set_padding((0, 3));
        }
    }
    t
}

fn render(t: &Table) -> String {
    let mut out: String = t
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// `STACK  READY  ACTUAL  DESIRED  AFTER`, with an arrow on changed rows.
pub fn preview(rows: &[WeightRow]) -> String {
    let mut t = table(&["STACK", "READY", "ACTUAL", "DESIRED", "AFTER"]);
    for r in rows {
        let after = match r.after {
            Some(a) if a != r.desired => {
                format!("{a}% ({:+})", i64::from(a) - i64::from(r.desired))
            }
            Some(a) => format!("{a}%"),
            None => "-".into(),
        };
        t.add_row(vec![
            r.stack.clone(),
            r.ready.clone(),
            format!("{}%", r.actual),
            format!("{}%", r.desired),
            after,
        ]);
    }
    render(&t)
}

/// `STACK  DESIRED  ACTUAL  READY`.
pub fn stacks(rows: &[WeightRow]) -> String {
    let mut t = table(&["STACK", "DESIRED", "ACTUAL", "READY"]);
    for r in rows {
        t.add_row(vec![
            r.stack.clone(),
            format!("{}%", r.desired),
            format!("{}%", r.actual),
            r.ready.clone(),
        ]);
    }
    render(&t)
}

/// `my-app-v1 75%, my-app-v2 25%` for result lines.
pub fn inline(weights: &stackset_core::Weights) -> String {
    let parts: Vec<String> = weights
        .iter()
        .filter(|(_, w)| **w > 0)
        .map(|(k, w)| format!("{k} {w}%"))
        .collect();
    if parts.is_empty() {
        "no traffic".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<WeightRow> {
        vec![
            WeightRow {
                stack: "my-app-v1".into(),
                ready: "2/2 ready".into(),
                actual: 100,
                desired: 100,
                after: Some(75),
            },
            WeightRow {
                stack: "my-app-v2".into(),
                ready: "0/2 ready, need 2".into(),
                actual: 0,
                desired: 0,
                after: Some(25),
            },
            WeightRow {
                stack: "my-app-v3".into(),
                ready: "scaled to zero".into(),
                actual: 0,
                desired: 0,
                after: Some(0),
            },
        ]
    }

    #[test]
    fn preview_table() {
        insta::assert_snapshot!(preview(&rows()), @r"
        STACK       READY               ACTUAL   DESIRED   AFTER
        my-app-v1   2/2 ready           100%     100%      75% (-25)
        my-app-v2   0/2 ready, need 2   0%       0%        25% (+25)
        my-app-v3   scaled to zero      0%       0%        0%
        ");
    }

    #[test]
    fn stacks_table_and_inline() {
        insta::assert_snapshot!(stacks(&rows()), @r"
        STACK       DESIRED   ACTUAL   READY
        my-app-v1   100%      100%     2/2 ready
        my-app-v2   0%        0%       0/2 ready, need 2
        my-app-v3   0%        0%       scaled to zero
        ");
        let w = [
            ("a".to_string(), 75),
            ("b".to_string(), 25),
            ("c".to_string(), 0),
        ]
        .into_iter()
        .collect();
        assert_eq!(inline(&w), "a 75%, b 25%");
        assert_eq!(inline(&Default::default()), "no traffic");
    }
}
