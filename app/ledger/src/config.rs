//! The Solana CLI's configuration (`~/.config/solana/cli/config.yml`), read
//! the way the Solana CLI reads it, so every ilm tool finds the cluster,
//! keypair and commitment its user already configured.
use std::path::{Path, PathBuf};

/// `$HOME`, else the current directory.
pub fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// What ilm tools read of the Solana CLI's configuration file.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct SolanaConfig {
    pub json_rpc_url: Option<String>,
    pub keypair_path: Option<PathBuf>,
    pub commitment: Option<String>,
}

impl SolanaConfig {
    /// The file's top-level `key: value` lines (the Solana CLI writes plain
    /// YAML scalars, quoted or not); no file is an empty configuration, an
    /// unknown commitment an error.
    pub fn load(path: &Path) -> Result<SolanaConfig, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let mut config = SolanaConfig::default();
        for line in text
            .lines()
            .filter(|l| !l.starts_with([' ', '\t', '#', '-']))
        {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            let value = (!value.is_empty()).then(|| value.to_string());
            match key.trim() {
                "json_rpc_url" => config.json_rpc_url = value,
                "keypair_path" => config.keypair_path = value.map(PathBuf::from),
                "commitment" => config.commitment = value,
                _ => {}
            }
        }
        match config.commitment.as_deref() {
            Some(c) if !["processed", "confirmed", "finalized"].contains(&c) => Err(format!(
                "{}: commitment {c:?} is not processed, confirmed or finalized (older names are gone): `solana config set --commitment confirmed`",
                path.display()
            )),
            _ => Ok(config),
        }
    }
}

impl SolanaConfig {
    /// Where the Solana CLI keeps its configuration.
    pub fn default_path() -> PathBuf {
        home_dir().join(".config/solana/cli/config.yml")
    }

    /// The Solana CLI's default keypair, for a configuration that names none.
    pub fn default_keypair() -> PathBuf {
        home_dir().join(".config/solana/id.json")
    }
}
