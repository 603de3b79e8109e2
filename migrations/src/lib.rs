//! Deploys `ilm.so` through the upgradeable BPF loader (loader-v3) and
//! creates markets from JSON config files, on any [`Ledger`]: a cluster
//! through [`ilm_ledger::Rpc`], or the embedded LiteSVM in tests.
use anchor_lang::prelude::Pubkey;
use ilm_client::ix::{self, MarketKeys};
use ilm_client::{MarketParams, PROGRAM_ID};
use ilm_ledger::{program, Batch, Ledger, LedgerError};
use serde::{Deserialize, Deserializer};
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_keypair::Keypair;
use solana_loader_v3_interface::instruction as loader;
use solana_loader_v3_interface::{get_program_data_address, state::UpgradeableLoaderState};
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::fmt;
use std::str::FromStr;

/// The upgradeable BPF loader (loader-v3), owner of deployed programs.
pub const LOADER: Pubkey = anchor_lang::pubkey!("BPFLoaderUpgradeab1e11111111111111111111111");
/// Largest serialized transaction a cluster accepts.
const PACKET_DATA_SIZE: usize = 1232;
/// Rounds of re-sending buffer writes that did not land before giving up.
const WRITE_ROUNDS: usize = 3;

/// What [`deploy`] did to the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deployed {
    /// The program did not exist and was created.
    Created,
    /// The program held other bytes; its upgrade authority (the payer) replaced them.
    Upgraded,
    /// The program already holds exactly these bytes: nothing was sent.
    Unchanged,
}

/// Why a deployment or a market creation failed.
#[derive(Debug)]
pub enum MigrateError {
    /// The ledger refused a read or a transaction.
    Ledger(LedgerError),
    /// The program address is taken by an account the loader does not own.
    Occupied { program: Pubkey, owner: Pubkey },
    /// An account the loader owns is not laid out as the loader writes it.
    Malformed { account: Pubkey, detail: String },
    /// The program is upgradeable by another key, or by nobody.
    NotUpgradeAuthority {
        program: Pubkey,
        authority: Option<Pubkey>,
        payer: Pubkey,
    },
    /// The new program is larger than the program data account can hold.
    TooLarge {
        program: Pubkey,
        len: usize,
        capacity: usize,
    },
    /// Some buffer writes never landed (or the buffer came back different);
    /// `closed` says whether the buffer's rent was recovered.
    Upload {
        buffer: Pubkey,
        detail: String,
        closed: bool,
    },
    /// The market's stake mint is missing or not a token mint.
    Mint { mint: Pubkey, detail: String },
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrateError::Ledger(e) => write!(f, "{e}"),
            MigrateError::Occupied { program, owner } => write!(
                f,
                "{program} is an account owned by {owner}, not a program: deploy under another --program-keypair"
            ),
            MigrateError::Malformed { account, detail } => {
                write!(f, "{account} is not a valid upgradeable-loader account ({detail})")
            }
            MigrateError::NotUpgradeAuthority {
                program,
                authority: Some(authority),
                payer,
            } => write!(
                f,
                "{program} runs other bytes and only its upgrade authority {authority} can replace them; the keypair given is {payer}"
            ),
            MigrateError::NotUpgradeAuthority {
                program,
                authority: None,
                ..
            } => write!(
                f,
                "{program} runs other bytes and is immutable (no upgrade authority): deploy under a new --program-keypair"
            ),
            MigrateError::TooLarge {
                program,
                len,
                capacity,
            } => write!(
                f,
                "the new program is {len} bytes but {program} has room for {capacity}: extend it first (`solana program extend {program} {}`)",
                len - capacity
            ),
            MigrateError::Upload {
                buffer,
                detail,
                closed: true,
            } => write!(f, "uploading the program failed ({detail}); buffer {buffer} was closed and its rent refunded"),
            MigrateError::Upload {
                buffer,
                detail,
                closed: false,
            } => write!(
                f,
                "uploading the program failed ({detail}); recover the rent of buffer {buffer} with `solana program close {buffer}`"
            ),
            MigrateError::Mint { mint, detail } => write!(f, "stake mint {mint}: {detail}"),
        }
    }
}

impl std::error::Error for MigrateError {}

