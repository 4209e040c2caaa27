//! Round-trip tests of the API types against YAML fixtures: YAML → type →
//! JSON value must equal the YAML's own value, so no field is lost, legacy
//! shapes and unknown fields included.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use stackset_core::api::{RouteGroup, Stack, StackSet};

/// Numbers compare by value (YAML `50` and a typed `50.0` are the same).
fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) => n
            .as_f64()
            .map_or(Value::Number(n), |f| serde_json::json!(f)),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// The fixture's text, compiled in (the core's tests read no files either).
macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("fixtures/", $name)))
    };
}

fn round_trip<T: DeserializeOwned + Serialize>((name, text): (&str, &str)) -> T {
    let want: Value =
        serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{name} as value: {e}"));
    let typed: T = serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{name} as type: {e}"));
    let got = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{name} to json: {e}"));
    assert_eq!(normalize(got), normalize(want), "{name}");
    // And back once more through JSON text, as the API server would see it.
    let json = serde_json::to_string(&typed).unwrap_or_default();
    let again: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name} from json: {e}"));
    assert_eq!(
        serde_json::to_value(&again).ok(),
        serde_json::to_value(&typed).ok(),
        "{name} json round trip"
    );
    typed
}

#[test]
fn stackset_with_every_field() {
    let ss: StackSet = round_trip(fixture!("stackset-full.yaml"));
    let template = &ss.spec.stack_template.spec;
    assert_eq!(template.version, "v2");
    assert_eq!(
        template.spec.autoscaler.as_ref().map(|a| a.metrics.len()),
        Some(10)
    );
    assert_eq!(ss.spec.traffic.as_ref().map(|t| t[1].weight), Some(25.5));
}

#[test]
fn stack_as_written_today() {
    let stack: Stack = round_trip(fixture!("stack-current.yaml"));
    let status = stack.status.unwrap_or_default();
    assert!(status.prescaling_status.active);
    assert_eq!(
        status.label_selector.as_deref(),
        Some("stack-version=v2,stackset=my-app")
    );
}

#[test]
fn stack_with_pre_v1_4_12_shapes() {
    let stack: Stack = round_trip(fixture!("stack-legacy.yaml"));
    let ingress = stack.spec.ingress.unwrap_or_default();
    assert!(ingress.is_legacy_override());
    assert_eq!(ingress.enabled, Some(true));
    assert!(stack.spec.spec.horizontal_pod_autoscaler.is_some());
    assert!(
        stack
            .spec
            .routegroup
            .is_some_and(|r| r.is_legacy_override())
    );
}

#[test]
fn unknown_fields_survive() {
    let ss: StackSet = round_trip(fixture!("stackset-unknown-fields.yaml"));
    assert!(ss.spec.extra.contains_key("futureTopLevel"));
    assert!(
        ss.spec
            .ingress
            .as_ref()
            .is_some_and(|i| i.extra.contains_key("ingressClassName"))
    );
    assert!(
        ss.spec
            .stack_template
            .spec
            .spec
            .extra
            .contains_key("futureSpecField")
    );
    assert!(
        ss.status
            .as_ref()
            .is_some_and(|s| s.extra.contains_key("conditions"))
    );
}

#[test]
fn routegroup_keeps_tls() {
    let rg: RouteGroup = round_trip(fixture!("routegroup.yaml"));
    assert!(rg.spec.extra.contains_key("tls"));
}
