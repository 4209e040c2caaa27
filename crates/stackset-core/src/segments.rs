//! Traffic segments: each stack's share of Skipper's per-request random number
//! r ∈ [0, 1) as `TrafficSegment(lo, hi)`. Reference section 3.9.
//!
//! New limits are computed in whole percent, so the `%.2f` strings are exact
//! and the segments tile [0, 1] without float drift.

use std::collections::BTreeMap;

/// A segment `[lo, hi)` as fractions of 1, as parsed from an existing object.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Lower limit.
    pub lo: f64,
    /// Upper limit.
    pub hi: f64,
}

impl Segment {
    /// Width of the segment.
    pub fn width(self) -> f64 {
        self.hi - self.lo
    }

    /// Whether the segment matches any request.
    pub fn is_active(self) -> bool {
        self.hi > self.lo
    }
}

/// A computed segment in whole percent, `lo <= hi <= 100`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PercentSegment {
    /// Lower limit in percent.
    pub lo: u32,
    /// Upper limit in percent.
    pub hi: u32,
}

impl PercentSegment {
    /// The Skipper predicate, e.g. `TrafficSegment(0.25, 0.75)`.
    pub fn predicate(self) -> String {
        format!(
            "TrafficSegment({:.2}, {:.2})",
            f64::from(self.lo) / 100.0,
            f64::from(self.hi) / 100.0
        )
    }
}

/// Finds `TrafficSegment(lo, hi)` in a predicate string and parses both limits.
/// Returns `None` when there is no such predicate or a limit is not a number.
pub fn parse_segment(predicates: &str) -> Option<Segment> {
    const PREFIX: &str = "TrafficSegment(";
    let start = predicates.find(PREFIX)? + PREFIX.len();
    let rest = &predicates[start..];
    let comma = rest.find(", ")?;
    let lo = rest[..comma].trim();
    let after = &rest[comma + 2..];
    let close = after.find(')')?;
    let hi = after[..close].trim();
    let (lo, hi): (f64, f64) = (lo.parse().ok()?, hi.parse().ok()?);
    (lo.is_finite() && hi.is_finite()).then_some(Segment { lo, hi })
}

/// Input of the layout: one stack.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentInput {
    /// Stack name.
    pub name: String,
    /// Stack UID (orders ties among changed segments).
    pub uid: String,
    /// The segment currently in the cluster, if any.
    pub current: Option<Segment>,
    /// The stack's new actual weight.
    pub weight: u32,
}

/// Result of the layout.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentLayout {
    /// New segment of every stack.
    pub segments: BTreeMap<String, PercentSegment>,
    /// Stacks whose segment changes, in write order: growing segments first
    /// (by width delta, descending), ties by UID, so that segments overlap for
    /// a moment instead of leaving a gap.
    pub changed: Vec<String>,
}

/// Lays out the segments. Active segments keep their relative order (sorted
/// by current limits) and are re-placed from 0 with their new widths; stacks
/// that newly get traffic are appended, sorted by name (upstream uses map
/// order, which is not deterministic); stacks without traffic get (0, 0).
pub fn layout(inputs: &[SegmentInput]) -> SegmentLayout {
    let mut active: Vec<&SegmentInput> = inputs
        .iter()
        .filter(|i| i.current.is_some_and(Segment::is_active))
        .collect();
    active.sort_by(|a, b| {
        let (sa, sb) = (
            a.current.unwrap_or(Segment { lo: 0.0, hi: 0.0 }),
            b.current.unwrap_or(Segment { lo: 0.0, hi: 0.0 }),
        );
        sa.lo
            .total_cmp(&sb.lo)
            .then(sa.hi.total_cmp(&sb.hi))
            .then(a.name.cmp(&b.name))
    });
    let mut fresh: Vec<&SegmentInput> = inputs
        .iter()
        .filter(|i| !i.current.is_some_and(Segment::is_active) && i.weight > 0)
        .collect();
    fresh.sort_by(|a, b| a.name.cmp(&b.name));

    let mut segments = BTreeMap::new();
    let mut index = 0u32;
    for input in active.into_iter().chain(fresh) {
        let seg = if input.weight == 0 {
            PercentSegment::default()
        } else {
            let hi = index.saturating_add(input.weight).min(100);
            let s = PercentSegment {
                lo: index.min(hi),
                hi,
            };
            index = hi;
            s
        };
        segments.insert(input.name.clone(), seg);
    }
    for input in inputs {
        segments.entry(input.name.clone()).or_default();
    }

    let mut changed: Vec<(&SegmentInput, f64)> = inputs
        .iter()
        .filter_map(|input| {
            let new = segments.get(&input.name).copied().unwrap_or_default();
            let old_text = input.current.map(|c| predicate_text(c.lo, c.hi));
            let new_text = new.predicate();
            if old_text.as_deref() == Some(new_text.as_str()) {
                return None;
            }
            let old_width = input.current.map_or(0.0, Segment::width);
            Some((input, f64::from(new.hi - new.lo) / 100.0 - old_width))
        })
        .collect();
    changed.sort_by(|(a, da), (b, db)| {
        db.total_cmp(da)
            .then(a.uid.cmp(&b.uid))
            .then(a.name.cmp(&b.name))
    });
    SegmentLayout {
        segments,
        changed: changed.into_iter().map(|(i, _)| i.name.clone()).collect(),
    }
}

