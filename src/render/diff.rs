//! kubectl-style unified diffs between an observed and a desired object.

use serde_json::Value;
use similar::TextDiff;

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

/// A unified diff of two objects, labelled like `kubectl diff` does.
pub fn unified(label: &str, before: &Value, after: &Value) -> String {
    let (a, b) = (yaml(before), yaml(after));
    TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(3)
        .header(&format!("live/{label}"), &format!("merged/{label}"))
        .to_string()
}
