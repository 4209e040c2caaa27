//! The StackSet and Stack CustomResourceDefinitions, generated from the Rust
//! types, and their YAML form for `kubectl-stackset crd`.
//!
//! The schemas embed k8s-openapi's schemas for `podTemplate`, `strategy`,
//! `behavior` and service ports, which makes the Stack CRD large. Like
//! upstream's trim step, descriptions inside those embedded schemas are
//! removed, and all schema descriptions if the JSON form is still larger than
//! [`MAX_CRD_JSON_BYTES`], so that a client-side `kubectl apply` (which stores
//! a last-applied annotation) works.
//!
//! The schema is then brought to what upstream's controller-gen writes for the
//! same Go types (see [`finish`]): serde's `default`s and schemars' `nullable`
//! are removed (a deserialization convenience and an `Option`, not API
//! semantics), and the list/map types, API defaults and patterns of the
//! embedded Kubernetes types are added from a table by type
//! (`semantics.rs`). `kubectl stackset crd` is compared with upstream's CRDs
//! field by field in the differential tests.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::{Stack, StackSet};

mod semantics;

/// [`crd_values`] as generated when the sources last changed, as compact
/// JSON (150 KB; the YAML is three times that), embedded so that the binary
/// need not carry schemars and the schemas of every embedded Kubernetes
/// type: `crd` prints it ([`embedded_crd_yaml`]) and `apply` checks field
/// names against it. `make generate` rewrites the file; the test
/// `embedded_crds_are_current` fails when it is stale.
pub const EMBEDDED_CRDS_JSON: &str = include_str!("../../crds/stackset.json");

/// The RouteGroup CRD (`crd --with-routegroup`), embedded the same way.
pub const EMBEDDED_ROUTEGROUP_CRD_YAML: &str = include_str!("../../crds/routegroup.yaml");

/// The RouteGroup CRD as YAML, from the Rust type (what
/// [`EMBEDDED_ROUTEGROUP_CRD_YAML`] holds).
pub fn routegroup_crd_yaml() -> Result<String, CrdError> {
    serde_saphyr::to_string(&super::RouteGroup::crd()).map_err(|e| CrdError::Yaml {
        name: "routegroups.zalando.org".into(),
        message: e.to_string(),
    })
}

/// Largest JSON size of one CRD that still fits a last-applied annotation.
pub const MAX_CRD_JSON_BYTES: usize = 262_144;

/// Errors while rendering the CRDs.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    /// A CRD could not be converted to or from JSON.
    #[error("cannot convert the {name} crd")]
    Json {
        /// CRD name.
        name: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// A CRD could not be rendered as YAML.
    #[error("cannot render the {name} crd as yaml: {message}")]
    Yaml {
        /// CRD name.
        name: String,
        /// The YAML serializer's message.
        message: String,
    },
}

/// The StackSet and Stack CRDs, in that order, trimmed to fit
/// [`MAX_CRD_JSON_BYTES`].
pub fn crds() -> Result<Vec<CustomResourceDefinition>, CrdError> {
    Ok(vec![build::<StackSet>()?, build::<Stack>()?])
}

/// One CRD: kube's derived CRD, its schema post-processed by [`finish`] with
/// the help of a second, non-inlined rendering of the same Rust types that
/// tells which (Kubernetes) type every schema node comes from.
fn build<K: CustomResourceExt + JsonSchema>() -> Result<CustomResourceDefinition, CrdError> {
    let crd = K::crd();
    let name = crd.metadata.name.clone().unwrap_or_default();
    let json_err = |source| CrdError::Json {
        name: name.clone(),
        source,
    };
    let mut value = serde_json::to_value(&crd).map_err(json_err)?;
    let typed = typed_schema::<K>();
    let kind = K::api_resource().kind;
    if let Some(names) = value
        .pointer_mut("/spec/names")
        .and_then(Value::as_object_mut)
    {
        // Upstream's CRDs name the list kind; the API server defaults it the same way.
        names.insert("listKind".into(), Value::String(format!("{kind}List")));
    }
    if let Some(versions) = value
        .pointer_mut("/spec/versions")
        .and_then(Value::as_array_mut)
    {
        for version in versions.iter_mut() {
            if let Some(schema) = version.pointer_mut("/schema/openAPIV3Schema") {
                finish(schema, &typed);
            }
        }
    }
    trim(serde_json::from_value(value).map_err(json_err)?)
}

