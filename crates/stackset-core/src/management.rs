//! Who manages a StackSet, from its `stackset-controller.zalando.org/controller`
//! annotation (as upstream decides it): our id means kubectl-stackset
//! reconciles it client-side, no annotation means the in-cluster
//! stackset-controller, any other id means that controller.

use serde::Serialize;

use crate::api::StackSet;
use crate::api::constants::ANNOTATION_CONTROLLER;

/// Who reconciles a StackSet. Serialised into the read commands' views as
/// `{mode: client-side|controller|other, controllerId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum ManagedBy {
    /// kubectl-stackset (the controller annotation carries our id).
    ClientSide {
        /// The id in `stackset-controller.zalando.org/controller`.
        #[serde(rename = "controllerId")]
        controller_id: String,
    },
    /// The in-cluster stackset-controller (no controller annotation).
    Controller,
    /// Another controller id.
    Other {
        /// The id in `stackset-controller.zalando.org/controller`.
        #[serde(rename = "controllerId")]
        controller_id: String,
    },
}

impl ManagedBy {
    /// Who manages `stackset`, when our controller id is `our_id`.
    pub fn of(stackset: &StackSet, our_id: &str) -> Self {
        match stackset
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ANNOTATION_CONTROLLER))
        {
            Some(id) if id == our_id => Self::ClientSide {
                controller_id: id.clone(),
            },
            Some(id) => Self::Other {
                controller_id: id.clone(),
            },
            None => Self::Controller,
        }
    }

    /// Whether kubectl-stackset reconciles it.
    pub fn is_client_side(&self) -> bool {
        matches!(self, Self::ClientSide { .. })
    }

    /// Short text for tables: `client-side`, `controller`, `other:<id>`.
    pub fn short(&self) -> String {
        match self {
            Self::ClientSide { .. } => "client-side".into(),
            Self::Controller => "controller".into(),
            Self::Other { controller_id } => format!("other:{controller_id}"),
        }
    }

    /// Longer text for headers and errors.
    pub fn describe(&self) -> String {
        match self {
            Self::ClientSide { controller_id } => format!("client-side ({controller_id})"),
            Self::Controller => "in-cluster stackset-controller".into(),
            Self::Other { controller_id } => format!("controller '{controller_id}'"),
        }
    }

    /// Who switches the traffic next, for "pending" messages.
    pub fn next_switch(&self) -> &'static str {
        match self {
            Self::ClientSide { .. } => "next `kubectl stackset reconcile`",
            Self::Controller | Self::Other { .. } => "the controller",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::testing::stackset;

    fn annotated(value: Option<&str>) -> StackSet {
        let mut ss = stackset("v1");
        ss.metadata.annotations =
            value.map(|v| BTreeMap::from([(ANNOTATION_CONTROLLER.to_string(), v.to_string())]));
        ss
    }

    #[test]
    fn the_controller_annotation_decides_who_manages() {
        let ours = ManagedBy::of(&annotated(Some("kubectl-stackset")), "kubectl-stackset");
        assert_eq!(
            ours,
            ManagedBy::ClientSide {
                controller_id: "kubectl-stackset".into()
            }
        );
        assert!(ours.is_client_side());
        assert_eq!(ours.short(), "client-side");
        assert_eq!(ours.describe(), "client-side (kubectl-stackset)");

        let none = ManagedBy::of(&annotated(None), "kubectl-stackset");
        assert_eq!(none, ManagedBy::Controller);
        assert!(!none.is_client_side());
        assert_eq!(none.describe(), "in-cluster stackset-controller");

        // Our id is configurable: the default id is then someone else's.
        let other = ManagedBy::of(&annotated(Some("kubectl-stackset")), "team-a");
        assert_eq!(
            other,
            ManagedBy::Other {
                controller_id: "kubectl-stackset".into()
            }
        );
        assert_eq!(other.short(), "other:kubectl-stackset");
        assert_eq!(other.describe(), "controller 'kubectl-stackset'");
        assert_eq!(other.next_switch(), "the controller");
    }

    #[test]
    fn serialises_as_the_views_document_it() {
        let json = |m: &ManagedBy| serde_json::to_value(m).unwrap_or_default();
        assert_eq!(
            json(&ManagedBy::ClientSide {
                controller_id: "x".into()
            }),
            serde_json::json!({"mode": "client-side", "controllerId": "x"})
        );
        assert_eq!(
            json(&ManagedBy::Controller),
            serde_json::json!({"mode": "controller"})
        );
    }
}
