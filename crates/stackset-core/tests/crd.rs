//! The generated CRDs: names, subresources, printer columns and the schema
//! rules the API server enforces for structural schemas.

use serde_json::Value;
use stackset_core::api::crd::{MAX_CRD_JSON_BYTES, crd_yaml, crds};

fn crd_values() -> Vec<Value> {
    crds()
        .expect("crds")
        .into_iter()
        .map(|c| serde_json::to_value(c).expect("json"))
        .collect()
}

fn schema(crd: &Value) -> &Value {
    crd.pointer("/spec/versions/0/schema/openAPIV3Schema")
        .expect("schema")
}

/// A small structural-schema checker: every node has a `type` (or is
/// int-or-string), objects with `properties` are `type: object`, no
/// `$ref`/`anyOf`/`oneOf`/`allOf`, no `nullable`, no unknown-field
/// preservation, `required` names only existing properties, and a `default`
/// only as a scalar of the node's type (the API defaults of the embedded
/// Kubernetes types and upstream's markers; serde's `[]`/`{}` defaults would
/// be rejected against `minItems` and the like).
fn check_structural(path: &str, node: &Value, problems: &mut Vec<String>) {
    let Some(map) = node.as_object() else {
        problems.push(format!("{path}: not an object"));
        return;
    };
    for bad in [
        "$ref",
        "anyOf",
        "oneOf",
        "allOf",
        "nullable",
        "x-kubernetes-preserve-unknown-fields",
    ] {
        if map.contains_key(bad) {
            problems.push(format!("{path}: has {bad}"));
        }
    }
    if let Some(default) = map.get("default") {
        let fits = match map.get("type").and_then(Value::as_str) {
            Some("string") => default.is_string(),
            Some("boolean") => default.is_boolean(),
            _ => false,
        };
        if !fits {
            problems.push(format!("{path}: default {default} does not fit its type"));
        }
        if map
            .get("required")
            .is_some_and(|r| r.as_array().is_some_and(|r| !r.is_empty()))
        {
            problems.push(format!("{path}: default on an object"));
        }
    }
    let int_or_string = map.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    match map.get("type").and_then(Value::as_str) {
        None if !int_or_string => problems.push(format!("{path}: no type")),
        Some(_) if int_or_string => problems.push(format!("{path}: int-or-string with a type")),
        _ => {}
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        if map.get("type").and_then(Value::as_str) != Some("object") {
            problems.push(format!("{path}: properties without type object"));
        }
        for (name, prop) in props {
            check_structural(&format!("{path}.{name}"), prop, problems);
        }
        if let Some(required) = map.get("required").and_then(Value::as_array) {
            for r in required {
                if !r.as_str().is_some_and(|r| props.contains_key(r)) {
                    problems.push(format!("{path}: required {r} is not a property"));
                }
            }
        }
    }
    if let Some(items) = map.get("items") {
        check_structural(&format!("{path}[]"), items, problems);
    }
    if let Some(extra) = map.get("additionalProperties").filter(|e| e.is_object()) {
        check_structural(&format!("{path}{{}}"), extra, problems);
    }
}