impl From<LedgerError> for MigrateError {
    fn from(e: LedgerError) -> Self {
        MigrateError::Ledger(e)
    }
}

/// Bytes of program one `Write` transaction carries: what fits a packet next
/// to the payer's signature, the three accounts and the two compute-budget
/// instructions an RPC ledger prepends.
pub fn chunk_len() -> usize {
    let payer = Pubkey::new_unique();
    let instructions = [
        ComputeBudgetInstruction::set_compute_unit_limit(0),
        ComputeBudgetInstruction::set_compute_unit_price(0),
        loader::write(&Pubkey::new_unique(), &payer, 0, Vec::new()),
    ];
    let empty = bincode::serialized_size(&Transaction::new_with_payer(&instructions, Some(&payer)))
        .expect("a transaction always serializes") as usize;
    // The write's data length grows from a one- to a two-byte compact-u16.
    PACKET_DATA_SIZE - empty - 1
}

fn sol(lamports: u64) -> String {
    format!("{} SOL", ilm_client::amount::format_sol(lamports))
}

/// The upgrade authority and program bytes of a program data account.
fn program_data(key: &Pubkey, data: &[u8]) -> Result<(Option<Pubkey>, Vec<u8>), MigrateError> {
    let malformed = |detail: String| MigrateError::Malformed {
        account: *key,
        detail,
    };
    let header = UpgradeableLoaderState::size_of_programdata_metadata();
    let state: UpgradeableLoaderState = bincode::deserialize(data.get(..header).unwrap_or(data))
        .map_err(|e| malformed(e.to_string()))?;
    match state {
        UpgradeableLoaderState::ProgramData {
            upgrade_authority_address,
            ..
        } => Ok((upgrade_authority_address, data[header..].to_vec())),
        other => Err(malformed(format!("{other:?} where program data belongs"))),
    }
}

/// Deploys `so` at `program`'s address, or upgrades it there when the payer
/// is its upgrade authority; does nothing when it already holds `so`. The
/// payer pays, owns the buffer and becomes the upgrade authority. A new
/// program gets room for twice `so`'s size, so later versions fit.
/// `progress` hears each step, for people watching a long upload.
pub fn deploy(
    ledger: &mut dyn Ledger,
    payer: &Keypair,
    program: &Keypair,
    so: &[u8],
    progress: &mut dyn FnMut(&str),
) -> Result<Deployed, MigrateError> {
    let program_id = program.pubkey();
    let programdata = get_program_data_address(&program_id);
    let existing = match ledger.account(&program_id)? {
        None => None,
        Some(a) if a.owner == LOADER && a.executable => {
            let account = ledger
                .account(&programdata)?
                .ok_or_else(|| MigrateError::Malformed {
                    account: programdata,
                    detail: "missing".to_string(),
                })?;
            Some(program_data(&programdata, &account.data)?)
        }
        Some(a) => {
            return Err(MigrateError::Occupied {
                program: program_id,
                owner: a.owner,
            })
        }
    };
    match existing {
        None => {
            let max_len = 2 * so.len();
            let lamports = ledger.minimum_balance(UpgradeableLoaderState::size_of_program())?;
            let rent =
                ledger.minimum_balance(UpgradeableLoaderState::size_of_programdata(max_len))?;
            let buffer = upload(ledger, payer, so, progress)?;
            let deploy = loader::deploy_with_max_program_len(
                &payer.pubkey(),
                &program_id,
                &buffer,
                &payer.pubkey(),
                lamports,
                max_len,
            )
            .expect("loader instructions always serialize");
            progress(&format!(
                "deploying {program_id} with room for {max_len} bytes ({} of rent; the buffer's is refunded)",
                sol(rent)
            ));
            finish(ledger, payer, &buffer, &deploy, &[program])?;
            Ok(Deployed::Created)
        }
        Some((_, held)) if program::holds(&held, so) => Ok(Deployed::Unchanged),
        Some((authority, _)) if authority != Some(payer.pubkey()) => {
            Err(MigrateError::NotUpgradeAuthority {
                program: program_id,
                authority,
                payer: payer.pubkey(),
            })
        }
        Some((_, held)) if held.len() < so.len() => Err(MigrateError::TooLarge {
            program: program_id,
            len: so.len(),
            capacity: held.len(),
        }),
        Some(_) => {
            let buffer = upload(ledger, payer, so, progress)?;
            let upgrade = loader::upgrade(&program_id, &buffer, &payer.pubkey(), &payer.pubkey());
            progress(&format!("upgrading {program_id}"));
            finish(ledger, payer, &buffer, &[upgrade], &[])?;
            Ok(Deployed::Upgraded)
        }
    }
}

