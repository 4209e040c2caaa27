//! The JSONPath subset kube-client needs, under the API it calls
//! (`JsonPath::query` on a `serde_json::Value`).
//!
//! Supported: the root `$`, member names (`.name`, `['name']`, `["name"]`),
//! array indices (`[0]`, `[-1]` from the end) and wildcards (`.*`, `[*]`).
//! Anything else (filters, slices, recursive descent, unions) is an error
//! naming the position, never a silent empty result.

use std::fmt;

use serde_json::Value;

/// Query a JSON value with a JSONPath.
pub trait JsonPath {
    /// Every value the path selects, in document order.
    fn query(&self, path: &str) -> Result<Vec<&Value>, JsonPathError>;
}

/// A path this subset cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPathError {
    path: String,
    at: usize,
    what: &'static str,
}

impl fmt::Display for JsonPathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "JSONPath '{}' at character {}: {}",
            self.path,
            self.at + 1,
            self.what
        )
    }
}

impl std::error::Error for JsonPathError {}

#[derive(Debug, PartialEq)]
enum Step {
    Name(String),
    Index(i64),
    All,
}

fn parse(path: &str) -> Result<Vec<Step>, JsonPathError> {
    let err = |at: usize, what| JsonPathError {
        path: path.to_string(),
        at,
        what,
    };
    let b = path.as_bytes();
    if b.first() != Some(&b'$') {
        return Err(err(0, "a path starts with '$'"));
    }
    let mut steps = Vec::new();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'.' => {
                i += 1;
                if b.get(i) == Some(&b'.') {
                    return Err(err(i, "recursive descent ('..') is not supported"));
                }
                if b.get(i) == Some(&b'*') {
                    steps.push(Step::All);
                    i += 1;
                    continue;
                }
                let start = i;
                while i < b.len() && b[i] != b'.' && b[i] != b'[' {
                    i += 1;
                }
                if start == i {
                    return Err(err(start, "a member name is missing after '.'"));
                }
                steps.push(Step::Name(path[start..i].to_string()));
            }
            b'[' => {
                let close = path[i..]
                    .find(']')
                    .map(|n| i + n)
                    .ok_or_else(|| err(i, "'[' is not closed"))?;
                let inner = path[i + 1..close].trim();
                let quoted = inner.len() >= 2
                    && ((inner.starts_with('\'') && inner.ends_with('\''))
                        || (inner.starts_with('"') && inner.ends_with('"')));
                if quoted {
                    steps.push(Step::Name(inner[1..inner.len() - 1].to_string()));
                } else if inner == "*" {
                    steps.push(Step::All);
                } else if let Ok(n) = inner.parse::<i64>() {
                    steps.push(Step::Index(n));
                } else {
                    return Err(err(
                        i + 1,
                        "only ['name'], [index] and [*] are supported between brackets",
                    ));
                }
                i = close + 1;
            }
            _ => return Err(err(i, "expected '.' or '['")),
        }
    }
    Ok(steps)
}

impl JsonPath for Value {
    fn query(&self, path: &str) -> Result<Vec<&Value>, JsonPathError> {
        let mut found = vec![self];
        for step in parse(path)? {
            found = found
                .into_iter()
                .flat_map(|v| -> Vec<&Value> {
                    match (&step, v) {
                        (Step::Name(n), Value::Object(m)) => m.get(n).into_iter().collect(),
                        (Step::Index(i), Value::Array(a)) => {
                            let at = if *i < 0 {
                                i64::try_from(a.len()).ok().map(|len| len + i)
                            } else {
                                Some(*i)
                            };
                            at.and_then(|at| usize::try_from(at).ok())
                                .and_then(|at| a.get(at))
                                .into_iter()
                                .collect()
                        }
                        (Step::All, Value::Array(a)) => a.iter().collect(),
                        (Step::All, Value::Object(m)) => m.values().collect(),
                        _ => Vec::new(),
                    }
                })
                .collect();
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q<'a>(v: &'a Value, p: &str) -> Vec<&'a Value> {
        v.query(p).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_the_paths_kubeconfig_auth_providers_use() {
        let out = json!({
            "credential": {"access_token": "tok", "token_expiry": "2026-12-06T20:00:00Z"},
            "items": [{"name": "a"}, {"name": "b"}],
            "dotted.key": 1
        });
        assert_eq!(q(&out, "$.credential.access_token"), vec!["tok"]);
        assert_eq!(
            q(&out, "$['credential'][\"token_expiry\"]"),
            vec!["2026-12-06T20:00:00Z"]
        );
        assert_eq!(q(&out, "$.items[1].name"), vec!["b"]);
        assert_eq!(q(&out, "$.items[-1].name"), vec!["b"]);
        assert_eq!(q(&out, "$.items[*].name"), vec!["a", "b"]);
        assert_eq!(q(&out, "$.items.*.name"), vec!["a", "b"]);
        assert_eq!(q(&out, "$['dotted.key']"), vec![1]);
        assert_eq!(q(&out, "$"), vec![&out]);
        assert!(q(&out, "$.missing.deeper").is_empty());
        assert!(q(&out, "$.items[7]").is_empty());
        assert!(q(&out, "$.items[-3]").is_empty());
    }

    #[test]
    fn refuses_what_it_does_not_read_with_the_position() {
        let v = json!({});
        for (p, at) in [
            ("credential.token", 1),
            ("$..token", 3),
            ("$.items[?(@.x)]", 9),
            ("$.items[0:2]", 9),
            ("$.items[0", 8),
            ("$.", 3),
            ("$x", 2),
        ] {
            let e = v.query(p).expect_err(p);
            assert_eq!(e.at + 1, at, "{p}: {e}");
            assert!(e.to_string().contains(p), "{e}");
        }
    }
}
