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
    pub fn object(&self) -> String {
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
            format!("{what}: forbidden: {}", forbidden_reason(&s.message)),
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
            let status = http::StatusCode::from_u16(s.code).ok();
            let reason = status
                .and_then(|c| c.canonical_reason())
                .unwrap_or(s.reason.as_str());
            let message = one_line(&s.message);
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            let f = Failure::error(format!(
                "{what}: the API server answered {} {reason}{detail}",
                s.code
            ));
            if s.code >= 500 {
                f.hint("the API server or one of its webhooks failed; try again, or look at the API server's logs")
            } else {
                f
            }
        }
        kube::Error::HyperError(_) | kube::Error::Service(_) => Failure::error(format!(
            "{what}: the API server {}is unreachable: {}",
            server().map(|s| format!("at {s} ")).unwrap_or_default(),
            root_cause(err)
        ))
        .hint("check that the cluster is up and that --context/--kubeconfig point at it"),
        other => Failure::error(format!("{what}: {}", one_line(&other.to_string()))),
    }
}

static SERVER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records the API server's URL (once, at connect) for messages.
pub fn set_server(url: &str) {
    let _ = SERVER.set(url.trim_end_matches('/').to_string());
}

fn server() -> Option<&'static str> {
    SERVER.get().map(String::as_str)
}

/// The innermost cause of an error, on one line: what the operating
/// system or the peer said, without the wrappers' type names and Debug
/// quoting (`ServiceError: client error (Connect)`, `'"/x"'`).
pub fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = last.source() {
        last = next;
    }
    one_line(&last.to_string())
}

/// The API server words a 403 as `<object> is forbidden: User ... cannot
/// ...`; the message already says the object, so only the reason is kept.
fn forbidden_reason(message: &str) -> String {
    let m = one_line(message);
    match m.split_once(" is forbidden: ") {
        Some((_, reason)) => reason.to_string(),
        None => m,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_says_the_object_once() {
        assert_eq!(
            forbidden_reason(
                "stacksets.zalando.org \"x\" is forbidden: User \"u\" cannot get resource \"stacksets\""
            ),
            "User \"u\" cannot get resource \"stacksets\""
        );
        assert_eq!(forbidden_reason("no reason given"), "no reason given");
    }

    #[test]
    fn a_server_error_names_its_status() {
        let op = Op {
            verb: "get",
            resource: "stacksets",
            group: "zalando.org",
            name: Some("x"),
            namespace: Some("ns"),
        };
        let mut status = kube::core::Status::failure("", "");
        status.code = 500;
        let err = kube::Error::Api(status.boxed());
        let f = failure(op, &err);
        assert_eq!(
            f.message(),
            "cannot get stacksets.zalando.org \"x\" in namespace \"ns\": the API server answered 500 Internal Server Error"
        );
        assert!(f.hint.is_some());
    }

    #[test]
    fn the_root_cause_drops_wrappers() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(
                    f,
                    "failed to read kubeconfig from '\"/nonexistent\"': {}",
                    self.0
                )
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e = Outer(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "No such file or directory",
        ));
        assert_eq!(root_cause(&e), "No such file or directory");
    }
}