/// Sends the deploy or upgrade that consumes `buffer`; should it fail, the
/// buffer is closed so its rent is not stranded.
fn finish(
    ledger: &mut dyn Ledger,
    payer: &Keypair,
    buffer: &Pubkey,
    instructions: &[anchor_lang::solana_program::instruction::Instruction],
    signers: &[&Keypair],
) -> Result<(), MigrateError> {
    match ledger.send(instructions, payer, signers) {
        Ok(_) => Ok(()),
        Err(e) => Err(MigrateError::Upload {
            buffer: *buffer,
            detail: e.to_string(),
            closed: close_buffer(ledger, payer, buffer),
        }),
    }
}

fn close_buffer(ledger: &mut dyn Ledger, payer: &Keypair, buffer: &Pubkey) -> bool {
    let close = loader::close(buffer, &payer.pubkey(), &payer.pubkey());
    ledger.send(&[close], payer, &[]).is_ok()
}

/// Writes `so` into a new buffer account owned by the payer, all chunks in
/// flight at once, re-sending the ones that did not land; returns the
/// buffer once it reads back as exactly `so`.
fn upload(
    ledger: &mut dyn Ledger,
    payer: &Keypair,
    so: &[u8],
    progress: &mut dyn FnMut(&str),
) -> Result<Pubkey, MigrateError> {
    let buffer = Keypair::new();
    let address = buffer.pubkey();
    let lamports = ledger.minimum_balance(UpgradeableLoaderState::size_of_buffer(so.len()))?;
    let create = loader::create_buffer(
        &payer.pubkey(),
        &address,
        &payer.pubkey(),
        lamports,
        so.len(),
    )
    .expect("loader instructions always serialize");
    ledger.send(&create, payer, &[&buffer])?;
    let chunk = chunk_len();
    let mut pending: Vec<usize> = (0..so.len().div_ceil(chunk)).collect();
    progress(&format!(
        "writing {} bytes to buffer {address} ({} of rent) in {} transactions",
        so.len(),
        sol(lamports),
        pending.len()
    ));
    let mut last_error = String::new();
    for _ in 0..WRITE_ROUNDS {
        let batches: Vec<Batch> = pending
            .iter()
            .map(|&i| {
                let start = i * chunk;
                let bytes = so[start..so.len().min(start + chunk)].to_vec();
                Batch {
                    instructions: vec![loader::write(
                        &address,
                        &payer.pubkey(),
                        start as u32,
                        bytes,
                    )],
                    signers: vec![],
                }
            })
            .collect();
        let results = ledger.send_all(&batches, payer);
        let mut failed = Vec::new();
        let mut hopeless = false;
        for (i, result) in pending.iter().zip(results) {
            if let Err(e) = result {
                // A write the program refused, or a payer out of SOL, fails
                // the same way every time; lost transactions are worth resending.
                hopeless |= matches!(
                    e,
                    LedgerError::Failed { .. } | LedgerError::InsufficientFunds { .. }
                );
                last_error = e.to_string();
                failed.push(*i);
            }
        }
        pending = failed;
        if pending.is_empty() || hopeless {
            break;
        }
        progress(&format!(
            "re-sending {} writes that did not land",
            pending.len()
        ));
    }
    let detail = if !pending.is_empty() {
        Some(format!(
            "{} writes failed, the last with: {last_error}",
            pending.len()
        ))
    } else {
        let written = ledger
            .account(&address)?
            .map(|a| a.data)
            .unwrap_or_default();
        let header = UpgradeableLoaderState::size_of_buffer_metadata();
        (written.get(header..) != Some(so))
            .then(|| "the buffer does not read back as the program".to_string())
    };
    match detail {
        None => Ok(address),
        Some(detail) => Err(MigrateError::Upload {
            buffer: address,
            detail,
            closed: close_buffer(ledger, payer, &address),
        }),
    }
}