/// The CRDs as JSON values, as [`crd_yaml`] prints them (whole bounds as
/// integers).
pub fn crd_values() -> Result<Vec<Value>, CrdError> {
    let mut values = Vec::new();
    for crd in crds()? {
        let name = crd.metadata.name.clone().unwrap_or_default();
        let mut value =
            serde_json::to_value(&crd).map_err(|source| CrdError::Json { name, source })?;
        whole_bounds_as_integers(&mut value);
        values.push(value);
    }
    Ok(values)
}

/// The CRDs as one YAML stream (documents separated by `---`).
pub fn crd_yaml() -> Result<String, CrdError> {
    yaml_stream(&crd_values()?)
}

/// The embedded CRDs (see [`EMBEDDED_CRDS_JSON`]), StackSet then Stack.
pub fn embedded_crds() -> Result<Vec<Value>, CrdError> {
    serde_json::from_str(EMBEDDED_CRDS_JSON).map_err(|source| CrdError::Json {
        name: "embedded".into(),
        source,
    })
}

/// The embedded CRDs as YAML: what [`crd_yaml`] prints, without generating
/// anything.
pub fn embedded_crd_yaml() -> Result<String, CrdError> {
    yaml_stream(&embedded_crds()?)
}

fn yaml_stream(values: &[Value]) -> Result<String, CrdError> {
    let mut out = String::new();
    for value in values {
        let doc = serde_saphyr::to_string(value).map_err(|e| CrdError::Yaml {
            name: value
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into(),
            message: e.to_string(),
        })?;
        out.push_str("---\n");
        out.push_str(&doc);
        if !doc.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

/// The schema of `K` with every named type as a `$ref` into
/// `/components/schemas`, named like schemars names it
/// (`io.k8s.api.core.v1.Container` for k8s-openapi's types).
fn typed_schema<K: JsonSchema>() -> Value {
    let schema = SchemaSettings::openapi3()
        .with(|s| s.meta_schema = None)
        .into_generator()
        .into_root_schema_for::<K>();
    schema.to_value()
}

/// Turns schemars' rendering into the schema upstream's controller-gen
/// writes for the same Go types: no serde-derived defaults or `nullable`
/// (Go has no such notion), the required markers applied, the Kubernetes
/// list/map semantics, defaults and patterns of the embedded core types
/// ([`semantics`]), and the root's `apiVersion`/`kind`/`metadata`.
fn finish(schema: &mut Value, typed: &Value) {
    // `#[serde(default)]` makes schemars emit `default: []`/`""`, which
    // the API server validates against minItems/pattern and rejects.
    // Those are deserialization conveniences, not API defaults: drop them
    // all; the real API defaults come back from the semantics table.
    strip_keyword(schema, "default");
    // `Option<T>` is `nullable` for schemars; upstream's optional fields
    // are simply not required, and a `null` is pruned like an absent field.
    strip_keyword(schema, "nullable");
    apply_required_markers(schema);
    let empty = serde_json::Map::new();
    let defs = typed
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    semantics::apply(schema, typed, defs, &mut Default::default());
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        let string = |d: &str| serde_json::json!({"description": d, "type": "string"});
        props.insert("apiVersion".into(), string(API_VERSION_DOC));
        props.insert("kind".into(), string(KIND_DOC));
        props.insert("metadata".into(), serde_json::json!({"type": "object"}));
    }
}

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. \
Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. \
More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. \
Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. \
More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

fn trim(crd: CustomResourceDefinition) -> Result<CustomResourceDefinition, CrdError> {
    let name = crd.metadata.name.clone().unwrap_or_default();
    let json_err = |source| CrdError::Json {
        name: name.clone(),
        source,
    };
    let mut value = serde_json::to_value(&crd).map_err(json_err)?;
    let Some(versions) = value
        .pointer_mut("/spec/versions")
        .and_then(Value::as_array_mut)
    else {
        return Ok(crd);
    };
    let embedded = ["podTemplate", "strategy", "behavior", "ports"];
    for version in versions.iter_mut() {
        if let Some(schema) = version.pointer_mut("/schema/openAPIV3Schema") {
            strip_embedded_descriptions(schema, &embedded);
        }
    }
    let too_big = |v: &[Value]| json_len(&Value::Array(v.to_vec())) > MAX_CRD_JSON_BYTES;
    if too_big(versions) {
        for version in versions.iter_mut() {
            if let Some(schema) = version.pointer_mut("/schema/openAPIV3Schema") {
                strip_keyword(schema, "description");
            }
        }
    }
    serde_json::from_value(value).map_err(json_err)
}

/// Strips descriptions inside the embedded Kubernetes schemas (the properties
/// named in `embedded`, wherever they occur): they are the bulk of the size.
fn strip_embedded_descriptions(value: &mut Value, embedded: &[&str]) {
    if let Value::Object(map) = value {
        for (key, child) in map.iter_mut() {
            if key == "properties" {
                if let Value::Object(props) = child {
                    for (name, prop) in props.iter_mut() {
                        if embedded.contains(&name.as_str()) {
                            strip_keyword(prop, "description");
                        } else {
                            strip_embedded_descriptions(prop, embedded);
                        }
                    }
                }
            } else {
                strip_embedded_descriptions(child, embedded);
            }
        }
    }
}

/// Fields that must be required in the CRD but have a serde default (so that
/// old or partial objects still deserialize) carry a private marker; move them
/// into their parent's `required` list. The marker rides in
/// `x-kubernetes-map-type` because kube converts the schema into
/// `JSONSchemaProps`, which drops unknown keywords, and nothing else in these
/// schemas uses that keyword.
fn apply_required_markers(value: &mut Value) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(apply_required_markers);
        }
        return;
    };
    let mut marked = Vec::new();
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if let Some(obj) = prop.as_object_mut()
                && obj.get(MARKER_KEYWORD).and_then(Value::as_str) == Some(REQUIRED_MARKER)
            {
                obj.remove(MARKER_KEYWORD);
                marked.push(Value::String(name.clone()));
            }
        }
    }
    if !marked.is_empty() {
        let required = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = required {
            for name in marked {
                if !list.contains(&name) {
                    list.push(name);
                }
            }
            list.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
    for child in map.values_mut() {
        apply_required_markers(child);
    }
}

const MARKER_KEYWORD: &str = "x-kubernetes-map-type";
const REQUIRED_MARKER: &str = "x-stackset-required";

/// `JSONSchemaProps` keeps `minimum`/`maximum` as floats (`1.0`); print whole
/// bounds as the integers they were written as (`1`), like upstream.
fn whole_bounds_as_integers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let whole = child
                    .as_f64()
                    .filter(|f| child.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15);
                match whole {
                    // The guard above keeps the cast exact.
                    #[allow(clippy::cast_possible_truncation)]
                    Some(f) if key == "minimum" || key == "maximum" => {
                        *child = Value::from(f as i64);
                    }
                    _ => whole_bounds_as_integers(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_bounds_as_integers),
        _ => {}
    }
}

