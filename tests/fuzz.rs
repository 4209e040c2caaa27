//! Bad input at scale (issue #15): `apply -f` manifests and weight specs,
//! random and mutated, must give a value (a manifest list, or an error with
//! a one-line message) and never a panic.
//!
//! In `make test` these run a short regression (the fixed corpus below plus
//! `FUZZ_DEFAULT_CASES` random cases each). The long run stays out of the test
//! command:
//!
//! ```sh
//! PROPTEST_CASES=1000000 cargo test --release --test fuzz fuzz_ -- --nocapture
//! ```
//!
//! Each test prints how many inputs it actually ran.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use kubectl_stackset::commands::traffic_set::split_args;
use kubectl_stackset::manifest::parse;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use stackset_core::shift::{EditMode, StepPlan, parse_assignments, set_weights};

/// Random cases per test in the regular test run.
const FUZZ_DEFAULT_CASES: u32 = 2_000;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(FUZZ_DEFAULT_CASES);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        // Shrinking a parser panic can take long; the failing input is
        // printed either way.
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

const VALID: &str = r#"apiVersion: zalando.org/v1
kind: StackSet
metadata:
  name: my-app
  labels: {application: my-app}
spec:
  ingress:
    hosts: [my-app.example.org]
    backendPort: 80
  stackLifecycle: {scaledownTTLSeconds: 300, limit: 5}
  traffic:
  - {stackName: my-app-v1, weight: 80}
  - {stackName: my-app-v2, weight: 20.5}
  stackTemplate:
    spec:
      version: v2
      replicas: 3
      autoscaler:
        minReplicas: 2
        maxReplicas: 10
        metrics: [{type: CPU, averageUtilization: 80}]
      podTemplate:
        spec:
          containers:
          - name: app
            image: ghcr.io/example/my-app:2.0
            ports: [{containerPort: 80, name: http}]
"#;

/// The inputs that once broke (or could break) a YAML front end: run every time.
const CORPUS: &[&str] = &[
    "",
    "---",
    "--- \n---\n",
    "~",
    "null",
    "[]",
    "{}",
    "- 1\n- 2",
    "apiVersion: zalando.org/v1\nkind: StackSet",
    "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata: {name: ''}",
    "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata: {name: a}\nspec: 3",
    "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata: {name: a}\nspec: {traffic: [{stackName: a, weight: .nan}]}",
    "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata: {name: a}\nspec: {traffic: [{stackName: a, weight: 1e999}]}",
    "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata: {name: a}\nspec: {stackTemplate: {spec: {replicas: -99999999999999999999}}}",
    "&a [*a]",
    "a: &a {b: *a}",
    "a: *unknown",
    "!!binary ZZZ",
    "? [a, b]\n: c",
    "key: \"\\u{d800}\"",
    "\u{feff}apiVersion: zalando.org/v1",
    "\t- tab",
    "a:\n  - b\n - c",
    "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]",
    "%YAML 1.2\n---\nfoo",
    "%TAG ! tag:example.com,2000:\n--- !foo bar",
    "a: 'unterminated",
    "a: |\n  text\n b",
    "\0",
    // Found by this fuzz: a plain scalar folded over a blank line holds a
    // newline, which the error message used to print as it was.
    "apiVersion: zalando.org/v1\n\n  a",
    "kind: StackSet\n\n  x",
];

/// Billion-laughs style expansion must be refused or bounded, not explode.
fn laughs() -> String {
    let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        s.push_str(&format!(
            "{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            (b'a' + i) as char,
            (b'a' + i) as char,
            p = (b'a' + i - 1) as char
        ));
    }
    s
}

fn check_manifest(text: &str) {
    match parse("fuzz.yaml", text) {
        Ok(list) => assert!(!list.is_empty()),
        Err(f) => {
            assert!(!f.message().is_empty(), "an error says what is wrong");
            assert!(
                !f.message().contains('\n'),
                "one-line error for {text:?}: {}",
                f.message()
            );
        }
    }
}

#[test]
fn fuzz_regression_corpus_of_manifests() {
    for text in CORPUS {
        check_manifest(text);
    }
    check_manifest(&laughs());
    let deep = "[".repeat(100_000);
    check_manifest(&deep);
    let deep_map = "a: {".repeat(20_000);
    check_manifest(&deep_map);
    check_manifest(VALID);
    assert_eq!(parse("ok.yaml", VALID).unwrap().len(), 1);
}