/// A market to create, as written in its JSON config file
/// (`migrations/market.example.json`). Keys are base-58 strings; amounts
/// are in the stake mint's base units.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MarketConfig {
    /// Distinguishes the authority's markets (part of the market address).
    pub market_id: u64,
    /// The token contributors stake (Token or Token-2022 mint).
    #[serde(deserialize_with = "pubkey")]
    pub stake_mint: Pubkey,
    /// Smallest stake that qualifies a contributor, in base units.
    pub min_stake: u64,
    /// Seconds between requesting an unstake and withdrawing it.
    pub unstake_cooldown_secs: i64,
    /// Share of a stake slashed for rejected work, in basis points.
    pub slash_bps: u16,
    /// Market fee on task rewards, in basis points (at most 1,000).
    pub fee_bps: u16,
    /// Owner of the token accounts fees are paid to.
    #[serde(deserialize_with = "pubkey")]
    pub fee_owner: Pubkey,
    /// Keys whose signatures attest work (Attested tasks).
    #[serde(deserialize_with = "pubkeys", default)]
    pub attesters: Vec<Pubkey>,
    /// How many attesters must sign: 1..=attesters, or 0 without attesters.
    #[serde(default)]
    pub attester_threshold: u8,
    /// Mints with a freeze authority the market accepts (at most 4).
    #[serde(deserialize_with = "pubkeys", default)]
    pub freezable_mints: Vec<Pubkey>,
}

fn pubkey<'de, D: Deserializer<'de>>(d: D) -> Result<Pubkey, D::Error> {
    let text = String::deserialize(d)?;
    Pubkey::from_str(&text).map_err(|e| serde::de::Error::custom(format!("{text}: {e}")))
}

fn pubkeys<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Pubkey>, D::Error> {
    Vec::<String>::deserialize(d)?
        .iter()
        .map(|text| {
            Pubkey::from_str(text).map_err(|e| serde::de::Error::custom(format!("{text}: {e}")))
        })
        .collect()
}

impl MarketConfig {
    /// The config in `json`; errors name the line and column.
    pub fn from_json(json: &str) -> Result<MarketConfig, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The program's parameters for this market.
    pub fn params(&self) -> MarketParams {
        MarketParams {
            min_stake: self.min_stake,
            unstake_cooldown_secs: self.unstake_cooldown_secs,
            slash_bps: self.slash_bps,
            fee_bps: self.fee_bps,
            fee_owner: self.fee_owner,
            attesters: self.attesters.clone(),
            attester_threshold: self.attester_threshold,
            freezable_mints: self.freezable_mints.clone(),
        }
    }
}

/// A market [`create_market`] created or found already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketReport {
    pub keys: MarketKeys,
    /// False when the market existed already (nothing was sent).
    pub created: bool,
}

/// Creates the market `config` describes, with `authority` as its authority
/// and fee payer; a market already at that address is left as it is.
pub fn create_market(
    ledger: &mut dyn Ledger,
    authority: &Keypair,
    config: &MarketConfig,
) -> Result<MarketReport, MigrateError> {
    ledger.ensure_deployed(&PROGRAM_ID)?;
    let mint = config.stake_mint;
    let token_program = match ledger.account(&mint)? {
        None => {
            return Err(MigrateError::Mint {
                mint,
                detail: format!("no such account on {}", ledger.describe()),
            })
        }
        Some(a) if a.owner == anchor_spl::token::ID || a.owner == anchor_spl::token_2022::ID => {
            a.owner
        }
        Some(a) => {
            return Err(MigrateError::Mint {
                mint,
                detail: format!("owned by {}, not by a token program", a.owner),
            })
        }
    };
    let keys = MarketKeys::new(authority.pubkey(), config.market_id, mint, token_program);
    if ledger.account(&keys.market)?.is_some() {
        return Ok(MarketReport {
            keys,
            created: false,
        });
    }
    ledger.send(&[ix::create_market(&keys, config.params())], authority, &[])?;
    Ok(MarketReport {
        keys,
        created: true,
    })
}
