//! `ilm-idl`: builds ilm's IDL with Anchor's own builder (the program's
//! `idl-build` feature prints each piece in a test; the builder merges them)
//! and writes `idl/ilm.json`; `ilm-idl --check` fails when the committed file
//! differs from what the program now produces. Both fail when the IDL breaks
//! `idl/baseline.json` by the rules of `docs/VERSIONING.md` (see [`compat`]);
//! writing, an IDL that only adds becomes the new baseline; `make
//! idl-baseline` moves it past a break made on purpose.
mod compat;

use anchor_lang_idl::build::IdlBuilder;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(other) => {
            eprintln!("ilm-idl: unknown argument {other:?}; usage: ilm-idl [--check]");
            return ExitCode::from(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the idl crate lives in the workspace");
    let idl = match IdlBuilder::new()
        .program_path(root.join("programs/ilm"))
        .build()
    {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("ilm-idl: building the IDL failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = serde_json::to_string_pretty(&idl).expect("an IDL serializes") + "\n";
    let file = root.join("idl/ilm.json");
    let baseline = root.join("idl/baseline.json");
    let breaks = match std::fs::read_to_string(&baseline)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(old) => compat::breaking_changes(
            &old,
            &serde_json::to_value(&idl).expect("an IDL serializes"),
        ),
        Err(e) => vec![format!("cannot read {}: {e}", baseline.display())],
    };
    if check {
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        if committed != json {
            eprintln!(
                "ilm-idl: {} is stale: the program's instructions, accounts, events or errors changed; run `make idl` and commit it",
                file.display()
            );
            return ExitCode::FAILURE;
        }
        println!("ilm-idl: {} is current", file.display());
    } else {
        // An addition also becomes the baseline the next change is held to.
        let targets = if breaks.is_empty() {
            vec![&file, &baseline]
        } else {
            vec![&file]
        };
        for target in targets {
            if let Err(e) = std::fs::write(target, &json) {
                eprintln!("ilm-idl: cannot write {}: {e}", target.display());
                return ExitCode::FAILURE;
            }
            println!("ilm-idl: wrote {}", target.display());
        }
    }
    if !breaks.is_empty() {
        eprintln!(
            "ilm-idl: the program breaks {} (docs/VERSIONING.md):\n  {}\nundo the change, or move the baseline with `make idl-baseline` if the break is deliberate (say why in the commit)",
            baseline.display(),
            breaks.join("\n  ")
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
