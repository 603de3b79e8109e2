//! The local answer store: a contributor's commitment salt, or an employer's
//! answer salt, kept in `$ILM_HOME/answers` between `commit` and `reveal`
//! (or `task create` and `task open-reveals`).
use crate::context::Ctx;
use crate::units::{hex, parse_hex};
use anchor_lang::prelude::Pubkey;
use std::path::PathBuf;

/// Where the signer's answer and salt for `task` are kept: a contributor's
/// commitment salt, or an employer's answer salt (an employer never claims
/// its own task, so the two never share a file).
fn salt_file(ctx: &Ctx, task: &Pubkey) -> PathBuf {
    ctx.home
        .join("answers")
        .join(format!("{task}-{}.json", ctx.me()))
}

/// Saves the signer's answer and salt for `task`; called before the
/// transaction that needs them later is sent, since a lost salt cannot be recovered.
pub fn save_answer(
    ctx: &Ctx,
    task: &Pubkey,
    answer: &str,
    salt: &[u8; 32],
) -> Result<PathBuf, String> {
    let file = salt_file(ctx, task);
    std::fs::create_dir_all(file.parent().unwrap_or(&ctx.home)).map_err(|e| e.to_string())?;
    let saved = serde_json::json!({ "answer": answer, "salt": hex(salt) });
    std::fs::write(&file, saved.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file)
}

/// The answer and salt [`save_answer`] kept for `task`.
pub fn load_answer(ctx: &Ctx, task: &Pubkey) -> Result<(String, [u8; 32]), String> {
    let file = salt_file(ctx, task);
    let text = std::fs::read_to_string(&file).map_err(|_| {
        format!(
            "no saved answer for task {task} ({}): pass --salt (and --answer)",
            file.display()
        )
    })?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let bad = || format!("{} is damaged: pass --salt (and --answer)", file.display());
    Ok((
        field("answer").ok_or_else(bad)?,
        parse_hex(&field("salt").ok_or_else(bad)?)?,
    ))
}

/// 32 bytes from the operating system's random source.
pub fn random_salt() -> Result<[u8; 32], String> {
    use std::io::Read;
    let mut salt = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut salt))
        .map_err(|e| format!("cannot read /dev/urandom for a salt: {e}"))?;
    Ok(salt)
}
