//! kubectl-style unified diffs between an observed and a desired object.
//!
//! The line diff is our own (Myers' algorithm, about 150 lines): a diff
//! crate cost some 250 KB of the release binary for this one use.

use serde_json::Value;
use std::ops::Range;

/// Removes what the API server owns, so diffs show only intent.
pub fn normalize(mut v: Value) -> Value {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "managedFields",
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
            "selfLink",
        ] {
            meta.remove(key);
        }
        if meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(|a| a.is_empty())
        {
            meta.remove("annotations");
        }
    }
    v
}

fn yaml(v: &Value) -> String {
    if v.is_null() {
        return String::new();
    }
    serde_saphyr::to_string(v).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}

/// A unified diff of two objects, labelled like `kubectl diff` does: the
/// objects as YAML, compared line by line, with 3 lines of context.
pub fn unified(label: &str, before: &Value, after: &Value) -> String {
    let (a, b) = (yaml(before), yaml(after));
    unified_text(&format!("live/{label}"), &format!("merged/{label}"), &a, &b)
}

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A stretch of the two texts: equal lines, or old lines replaced by new
/// ones (either side may be empty). Ranges are line numbers from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Run {
    same: bool,
    old: Range<usize>,
    new: Range<usize>,
}

/// The unified diff (`diff -u` format: `---`/`+++` header, then
/// `@@ -a,b +c,d @@` hunks) of two texts; empty when they are equal.
fn unified_text(old_label: &str, new_label: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut out = String::new();
    for hunk in hunks(runs(&a, &b)) {
        if out.is_empty() {
            out.push_str(&format!("--- {old_label}\n+++ {new_label}\n"));
        }
        let (first, last) = (&hunk[0], &hunk[hunk.len() - 1]);
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range_text(first.old.start..last.old.end),
            range_text(first.new.start..last.new.end)
        ));
        let mut line = |sign: char, text: &str| {
            out.push(sign);
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        };
        for run in &hunk {
            if run.same {
                a[run.old.clone()].iter().for_each(|l| line(' ', l));
            } else {
                a[run.old.clone()].iter().for_each(|l| line('-', l));
                b[run.new.clone()].iter().for_each(|l| line('+', l));
            }
        }
    }
    out
}

/// `start,len` with `start` counted from 1; one line is just its number, and
/// an empty range names the line before it (as `diff -u` writes them).
fn range_text(r: Range<usize>) -> String {
    match r.len() {
        1 => format!("{}", r.start + 1),
        0 => format!("{},0", r.start),
        len => format!("{},{len}", r.start + 1),
    }
}

/// Cuts the runs into hunks: each change with up to `CONTEXT` equal lines
/// around it; changes closer than `2 * CONTEXT` lines share a hunk.
fn hunks(runs: Vec<Run>) -> Vec<Vec<Run>> {
    let mut hunks = Vec::new();
    let mut hunk: Vec<Run> = Vec::new();
    let count = runs.len();
    for (i, run) in runs.into_iter().enumerate() {
        if !run.same {
            hunk.push(run);
            continue;
        }
        let len = run.old.len();
        // Context after the previous change, and before the next one.
        let head = if hunk.is_empty() { 0 } else { len.min(CONTEXT) };
        let tail = if i + 1 == count { 0 } else { len.min(CONTEXT) };
        if !hunk.is_empty() && len <= 2 * CONTEXT && i + 1 < count {
            hunk.push(run);
            continue;
        }
        if head > 0 {
            hunk.push(Run {
                same: true,
                old: run.old.start..run.old.start + head,
                new: run.new.start..run.new.start + head,
            });
        }
        if !hunk.is_empty() {
            hunks.push(std::mem::take(&mut hunk));
        }
        if tail > 0 {
            hunk.push(Run {
                same: true,
                old: run.old.end - tail..run.old.end,
                new: run.new.end - tail..run.new.end,
            });
        }
    }
    if hunk.iter().any(|r| !r.same) {
        hunks.push(hunk);
    }
    hunks
}

/// A shortest edit script from `a` to `b`, as runs of equal and changed lines.
fn runs(a: &[&str], b: &[&str]) -> Vec<Run> {
    let mut same = Vec::with_capacity(a.len().min(b.len()));
    matching(a, b, 0, 0, &mut same);
    let mut runs: Vec<Run> = Vec::new();
    let (mut i, mut j) = (0, 0);
    // The pairs of equal lines, then a sentinel at the end of both texts.
    for (x, y) in same.into_iter().chain([(a.len(), b.len())]) {
        if x > i || y > j {
            runs.push(Run {
                same: false,
                old: i..x,
                new: j..y,
            });
        }
        if x == a.len() {
            break;
        }
        match runs.last_mut() {
            Some(r) if r.same => {
                r.old.end += 1;
                r.new.end += 1;
            }
            _ => runs.push(Run {
                same: true,
                old: x..x + 1,
                new: y..y + 1,
            }),
        }
        (i, j) = (x + 1, y + 1);
    }
    runs
}

