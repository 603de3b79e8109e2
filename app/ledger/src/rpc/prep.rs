//! Preparing a transaction: compute budget, signatures, and a simulation
//! that both refuses a failing transaction before it costs anything and sizes
//! its compute-unit limit.
use super::transport::malformed;
use super::wire::{encode, LatestBlockhash, RecentFee, Simulated, WithContext};
use super::{
    Rpc, UnitPrice, BLOCKHASH_REFRESH, LAMPORTS_PER_SIGNATURE, MAX_COMPUTE_UNIT_LIMIT,
    POLL_INTERVAL, PREFLIGHT_FAILURE,
};
use crate::{classify, LedgerError, Sent};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use serde_json::{json, Value};
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::str::FromStr;
use std::thread;
use std::time::Instant;

/// A signed transaction, the compute limit it requests, its blockhash's last
/// valid height, and the numbers to report should `getTransaction` fail after
/// it lands.
pub(super) struct Signed {
    pub(super) transaction: Transaction,
    pub(super) limit: u32,
    pub(super) last_valid_block_height: u64,
    pub(super) estimate: Sent,
}

/// Compute units to request for a transaction its simulation says uses
/// `units`: a 10 % margin for state that changes before it lands, and 1,000
/// units for the compute-budget instructions themselves.
pub(super) fn limit_for(units: u64, instructions: &[Instruction]) -> u32 {
    let mut limit = units.saturating_add(units / 10).saturating_add(1_000);
    // Opening a token account searches its address's bump: one more failed
    // try costs about 1,500 units, and batches of one shape share the limit
    // the first one's simulation sized, so leave room for ten more.
    if instructions
        .iter()
        .any(|i| i.program_id == ilm_client::token::ASSOCIATED_TOKEN_PROGRAM)
    {
        limit = limit.saturating_add(ATA_HEADROOM);
    }
    limit.min(u64::from(MAX_COMPUTE_UNIT_LIMIT)) as u32
}

/// Compute units added for a token-account creation's variable cost.
const ATA_HEADROOM: u64 = 15_000;

impl Rpc {
    pub(super) fn latest_blockhash(&self) -> Result<(Hash, u64), LedgerError> {
        let latest: WithContext<LatestBlockhash> =
            self.request("getLatestBlockhash", json!([self.commitment()]))?;
        let hash = Hash::from_str(&latest.value.blockhash)
            .map_err(|e| malformed("getLatestBlockhash", e))?;
        Ok((hash, latest.value.last_valid_block_height))
    }

    /// The priority fee to pay now for `instructions` (see [`UnitPrice`]);
    /// 0 is none. `auto` asks about the accounts they write (without them a
    /// node answers each block's minimum, nearly always 0), once per 20 s:
    /// the transactions of one run write much the same accounts.
    pub(super) fn unit_price(&self, instructions: &[Instruction]) -> Result<u64, LedgerError> {
        match self.options.priority_fee {
            None => Ok(0),
            Some(UnitPrice::Fixed(price)) => Ok(price),
            Some(UnitPrice::Recent) => {
                let mut cached = self.recent_price.lock().expect("never poisoned");
                if let Some((at, price)) = *cached {
                    if at.elapsed() < BLOCKHASH_REFRESH {
                        return Ok(price);
                    }
                }
                let mut writable: Vec<String> = Vec::new();
                for key in instructions
                    .iter()
                    .flat_map(|i| &i.accounts)
                    .filter(|a| a.is_writable)
                    .map(|a| a.pubkey.to_string())
                {
                    // The node takes at most 128 accounts.
                    if !writable.contains(&key) && writable.len() < 128 {
                        writable.push(key);
                    }
                }
                let recent: Vec<RecentFee> =
                    self.request("getRecentPrioritizationFees", json!([writable]))?;
                let mut fees: Vec<u64> = recent.iter().map(|f| f.prioritization_fee).collect();
                fees.sort_unstable();
                let price = fees.get(fees.len() * 3 / 4).copied().unwrap_or(0);
                *cached = Some((Instant::now(), price));
                Ok(price)
            }
        }
    }

    /// The compute-budget instructions, then `instructions`; a caller's own
    /// compute-budget instructions win, since duplicates fail the transaction.
    pub(super) fn with_budget(
        &self,
        limit: u32,
        instructions: &[Instruction],
    ) -> Result<Vec<Instruction>, LedgerError> {
        let mut all = Vec::with_capacity(instructions.len() + 2);
        if !instructions
            .iter()
            .any(|i| i.program_id == solana_compute_budget_interface::ID)
        {
            all.push(ComputeBudgetInstruction::set_compute_unit_limit(limit));
            let price = self.unit_price(instructions)?;
            if price > 0 {
                all.push(ComputeBudgetInstruction::set_compute_unit_price(price));
            }
        }
        all.extend_from_slice(instructions);
        Ok(all)
    }

