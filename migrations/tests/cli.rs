//! The `ilm-migrate` binary keeps `ilm`'s habits: the Solana CLI's
//! configuration names the keypair and cluster, flags override it, and
//! `--output json` prints one object, a failure included.
use assert_cmd::Command;
use serde_json::Value;

fn migrate(home: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("ilm-migrate").unwrap();
    c.env("HOME", home)
        .env_remove("ILM_URL")
        .env_remove("ILM_KEYPAIR");
    c
}

fn json_error(c: &mut Command) -> String {
    let out = c.output().unwrap();
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["error"].as_str().unwrap().to_string()
}

#[test]
fn the_solana_cli_config_is_read_and_errors_are_json() {
    let home = tempfile::TempDir::new().unwrap();
    let config = home.path().join(".config/solana/cli/config.yml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let named = home.path().join("operator.json");
    std::fs::write(
        &config,
        format!(
            "json_rpc_url: http://127.0.0.1:9\nkeypair_path: {}\n",
            named.display()
        ),
    )
    .unwrap();
    // The config's keypair is the one looked for, with the keygen hint.
    let err = json_error(migrate(home.path()).args(["--output", "json", "market", "m.json"]));
    assert!(
        err.contains(&named.display().to_string()) && err.contains("solana-keygen new"),
        "{err}"
    );
    // -k overrides it.
    let other = home.path().join("other.json");
    let err = json_error(migrate(home.path()).args([
        "--output",
        "json",
        "-k",
        other.to_str().unwrap(),
        "market",
        "m.json",
    ]));
    assert!(err.contains("other.json"), "{err}");
    // A commitment the config cannot mean is refused, as by `ilm`.
    std::fs::write(&config, "commitment: max\n").unwrap();
    let err = json_error(migrate(home.path()).args(["--output", "json", "market", "m.json"]));
    assert!(
        err.contains("not processed, confirmed or finalized"),
        "{err}"
    );
    // The CLI's price flag, `auto` included, and the old name.
    std::fs::remove_file(&config).unwrap();
    for flag in ["--with-compute-unit-price", "--priority-fee"] {
        let err = json_error(
            migrate(home.path()).args(["--output", "json", flag, "auto", "market", "m.json"]),
        );
        assert!(err.contains("cannot read keypair"), "{flag}: {err}");
    }
    let out = migrate(home.path())
        .args(["--with-compute-unit-price", "cheap", "market", "m.json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("or auto"));
}