/// Appends to `same` the pairs of equal lines (indices offset by `da`, `db`)
/// of a longest common subsequence of `a` and `b`, in order: Myers' O(ND)
/// algorithm, split at the middle snake so that memory stays linear.
fn matching(a: &[&str], b: &[&str], da: usize, db: usize, same: &mut Vec<(usize, usize)>) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    same.extend((0..prefix).map(|k| (da + k, db + k)));
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    let (da, db) = (da + prefix, db + prefix);
    if !mid_a.is_empty() && !mid_b.is_empty() {
        let (x, y) = middle(mid_a, mid_b);
        matching(&mid_a[..x], &mid_b[..y], da, db, same);
        matching(&mid_a[x..], &mid_b[y..], da + x, db + y, same);
    }
    let (ea, eb) = (da + mid_a.len(), db + mid_b.len());
    same.extend((0..suffix).map(|k| (ea + k, eb + k)));
}

/// Where a shortest edit path from `a` to `b` crosses the middle: found by
/// walking furthest-reaching paths from both ends until they overlap. `a`
/// and `b` are not empty and differ in their first and last lines, so the
/// point is strictly inside and both halves are smaller problems.
fn middle(a: &[&str], b: &[&str]) -> (usize, usize) {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m + 1) / 2;
    let off = max + 1;
    let size = (2 * max + 3) as usize;
    // Furthest x reached on each diagonal k = x - y, forwards (`fwd`) and
    // backwards from the ends (`bwd`, counted from the end).
    let mut fwd = vec![-1isize; size];
    let mut bwd = vec![-1isize; size];
    fwd[(off + 1) as usize] = 0;
    bwd[(off + 1) as usize] = 0;
    let delta = n - m;
    let odd = delta % 2 != 0;
    let at = |v: &[isize], k: isize| v[(off + k) as usize];
    for d in 0..=max {
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && at(&fwd, k - 1) < at(&fwd, k + 1)) {
                at(&fwd, k + 1)
            } else {
                at(&fwd, k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            fwd[(off + k) as usize] = x;
            let back = delta - k;
            if odd && back.abs() < d && at(&bwd, back) >= 0 && x + at(&bwd, back) >= n {
                return (x as usize, y as usize);
            }
        }
        for k in (-d..=d).step_by(2) {
            let mut x = if k == -d || (k != d && at(&bwd, k - 1) < at(&bwd, k + 1)) {
                at(&bwd, k + 1)
            } else {
                at(&bwd, k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[(n - x - 1) as usize] == b[(m - y - 1) as usize] {
                x += 1;
                y += 1;
            }
            bwd[(off + k) as usize] = x;
            let ahead = delta - k;
            if !odd && ahead.abs() <= d && at(&fwd, ahead) >= 0 && x + at(&fwd, ahead) >= n {
                return ((n - x) as usize, (m - y) as usize);
            }
        }
    }
    unreachable!("the forward and backward paths always meet")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn twenty() -> String {
        (1..=20).map(|i| format!("l{i}\n")).collect()
    }

    #[test]
    fn hunks_read_like_diff_u() {
        let long = twenty();
        let cases: Vec<(&str, String, String, &str)> = vec![
            (
                "equal texts give nothing",
                "a\nb\n".into(),
                "a\nb\n".into(),
                "",
            ),
            (
                "an added object",
                "".into(),
                "a\nb\nc\n".into(),
                "--- live/x\n+++ merged/x\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n",
            ),
            (
                "a deleted object",
                "a\nb\nc\n".into(),
                "".into(),
                "--- live/x\n+++ merged/x\n@@ -1,3 +0,0 @@\n-a\n-b\n-c\n",
            ),
            (
                "three lines of context",
                long.clone(),
                long.replace("l10\n", "X\n"),
                "--- live/x\n+++ merged/x\n@@ -7,7 +7,7 @@\n l7\n l8\n l9\n-l10\n+X\n l11\n l12\n l13\n",
            ),
            (
                "changes six lines apart share a hunk",
                long.clone(),
                long.replace("l5\n", "X\n").replace("l12\n", "Y\n"),
                "--- live/x\n+++ merged/x\n@@ -2,14 +2,14 @@\n l2\n l3\n l4\n-l5\n+X\n l6\n l7\n l8\n l9\n l10\n l11\n-l12\n+Y\n l13\n l14\n l15\n",
            ),
            (
                "changes seven lines apart do not",
                long.clone(),
                long.replace("l5\n", "X\n").replace("l13\n", "Y\n"),
                "--- live/x\n+++ merged/x\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+X\n l6\n l7\n l8\n@@ -10,7 +10,7 @@\n l10\n l11\n l12\n-l13\n+Y\n l14\n l15\n l16\n",
            ),
            (
                "removed lines come before added ones",
                "a\nb\nc\nd\n".into(),
                "a\nX\nY\nZ\nd\n".into(),
                "--- live/x\n+++ merged/x\n@@ -1,4 +1,5 @@\n a\n-b\n-c\n+X\n+Y\n+Z\n d\n",
            ),
            (
                "a one-line range is just its number",
                "a\n".into(),
                "b\n".into(),
                "--- live/x\n+++ merged/x\n@@ -1 +1 @@\n-a\n+b\n",
            ),
            (
                "a change on the first line",
                long.clone(),
                long.replace("l1\n", ""),
                "--- live/x\n+++ merged/x\n@@ -1,4 +1,3 @@\n-l1\n l2\n l3\n l4\n",
            ),
            (
                "a change after the last line",
                long.clone(),
                format!("{long}end\n"),
                "--- live/x\n+++ merged/x\n@@ -18,3 +18,4 @@\n l18\n l19\n l20\n+end\n",
            ),
            (
                "a missing final newline is marked",
                "a\nb".into(),
                "a\nc".into(),
                "--- live/x\n+++ merged/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
            ),
            (
                "a dropped final newline is a change",
                "a\nb\n".into(),
                "a\nb".into(),
                "--- live/x\n+++ merged/x\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
            ),
        ];
        for (name, a, b, want) in cases {
            assert_eq!(unified_text("live/x", "merged/x", &a, &b), want, "{name}");
        }
    }

    #[test]
    fn objects_are_compared_as_yaml_with_kubectl_labels() {
        let before = serde_json::json!({"spec": {"replicas": 1, "image": "a"}});
        let after = serde_json::json!({"spec": {"replicas": 2, "image": "a"}});
        let d = unified("Deployment.ns.web", &before, &after);
        assert_eq!(
            d,
            "--- live/Deployment.ns.web\n+++ merged/Deployment.ns.web\n@@ -1,3 +1,3 @@\n spec:\n   image: a\n-  replicas: 1\n+  replicas: 2\n"
        );
        assert_eq!(unified("x", &before, &before), "");
    }

    /// The length of a longest common subsequence, the slow way.
    fn lcs(a: &[&str], b: &[&str]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for x in a {
            let mut diag = 0;
            for (j, y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        row[b.len()]
    }

    proptest! {
        /// With all lines as context, the diff rebuilds both texts, and it
        /// changes no more lines than a shortest edit needs.
        #[test]
        fn the_edit_script_is_correct_and_shortest(
            a in proptest::collection::vec(0u8..4, 0..40),
            b in proptest::collection::vec(0u8..4, 0..40),
        ) {
            let text = |v: &[u8]| v.iter().map(|c| format!("{c}\n")).collect::<String>();
            let (ta, tb) = (text(&a), text(&b));
            let la: Vec<&str> = ta.split_inclusive('\n').collect();
            let lb: Vec<&str> = tb.split_inclusive('\n').collect();
            let runs = runs(&la, &lb);
            let (mut old, mut new, mut changed) = (String::new(), String::new(), 0);
            let (mut i, mut j) = (0, 0);
            for r in &runs {
                prop_assert_eq!((r.old.start, r.new.start), (i, j), "runs are contiguous");
                if r.same {
                    prop_assert_eq!(&la[r.old.clone()], &lb[r.new.clone()]);
                } else {
                    changed += r.old.len() + r.new.len();
                }
                old.extend(la[r.old.clone()].iter().copied());
                new.extend(lb[r.new.clone()].iter().copied());
                (i, j) = (r.old.end, r.new.end);
            }
            prop_assert_eq!(&old, &ta);
            prop_assert_eq!(&new, &tb);
            prop_assert_eq!(changed, la.len() + lb.len() - 2 * lcs(&la, &lb));
            // Every hunk's header counts the lines it shows.
            let d = unified_text("a", "b", &ta, &tb);
            prop_assert_eq!(d.is_empty(), ta == tb);
        }
    }
}
