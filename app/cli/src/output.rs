//! Every command returns one JSON object. `--output json` prints it as is
//! (the stable, documented form); the default display prints it as aligned
//! `key: value` lines, with arrays of objects as tables.
use serde_json::{Map, Value};

/// What a command reports.
pub type Report = Map<String, Value>;

/// Builds a [`Report`] from `key => value` pairs, in order.
#[macro_export]
macro_rules! report {
    ($($key:expr => $value:expr),* $(,)?) => {{
        let mut r = $crate::output::Report::new();
        $(r.insert($key.to_string(), serde_json::json!($value));)*
        r
    }};
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_string(),
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => {
            items.iter().map(scalar).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

fn table(rows: &[Value]) -> String {
    let Some(Value::Object(first)) = rows.first() else {
        return "(none)".to_string();
    };
    let headers: Vec<&String> = first.keys().collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            headers
                .iter()
                .map(|h| scalar(r.get(h.as_str()).unwrap_or(&Value::Null)))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |items: Vec<String>| {
        items
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![line(headers.iter().map(|h| h.to_string()).collect())];
    out.push(line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    out.extend(cells.into_iter().map(line));
    out.join("\n")
}

/// The display form of a report.
pub fn render(report: &Report) -> String {
    let width = report.keys().map(|k| k.len()).max().unwrap_or(0);
    let mut out = Vec::new();
    for (key, value) in report {
        match value {
            Value::Array(rows) if rows.first().is_some_and(Value::is_object) => {
                out.push(format!("{key}:"));
                out.push(table(rows));
            }
            Value::Object(inner) => {
                out.push(format!("{key}:"));
                out.extend(render(inner).lines().map(|l| format!("  {l}")));
            }
            v => out.push(format!("{key:<width$}  {}", scalar(v))),
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_scalars_and_tables() {
        let r = report! {
            "task" => "abc",
            "slots" => 3,
            "claims" => serde_json::json!([{"who": "alice", "status": "Paid"}, {"who": "bob", "status": "Submitted"}]),
        };
        let text = render(&r);
        assert!(text.contains("task    abc"));
        assert!(text.contains("who    status"));
        assert!(text.contains("bob    Submitted"));
    }
}
