//! The rules of `docs/VERSIONING.md`, checked between two IDLs: the baseline
//! (`idl/baseline.json`, what callers and deployed accounts rely on) and the
//! current one. Additions pass; anything that would break a deployed account,
//! a caller's instruction data or account list, an indexer or an error code
//! is reported.
use serde_json::Value;
use std::collections::HashSet;

/// Everything in `current` that breaks what `baseline` promised, one line each.
pub fn breaking_changes(baseline: &Value, current: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if baseline["address"] != current["address"] {
        out.push(format!(
            "program address {} became {}",
            baseline["address"], current["address"]
        ));
    }
    let events: HashSet<&str> = names(baseline, "events").collect();
    for (kind, what) in [
        ("accounts", "account"),
        ("events", "event"),
        ("instructions", "instruction"),
    ] {
        for old in list(baseline, kind) {
            let name = old["name"].as_str().unwrap_or_default();
            match find(current, kind, name) {
                None => out.push(format!("{what} {name} was removed or renamed")),
                Some(new) if old["discriminator"] != new["discriminator"] => {
                    out.push(format!("{what} {name} has a new discriminator"))
                }
                Some(new) if kind == "instructions" => instruction(name, old, new, &mut out),
                Some(_) => {}
            }
        }
    }
    for old in list(baseline, "types") {
        let name = old["name"].as_str().unwrap_or_default();
        let Some(new) = find(current, "types", name) else {
            out.push(format!("type {name} was removed or renamed"));
            continue;
        };
        // Doc comments reach no caller's bytes: reworded freely.
        let (old, new) = (&without_docs(&old["type"]), &without_docs(&new["type"]));
        match old["kind"].as_str() {
            // Indexers decode the prefix of an event they know.
            Some("struct") if events.contains(name) => {
                if !is_prefix(&old["fields"], &new["fields"]) {
                    out.push(format!(
                        "event {name}: fields changed (only appending is allowed)"
                    ));
                }
            }
            // Stored enums gain variants at the end only.
            Some("enum") if new["kind"] == "enum" => {
                if !is_prefix(&old["variants"], &new["variants"]) {
                    out.push(format!(
                        "enum {name}: variants changed (only appending is allowed)"
                    ));
                }
            }
            _ => {
                if old != new {
                    out.push(format!(
                        "type {name} changed: a deployed account or a caller's data would no longer decode"
                    ));
                }
            }
        }
    }
    for old in list(baseline, "errors") {
        let (code, name) = (&old["code"], old["name"].as_str().unwrap_or_default());
        if !list(current, "errors").any(|e| e["code"] == *code && e["name"] == old["name"]) {
            out.push(format!(
                "error {code} {name} was removed, renumbered or renamed"
            ));
        }
    }
    out
}

/// Arguments and accounts of an instruction are fixed once deployed.
fn instruction(name: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    if old["args"] != new["args"] {
        out.push(format!("instruction {name}: arguments changed"));
    }
    let shape = |ix: &Value| -> Vec<Value> {
        ix["accounts"]
            .as_array()
            .map(|accounts| accounts.iter().map(without_docs).collect())
            .unwrap_or_default()
    };
    if shape(old) != shape(new) {
        out.push(format!(
            "instruction {name}: accounts changed (order, names, signer, writable, seeds or address)"
        ));
    }
}

/// `v` without what never reaches a caller's bytes: doc comments at any
/// depth, and the `relations` hints of an instruction's accounts.
fn without_docs(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "docs" && *k != "relations")
                .map(|(k, v)| (k.clone(), without_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_docs).collect()),
        other => other.clone(),
    }
}

fn list<'a>(idl: &'a Value, kind: &str) -> impl Iterator<Item = &'a Value> {
    idl[kind].as_array().into_iter().flatten()
}

fn names<'a>(idl: &'a Value, kind: &str) -> impl Iterator<Item = &'a str> {
    list(idl, kind).filter_map(|v| v["name"].as_str())
}

fn find<'a>(idl: &'a Value, kind: &str, name: &str) -> Option<&'a Value> {
    list(idl, kind).find(|v| v["name"] == name)
}