fn predicate_text(lo: f64, hi: f64) -> String {
    format!("TrafficSegment({lo:.2}, {hi:.2})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, current: Option<(f64, f64)>, weight: u32) -> SegmentInput {
        SegmentInput {
            name: name.into(),
            uid: format!("uid-{name}"),
            current: current.map(|(lo, hi)| Segment { lo, hi }),
            weight,
        }
    }

    #[test]
    fn parses_predicates() {
        struct Case {
            name: &'static str,
            text: &'static str,
            want: Option<(f64, f64)>,
        }
        let cases = [
            Case {
                name: "plain",
                text: "TrafficSegment(0.25, 0.75)",
                want: Some((0.25, 0.75)),
            },
            Case {
                name: "with user predicate",
                text: "TrafficSegment(0.00, 1.00) && Header(\"a\", \"b\")",
                want: Some((0.0, 1.0)),
            },
            Case {
                name: "user predicate first",
                text: "Path(\"/\") && TrafficSegment(0.10, 0.20)",
                want: Some((0.1, 0.2)),
            },
            Case {
                name: "absent",
                text: "Header(\"a\", \"b\")",
                want: None,
            },
            Case {
                name: "not a number",
                text: "TrafficSegment(x, 0.5)",
                want: None,
            },
            Case {
                name: "unterminated",
                text: "TrafficSegment(0.1, 0.5",
                want: None,
            },
        ];
        for case in cases {
            let got = parse_segment(case.text).map(|s| (s.lo, s.hi));
            assert_eq!(got, case.want, "{}", case.name);
        }
    }

    #[test]
    fn layouts() {
        struct Case {
            name: &'static str,
            inputs: Vec<SegmentInput>,
            want: Vec<(&'static str, u32, u32)>,
            want_changed: Vec<&'static str>,
        }
        let cases = vec![
            Case {
                name: "first stack gets everything",
                inputs: vec![input("a", None, 100)],
                want: vec![("a", 0, 100)],
                want_changed: vec!["a"],
            },
            Case {
                name: "upstream worked example: v2 grows first",
                inputs: vec![input("v1", Some((0.0, 1.0)), 50), input("v2", None, 50)],
                want: vec![("v1", 0, 50), ("v2", 50, 100)],
                want_changed: vec!["v2", "v1"],
            },
            Case {
                name: "relative order is kept",
                inputs: vec![
                    input("a", Some((0.5, 1.0)), 30),
                    input("b", Some((0.0, 0.5)), 70),
                ],
                want: vec![("a", 70, 100), ("b", 0, 70)],
                want_changed: vec!["b", "a"],
            },
            Case {
                name: "unchanged layout changes nothing",
                inputs: vec![
                    input("a", Some((0.0, 0.4)), 40),
                    input("b", Some((0.4, 1.0)), 60),
                ],
                want: vec![("a", 0, 40), ("b", 40, 100)],
                want_changed: vec![],
            },
            Case {
                name: "zero weight collapses, zero-width stays unchanged",
                inputs: vec![
                    input("a", Some((0.0, 1.0)), 0),
                    input("b", Some((0.0, 0.0)), 100),
                    input("c", Some((0.0, 0.0)), 0),
                ],
                want: vec![("a", 0, 0), ("b", 0, 100), ("c", 0, 0)],
                want_changed: vec!["b", "a"],
            },
            Case {
                name: "several new stacks are appended by name",
                inputs: vec![
                    input("z", None, 20),
                    input("m", None, 30),
                    input("a", Some((0.0, 1.0)), 50),
                ],
                want: vec![("a", 0, 50), ("m", 50, 80), ("z", 80, 100)],
                want_changed: vec!["m", "z", "a"],
            },
            Case {
                name: "ties among growing segments go by uid",
                inputs: vec![
                    input("b", None, 25),
                    input("a", None, 25),
                    input("c", Some((0.0, 1.0)), 50),
                ],
                want: vec![("a", 50, 75), ("b", 75, 100), ("c", 0, 50)],
                want_changed: vec!["a", "b", "c"],
            },
        ];
        for case in cases {
            let got = layout(&case.inputs);
            let segs: Vec<(&str, u32, u32)> = got
                .segments
                .iter()
                .map(|(k, s)| (k.as_str(), s.lo, s.hi))
                .collect();
            let mut want = case.want.clone();
            want.sort();
            assert_eq!(segs, want, "{}", case.name);
            assert_eq!(got.changed, case.want_changed, "{}", case.name);
        }
    }

    #[test]
    fn predicate_format_is_two_decimals() {
        assert_eq!(
            PercentSegment { lo: 0, hi: 100 }.predicate(),
            "TrafficSegment(0.00, 1.00)"
        );
        assert_eq!(
            PercentSegment { lo: 33, hi: 67 }.predicate(),
            "TrafficSegment(0.33, 0.67)"
        );
    }
}
