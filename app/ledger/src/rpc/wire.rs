//! The JSON-RPC reply shapes this client reads, and the transaction encoding it sends.
use super::transport::malformed;
use crate::LedgerError;
use anchor_lang::prelude::Pubkey;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use solana_account::Account;
use solana_transaction::Transaction;
use std::str::FromStr;

#[derive(Deserialize)]
pub(super) struct WithContext<T> {
    pub(super) value: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UiAccount {
    pub(super) lamports: u64,
    /// `[data, "base64"]`.
    pub(super) data: (String, String),
    pub(super) owner: String,
    pub(super) executable: bool,
    pub(super) rent_epoch: u64,
}

#[derive(Deserialize)]
pub(super) struct KeyedAccount {
    pub(super) pubkey: String,
    pub(super) account: UiAccount,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LatestBlockhash {
    pub(super) blockhash: String,
    pub(super) last_valid_block_height: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RecentFee {
    pub(super) prioritization_fee: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Simulated {
    pub(super) err: Option<Value>,
    pub(super) logs: Option<Vec<String>>,
    pub(super) units_consumed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SignatureStatus {
    pub(super) err: Option<Value>,
    pub(super) confirmation_status: Option<String>,
}

/// One entry of `getSignaturesForAddress`.
#[derive(Deserialize)]
pub(super) struct SignatureInfo {
    pub(super) signature: String,
    pub(super) err: Option<Value>,
}

#[derive(Deserialize)]
pub(super) struct ConfirmedTransaction {
    pub(super) meta: Option<TransactionMeta>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TransactionMeta {
    pub(super) err: Option<Value>,
    pub(super) fee: u64,
    pub(super) log_messages: Option<Vec<String>>,
    pub(super) compute_units_consumed: Option<u64>,
}

pub(super) fn encode(tx: &Transaction) -> String {
    BASE64.encode(bincode::serialize(tx).expect("a transaction always serializes"))
}

pub(super) fn commitment_rank(level: &str) -> u8 {
    match level {
        "processed" => 0,
        "confirmed" => 1,
        _ => 2,
    }
}

pub(super) fn to_account(method: &str, a: UiAccount) -> Result<Account, LedgerError> {
    let (data, encoding) = a.data;
    if encoding != "base64" {
        return Err(malformed(method, format!("{encoding} account data")));
    }
    Ok(Account {
        lamports: a.lamports,
        data: BASE64.decode(data).map_err(|e| malformed(method, e))?,
        owner: Pubkey::from_str(&a.owner).map_err(|e| malformed(method, e))?,
        executable: a.executable,
        rent_epoch: a.rent_epoch,
    })
}
