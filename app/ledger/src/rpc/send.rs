//! Sending and confirming: statuses polled in batches, a transaction re-signed
//! only once its blockhash can no longer land it, many in flight at once.
use super::transport::malformed;
use super::wire::{
    commitment_rank, encode, ConfirmedTransaction, SignatureStatus, TransactionMeta, WithContext,
};
use super::{Rpc, BLOCKHASH_REFRESH, POLL_INTERVAL, REBROADCAST, STATUS_BATCH};
use crate::{Batch, LedgerError, Sent};
use anchor_lang::prelude::Pubkey;
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::collections::{HashMap, VecDeque};
use std::thread;
use std::time::Instant;

/// Where a sent transaction stands.
pub(super) enum Poll {
    /// Not seen by the node yet, and its blockhash may still land it.
    Unseen,
    /// Seen, but not yet at the wanted commitment.
    Landing,
    Landed,
    /// Landed and failed: the error in its RPC JSON form.
    Failed(Value),
    /// Its blockhash expired before the node saw it: it can never land.
    Expired,
}

/// A line on stderr saying a transaction is being confirmed, redrawn at
/// every poll and erased when dropped; silent unless asked for and stderr is
/// a terminal (never in pipes, logs or JSON output).
pub(super) struct Spinner {
    on: bool,
    signature: String,
    started: Instant,
    frame: usize,
}

impl Spinner {
    pub(super) fn new(wanted: bool, signature: &str) -> Spinner {
        use std::io::IsTerminal;
        Spinner {
            on: wanted && std::io::stderr().is_terminal(),
            signature: signature.to_string(),
            started: Instant::now(),
            frame: 0,
        }
    }

    pub(super) fn tick(&mut self) {
        if !self.on {
            return;
        }
        const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
        eprint!(
            "\r{} confirming {} ({}s)",
            FRAMES[self.frame % FRAMES.len()],
            self.signature,
            self.started.elapsed().as_secs()
        );
        self.frame += 1;
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if self.on && self.frame > 0 {
            eprint!("\r\x1b[2K");
        }
    }
}

/// A transaction sent and not yet settled.
pub(super) struct Flight {
    /// Position in the caller's list.
    pub(super) index: usize,
    pub(super) signature: String,
    pub(super) last_valid_block_height: u64,
    /// Numbers to report should `getTransaction` fail.
    pub(super) estimate: Sent,
    /// The signed bytes, sent again while unconfirmed.
    pub(super) transaction: Transaction,
    pub(super) sent_at: Instant,
}

/// The program, data length and account count of each instruction of a batch.
pub(super) type Shape = Vec<(Pubkey, usize, usize)>;

/// A copy of `e` for every batch a failure shared by all of them stops.
pub(super) fn duplicate(e: &LedgerError) -> LedgerError {
    match e {
        LedgerError::Rpc { code, message } => LedgerError::Rpc {
            code: *code,
            message: message.clone(),
        },
        other => LedgerError::Network(other.to_string()),
    }
}

impl Rpc {
    /// Sends without the node's preflight: we simulated already.
    pub(super) fn submit(&self, tx: &Transaction) -> Result<String, LedgerError> {
        let config = json!({
            "encoding": "base64",
            "skipPreflight": true,
            "preflightCommitment": self.options.commitment,
        });
        self.request("sendTransaction", json!([encode(tx), config]))
    }

    /// Sends an unconfirmed transaction's same bytes again: only a network
    /// failure matters (the node may answer that it has the transaction).
    pub(super) fn rebroadcast(&self, tx: &Transaction) -> Result<(), LedgerError> {
        match self.submit(tx) {
            Err(e @ LedgerError::Network(_)) => Err(e),
            _ => Ok(()),
        }
    }

    /// Statuses of `signatures`, at most [`STATUS_BATCH`] per call.
    pub(super) fn statuses(&self, signatures: &[&str]) -> Result<Vec<Poll>, LedgerError> {
        let wanted = commitment_rank(&self.options.commitment);
        let mut polls = Vec::with_capacity(signatures.len());
        for group in signatures.chunks(STATUS_BATCH) {
            let found: WithContext<Vec<Option<SignatureStatus>>> = self.request(
                "getSignatureStatuses",
                json!([group, {"searchTransactionHistory": false}]),
            )?;
            if found.value.len() != group.len() {
                return Err(malformed(
                    "getSignatureStatuses",
                    "wrong number of statuses",
                ));
            }
            polls.extend(found.value.into_iter().map(|status| match status {
                None => Poll::Unseen,
                Some(SignatureStatus { err: Some(err), .. }) => Poll::Failed(err),
                Some(SignatureStatus {
                    confirmation_status: Some(level),
                    ..
                }) if commitment_rank(&level) >= wanted => Poll::Landed,
                Some(_) => Poll::Landing,
            }));
        }
        Ok(polls)
    }

