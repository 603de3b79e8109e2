//! One source for each list. `idl/ilm.json` is built from the program and
//! `make test` fails when it is stale; these tests hold the hand-written
//! lists to it: the SBF entrypoint's dispatch table and the client's events,
//! and the fee-payer policy to the program id and account sizes.
//! The last two hold the crate boundaries: the SDK sends nothing, and CLI
//! commands do not import each other.
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

/// Every package `root` can reach in `Cargo.lock` (an over-approximation of
/// `cargo tree`: a lock entry lists every dependency any build activates).
fn lock_closure(root: &str) -> BTreeSet<String> {
    let lock = std::fs::read_to_string(workspace().join("Cargo.lock")).expect("Cargo.lock");
    let mut deps: std::collections::HashMap<String, Vec<String>> = Default::default();
    for package in lock.split("[[package]]").skip(1) {
        let name = package
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|n| n.strip_suffix('"'))
            .expect("a package name");
        let list = deps.entry(name.to_string()).or_default();
        if let Some((_, rest)) = package.split_once("dependencies = [") {
            let body = rest.split(']').next().unwrap_or_default();
            list.extend(body.lines().filter_map(|l| {
                let l = l.trim().trim_end_matches(',').trim_matches('"');
                l.split(' ')
                    .next()
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
            }));
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.to_string()];
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(deps.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

/// The SDK builds and reads transactions; sending (LiteSVM, HTTP) is
/// `ilm-ledger`'s, so a dependent of `ilm-client` never compiles either.
#[test]
fn the_sdk_pulls_in_no_ledger_and_no_http_client() {
    let sdk = lock_closure("ilm-client");
    let heavy: Vec<&String> = sdk
        .iter()
        .filter(|n| {
            ["litesvm", "ureq", "reqwest", "hyper", "ilm-ledger"]
                .iter()
                .any(|h| n.starts_with(h))
        })
        .collect();
    assert!(heavy.is_empty(), "ilm-client depends on {heavy:?}");
    let ledger = lock_closure("ilm-ledger");
    assert!(ledger.contains("litesvm") && ledger.contains("ureq"));
    println!(
        "ilm-client: {} packages, ilm-ledger: {}",
        sdk.len(),
        ledger.len()
    );
}

/// CLI command files share code through the modules beside them, never by
/// importing one another.
#[test]
fn cli_commands_do_not_import_each_other() {
    let dir = workspace().join("app/cli/src/commands");
    for entry in std::fs::read_dir(&dir).expect("commands/") {
        let path = entry.expect("a file").path();
        let source = std::fs::read_to_string(&path).expect("a command file");
        assert!(
            !source.contains("commands::") && !source.contains("super::"),
            "{} imports another command: move what they share next to context.rs",
            path.display()
        );
    }
}

/// The fee-payer policy (`kora/kora.toml`) names the program this build is
/// for (`scripts/use-program-id.sh` rewrites it with the rest), and its key
/// pays fees only: it may create no account (ilm's records are paid by the
/// service's sponsor pool), and its per-transaction cap lies between a
/// two-signature fee and the rent of the smallest account, so nothing a
/// caller adds can make it fund one.
#[test]
fn the_kora_policy_names_this_program_and_pays_fees_only() {
    let policy = std::fs::read_to_string(workspace().join("kora/kora.toml")).expect("kora.toml");
    let program = ilm_client::PROGRAM_ID.to_string();
    let setting = |key: &str| {
        let line = policy
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .unwrap_or_else(|| panic!("kora.toml sets no {key}"));
        line.split_once('=').unwrap().1.trim().to_string()
    };
    assert!(setting("require_one_of_programs").contains(&program));
    let allowed = &policy[policy
        .find("allowed_programs = [")
        .expect("allowed_programs")..];
    let allowed = &allowed[..allowed.find(']').unwrap()];
    assert!(
        allowed.contains(&program),
        "allowed_programs lacks {program}"
    );
    let section = "[validation.fee_payer_policy.system]";
    let system = &policy[policy.find(section).expect(section)..];
    let system = &system[..system[1..].find("\n[").map_or(system.len(), |end| end + 1)];
    for key in [
        "allow_transfer",
        "allow_assign",
        "allow_create_account",
        "allow_allocate",
    ] {
        assert!(
            system.contains(&format!("\n{key} = false")),
            "kora.toml: {section} must set {key} = false"
        );
    }
    let smallest = litesvm::LiteSVM::new().minimum_balance_for_rent_exemption(0);
    let cap: u64 = setting("max_allowed_lamports").parse().unwrap();
    assert!(
        (10_000..smallest).contains(&cap),
        "max_allowed_lamports {cap}: at least a two-signature fee, below {smallest}"
    );
}

/// A field of an `#[derive(Accounts)]` struct: its file, name, type and
/// `#[account(...)]` text.
struct Field {
    file: String,
    name: String,
    ty: String,
    attrs: String,
}

/// The fields of every `#[derive(Accounts)]` struct in the program's
/// instructions, grouped by struct.
fn accounts_structs() -> Vec<Vec<Field>> {
    let dir = workspace().join("programs/ilm/src/instructions");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("instructions/")
        .map(|e| e.expect("a file").path())
        .collect();
    files.sort();
    let mut structs = Vec::new();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).expect("an instruction file");
        for body in text.split("#[derive(Accounts)]").skip(1) {
            let body = &body[..body.find("\n}\n").expect("the struct's end")];
            let (mut fields, mut attrs, mut open) = (Vec::new(), String::new(), false);
            for line in body.lines().skip(1).map(str::trim) {
                if line.starts_with("#[account(") {
                    open = true;
                }
                if open {
                    attrs.push_str(line);
                    attrs.push(' ');
                    open = !line.ends_with(")]");
                } else if let Some((name, ty)) =
                    line.strip_prefix("pub ").and_then(|f| f.split_once(": "))
                {
                    fields.push(Field {
                        file: file.clone(),
                        name: name.to_string(),
                        ty: ty.trim_end_matches(',').to_string(),
                        attrs: std::mem::take(&mut attrs),
                    });
                }
            }
            structs.push(fields);
        }
    }
    structs
}