#[test]
fn crds_have_upstream_names_and_no_short_names() {
    let crds = crd_values();
    let names: Vec<_> = crds
        .iter()
        .map(|c| c["metadata"]["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["stacksets.zalando.org", "stacks.zalando.org"]);
    for crd in &crds {
        assert_eq!(crd["spec"]["group"], "zalando.org");
        assert_eq!(crd["spec"]["scope"], "Namespaced");
        assert_eq!(
            crd["spec"]["names"]["categories"],
            serde_json::json!(["all"])
        );
        assert!(
            crd["spec"]["names"].get("shortNames").is_none(),
            "upstream has no short names"
        );
        assert_eq!(crd["spec"]["versions"][0]["name"], "v1");
        assert_eq!(
            crd["spec"]["versions"][0]["subresources"]["status"],
            serde_json::json!({})
        );
    }
}

#[test]
fn stack_has_the_scale_subresource() {
    let crds = crd_values();
    assert_eq!(
        crds[1]["spec"]["versions"][0]["subresources"]["scale"],
        serde_json::json!({
            "specReplicasPath": ".spec.replicas",
            "statusReplicasPath": ".status.replicas",
            "labelSelectorPath": ".status.labelSelector"
        })
    );
    assert!(
        crds[0]["spec"]["versions"][0]["subresources"]
            .get("scale")
            .is_none()
    );
}

#[test]
fn printer_columns_match_upstream() {
    let crds = crd_values();
    let columns = |crd: &Value| -> Vec<(String, String, String)> {
        crd["spec"]["versions"][0]["additionalPrinterColumns"]
            .as_array()
            .map(|cols| {
                cols.iter()
                    .map(|c| {
                        let s = |k: &str| c[k].as_str().unwrap_or("").to_string();
                        (s("name"), s("type"), s("jsonPath"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let own = |v: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect()
    };
    assert_eq!(
        columns(&crds[0]),
        own(&[
            ("Stacks", "integer", ".status.stacks"),
            ("Ready", "integer", ".status.readyStacks"),
            ("Traffic", "integer", ".status.stacksWithTraffic"),
            ("Age", "date", ".metadata.creationTimestamp"),
        ])
    );
    assert_eq!(
        columns(&crds[1]),
        own(&[
            ("Desired", "integer", ".spec.replicas"),
            ("Current", "integer", ".status.replicas"),
            ("Up-To-Date", "integer", ".status.updatedReplicas"),
            ("Ready", "integer", ".status.readyReplicas"),
            ("Traffic", "number", ".status.actualTrafficWeight"),
            ("No-Traffic-Since", "date", ".status.noTrafficSince"),
            ("Age", "date", ".metadata.creationTimestamp"),
        ])
    );
}

#[test]
fn schemas_are_structural() {
    for crd in crd_values() {
        let mut problems = Vec::new();
        check_structural("", schema(&crd), &mut problems);
        assert!(
            problems.is_empty(),
            "{}: {problems:#?}",
            crd["metadata"]["name"]
        );
    }
}

#[test]
fn crds_fit_a_last_applied_annotation() {
    for crd in crd_values() {
        let len = serde_json::to_vec(&crd)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        assert!(
            len <= MAX_CRD_JSON_BYTES,
            "{} is {len} bytes",
            crd["metadata"]["name"]
        );
    }
}

#[test]
fn wire_details_of_the_schema() {
    let crds = crd_values();
    let ss = schema(&crds[0]);
    let spec = &ss["properties"]["spec"];
    assert_eq!(
        spec["required"],
        serde_json::json!(["stackLifecycle", "stackTemplate"])
    );
    let ingress = &spec["properties"]["ingress"];
    assert_eq!(
        ingress["properties"]["backendPort"]["x-kubernetes-int-or-string"],
        true
    );
    assert_eq!(
        ingress["properties"]["hosts"]["x-kubernetes-list-type"],
        "set"
    );
    assert_eq!(ingress["properties"]["hosts"]["minItems"], 1);
    let mut required: Vec<_> = ingress["required"].as_array().cloned().unwrap_or_default();
    required.sort_by_key(|v| v.to_string());
    assert_eq!(
        required,
        [serde_json::json!("backendPort"), serde_json::json!("hosts")]
    );
    assert_eq!(
        spec["properties"]["routegroup"]["properties"]["backendPort"]["type"],
        "integer"
    );
    assert_eq!(
        spec["properties"]["traffic"]["items"]["properties"]["weight"]["type"],
        "number"
    );
    let template = &spec["properties"]["stackTemplate"]["properties"]["spec"];
    assert!(template["properties"]["version"]["pattern"].is_string());
    assert!(
        template["required"]
            .as_array()
            .is_some_and(|r| r.contains(&"version".into()))
    );
    let average = &template["properties"]["autoscaler"]["properties"]["metrics"]["items"]["properties"]
        ["average"];
    assert_eq!(average["x-kubernetes-int-or-string"], true);
    assert_eq!(
        spec["properties"]["stackLifecycle"]["properties"]["limit"]["minimum"].as_f64(),
        Some(1.0)
    );
    // Go `int` fields have no format; `float` weights say so.
    assert!(
        spec["properties"]["minReadyPercent"]
            .get("format")
            .is_none()
    );
    assert_eq!(
        spec["properties"]["traffic"]["items"]["properties"]["weight"]["format"],
        "float"
    );
    let status = &ss["properties"]["status"]["properties"];
    assert_eq!(
        status["traffic"]["items"]["properties"]["servicePort"]["x-kubernetes-int-or-string"],
        true
    );
    let st = schema(&crds[1]);
    let stack_status = &st["properties"]["status"]["properties"];
    assert_eq!(stack_status["noTrafficSince"]["format"], "date-time");
    assert!(
        st["properties"]["spec"]["properties"]
            .get("version")
            .is_none(),
        "Stack.spec has no version"
    );
    let legacy = "horizontalPodAutoscaler";
    assert!(st["properties"]["spec"]["properties"].get(legacy).is_none());
}

/// What the binary embeds is what the sources generate, and it prints the
/// same YAML. `make generate` rewrites the files (examples/generate-crds.rs
/// in the workspace root: the core does no file I/O, its tests neither).
#[test]
fn embedded_crds_are_current() {
    use stackset_core::api::crd::{
        EMBEDDED_CRDS_JSON, EMBEDDED_ROUTEGROUP_CRD_YAML, crd_values, embedded_crd_yaml,
        routegroup_crd_yaml,
    };
    let values = crd_values().expect("crds");
    let files = [
        (
            "crds/stackset.json",
            serde_json::to_string(&values).expect("json") + "\n",
            EMBEDDED_CRDS_JSON,
        ),
        (
            "crds/routegroup.yaml",
            routegroup_crd_yaml().expect("yaml"),
            EMBEDDED_ROUTEGROUP_CRD_YAML,
        ),
    ];
    for (file, generated, embedded) in &files {
        assert!(
            generated == embedded,
            "crates/stackset-core/{file} is stale: run `make generate` and commit it"
        );
    }
    assert!(
        embedded_crd_yaml().expect("yaml") == crd_yaml().expect("yaml"),
        "the embedded CRDs print as the generated ones"
    );
}

#[test]
fn yaml_is_two_documents_that_parse_back() {
    let yaml = crd_yaml().expect("yaml");
    assert_eq!(yaml.matches("---\n").count(), 2);
    for doc in yaml.split("---\n").filter(|d| !d.trim().is_empty()) {
        let value: Value = serde_saphyr::from_str(doc).expect("parse");
        assert_eq!(value["kind"], "CustomResourceDefinition");
    }
}

/// The Kubernetes semantics of the embedded core types are there: list and
/// map types, API defaults, optional reference names, quantity patterns and
/// the slimmed-down embedded ObjectMeta.
#[test]
fn embedded_kubernetes_types_keep_their_semantics() {
    let crds = crd_values();
    let st = schema(&crds[1]);
    let spec = &st["properties"]["spec"]["properties"];
    let pod = &spec["podTemplate"]["properties"]["spec"]["properties"];
    assert_eq!(pod["containers"]["x-kubernetes-list-type"], "map");
    assert_eq!(
        pod["containers"]["x-kubernetes-list-map-keys"],
        serde_json::json!(["name"])
    );
    let container = &pod["containers"]["items"]["properties"];
    assert_eq!(
        container["ports"]["x-kubernetes-list-map-keys"],
        serde_json::json!(["containerPort", "protocol"])
    );
    assert_eq!(
        container["ports"]["items"]["properties"]["protocol"]["default"],
        "TCP"
    );
    assert_eq!(container["args"]["x-kubernetes-list-type"], "atomic");
    let secret_ref =
        &container["env"]["items"]["properties"]["valueFrom"]["properties"]["secretKeyRef"];
    assert_eq!(secret_ref["x-kubernetes-map-type"], "atomic");
    assert_eq!(secret_ref["required"], serde_json::json!(["key"]));
    assert_eq!(secret_ref["properties"]["name"]["default"], "");
    assert!(
        container["resources"]["properties"]["limits"]["additionalProperties"]["pattern"]
            .is_string()
    );
    let meta = spec["podTemplate"]["properties"]["metadata"]["properties"]
        .as_object()
        .expect("pod template metadata");
    let keys: Vec<_> = meta.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["annotations", "finalizers", "labels", "name", "namespace"]
    );
    assert_eq!(
        spec["service"]["properties"]["ports"]["items"]["properties"]["protocol"]["default"],
        "TCP"
    );
    let zmon = &spec["autoscaler"]["properties"]["metrics"]["items"]["properties"]["zmon"];
    assert_eq!(zmon["properties"]["duration"]["default"], "5m");
    for crd in &crds {
        let kind = crd["spec"]["names"]["kind"].as_str().unwrap_or("");
        assert_eq!(crd["spec"]["names"]["listKind"], format!("{kind}List"));
        let root = &schema(crd)["properties"];
        assert_eq!(root["apiVersion"]["type"], "string");
        assert_eq!(root["kind"]["type"], "string");
        assert_eq!(root["metadata"]["type"], "object");
    }
}

#[test]
fn yaml_prints_whole_bounds_as_integers() {
    let yaml = crd_yaml().expect("yaml");
    assert!(yaml.contains("minimum: 1\n"), "limit's minimum");
    assert!(!yaml.contains("minimum: 1.0"));
}
