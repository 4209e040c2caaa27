//! Label and annotation keys, names and defaults that upstream's
//! stackset-controller uses on the wire (reference section 4).

/// API group of StackSet, Stack, RouteGroup and PlatformCredentialsSet.
pub const GROUP: &str = "zalando.org";
/// API version of all `zalando.org` kinds.
pub const VERSION: &str = "v1";
/// `apiVersion` string of all `zalando.org/v1` kinds.
pub const API_VERSION: &str = "zalando.org/v1";
/// Kind name of a StackSet.
pub const KIND_STACKSET: &str = "StackSet";
/// Kind name of a Stack.
pub const KIND_STACK: &str = "Stack";
/// Kind name of Skipper's RouteGroup.
pub const KIND_ROUTEGROUP: &str = "RouteGroup";
/// Kind name of the Zalando-internal PlatformCredentialsSet.
pub const KIND_PLATFORM_CREDENTIALS_SET: &str = "PlatformCredentialsSet";

/// `spec.token_version` of every generated PlatformCredentialsSet.
pub const PCS_TOKEN_VERSION: &str = "v2";

/// Label on a Stack and on every sub-resource: the owning StackSet's name.
pub const LABEL_STACKSET: &str = "stackset";
/// Label on a Stack and on every sub-resource: the stack version.
pub const LABEL_STACK_VERSION: &str = "stack-version";
/// Label propagated from the StackSet; PlatformCredentialsSets need it.
pub const LABEL_APPLICATION: &str = "application";

/// Annotation on every sub-resource: the Stack's `metadata.generation` it was
/// generated from, as a decimal string.
pub const ANNOTATION_STACK_GENERATION: &str = "stackset-controller.zalando.org/stack-generation";
/// StackSet annotation selecting which controller instance manages it.
pub const ANNOTATION_CONTROLLER: &str = "stackset-controller.zalando.org/controller";
/// StackSet annotation whose presence (any value) enables prescaling.
pub const ANNOTATION_PRESCALE_STACKS: &str =
    "alpha.stackset-controller.zalando.org/prescale-stacks";
/// StackSet annotation: Go duration after which prescaling is reset.
pub const ANNOTATION_RESET_HPA_MIN_REPLICAS_DELAY: &str =
    "alpha.stackset-controller.zalando.org/reset-hpa-min-replicas-delay";
/// Ingress annotation holding a Skipper predicate; carries `TrafficSegment(lo, hi)`
/// on segment Ingresses.
pub const ANNOTATION_SKIPPER_PREDICATE: &str = "zalando.org/skipper-predicate";
/// StackSet/Stack annotation for forward (cluster migration) mode.
pub const ANNOTATION_FORWARD_BACKEND: &str = "zalando.org/forward-backend";
/// Value of [`ANNOTATION_FORWARD_BACKEND`] on stacks in forward mode.
pub const FORWARD_BACKEND_VALUE: &str = "fwd";
/// Ingress annotation selecting Skipper's backend type (`forward` in forward mode).
pub const ANNOTATION_SKIPPER_BACKEND: &str = "zalando.org/skipper-backend";
/// Legacy central-Ingress annotation with the actual weights as JSON.
pub const ANNOTATION_BACKEND_WEIGHTS: &str = "zalando.org/backend-weights";
/// Pre-v1.3 central-Ingress annotation with the desired weights as JSON.
pub const ANNOTATION_STACK_TRAFFIC_WEIGHTS: &str = "zalando.org/stack-traffic-weights";
/// Legacy central-Ingress annotation, always `"false"`.
pub const ANNOTATION_TRAFFIC_AUTHORITATIVE: &str = "zalando.org/traffic-authoritative";
/// Legacy central-Ingress/RouteGroup annotation: RFC 3339 time of the last write.
pub const ANNOTATION_UPDATED_TIMESTAMP: &str = "stackset-controller.zalando.org/updated-timestamp";
/// v1.4.23–v1.4.62 StackSet opt-in annotation for traffic segments.
pub const ANNOTATION_USE_TRAFFIC_SEGMENTS: &str =
    "stackset-controller.zalando.org/use-traffic-segments";
/// kubectl-stackset's own StackSet annotation choosing the traffic mechanism:
/// `segments` (default) or `backend-weights`.
pub const ANNOTATION_TRAFFIC_MECHANISM: &str = "kubectl-stackset.io/traffic-mechanism";

/// Name suffix of segment Ingresses and RouteGroups.
pub const SEGMENT_SUFFIX: &str = "-traffic-segment";
/// Default `stackLifecycle.scaledownTTLSeconds`.
pub const DEFAULT_SCALEDOWN_TTL_SECONDS: i64 = 300;
/// Default `stackLifecycle.limit`.
pub const DEFAULT_STACK_LIFECYCLE_LIMIT: i32 = 10;
/// Default replicas when `spec.replicas` is unset.
pub const DEFAULT_REPLICAS: i32 = 1;
/// Default prescaling reset delay, in seconds (10m).
pub const DEFAULT_RESET_MIN_REPLICAS_DELAY_SECONDS: i64 = 600;
/// Stack version used when the template has none (unreachable through the CRD).
pub const DEFAULT_VERSION: &str = "default";
/// Name of the single backend of a forwarding RouteGroup.
pub const FORWARD_BACKEND_NAME: &str = "fwd";