    pub(super) fn sign(
        &self,
        limit: u32,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        blockhash: Hash,
    ) -> Result<Transaction, LedgerError> {
        crate::sign(
            &self.with_budget(limit, instructions)?,
            payer,
            signers,
            blockhash,
        )
    }

    /// The fee a landed `tx` pays with `limit` compute units requested.
    pub(super) fn estimated_fee(&self, tx: &Transaction, limit: u32) -> u64 {
        let signatures = u64::from(tx.message.header.num_required_signatures);
        // The price the transaction itself sets (`SetComputeUnitPrice`, tag 3).
        let price = tx
            .message
            .instructions
            .iter()
            .filter(|i| {
                tx.message.account_keys.get(usize::from(i.program_id_index))
                    == Some(&solana_compute_budget_interface::ID)
                    && i.data.first() == Some(&3)
            })
            .find_map(|i| Some(u64::from_le_bytes(i.data.get(1..9)?.try_into().ok()?)))
            .unwrap_or(0);
        let priority = (u128::from(price) * u128::from(limit)).div_ceil(1_000_000);
        signatures * LAMPORTS_PER_SIGNATURE + priority as u64
    }

    /// Simulates `tx` against the node's bank at our commitment.
    pub(super) fn simulate(&self, tx: &Transaction) -> Result<Simulated, LedgerError> {
        let config = json!({
            "encoding": "base64",
            "sigVerify": false,
            "replaceRecentBlockhash": false,
            "commitment": self.options.commitment,
        });
        let simulated: WithContext<Simulated> =
            self.request("simulateTransaction", json!([encode(tx), config]))?;
        Ok(simulated.value)
    }

    /// The error of a failed transaction: decoded from its RPC JSON form,
    /// with fee-payer failures told apart by [`classify`].
    pub(super) fn failure(&self, err: Value, logs: Vec<String>, payer: &Pubkey) -> LedgerError {
        match serde_json::from_value::<TransactionError>(err.clone()) {
            Ok(error) => classify(error, logs, payer),
            Err(_) => LedgerError::Rpc {
                code: PREFLIGHT_FAILURE,
                message: format!(
                    "transaction failed: {err}{}",
                    logs.last().map(|l| format!(" ({l})")).unwrap_or_default()
                ),
            },
        }
    }

    /// Signs `instructions` with `blockhash`. Unless `sized` gives the
    /// compute limit and expected units, they are simulated first: a failed
    /// simulation is returned as the transaction's error, nothing sent, and
    /// a successful one sizes the limit (when the options leave it open).
    pub(super) fn prepare(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        (mut blockhash, mut last_valid_block_height): (Hash, u64),
        sized: Option<(u32, u64)>,
    ) -> Result<Signed, LedgerError> {
        let fixed = self.options.compute_unit_limit;
        let (limit, units, logs) = match sized {
            Some((limit, units)) => (limit, units, Vec::new()),
            None => {
                let probe_limit = fixed.unwrap_or(MAX_COMPUTE_UNIT_LIMIT);
                let mut retry = 0;
                let simulated = loop {
                    let probe = self.sign(probe_limit, instructions, payer, signers, blockhash)?;
                    let simulated = self.simulate(&probe)?;
                    // Behind a load balancer the simulating node may not have
                    // seen the blockhash another node handed out yet.
                    if simulated.err != Some(json!("BlockhashNotFound"))
                        || retry >= self.options.retries
                    {
                        break simulated;
                    }
                    retry += 1;
                    thread::sleep(POLL_INTERVAL);
                    (blockhash, last_valid_block_height) = self.latest_blockhash()?;
                };
                let logs = simulated.logs.unwrap_or_default();
                if let Some(err) = simulated.err {
                    return Err(self.failure(err, logs, &payer.pubkey()));
                }
                let units = simulated.units_consumed.unwrap_or(0);
                (
                    fixed.unwrap_or_else(|| limit_for(units, instructions)),
                    units,
                    logs,
                )
            }
        };
        let transaction = self.sign(limit, instructions, payer, signers, blockhash)?;
        let estimate = Sent {
            signature: transaction.signatures[0].to_string(),
            compute_units: units,
            fee: self.estimated_fee(&transaction, limit),
            logs,
        };
        Ok(Signed {
            transaction,
            limit,
            last_valid_block_height,
            estimate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::prelude::Pubkey;
    use ilm_client::token;

    #[test]
    fn a_token_account_creation_gets_room_for_its_bump_search() {
        assert_eq!(limit_for(10_000, &[]), 12_000);
        let open = token::create_ata(
            &Pubkey::new_unique(),
            &Pubkey::new_unique(),
            &Pubkey::new_unique(),
            &token::TOKEN_PROGRAM,
        );
        assert_eq!(limit_for(10_000, &[open]), 12_000 + 15_000);
        assert_eq!(limit_for(u64::MAX, &[]), MAX_COMPUTE_UNIT_LIMIT);
    }
}
