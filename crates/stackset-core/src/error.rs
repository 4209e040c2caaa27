//! Errors the engine reports as values. Nothing in the core panics or aborts
//! on bad input: a problem becomes one of these, plus an event, and the part
//! of the StackSet it concerns is left untouched.

/// An engine error. Messages are lowercase and have no trailing period.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The StackSet's `stackTemplate` cannot produce a working Stack.
    #[error("invalid stack template: {reason}")]
    InvalidTemplate {
        /// What is wrong.
        reason: String,
    },
    /// `spec.ingress.backendPort` and `spec.routegroup.backendPort` differ.
    #[error("backendPort for Ingress and RouteGroup does not match")]
    BackendPortMismatch,
    /// The traffic-mechanism annotation has a value we do not know.
    #[error(
        "unknown traffic mechanism {value:?} in annotation {key} (expected segments or backend-weights)"
    )]
    UnknownTrafficMechanism {
        /// The annotation key.
        key: String,
        /// The value found.
        value: String,
    },
    /// An annotation value could not be parsed.
    #[error("invalid value {value:?} for annotation {key}: {reason}")]
    InvalidAnnotation {
        /// The annotation key.
        key: String,
        /// The value found.
        value: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A Stack with the name of the new Stack exists but is not owned by this StackSet.
    #[error("stack {name} exists but is not owned by stackset {stackset}")]
    StackNotOwned {
        /// The Stack name.
        name: String,
        /// The StackSet name.
        stackset: String,
    },
    /// A configuration resource name does not start with the Stack name.
    #[error(
        "ConfigurationResource name must be prefixed by Stack name: {name} is not prefixed by {stack}"
    )]
    ConfigurationResourceName {
        /// The Stack name.
        stack: String,
        /// The resource name.
        name: String,
    },
    /// A Stack's spec cannot produce its sub-resources.
    #[error("stack {stack}: {reason}")]
    InvalidStack {
        /// The Stack name.
        stack: String,
        /// What is wrong.
        reason: String,
    },
    /// No Service port matches the backend port.
    #[error("stack {stack}: no service ports matching backendPort '{port}'")]
    NoServicePortMatch {
        /// The Stack name.
        stack: String,
        /// The backend port (number or name).
        port: String,
    },
    /// A referenced ConfigMap or Secret is missing or owned by someone else.
    #[error("stack {stack}: {kind} {name} {reason}")]
    ConfigurationResource {
        /// The Stack name.
        stack: String,
        /// `ConfigMap` or `Secret`.
        kind: String,
        /// The object name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The Ingress and RouteGroup segments of a stack disagree.
    #[error("stack {stack}: mismatch in routegroup and ingress segment values")]
    SegmentMismatch {
        /// The Stack name.
        stack: String,
    },
    /// There is no Stack to give traffic to.
    #[error("no stacks to assign traffic to")]
    NoStacks,
}

impl Error {
    /// The Stack this error concerns, if it is confined to one.
    pub fn stack(&self) -> Option<&str> {
        match self {
            Self::InvalidStack { stack, .. }
            | Self::NoServicePortMatch { stack, .. }
            | Self::ConfigurationResource { stack, .. }
            | Self::SegmentMismatch { stack } => Some(stack),
            _ => None,
        }
    }
}
