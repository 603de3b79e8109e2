//! A fee-payer service in front of the cluster: Kora, the Solana Foundation's
//! paymaster (`kora/` holds ilm's policy for it). It signs, as fee payer,
//! the transactions its policy allows; its sponsor pool pays their rent.
//! `ilm --relay URL` builds a
//! contributor's transaction with the service's key as fee payer, signs its
//! own part, has the service add its signature (`signTransaction`), and sends
//! it through the cluster's RPC like any transaction signed by several parties.
use super::{malformed, Rpc, RpcOptions};
use crate::LedgerError;
use anchor_lang::prelude::Pubkey;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use solana_transaction::Transaction;
use std::str::FromStr;

/// A Kora endpoint.
pub struct Relay {
    rpc: Rpc,
}

#[derive(Deserialize)]
struct PayerSigner {
    signer_address: String,
}

#[derive(Deserialize)]
struct Signed {
    signed_transaction: String,
}

impl Relay {
    /// The service at `url`; `api_key` when it sits behind one (it should:
    /// see `kora/README.md`).
    pub fn new(url: &str, api_key: Option<String>) -> Relay {
        let options = RpcOptions {
            api_key,
            ..RpcOptions::default()
        };
        Relay {
            rpc: Rpc::new(url, options),
        }
    }

    /// The key the service signs with: fee payer of what it sponsors, and the sponsor whose pool pays the rent.
    pub fn payer(&self) -> Result<Pubkey, LedgerError> {
        let payer: PayerSigner = self.rpc.request("getPayerSigner", json!([]))?;
        Pubkey::from_str(&payer.signer_address).map_err(|e| malformed("getPayerSigner", e))
    }

    /// `tx` with the service's signature added: its fee payer is
    /// [`Relay::payer`], whose signature slot is still empty. `user` is the
    /// wallet the service counts its per-wallet limits against. The service
    /// simulates the transaction and refuses what its policy does not allow.
    pub fn sign(&self, tx: &Transaction, user: &Pubkey) -> Result<Transaction, LedgerError> {
        let bytes = bincode::serialize(tx).map_err(|e| malformed("signTransaction", e))?;
        let params = json!({"transaction": BASE64.encode(bytes), "user_id": user.to_string()});
        let signed: Signed = self.rpc.request("signTransaction", params)?;
        let bytes = BASE64
            .decode(signed.signed_transaction)
            .map_err(|e| malformed("signTransaction", e))?;
        let signed: Transaction =
            bincode::deserialize(&bytes).map_err(|e| malformed("signTransaction", e))?;
        // The service may add its signature and nothing else.
        if signed.message != tx.message {
            return Err(malformed(
                "signTransaction",
                "the relay changed the transaction",
            ));
        }
        Ok(signed)
    }
}