    /// Where each `(signature, last valid block height)` stands. The block
    /// height is read only when something is unseen, and an unseen
    /// transaction past its height is asked about once more: it may have
    /// landed between the two questions, and resending it would run it twice.
    pub(super) fn poll(&self, flights: &[(&str, u64)]) -> Result<Vec<Poll>, LedgerError> {
        let signatures: Vec<&str> = flights.iter().map(|(s, _)| *s).collect();
        let mut polls = self.statuses(&signatures)?;
        if !polls.iter().any(|p| matches!(p, Poll::Unseen)) {
            return Ok(polls);
        }
        let height: u64 = self.request("getBlockHeight", json!([self.commitment()]))?;
        let stale: Vec<usize> = (0..flights.len())
            .filter(|&i| matches!(polls[i], Poll::Unseen) && height > flights[i].1)
            .collect();
        if stale.is_empty() {
            return Ok(polls);
        }
        let again = self.statuses(&stale.iter().map(|&i| signatures[i]).collect::<Vec<_>>())?;
        for (i, poll) in stale.into_iter().zip(again) {
            polls[i] = match poll {
                Poll::Unseen => Poll::Expired,
                seen => seen,
            };
        }
        Ok(polls)
    }

    /// What landed: `getTransaction`'s numbers and logs, else `estimate`'s.
    pub(super) fn landed(&self, estimate: Sent) -> Sent {
        match self.confirmed_meta(&estimate.signature) {
            Some(meta) => Sent {
                compute_units: meta
                    .compute_units_consumed
                    .unwrap_or(estimate.compute_units),
                fee: meta.fee,
                logs: meta.log_messages.unwrap_or(estimate.logs),
                signature: estimate.signature,
            },
            None => estimate,
        }
    }

    /// The error of a transaction that landed and failed, with its logs.
    pub(super) fn landed_failure(
        &self,
        signature: &str,
        err: Value,
        payer: &Pubkey,
    ) -> LedgerError {
        let meta = self.confirmed_meta(signature);
        let err = meta.as_ref().and_then(|m| m.err.clone()).unwrap_or(err);
        let logs = meta.and_then(|m| m.log_messages).unwrap_or_default();
        self.failure(err, logs, payer)
    }

    /// Our commitment where history is asked for: `getTransaction` and
    /// `getSignaturesForAddress` serve confirmed or finalized transactions only.
    pub(super) fn history_commitment(&self) -> &str {
        match self.options.commitment.as_str() {
            "processed" => "confirmed",
            c => c,
        }
    }

    /// A landed transaction (`getTransaction`), `None` when the node no longer has it.
    pub(super) fn transaction(
        &self,
        signature: &str,
    ) -> Result<Option<ConfirmedTransaction>, LedgerError> {
        let config = json!({
            "encoding": "json",
            "commitment": self.history_commitment(),
            "maxSupportedTransactionVersion": 0,
        });
        self.request("getTransaction", json!([signature, config]))
    }

    /// A just-landed transaction's meta; `None` (report estimates instead)
    /// when the node cannot return it.
    pub(super) fn confirmed_meta(&self, signature: &str) -> Option<TransactionMeta> {
        self.transaction(signature)
            .ok()
            .flatten()
            .and_then(|t| t.meta)
    }