/// Every mutable program or token account is `dup`: Anchor's generic
/// duplicate-mutable-account check hashes each key into a `HashSet`
/// (thousands of CU per instruction, about 15 KB of program). That is sound
/// only while one account cannot play two mutable roles: the mutable program
/// accounts of an instruction have different types (each checks its own
/// discriminator), and two mutable token accounts are compared by a
/// `constraint` (`DuplicateAccount`), except where aliasing is harmless and
/// said so (`close_task` pays the employer's refund and the fees, which may
/// land in one account).
#[test]
fn no_account_can_play_two_mutable_roles() {
    const MAY_ALIAS: &[(&str, &str, &str)] = &[("close_task.rs", "employer_token", "fee_token")];
    let structs = accounts_structs();
    assert!(structs.len() >= 28, "found {} structs", structs.len());
    for fields in structs {
        let mutable: Vec<&Field> = fields
            .iter()
            .filter(|f| {
                let words: Vec<&str> = f
                    .attrs
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .collect();
                words.contains(&"mut") && !words.contains(&"init")
            })
            .filter(|f| f.ty.contains("Account<'info,") && !f.ty.contains("SystemAccount"))
            .collect();
        let mut program_types = BTreeSet::new();
        for f in &mutable {
            assert!(
                f.attrs.contains("dup"),
                "{}: `{}` is mutable but not `dup`",
                f.file,
                f.name
            );
            if !f.ty.contains("InterfaceAccount") {
                assert!(
                    program_types.insert(f.ty.clone()),
                    "{}: two mutable {}",
                    f.file,
                    f.ty
                );
            }
        }
        let tokens: Vec<&&Field> = mutable
            .iter()
            .filter(|f| f.ty.contains("TokenAccount"))
            .collect();
        for (i, a) in tokens.iter().enumerate() {
            for b in &tokens[i + 1..] {
                let compared = |x: &Field, y: &Field| {
                    x.attrs
                        .contains(&format!("{}.key() != {}.key()", x.name, y.name))
                };
                let allowed = MAY_ALIAS
                    .iter()
                    .any(|&(file, x, y)| a.file == file && a.name == x && b.name == y);
                assert!(
                    compared(a, b) || compared(b, a) || allowed,
                    "{}: `{}` and `{}` may be one account",
                    a.file,
                    a.name,
                    b.name
                );
            }
        }
    }
}