fn is_prefix(old: &Value, new: &Value) -> bool {
    match (old.as_array(), new.as_array()) {
        (Some(old), Some(new)) => new.starts_with(old),
        _ => old == new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn idl() -> Value {
        json!({
            "address": "Prog111",
            "instructions": [{
                "name": "pay", "docs": ["pays"], "discriminator": [1],
                "accounts": [{"name": "payer", "signer": true, "docs": ["who"]}, {"name": "task", "writable": true}],
                "args": [{"name": "amount", "type": "u64"}]
            }],
            "accounts": [{"name": "Task", "discriminator": [2]}],
            "events": [{"name": "Paid", "discriminator": [3]}],
            "errors": [{"code": 6000, "name": "Broke", "msg": "broke"}],
            "types": [
                {"name": "Task", "type": {"kind": "struct", "fields": [{"name": "a", "type": "u64"}, {"name": "status", "type": {"defined": {"name": "Status"}}}]}},
                {"name": "Status", "type": {"kind": "enum", "variants": [{"name": "Open"}, {"name": "Done"}]}},
                {"name": "Paid", "type": {"kind": "struct", "fields": [{"name": "amount", "type": "u64"}]}}
            ]
        })
    }

    fn changed(edit: impl FnOnce(&mut Value)) -> Vec<String> {
        let mut new = idl();
        edit(&mut new);
        breaking_changes(&idl(), &new)
    }

    #[test]
    fn additions_and_rewordings_pass() {
        assert!(changed(|_| {}).is_empty());
        let out = changed(|v| {
            v["instructions"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "new_ix", "discriminator": [9]}));
            v["errors"]
                .as_array_mut()
                .unwrap()
                .push(json!({"code": 6001, "name": "Other", "msg": "m"}));
            v["errors"][0]["msg"] = json!("broke: top up first");
            v["types"][1]["type"]["variants"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "Void"}));
            v["types"][2]["type"]["fields"]
                .as_array_mut()
                .unwrap()
                .push(json!({"name": "fee", "type": "u64"}));
            v["instructions"][0]["docs"] = json!(["pays the worker"]);
            v["instructions"][0]["accounts"][0]["docs"] = json!(["the payer"]);
            v["types"][0]["type"]["fields"][0]["docs"] = json!(["what a is for"]);
            v["types"][1]["type"]["variants"][0]["docs"] = json!(["still open"]);
        });
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn every_breaking_change_is_named() {
        type Edit = fn(&mut Value);
        let cases: [(&str, Edit); 11] = [
            ("account Task was removed", |v| {
                v["accounts"][0]["name"] = json!("TaskV2")
            }),
            ("account Task has a new discriminator", |v| {
                v["accounts"][0]["discriminator"] = json!([7])
            }),
            ("type Task changed", |v| {
                v["types"][0]["type"]["fields"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "b", "type": "u8"}))
            }),
            ("type Task changed", |v| {
                v["types"][0]["type"]["fields"][0]["type"] = json!("u32")
            }),
            ("enum Status: variants changed", |v| {
                v["types"][1]["type"]["variants"]
                    .as_array_mut()
                    .unwrap()
                    .remove(0);
            }),
            ("instruction pay: arguments changed", |v| {
                v["instructions"][0]["args"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "fee", "type": "u64"}))
            }),
            ("instruction pay: accounts changed", |v| {
                v["instructions"][0]["accounts"][1]["writable"] = json!(false)
            }),
            ("instruction pay: accounts changed", |v| {
                v["instructions"][0]["accounts"]
                    .as_array_mut()
                    .unwrap()
                    .swap(0, 1)
            }),
            ("event Paid: fields changed", |v| {
                v["types"][2]["type"]["fields"][0]["name"] = json!("amt")
            }),
            ("error 6000 Broke was removed", |v| {
                v["errors"][0]["code"] = json!(6001)
            }),
            ("program address", |v| v["address"] = json!("Other111")),
        ];
        for (want, edit) in cases {
            let out = changed(edit);
            assert!(out.iter().any(|l| l.contains(want)), "{want}: {out:?}");
        }
    }

    #[test]
    fn the_committed_idl_keeps_the_baseline() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |f: &str| -> Value {
            serde_json::from_str(&std::fs::read_to_string(dir.join(f)).unwrap()).unwrap()
        };
        let out = breaking_changes(&read("baseline.json"), &read("ilm.json"));
        assert!(
            out.is_empty(),
            "idl/ilm.json breaks idl/baseline.json: {out:#?}"
        );
    }
}