    /// Runs `work` on every item on its own thread (callers keep the count
    /// at most `in_flight`), results in order.
    pub(super) fn parallel<T: Send, R: Send>(
        &self,
        items: Vec<T>,
        work: impl Fn(&Rpc, T) -> R + Sync,
    ) -> Vec<R> {
        let work = &work;
        thread::scope(|scope| {
            let handles: Vec<_> = items
                .into_iter()
                .map(|item| scope.spawn(move || work(self, item)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    /// [`Ledger::send_all`] with failures that stop every remaining batch
    /// (the endpoint is gone) returned instead of recorded.
    pub(super) fn run_all(
        &self,
        batches: &[Batch],
        payer: &Keypair,
        results: &mut [Option<Result<Sent, LedgerError>>],
    ) -> Result<(), LedgerError> {
        let mut blockhash = self.latest_blockhash()?;
        let mut fetched = Instant::now();
        // Batches of one shape (programs, data lengths, account counts) cost
        // about the same: one simulation sizes the compute limit for all.
        let mut limits: HashMap<Shape, (u32, u64)> = HashMap::new();
        let mut queue: VecDeque<usize> = (0..batches.len()).collect();
        let mut resends = vec![0u32; batches.len()];
        let mut flights: Vec<Flight> = Vec::new();
        let in_flight = self.options.in_flight.max(1);
        while !queue.is_empty() || !flights.is_empty() {
            if fetched.elapsed() > BLOCKHASH_REFRESH && !queue.is_empty() {
                blockhash = self.latest_blockhash()?;
                fetched = Instant::now();
            }
            let mut ready = Vec::new();
            while flights.len() + ready.len() < in_flight {
                let Some(index) = queue.pop_front() else {
                    break;
                };
                let batch = &batches[index];
                let shape: Shape = batch
                    .instructions
                    .iter()
                    .map(|i| (i.program_id, i.data.len(), i.accounts.len()))
                    .collect();
                // A fixed limit needs no simulation at all.
                let sized = self
                    .options
                    .compute_unit_limit
                    .map(|limit| (limit, u64::from(limit)))
                    .or_else(|| limits.get(&shape).copied());
                match self.prepare(&batch.instructions, payer, &batch.signers, blockhash, sized) {
                    Ok(signed) => {
                        limits
                            .entry(shape)
                            .or_insert((signed.limit, signed.estimate.compute_units));
                        ready.push((index, signed));
                    }
                    Err(e @ LedgerError::Network(_)) => return Err(e),
                    Err(e) => results[index] = Some(Err(e)),
                }
            }
            let submitted = self.parallel(ready, |rpc, (index, signed)| {
                (index, rpc.submit(&signed.transaction).map(|_| signed))
            });
            for (index, outcome) in submitted {
                match outcome {
                    Ok(signed) => flights.push(Flight {
                        index,
                        signature: signed.estimate.signature.clone(),
                        last_valid_block_height: signed.last_valid_block_height,
                        estimate: signed.estimate,
                        transaction: signed.transaction,
                        sent_at: Instant::now(),
                    }),
                    Err(e @ LedgerError::Network(_)) => return Err(e),
                    Err(e) => results[index] = Some(Err(e)),
                }
            }
            if flights.is_empty() {
                continue;
            }
            let keys: Vec<(&str, u64)> = flights
                .iter()
                .map(|f| (f.signature.as_str(), f.last_valid_block_height))
                .collect();
            let polls = self.poll(&keys)?;
            let mut settled = Vec::new();
            let mut waiting = Vec::new();
            let mut expired = false;
            for (flight, poll) in flights.drain(..).zip(polls) {
                match poll {
                    Poll::Unseen => waiting.push(flight),
                    // Seen by the node: nothing to send again.
                    Poll::Landing => waiting.push(Flight {
                        sent_at: Instant::now(),
                        ..flight
                    }),
                    Poll::Expired if resends[flight.index] < self.options.retries => {
                        resends[flight.index] += 1;
                        queue.push_front(flight.index);
                        expired = true;
                    }
                    Poll::Expired => {
                        results[flight.index] = Some(Err(LedgerError::BlockhashExpired {
                            signature: flight.signature,
                        }))
                    }
                    Poll::Landed => settled.push((flight, None)),
                    Poll::Failed(err) => settled.push((flight, Some(err))),
                }
            }
            if expired {
                blockhash = self.latest_blockhash()?;
                fetched = Instant::now();
            }
            let progressed = !settled.is_empty() || expired;
            let outcomes = self.parallel(settled, |rpc, (flight, err)| {
                let outcome = match err {
                    None => Ok(rpc.landed(flight.estimate)),
                    Some(err) => Err(rpc.landed_failure(&flight.signature, err, &payer.pubkey())),
                };
                (flight.index, outcome)
            });
            for (index, outcome) in outcomes {
                results[index] = Some(outcome);
            }
            let now = Instant::now();
            let stale: Vec<&Transaction> = waiting
                .iter_mut()
                .filter(|f| now.duration_since(f.sent_at) >= REBROADCAST)
                .map(|f| {
                    f.sent_at = now;
                    &f.transaction
                })
                .collect();
            for sent in self.parallel(stale, |rpc, tx| rpc.rebroadcast(tx)) {
                sent?;
            }
            flights = waiting;
            if !progressed && !flights.is_empty() {
                thread::sleep(POLL_INTERVAL);
            }
        }
        Ok(())
    }
}
