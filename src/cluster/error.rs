//! Turning kube errors into one-line failures that name the verb, the kind and
//! the object, with a hint and the documented exit code.

use crate::error::{Exit, Failure};

/// What we were doing when an API call failed.
#[derive(Debug, Clone, Copy)]
pub struct Op<'a> {
    /// The RBAC verb: get, list, watch, create, patch, update, delete.
    pub verb: &'a str,
    /// Resource plural as RBAC knows it, e.g. "stacksets".
    pub resource: &'a str,
    /// API group ("" for core).
    pub group: &'a str,
    /// Object name, when there is one.
    pub name: Option<&'a str>,
    /// Namespace, when namespaced.
    pub namespace: Option<&'a str>,
}

impl Op<'_> {
    fn object(&self) -> String {
        let res = if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        match (self.name, self.namespace) {
            (Some(n), Some(ns)) => format!("{res} \"{n}\" in namespace \"{ns}\""),
            (Some(n), None) => format!("{res} \"{n}\""),
            (None, Some(ns)) => format!("{res} in namespace \"{ns}\""),
            (None, None) => res,
        }
    }

    fn can_i(&self) -> String {
        let res = if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        };
        let ns = self
            .namespace
            .map(|n| format!(" -n {n}"))
            .unwrap_or_else(|| " -A".into());
        format!("kubectl auth can-i {} {res}{ns}", self.verb)
    }
}

/// Whether an error is worth retrying: conflicts, throttling, server errors,
/// timeouts and broken connections.
pub fn is_transient(err: &kube::Error) -> bool {
    match err {
        kube::Error::Api(s) => s.code == 409 || s.code == 429 || s.code >= 500,
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}

/// The HTTP status code of an API error, if it is one.
pub fn status_code(err: &kube::Error) -> Option<u16> {
    match err {
        kube::Error::Api(s) => Some(s.code),
        _ => None,
    }
}

/// Maps a kube error to a user-facing failure.
pub fn failure(op: Op<'_>, err: &kube::Error) -> Failure {
    let what = format!("cannot {} {}", op.verb, op.object());
    match err {
        kube::Error::Api(s) if s.code == 403 => Failure::new(
            Exit::Forbidden,
            format!("{what}: forbidden: {}", one_line(&s.message)),
        )
        .hint(format!("check your permissions with `{}`", op.can_i())),
        kube::Error::Api(s) if s.code == 404 && op.name.is_none() && op.group == "zalando.org" => {
            Failure::error(format!(
                "{what}: the server does not know {} (CRD missing)",
                op.resource
            ))
            .hint("install the CRDs: kubectl stackset crd | kubectl apply --server-side -f -")
        }
        kube::Error::Api(s) if s.code == 404 => Failure::error(format!("{what}: not found")),
        kube::Error::Api(s) if s.code == 401 => {
            Failure::error(format!("{what}: unauthorized: {}", one_line(&s.message)))
                .hint("your credentials were rejected; log in again or check the kubeconfig user")
        }
        kube::Error::Api(s) => {
            Failure::error(format!("{what}: {} ({})", one_line(&s.message), s.code))
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => Failure::error(format!(
            "{what}: the API server is unreachable: {}",
            one_line(&err.to_string())
        ))
        .hint("check that the cluster is up and that --context/--kubeconfig point at it"),
        other => Failure::error(format!("{what}: {}", one_line(&other.to_string()))),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
