//! Loading StackSet manifests: YAML (one or more `---` documents) or JSON,
//! from a file or from stdin (`-`). Malformed input is reported as
//! `FILE:LINE:COLUMN: what is wrong`, never as a panic.

use std::io::Read;
use std::path::Path;

use serde_json::Value;
use stackset_core::api::StackSet;
use stackset_core::api::constants::{API_VERSION, KIND_STACKSET};

use crate::error::Failure;

/// Input larger than this is refused (a StackSet is a few kilobytes).
pub const MAX_BYTES: u64 = 8 << 20;

/// One StackSet document of a manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The document as written (server-side apply sends exactly this).
    pub raw: Value,
    /// The document as a typed StackSet.
    pub stackset: StackSet,
    /// 1-based position among the documents.
    pub document: usize,
}

/// Reads a file, or stdin for `-`. Returns the label used in messages and the text.
pub fn read_source(path: &Path) -> Result<(String, String), Failure> {
    let hint = "pass a YAML or JSON file with -f FILE, or - for stdin";
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .take(MAX_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| Failure::error(format!("cannot read stdin: {e}")).hint(hint))?;
        if text.len() as u64 > MAX_BYTES {
            return Err(Failure::error(
                "stdin: more than 8 MiB; not a StackSet manifest",
            ));
        }
        return Ok(("<stdin>".into(), text));
    }
    let label = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::error(format!("cannot read {label}: {e}")).hint(hint))?;
    let mut text = String::new();
    file.take(MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Failure::error(format!("cannot read {label}: {e}")).hint(hint))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(Failure::error(format!(
            "{label}: more than 8 MiB; not a StackSet manifest"
        )));
    }
    Ok((label, text))
}

/// Reads and parses a manifest file (or stdin).
pub fn load(path: &Path) -> Result<Vec<Manifest>, Failure> {
    let (label, text) = read_source(path)?;
    parse(&label, &text)
}

/// Reads every `-f` argument: a file, `-` for stdin, or a directory, whose
/// `*.yaml`, `*.yml` and `*.json` files are read in name order (with
/// `recursive`, those of its subdirectories too).
pub fn load_all(paths: &[std::path::PathBuf], recursive: bool) -> Result<Vec<Manifest>, Failure> {
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() != "-" && path.is_dir() {
            let before = files.len();
            collect_dir(path, recursive, &mut files)?;
            if files.len() == before {
                return Err(Failure::error(format!(
                    "{}: no *.yaml, *.yml or *.json files in the directory",
                    path.display()
                ))
                .hint(if recursive {
                    "point -f at a file or a directory of StackSet manifests"
                } else {
                    "add -R to read its subdirectories too"
                }));
            }
        } else {
            files.push(path.clone());
        }
    }
    let mut out = Vec::new();
    for f in &files {
        out.extend(load(f)?);
    }
    Ok(out)
}

fn collect_dir(
    dir: &Path,
    recursive: bool,
    files: &mut Vec<std::path::PathBuf>,
) -> Result<(), Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::error(format!("cannot read directory {}: {e}", dir.display())))?;
    let mut paths: Vec<std::path::PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            if recursive {
                collect_dir(&p, recursive, files)?;
            }
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
        {
            files.push(p);
        }
    }
    Ok(())
}

/// Rewords the parser's messages that speak Rust.
fn humanize(message: &str) -> String {
    let mut m = message.replace(
        "cannot deserialize null into string",
        "a string is required here, got null",
    );
    while let Some(at) = m.find("; use Option<") {
        let end = m[at..].find('>').map_or(m.len(), |e| at + e + 1);
        m.replace_range(at..end, "");
    }
    m.replace("invalid type: null", "a value is required here, got null")
}

/// The first field of `value` that the StackSet schema does not know, as
/// (dotted path, the field, the nearest known field).
fn unknown_field(value: &Value) -> Option<(String, String, Option<String>)> {
    static SCHEMA: std::sync::OnceLock<Option<Value>> = std::sync::OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        // The StackSet CRD comes first in the embedded CRDs (a test in
        // stackset-core keeps them equal to the generated ones).
        let crds = stackset_core::api::crd::embedded_crds().ok()?;
        crds.first()?
            .pointer("/spec/versions/0/schema/openAPIV3Schema")
            .cloned()
    });
    check_fields(value, schema.as_ref()?, "")
}

