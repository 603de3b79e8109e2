//! Running the real `ilm` binary for the CLI tests: a temporary ILM_HOME
//! holding keypairs and input files, the embedded ledger or a URL, JSON
//! output parsed, failures checked for their message.
use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;
use tempfile::TempDir;

/// One user's shell: `-k <home>/<who>.json` per command.
pub struct Shell {
    pub home: TempDir,
    url: Option<String>,
}

impl Shell {
    /// A fresh ILM_HOME with `spec.md` and `result.csv`; commands run with
    /// `-u url` when one is given, else on the embedded ledger.
    pub fn new(url: Option<&str>) -> Shell {
        let home = TempDir::new().expect("temp dir");
        std::fs::write(home.path().join("spec.md"), "Label each photo: cat or dog.").unwrap();
        std::fs::write(home.path().join("result.csv"), "photo1,cat\nphoto2,dog\n").unwrap();
        Shell {
            home,
            url: url.map(str::to_string),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    /// `ilm` with this shell's ILM_HOME, and HOME too: the machine's own
    /// Solana CLI configuration and keypair are never read.
    pub fn bare(&self) -> Command {
        let mut c = Command::cargo_bin("ilm").expect("ilm binary");
        c.env("ILM_HOME", self.home.path())
            .env("HOME", self.home.path())
            .env_remove("ILM_URL")
            .env_remove("ILM_MARKET")
            .env_remove("ILM_KEYPAIR");
        c
    }

    /// `ilm -k <who>.json <args>`, the keypair file made on first use (as
    /// `solana-keygen new` would).
    pub fn cmd(&self, who: &str, args: &[&str]) -> Command {
        let keypair = self.keypair(who);
        let mut c = self.bare();
        if let Some(url) = &self.url {
            c.args(["-u", url]);
        }
        c.arg("-k").arg(keypair).args(args);
        c
    }

    /// `who`'s keypair file, written on first use.
    pub fn keypair(&self, who: &str) -> PathBuf {
        let path = self.path(&format!("{who}.json"));
        if !path.exists() {
            let kp = solana_keypair::Keypair::new();
            std::fs::write(
                &path,
                serde_json::to_string(&kp.to_bytes().to_vec()).unwrap(),
            )
            .unwrap();
        }
        path
    }

    /// Runs `ilm --output json <args>` as `who`, asserts success, parses the object.
    pub fn json(&self, who: &str, args: &[&str]) -> Value {
        let out = self
            .cmd(who, args)
            .args(["--output", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ilm {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "ilm {args:?} printed no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stdout)
            )
        });
        assert!(
            report["ledger"].is_string(),
            "ilm {args:?}: no ledger in {report}"
        );
        contract(&format!("{args:?}"), "", &report);
        report
    }

    /// Runs and asserts failure with `needle` in stderr.
    pub fn fails(&self, who: &str, args: &[&str], needle: &str) {
        let out = self.cmd(who, args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "ilm {args:?} should fail but printed {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            err.contains(needle),
            "ilm {args:?}: expected {needle:?} in stderr, got: {err}"
        );
    }

    /// As the employer: a Merkle task of `mint` paying `amount` tokens to
    /// each of `recipients` (built, created with that reward, published);
    /// its address and the proofs file.
    pub fn merkle_epoch(
        &self,
        mint: &str,
        recipients: &[String],
        amount: u64,
    ) -> (String, PathBuf) {
        let rows: String = recipients
            .iter()
            .map(|r| format!("{r},{amount}\n"))
            .collect();
        let csv = self.path("epoch.csv");
        std::fs::write(&csv, format!("recipient,amount\n{rows}")).unwrap();
        let proofs = self.path("epoch.json");
        let p = proofs.to_str().unwrap();
        let csv = csv.to_str().unwrap();
        self.json(
            "employer",
            &["merkle", "build", csv, "--mint", mint, "-o", p],
        );
        let reward = (amount * recipients.len() as u64).to_string();
        let spec = self.path("spec.md");
        let spec = spec.to_str().unwrap();
        let task = s(&self.json(
            "employer",
            &[
                "task",
                "create",
                "--mint",
                mint,
                "--verifier",
                "merkle",
                "--reward",
                &reward,
                "--spec",
                spec,
            ],
        )["task"]);
        self.json("employer", &["merkle", "publish", &task, p]);
        (task, proofs)
    }

    /// As the employer: a reward mint (100 tokens its own), a stake mint, a
    /// market asking 100 tokens of stake, and a Review task (10 tokens, 2
    /// slots, bond 20) with one newcomer slot. Returns (market, stake mint, task).
    pub fn newcomer_task(&self) -> (String, String, String) {
        let mint = s(&self.json("employer", &["mint", "create"])["mint"]);
        let stake_mint = s(&self.json("employer", &["mint", "create"])["mint"]);
        let create_market = [
            "market",
            "create",
            "--stake-mint",
            &stake_mint,
            "--min-stake",
            "100",
        ];
        let market = s(&self.json("employer", &create_market)["market"]);
        self.json("employer", &["mint", "airdrop", &mint, "100"]);
        let spec = self.path("spec.md");
        let create_task = [
            "task",
            "create",
            "--mint",
            &mint,
            "--reward",
            "10",
            "--slots",
            "2",
            "--bond",
            "20",
            "--newcomer-slots",
            "1",
            "--spec",
            spec.to_str().unwrap(),
        ];
        let task = s(&self.json("employer", &create_task)["task"]);
        (market, stake_mint, task)
    }

    /// `who`'s address (`ledger info`; on the embedded ledger this funds it).
    pub fn pubkey(&self, who: &str) -> String {
        s(&self.json(who, &["ledger", "info"])["keypair"])
    }
}

/// A JSON string value.
pub fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

/// README "JSON output", checked on every report a test reads: statuses are
/// one lowercase word, "none" is `null` (never 32 zero bytes or a 0 time),
/// numbers are integers (amounts are exact decimal strings), and SOL amounts
/// (`*_sol`) are decimal strings.
pub fn contract(command: &str, key: &str, v: &Value) {
    let at = |what: &str| format!("ilm {command}: `{key}` {what}: {v}");
    match v {
        Value::Object(map) => map.iter().for_each(|(k, v)| contract(command, k, v)),
        Value::Array(items) => items.iter().for_each(|v| contract(command, key, v)),
        Value::Number(n) => {
            assert!(n.is_u64() || n.is_i64(), "{}", at("is a float"));
            if key.ends_with("_at") || key == "deadline" {
                assert_ne!(n.as_i64(), Some(0), "{}", at("is 0 for never (null)"));
            }
        }
        Value::String(text) => {
            assert_ne!(
                *text,
                "0".repeat(64),
                "{}",
                at("is zero bytes for none (null)")
            );
            if key == "status" {
                assert!(
                    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{}",
                    at("is not one lowercase word")
                );
            }
            if key == "sol" || key.ends_with("_sol") {
                let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
                assert!(
                    [whole, frac]
                        .iter()
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())),
                    "{}",
                    at("is not a decimal SOL amount")
                );
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}
