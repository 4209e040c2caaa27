//! `kubectl stackset crd` against upstream's own CRDs (v1.4.131's
//! docs/stackset_crd.yaml and docs/stack_crd.yaml), field by field, and the
//! comparison itself. Upstream's files come from tests/cluster/build-upstream.sh
//! (part of `make test`); no cluster is needed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::{bin, repo_root};

/// Where tests/cluster/build-*.sh put their binaries and files.
fn cluster_bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("STACKSET_CLUSTER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/cluster/bin"));
    dir.join(name)
}
// ---------------------------------------------------------------------------

/// Schema keywords compared (descriptions are prose and are not).
const SCHEMA_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "nullable",
    "default",
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
    "x-kubernetes-embedded-resource",
];

/// Every difference between two OpenAPI v3 schemas, one line each, by path.
fn schema_diff(path: &str, ours: &Value, theirs: &Value, out: &mut Vec<String>) {
    for k in SCHEMA_KEYWORDS {
        let (a, b) = (ours.get(*k), theirs.get(*k));
        let norm = |v: Option<&Value>| -> Option<Value> {
            let v = v?.clone();
            // Sets written in another order are the same set.
            Some(match v {
                Value::Array(mut a) if *k == "enum" => {
                    a.sort_by_key(|x| x.to_string());
                    Value::Array(a)
                }
                v => v,
            })
        };
        if norm(a) != norm(b) {
            out.push(format!(
                "{path}: {k} is {} here, {} upstream",
                a.map_or("absent".into(), |v| v.to_string()),
                b.map_or("absent".into(), |v| v.to_string())
            ));
        }
    }
    let set = |v: &Value, key: &str| -> BTreeSet<String> {
        v.get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (ra, rb) = (set(ours, "required"), set(theirs, "required"));
    if ra != rb {
        out.push(format!("{path}: required is {ra:?} here, {rb:?} upstream"));
    }
    let empty = serde_json::Map::new();
    let props = |v: &Value| {
        v.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (pa, pb) = (props(ours), props(theirs));
    let names: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
    for n in names {
        let p = if path.is_empty() {
            n.clone()
        } else {
            format!("{path}.{n}")
        };
        match (pa.get(n), pb.get(n)) {
            (Some(a), Some(b)) => schema_diff(&p, a, b, out),
            (Some(_), None) => out.push(format!("{p}: only here, not upstream")),
            (None, Some(_)) => out.push(format!("{p}: upstream only, missing here")),
            (None, None) => unreachable!(),
        }
    }
    for k in ["items", "additionalProperties"] {
        match (ours.get(k), theirs.get(k)) {
            (Some(a), Some(b)) if a.is_object() || b.is_object() => {
                schema_diff(&format!("{path}[{k}]"), a, b, out)
            }
            (a, b) if a != b => out.push(format!(
                "{path}: {k} is {} here, {} upstream",
                a.map_or("absent".into(), |v| v.to_string()),
                b.map_or("absent".into(), |v| v.to_string())
            )),
            _ => {}
        }
    }
}

/// Differences between two CustomResourceDefinitions outside the schema
/// text: names, scope, versions, subresources and printer columns.
fn crd_diff(ours: &Value, theirs: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let kind = theirs["spec"]["names"]["kind"]
        .as_str()
        .unwrap_or("?")
        .to_string();
    for k in ["group", "scope", "names"] {
        if ours["spec"][k] != theirs["spec"][k] {
            out.push(format!(
                "{kind}: spec.{k} is {} here, {} upstream",
                ours["spec"][k], theirs["spec"][k]
            ));
        }
    }
    let versions = |v: &Value| -> BTreeMap<String, Value> {
        v["spec"]["versions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|x| (x["name"].as_str().unwrap_or("").to_string(), x.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (va, vb) = (versions(ours), versions(theirs));
    if va.keys().collect::<Vec<_>>() != vb.keys().collect::<Vec<_>>() {
        out.push(format!(
            "{kind}: versions {:?} here, {:?} upstream",
            va.keys(),
            vb.keys()
        ));
    }
    for (name, b) in &vb {
        let Some(a) = va.get(name) else { continue };
        for k in [
            "served",
            "storage",
            "subresources",
            "additionalPrinterColumns",
        ] {
            let strip = |v: &Value| -> Value {
                // Printer column descriptions are prose, like schema descriptions.
                let mut v = v.clone();
                if let Some(cols) = v.as_array_mut() {
                    for c in cols {
                        if let Some(o) = c.as_object_mut() {
                            o.remove("description");
                        }
                    }
                }
                v
            };
            if strip(&a[k]) != strip(&b[k]) {
                out.push(format!(
                    "{kind} {name}: {k} is {} here, {} upstream",
                    a[k], b[k]
                ));
            }
        }
        schema_diff(
            &format!("{kind} {name}"),
            &a["schema"]["openAPIV3Schema"],
            &b["schema"]["openAPIV3Schema"],
            &mut out,
        );
    }
    out
}

fn crds_by_kind(text: &str) -> BTreeMap<String, Value> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).expect("CRD YAML");
    docs.into_iter()
        .filter(|d| d["kind"] == "CustomResourceDefinition")
        .map(|d| {
            (
                d["spec"]["names"]["kind"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                d,
            )
        })
        .collect()
}

/// `kubectl stackset crd` prints the same StackSet and Stack CRDs as upstream
/// v1.4.131's docs/stackset_crd.yaml and docs/stack_crd.yaml, field by field.
#[test]
fn crds_match_upstream_field_by_field() {
    let dir = cluster_bin("upstream-crds");
    let mut upstream = String::new();
    for f in ["stackset_crd.yaml", "stack_crd.yaml"] {
        let p = dir.join(f);
        upstream.push_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (hint: tests/cluster/build-upstream.sh, part of `make test`)",
                p.display()
            )
        }));
        upstream.push_str("\n---\n");
    }
    let upstream = crds_by_kind(&upstream);
    let out = Command::new(bin()).arg("crd").output().expect("run crd");
    assert!(
        out.status.success(),
        "crd failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = crds_by_kind(&String::from_utf8_lossy(&out.stdout));
    let mut diffs = Vec::new();
    for kind in ["StackSet", "Stack"] {
        let theirs = upstream
            .get(kind)
            .unwrap_or_else(|| panic!("upstream has no {kind} CRD"));
        let mine = ours
            .get(kind)
            .unwrap_or_else(|| panic!("`crd` prints no {kind} CRD"));
        diffs.extend(crd_diff(mine, theirs));
    }
    // Known differences, each with its reason. Keep this list short.
    const ALLOWED: &[(&str, &str)] = &[
        // Kubernetes API version skew, not a StackSet difference: upstream
        // v1.4.131 embeds PodSpec from k8s.io/api v0.35, where the alpha
        // gang-scheduling field is `workloadRef`; we use the 1.36 types of the
        // local control plane, where Kubernetes replaced it by `schedulingGroup`.
        (
            "StackSet v1.spec.stackTemplate.spec.podTemplate.spec.schedulingGroup: only here, not upstream",
            "k8s 1.36 PodSpec field (k8s-openapi v1_36), replaces 1.35's alpha workloadRef",
        ),
        (
            "StackSet v1.spec.stackTemplate.spec.podTemplate.spec.workloadRef: upstream only, missing here",
            "k8s 1.35 alpha PodSpec field, renamed to schedulingGroup in 1.36",
        ),
        (
            "Stack v1.spec.podTemplate.spec.schedulingGroup: only here, not upstream",
            "k8s 1.36 PodSpec field (k8s-openapi v1_36), replaces 1.35's alpha workloadRef",
        ),
        (
            "Stack v1.spec.podTemplate.spec.workloadRef: upstream only, missing here",
            "k8s 1.35 alpha PodSpec field, renamed to schedulingGroup in 1.36",
        ),
    ];
    let stale: Vec<_> = ALLOWED
        .iter()
        .filter(|(line, _)| !diffs.iter().any(|d| d == line))
        .collect();
    assert!(
        stale.is_empty(),
        "allowed CRD differences that no longer occur, remove them: {stale:#?}"
    );
    diffs.retain(|d| !ALLOWED.iter().any(|(line, _)| d == line));
    assert!(
        diffs.is_empty(),
        "{} differences between `kubectl stackset crd` and upstream's CRDs:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// The comparison above is not blind: a changed type, a dropped field and a
/// new required field are all reported.
#[test]
fn crd_comparison_reports_changes() {
    let theirs = json!({"type": "object", "required": ["a"], "properties": {
        "a": {"type": "string"}, "b": {"type": "integer"},
        "c": {"type": "array", "items": {"type": "object", "properties": {"d": {"type": "string"}}}}}});
    let mut mine = theirs.clone();
    mine["properties"]["a"]["type"] = json!("integer");
    mine["properties"].as_object_mut().unwrap().remove("b");
    mine["required"] = json!(["a", "c"]);
    mine["properties"]["c"]["items"]["properties"]["d"]["pattern"] = json!("^x$");
    let mut out = Vec::new();
    schema_diff("", &mine, &theirs, &mut out);
    assert_eq!(out.len(), 4, "{out:#?}");
    assert!(out.iter().any(|l| l.starts_with("a: type")));
    assert!(out.iter().any(|l| l.starts_with("b: upstream only")));
    assert!(out.iter().any(|l| l.starts_with(": required")));
    assert!(out.iter().any(|l| l.starts_with("c[items].d: pattern")));
}