fn json_len(value: &Value) -> usize {
    serde_json::to_vec(value)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

/// Removes a schema keyword everywhere below `value`. A *property* with the
/// same name sits under a `properties` map and is kept.
fn strip_keyword(value: &mut Value, keyword: &str) {
    match value {
        Value::Object(map) => {
            map.remove(keyword);
            for (key, child) in map.iter_mut() {
                if key == "properties" {
                    if let Value::Object(props) = child {
                        for prop in props.values_mut() {
                            strip_keyword(prop, keyword);
                        }
                    }
                } else {
                    strip_keyword(child, keyword);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_keyword(v, keyword)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every entry of the semantics tables matches a type and field of the
    /// generated schemas: a typo or a type renamed by a k8s-openapi upgrade
    /// does not silently drop a rule.
    #[test]
    fn every_semantics_rule_is_used() {
        let mut used = BTreeSet::new();
        for (crd, typed) in [
            (StackSet::crd(), typed_schema::<StackSet>()),
            (Stack::crd(), typed_schema::<Stack>()),
        ] {
            let mut value = serde_json::to_value(&crd).expect("json");
            let schema = value
                .pointer_mut("/spec/versions/0/schema/openAPIV3Schema")
                .expect("schema");
            let defs = typed
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            semantics::apply(schema, &typed, &defs, &mut used);
        }
        let all: BTreeSet<(String, String)> = semantics::TYPE_RULES
            .iter()
            .map(|(t, _)| (t.to_string(), String::new()))
            .chain(
                semantics::FIELD_RULES
                    .iter()
                    .map(|(t, f, _)| (t.to_string(), f.to_string())),
            )
            .collect();
        let unused: Vec<_> = all.difference(&used).collect();
        assert!(unused.is_empty(), "rules that match nothing: {unused:?}");
    }
}
