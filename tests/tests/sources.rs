//! One source for each list. `idl/ilm.json` is built from the program and
//! `make test` fails when it is stale; these tests hold the hand-written
//! lists to it: the SBF entrypoint's dispatch table and the client's events.
use ilm_client::events::Event;
use std::collections::BTreeSet;
use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// The `name` of every entry of the IDL's `list`.
fn idl_names(list: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(workspace().join("idl/ilm.json")).expect("idl/ilm.json");
    let idl: serde_json::Value = serde_json::from_str(&text).expect("IDL JSON");
    idl[list]
        .as_array()
        .unwrap_or_else(|| panic!("IDL has no {list}"))
        .iter()
        .map(|entry| entry["name"].as_str().expect("a name").to_string())
        .collect()
}

/// An instruction added to the program but not to `dispatch!` would be
/// unreachable on chain (the SBF build has its own entrypoint).
#[test]
fn every_instruction_is_dispatched() {
    let source = std::fs::read_to_string(workspace().join("programs/ilm/src/sbf_entrypoint.rs"))
        .expect("sbf_entrypoint.rs");
    let table = &source[source.rfind("dispatch! {").expect("the dispatch table")..];
    let dispatched: BTreeSet<String> = table
        .lines()
        .filter_map(|l| l.trim().split_once(" => "))
        .map(|(method, _)| method.to_string())
        .collect();
    assert_eq!(dispatched, idl_names("instructions"));
}

/// An event the client cannot decode would be invisible to the CLI and to
/// indexers built on `ilm-client`.
#[test]
fn the_client_decodes_every_event() {
    let decoded: BTreeSet<String> = Event::NAMES.iter().map(|n| n.to_string()).collect();
    assert_eq!(decoded, idl_names("events"));
}