fn check_fields(
    value: &Value,
    schema: &Value,
    path: &str,
) -> Option<(String, String, Option<String>)> {
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
        return None;
    }
    match value {
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, v) in map {
                    let here = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    match props.get(key) {
                        Some(sub) => {
                            if let Some(found) = check_fields(v, sub, &here) {
                                return Some(found);
                            }
                        }
                        None if schema.get("additionalProperties").is_none() => {
                            let near = props
                                .keys()
                                .map(|k| (edit_distance(k, key), k))
                                .filter(|(d, k)| *d <= 2.max(k.len() / 4))
                                .min()
                                .map(|(_, k)| k.clone());
                            return Some((here, key.clone(), near));
                        }
                        None => {}
                    }
                }
            } else if let Some(extra) = schema.get("additionalProperties")
                && extra.is_object()
            {
                for (key, v) in map {
                    let here = format!("{path}.{key}");
                    if let Some(found) = check_fields(v, extra, &here) {
                        return Some(found);
                    }
                }
            }
            None
        }
        Value::Array(items) => {
            let schema = schema.get("items")?;
            items
                .iter()
                .enumerate()
                .find_map(|(i, v)| check_fields(v, schema, &format!("{path}[{i}]")))
        }
        _ => None,
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for j in 0..b.len() {
            let cur = row[j + 1];
            row[j + 1] = if ca == b[j] {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The 1-based line of the first `key:` in the text.
fn line_of(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.strip_prefix(key)
                .is_some_and(|r| r.starts_with(':') || r.starts_with("\":"))
                || t.strip_prefix(&format!("\"{key}\""))
                    .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

fn located(label: &str, err: &serde_saphyr::Error) -> String {
    let inner = err.without_snippet();
    let message = humanize(&one_line(&inner.to_string()));
    match inner.location() {
        Some(loc) if loc.line() > 0 => format!(
            "{label}:{}:{}: {}",
            loc.line(),
            loc.column(),
            strip_position(&message)
        ),
        _ => format!("{label}: {message}"),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parser appends " at line L, column C"; the prefix already says it.
fn strip_position(message: &str) -> &str {
    if let Some(at) = message.rfind(" at line ") {
        let rest = &message[at + " at line ".len()..];
        if let Some((line, column)) = rest.split_once(", column ")
            && line.chars().all(|c| c.is_ascii_digit())
            && column.chars().all(|c| c.is_ascii_digit())
        {
            return &message[..at];
        }
    }
    message
}

/// Parses the text of a manifest: every document must be a `zalando.org/v1`
/// StackSet with a name. Empty documents are skipped.
pub fn parse(label: &str, text: &str) -> Result<Vec<Manifest>, Failure> {
    let invalid_hint = "fix the file; `kubectl stackset crd` prints the StackSet schema";
    let docs: Vec<Value> = serde_saphyr::from_multiple(text)
        .map_err(|e| Failure::error(located(label, &e)).hint(invalid_hint))?;
    let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if docs.is_empty() {
        return Err(Failure::error(format!("{label}: no StackSet in the input"))
            .hint("the file must hold at least one zalando.org/v1 StackSet"));
    }
    let mut out = Vec::with_capacity(docs.len());
    for (i, raw) in docs.into_iter().enumerate() {
        let document = i + 1;
        let Some(map) = raw.as_object() else {
            return Err(
                Failure::error(format!("{label}: document {document} is not an object"))
                    .hint(invalid_hint),
            );
        };
        let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
        if api_version != API_VERSION || kind != KIND_STACKSET {
            return Err(Failure::error(format!(
                "{label}: document {document} is {}, not a {API_VERSION} {KIND_STACKSET}",
                if kind.is_empty() && api_version.is_empty() {
                    "missing apiVersion and kind".to_string()
                } else {
                    // Escaped: a multi-line YAML scalar must not break the one-line error.
                    format!("{} ({})", kind.escape_debug(), api_version.escape_debug())
                }
            ))
            .hint("apply other kinds with kubectl apply"));
        }
        if let Some((path, key, near)) = unknown_field(&raw) {
            let at = line_of(text, &key)
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            let hint = match near {
                Some(n) => format!("did you mean {n}?"),
                None => invalid_hint.to_string(),
            };
            return Err(Failure::error(format!(
                "{label}{at}: document {document}: unknown field {path}"
            ))
            .hint(hint));
        }
        let stackset: StackSet = match serde_json::from_value(raw.clone()) {
            Ok(s) => s,
            Err(e) => return Err(typed_error(label, text, document, &e).hint(invalid_hint)),
        };
        if stackset.metadata.name.as_deref().is_none_or(str::is_empty) {
            return Err(Failure::error(format!(
                "{label}: document {document}: metadata.name is missing"
            ))
            .hint(invalid_hint));
        }
        out.push(Manifest {
            raw,
            stackset,
            document,
        });
    }
    Ok(out)
}

/// A shape error (valid YAML, not a StackSet): the YAML parser is asked
/// again for the typed value, because it knows line and column.
fn typed_error(label: &str, text: &str, document: usize, e: &serde_json::Error) -> Failure {
    if let Err(located_err) = serde_saphyr::from_multiple::<StackSet>(text)
        && located_err.without_snippet().location().is_some()
    {
        return Failure::error(located(label, &located_err));
    }
    Failure::error(format!(
        "{label}: document {document} is not a valid StackSet: {}",
        humanize(&one_line(&e.to_string()))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "apiVersion: zalando.org/v1
kind: StackSet
metadata:
  name: my-app
spec:
  stackLifecycle: {}
  stackTemplate:
    spec:
      version: v1
      podTemplate:
        spec:
          containers:
          - name: app
            image: example/app:v1
";

    #[test]
    fn loads_one_and_many_documents_and_json() {
        let one = parse("f.yaml", GOOD).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].stackset.metadata.name.as_deref(), Some("my-app"));
        assert_eq!(one[0].stackset.spec.stack_template.spec.version, "v1");

        let two = format!("---\n{GOOD}---\n{}", GOOD.replace("my-app", "other"));
        let many = parse("f.yaml", &two).unwrap();
        let names: Vec<_> = many
            .iter()
            .map(|m| m.stackset.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(names, vec!["my-app", "other"]);
        assert_eq!(many[1].document, 2);

        let json = serde_json::to_string(&one[0].raw).unwrap();
        assert_eq!(parse("f.json", &json).unwrap().len(), 1);
    }

    #[test]
    fn malformed_yaml_names_file_line_and_column() {
        let broken = "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata:\n  name: [unclosed\n";
        let err = parse("my-app.yaml", broken).unwrap_err();
        assert!(
            err.message().starts_with("my-app.yaml:"),
            "file first: {}",
            err.message()
        );
        let mut parts = err.message().splitn(4, ':');
        parts.next();
        let line: u64 = parts.next().unwrap().parse().expect("a line number");
        let column: u64 = parts.next().unwrap().parse().expect("a column number");
        assert_eq!((line, column), (4, 9), "{}", err.message());
        assert!(
            err.message().ends_with("unclosed bracket '['"),
            "{}",
            err.message()
        );
        assert!(err.hint.is_some());
    }

    #[test]
    fn wrong_shapes_and_kinds_are_errors() {
        let cases = [
            ("empty", "", "no StackSet"),
            ("comment only", "# nothing\n", "no StackSet"),
            ("scalar", "hello\n", "not an object"),
            (
                "deployment",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
                "Deployment (apps/v1), not a zalando.org/v1 StackSet",
            ),
            (
                "no kind",
                "metadata: {name: x}\n",
                "missing apiVersion and kind",
            ),
            (
                "no name",
                "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata: {}\nspec: {stackLifecycle: {}, stackTemplate: {spec: {version: v1}}}\n",
                "metadata.name is missing",
            ),
        ];
        for (name, text, want) in cases {
            let err = parse("f.yaml", text).unwrap_err();
            assert!(err.message().contains(want), "{name}: {}", err.message());
        }
    }

    #[test]
    fn type_errors_are_located() {
        let bad = GOOD.replace("version: v1", "version: v1\n      replicas: lots");
        let err = parse("f.yaml", &bad).unwrap_err();
        assert!(err.message().starts_with("f.yaml:"), "{}", err.message());
        assert!(
            err.message().contains("replicas")
                || err.message().contains("lots")
                || err.message().contains("integer")
                || err.message().contains("i32"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn a_misspelt_field_is_unknown_with_the_nearest_known_one() {
        let text = GOOD.replace("stackTemplate:", "stackTemplte:");
        let err = parse("f.yaml", &text).unwrap_err();
        assert_eq!(
            err.message(),
            "f.yaml:7: document 1: unknown field spec.stackTemplte"
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean stackTemplate?"));
        // Deeper down, and without a near name.
        let text = GOOD.replace("      version: v1", "      version: v1\n      flavour: x");
        let err = parse("f.yaml", &text).unwrap_err();
        assert!(
            err.message()
                .ends_with("unknown field spec.stackTemplate.spec.flavour"),
            "{}",
            err.message()
        );
        // Open maps (labels, annotations) take any key.
        let text = GOOD.replace(
            "  name: my-app\n",
            "  name: my-app\n  labels:\n    anything: goes\n",
        );
        assert!(parse("f.yaml", &text).is_ok());
    }

    #[test]
    fn parser_messages_speak_yaml_not_rust() {
        let text = GOOD.replace("version: v1", "version: ~");
        let err = parse("f.yaml", &text).unwrap_err();
        assert_eq!(
            err.message(),
            "f.yaml:9:16: a string is required here, got null"
        );
        assert!(!err.message().contains("Option<"), "{}", err.message());
        assert!(!err.message().contains("deserialize"), "{}", err.message());
        assert_eq!(
            humanize("cannot deserialize null into string; use Option<String>"),
            "a string is required here, got null"
        );
    }

    #[test]
    fn directories_are_read_in_name_order_and_recursively_with_r() {
        let dir = std::env::temp_dir().join(format!("stackset-manifests-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("b.yaml"), GOOD.replace("my-app", "b")).unwrap();
        std::fs::write(
            dir.join("a.json"),
            serde_json::to_string(&parse("x", GOOD).unwrap()[0].raw)
                .unwrap()
                .replace("my-app", "a"),
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), "not a manifest").unwrap();
        std::fs::write(dir.join("sub/c.yml"), GOOD.replace("my-app", "c")).unwrap();
        let names = |docs: Vec<Manifest>| -> Vec<String> {
            docs.into_iter()
                .map(|m| m.stackset.metadata.name.unwrap())
                .collect()
        };
        assert_eq!(
            names(load_all(std::slice::from_ref(&dir), false).unwrap()),
            ["a", "b"]
        );
        assert_eq!(
            names(load_all(std::slice::from_ref(&dir), true).unwrap()),
            ["a", "b", "c"]
        );
        let empty = dir.join("sub/empty");
        std::fs::create_dir_all(&empty).unwrap();
        let err = load_all(&[empty], false).unwrap_err();
        assert!(
            err.message()
                .ends_with("no *.yaml, *.yml or *.json files in the directory"),
            "{}",
            err.message()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    mod props {
        use proptest::prelude::*;

        use super::super::*;

        proptest! {
            #[test]
            fn never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
                let _ = parse("fuzz.yaml", &text);
            }

            #[test]
            fn never_panics_on_yamlish_text(text in "[a-zA-Z0-9:{}\\[\\],\\-\\n '\"#&*!|>%@`]{0,300}") {
                let _ = parse("fuzz.yaml", &text);
            }

            #[test]
            fn never_panics_on_mutated_manifests(cut in 0usize..400, insert in "[\\[\\]{}:\\-\\n \"']{0,3}") {
                let mut text = super::GOOD.to_string();
                let at = cut.min(text.len());
                let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
                text.insert_str(at, &insert);
                match parse("m.yaml", &text) {
                    Ok(docs) => prop_assert!(!docs.is_empty()),
                    Err(e) => prop_assert!(e.message().starts_with("m.yaml"), "{}", e.message()),
                }
            }
        }
    }
}
