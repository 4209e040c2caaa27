//! The StackSet and Stack CustomResourceDefinitions, generated from the Rust
//! types, and their YAML form for `kubectl-stackset crd`.
//!
//! The schemas embed k8s-openapi's schemas for `podTemplate`, `strategy`,
//! `behavior` and service ports, which makes the Stack CRD large. Like
//! upstream's trim step, descriptions inside those embedded schemas are
//! removed, and all schema descriptions if the JSON form is still larger than
//! [`MAX_CRD_JSON_BYTES`], so that a client-side `kubectl apply` (which stores
//! a last-applied annotation) works. Schema `default`s are removed too: serde
//! defaults are a deserialization convenience, not API defaults.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::CustomResourceExt;
use serde_json::Value;

use super::{Stack, StackSet};

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
    [StackSet::crd(), Stack::crd()]
        .into_iter()
        .map(trim)
        .collect()
}

/// The CRDs as one YAML stream (documents separated by `---`).
pub fn crd_yaml() -> Result<String, CrdError> {
    let mut out = String::new();
    for crd in crds()? {
        let name = crd.metadata.name.clone().unwrap_or_default();
        let doc = serde_saphyr::to_string(&crd).map_err(|e| CrdError::Yaml {
            name,
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
    for version in versions.iter_mut() {
        if let Some(schema) = version.pointer_mut("/schema/openAPIV3Schema") {
            // `#[serde(default)]` makes schemars emit `default: []`/`""`, which
            // the API server validates against minItems/pattern and rejects.
            // Upstream's schema has no such defaults, so drop them all.
            strip_keyword(schema, "default");
            apply_required_markers(schema);
        }
    }
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