/// Mutations of a valid manifest: byte edits at random places.
fn mutated() -> impl Strategy<Value = String> {
    let edit = (0usize..VALID.len(), 0u8..4, any::<char>(), 1usize..12);
    proptest::collection::vec(edit, 1..8).prop_map(|edits| {
        let mut s: Vec<char> = VALID.chars().collect();
        for (at, op, c, n) in edits {
            let at = at.min(s.len());
            match op {
                0 => s.insert(at, c),
                1 => {
                    let end = (at + n).min(s.len());
                    s.drain(at..end);
                }
                2 => {
                    if at < s.len() {
                        s[at] = c;
                    }
                }
                _ => {
                    // Duplicate a slice: repeated keys, nested blocks.
                    let end = (at + n * 8).min(s.len());
                    let chunk: Vec<char> = s[at..end].to_vec();
                    for (i, ch) in chunk.into_iter().enumerate() {
                        s.insert(end + i, ch);
                    }
                }
            }
        }
        s.into_iter().collect()
    })
}

/// YAML-ish text from YAML's own alphabet, so the parser's deeper states are
/// reached more often than with arbitrary text.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("apiVersion: zalando.org/v1\n".to_string()),
        Just("kind: StackSet\n".to_string()),
        Just("metadata: {name: x}\n".to_string()),
        Just("spec:\n".to_string()),
        Just("  traffic:\n".to_string()),
        Just("  - {stackName: x-v1, weight: ".to_string()),
        Just("---\n".to_string()),
        Just("- ".to_string()),
        Just(": ".to_string()),
        Just("  ".to_string()),
        Just("\n".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(", ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("!!str ".to_string()),
        Just("? ".to_string()),
        Just("|\n".to_string()),
        Just(">-\n".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("#".to_string()),
        "[a-zA-Z0-9_.-]{1,8}",
        "-?[0-9]{1,25}(\\.[0-9]{0,5})?(e-?[0-9]{1,4})?",
        any::<String>(),
    ];
    proptest::collection::vec(token, 0..40).prop_map(|t| t.concat())
}

static MANIFESTS: AtomicU64 = AtomicU64::new(0);
static WEIGHTS: AtomicU64 = AtomicU64::new(0);

fn report(what: &str, counter: &AtomicU64) {
    eprintln!(
        "fuzz: {} {what} inputs ran without a panic",
        counter.load(Ordering::Relaxed)
    );
}

#[test]
fn fuzz_manifests_never_panic() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = prop_oneof![any::<String>(), mutated(), yamlish()];
    runner
        .run(&strategy, |text| {
            MANIFESTS.fetch_add(1, Ordering::Relaxed);
            check_manifest(&text);
            Ok(())
        })
        .unwrap();
    report("manifest", &MANIFESTS);
}

fn assignment() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("v1".to_string()),
        Just("v2".to_string()),
        Just("app-v1".to_string()),
        Just("app-v3".to_string()),
        Just("".to_string()),
        "[a-z0-9=%. -]{0,10}",
        any::<String>(),
    ];
    let weight = prop_oneof![
        (0u32..=100).prop_map(|w| w.to_string()),
        (-1e6f64..1e6).prop_map(|w| w.to_string()),
        Just("NaN".to_string()),
        Just("inf".to_string()),
        Just("-0".to_string()),
        Just("1e-320".to_string()),
        Just("99.9999999999%".to_string()),
        Just("%".to_string()),
        "[0-9.e+%-]{0,12}",
        any::<String>(),
    ];
    prop_oneof![
        (name.clone(), weight).prop_map(|(n, w)| format!("{n}={w}")),
        any::<String>(),
    ]
}

fn current_weights() -> impl Strategy<Value = BTreeMap<String, u32>> {
    proptest::collection::vec(0u32..=100, 0..5).prop_map(|ws| {
        ws.into_iter()
            .enumerate()
            .map(|(i, w)| (format!("app-v{}", i + 1), w))
            .collect()
    })
}

#[test]
fn fuzz_weight_specs_never_panic() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = (
        proptest::collection::vec(assignment(), 0..6),
        current_weights(),
        any::<bool>(),
        "[0-9,% a-z-]{0,20}",
    );
    runner
        .run(&strategy, |(args, current, exact, steps)| {
            WEIGHTS.fetch_add(1, Ordering::Relaxed);
            let (_, assignments) = split_args(&args);
            let known: Vec<String> = current.keys().cloned().collect();
            let _ = StepPlan::parse_steps(&steps);
            if let Ok(parsed) = parse_assignments(assignments, "app", &known) {
                let mode = if exact {
                    EditMode::Exact
                } else {
                    EditMode::Proportional
                };
                if let Ok(w) = set_weights(&current, &parsed, mode) {
                    prop_assert_eq!(w.values().sum::<u32>(), 100, "{:?} {:?}", current, parsed);
                    prop_assert_eq!(
                        w.keys().collect::<Vec<_>>(),
                        known.iter().collect::<Vec<_>>()
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    report("weight spec", &WEIGHTS);
}
