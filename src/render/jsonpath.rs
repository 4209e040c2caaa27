//! kubectl's `-o jsonpath=TEMPLATE` and `-o custom-columns=HEADER:PATH,...`
//! over the documented views (docs/inspect.md), the subset people use:
//! literal text, `{.field.field}`, `{.list[N]}`, `{.list[*].field}`,
//! `{['key with dots']}`, `{"literal\n"}`, `{range .list[*]}...{end}`, and
//! `@` for the current element. Several results are joined with a space, as
//! kubectl does; strings print raw, anything else as compact JSON.

use serde_json::Value;

/// A path step.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(usize),
    All,
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// Renders `template` over `value`.
pub fn render(template: &str, value: &Value) -> Result<String, String> {
    let nodes = parse(template)?;
    let mut out = String::new();
    run(&nodes, value, &mut out);
    Ok(out)
}

/// Checks a template without a value (for the flag's parser).
pub fn check(template: &str) -> Result<(), String> {
    parse(template).map(|_| ())
}

/// `custom-columns=NAME:.path,VERSION:.stacks[*].version`: a header line,
/// then one row per element of `items` (a list view) or one row.
pub fn columns(spec: &str, value: &Value, headers: bool) -> Result<String, String> {
    let cols = parse_columns(spec)?;
    let rows: Vec<&Value> = match value.get("items").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![value],
    };
    let mut table: Vec<Vec<String>> = Vec::new();
    if headers {
        table.push(cols.iter().map(|(h, _)| h.clone()).collect());
    }
    for row in rows {
        table.push(
            cols.iter()
                .map(|(_, path)| {
                    let found = select(path, row);
                    if found.is_empty() {
                        "<none>".to_string()
                    } else {
                        found.iter().map(|v| text(v)).collect::<Vec<_>>().join(",")
                    }
                })
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..cols.len())
        .map(|i| {
            table
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in table {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i + 1 == r.len() {
                    c.clone()
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    Ok(out)
}

/// Checks a custom-columns spec.
pub fn check_columns(spec: &str) -> Result<(), String> {
    parse_columns(spec).map(|_| ())
}

fn parse_columns(spec: &str) -> Result<Vec<(String, Vec<Step>)>, String> {
    let mut cols = Vec::new();
    for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
        let (header, path) = part
            .split_once(':')
            .ok_or_else(|| format!("column {part:?} is not HEADER:PATH"))?;
        let path = path.trim();
        let path = path
            .strip_prefix('{')
            .and_then(|p| p.strip_suffix('}'))
            .unwrap_or(path);
        cols.push((header.trim().to_string(), parse_path(path)?));
    }
    if cols.is_empty() {
        return Err("no columns given, e.g. custom-columns=NAME:.name".into());
    }
    Ok(cols)
}

fn parse(template: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            nodes.push(Node::Text(rest.to_string()));
            break;
        };
        if open > 0 {
            nodes.push(Node::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = close_of(after).ok_or_else(|| format!("unclosed {{ in {template:?}"))?;
        let expr = after[..close].trim();
        rest = &after[close + 1..];
        if let Some(range) = expr.strip_prefix("range ") {
            stack.push((parse_path(range.trim())?, std::mem::take(&mut nodes)));
        } else if expr == "end" {
            let (path, outer) = stack
                .pop()
                .ok_or_else(|| "{end} without {range ...}".to_string())?;
            let body = std::mem::replace(&mut nodes, outer);
            nodes.push(Node::Range(path, body));
        } else if let Some(lit) = expr.strip_prefix('"').and_then(|e| e.strip_suffix('"')) {
            nodes.push(Node::Text(unescape(lit)));
        } else {
            nodes.push(Node::Path(parse_path(expr)?));
        }
    }
    if !stack.is_empty() {
        return Err("{range ...} without {end}".into());
    }
    Ok(nodes)
}

/// The `}` closing an expression, skipping quoted strings.
fn close_of(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

fn parse_path(expr: &str) -> Result<Vec<Step>, String> {
    let bad = |why: &str| format!("invalid path {expr:?}: {why}");
    let mut s = expr.strip_prefix('$').unwrap_or(expr);
    s = s.strip_prefix('@').unwrap_or(s);
    let mut steps = Vec::new();
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                if r.is_empty() {
                    break;
                }
                return Err(bad("an empty field name"));
            }
            steps.push(Step::Field(r[..end].to_string()));
            s = &r[end..];
        } else if let Some(r) = s.strip_prefix('[') {
            let end = r.find(']').ok_or_else(|| bad("unclosed ["))?;
            let inner = r[..end].trim();
            steps.push(if inner == "*" {
                Step::All
            } else if let Some(k) = inner
                .strip_prefix('\'')
                .and_then(|k| k.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')))
            {
                Step::Field(k.to_string())
            } else {
                Step::Index(
                    inner
                        .parse()
                        .map_err(|_| bad("an index must be a number or *"))?,
                )
            });
            s = &r[end + 1..];
        } else {
            return Err(bad("a path starts with . (e.g. .name)"));
        }
    }
    Ok(steps)
}

fn select<'v>(path: &[Step], value: &'v Value) -> Vec<&'v Value> {
    let mut current = vec![value];
    for step in path {
        current = current
            .into_iter()
            .flat_map(|v| -> Vec<&'v Value> {
                match (step, v) {
                    (Step::Field(f), Value::Object(m)) => m.get(f).into_iter().collect(),
                    (Step::Index(i), Value::Array(a)) => a.get(*i).into_iter().collect(),
                    (Step::All, Value::Array(a)) => a.iter().collect(),
                    (Step::All, Value::Object(m)) => m.values().collect(),
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    current
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn run(nodes: &[Node], value: &Value, out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path(p) => {
                let found: Vec<String> = select(p, value).into_iter().map(text).collect();
                out.push_str(&found.join(" "));
            }
            Node::Range(p, body) => {
                for v in select(p, value) {
                    run(body, v, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "name": "shop",
            "status": {"phase": "Healthy"},
            "stacks": [
                {"version": "v1", "actualWeight": 75, "labels": {"a.b/c": "x"}},
                {"version": "v2", "actualWeight": 25}
            ]
        })
    }

    #[test]
    fn jsonpath_like_kubectl() {
        let d = doc();
        for (template, expected) in [
            ("{.name}", "shop"),
            ("{.status.phase}", "Healthy"),
            ("{.stacks[*].version}", "v1 v2"),
            ("{.stacks[1].actualWeight}", "25"),
            ("{.stacks[0].labels['a.b/c']}", "x"),
            ("name={.name}{\"\\n\"}", "name=shop\n"),
            (
                "{range .stacks[*]}{.version}={.actualWeight}{\"\\n\"}{end}",
                "v1=75\nv2=25\n",
            ),
            ("{.missing}", ""),
            ("{$.name}", "shop"),
            (
                "{.stacks[0]}",
                r#"{"actualWeight":75,"labels":{"a.b/c":"x"},"version":"v1"}"#,
            ),
        ] {
            assert_eq!(render(template, &d).unwrap(), expected, "{template}");
        }
        for bad in [
            "{.name",
            "{range .stacks[*]}",
            "{end}",
            "{name}",
            "{.stacks[x]}",
        ] {
            assert!(render(bad, &d).is_err(), "{bad}");
        }
    }

    #[test]
    fn custom_columns_like_kubectl() {
        let d = doc();
        assert_eq!(
            columns("NAME:.name,VERSIONS:.stacks[*].version,GONE:.x", &d, true).unwrap(),
            "NAME   VERSIONS   GONE\nshop   v1,v2      <none>\n"
        );
        let list = json!({"items": [{"name": "a", "n": 1}, {"name": "bb", "n": 22}]});
        assert_eq!(
            columns("NAME:.name,N:{.n}", &list, false).unwrap(),
            "a    1\nbb   22\n"
        );
        assert!(columns("NAME", &d, true).is_err());
    }
}
