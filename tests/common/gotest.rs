//! Reading a `go test -v` log (upstream's e2e suite, run by
//! tests/integration/upstream_e2e.rs): here, so that `tests/cli` tests it
//! without a cluster.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Skip,
}

/// Top-level results from `go test -test.v` output: lines
/// `--- PASS: TestName (12.34s)` at column 0 (subtests are indented).
pub fn parse_results(output: &str) -> BTreeMap<String, Outcome> {
    let mut results = BTreeMap::new();
    for line in output.lines() {
        let Some(rest) = line.strip_prefix("--- ") else {
            continue;
        };
        let Some((verdict, rest)) = rest.split_once(": ") else {
            continue;
        };
        let outcome = match verdict {
            "PASS" => Outcome::Pass,
            "FAIL" => Outcome::Fail,
            "SKIP" => Outcome::Skip,
            _ => continue,
        };
        if let Some(name) = rest.split_whitespace().next() {
            results.insert(name.to_string(), outcome);
        }
    }
    results
}
