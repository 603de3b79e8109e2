use crate::constants::{
    BPS_DENOMINATOR, MAX_ATTESTERS, MAX_ATTESTER_THRESHOLD, MAX_COOLDOWN_SECS, MAX_FEE_BPS,
    MAX_FREEZABLE_MINTS,
};
use crate::error::IlmError;
use anchor_lang::prelude::*;

/// A labor market: its stake rules, protocol fee and attester set.
/// PDA `["market", authority, market_id u64 LE]`.
#[account]
#[derive(InitSpace)]
pub struct Market {
    /// May update the market's parameters and pause it.
    pub authority: Pubkey,
    /// Free-form id so one authority can run several markets.
    pub market_id: u64,
    /// Mint contributors stake and bonds are locked in.
    pub stake_mint: Pubkey,
    /// `["stake_vault", market]`, owned by this market PDA.
    pub stake_vault: Pubkey,
    /// Stake a contributor must hold (not counting pending unstakes) to claim work.
    pub min_stake: u64,
    /// Wait between `request_unstake` and `withdraw_stake` (a request keeps
    /// the cooldown it was made under), at most 30 days.
    pub unstake_cooldown_secs: i64,
    /// Share of a bond paid to the employer when a lease expires (copied into each task).
    pub slash_bps: u16,
    /// Protocol fee on each payout, <= 1,000 bps (copied into each task).
    pub fee_bps: u16,
    /// Wallet whose token accounts receive collected fees.
    pub fee_owner: Pubkey,
    /// ed25519 keys whose signatures attest DePIN work (Attested verifier);
    /// each Attested task keeps the set it was created under.
    #[max_len(MAX_ATTESTERS)]
    pub attesters: Vec<Pubkey>,
    /// Signatures from distinct attesters needed for one attestation.
    pub attester_threshold: u8,
    /// Mints with a freeze authority this market accepts (stake or reward):
    /// the authority vouches that their freezer will not block payouts.
    #[max_len(MAX_FREEZABLE_MINTS)]
    pub freezable_mints: Vec<Pubkey>,
    /// Differs per deployment (hash of the market, slot and time at
    /// creation); attestations sign it, so none replays on another cluster.
    pub domain: [u8; 32],
    /// A paused market refuses new stakes, tasks and claims, never payouts or withdrawals.
    pub paused: bool,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// Canonical bump of the stake vault PDA.
    pub stake_vault_bump: u8,
}

/// Market parameters an authority sets at creation and may change later.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct MarketParams {
    /// Stake a contributor must hold to claim work, in stake-mint base units.
    pub min_stake: u64,
    /// Wait between an unstake request and the withdrawal, at most 30 days.
    pub unstake_cooldown_secs: i64,
    /// Share of an expired lease's bond paid to the employer, in bps.
    pub slash_bps: u16,
    /// Protocol fee on each payout, at most 1,000 bps.
    pub fee_bps: u16,
    /// Wallet whose token accounts receive collected fees.
    pub fee_owner: Pubkey,
    /// ed25519 keys that attest DePIN work, at most 8 (pinned by each Attested task).
    pub attesters: Vec<Pubkey>,
    /// Signatures needed per attestation: 1..=attesters, or 0 without attesters.
    pub attester_threshold: u8,
    /// Mints with a freeze authority the market accepts, at most 4.
    pub freezable_mints: Vec<Pubkey>,
}

impl MarketParams {
    /// Rejects values that would let a market take more than it may.
    pub fn validate(&self) -> Result<()> {
        require!(self.fee_bps <= MAX_FEE_BPS, IlmError::FeeTooHigh);
        require!(self.slash_bps <= BPS_DENOMINATOR, IlmError::BpsTooHigh);
        require!(self.unstake_cooldown_secs >= 0, IlmError::NegativeDuration);
        require!(
            self.unstake_cooldown_secs <= MAX_COOLDOWN_SECS,
            IlmError::DurationOutOfRange
        );
        require!(
            self.freezable_mints.len() <= MAX_FREEZABLE_MINTS,
            IlmError::TooManyFreezableMints
        );
        validate_attesters(&self.attesters, self.attester_threshold)
    }
}

/// At most `MAX_ATTESTERS` distinct keys; a threshold in `1..=len` and at
/// most `MAX_ATTESTER_THRESHOLD`, or 0 with no keys.
pub fn validate_attesters(keys: &[Pubkey], threshold: u8) -> Result<()> {
    let n = keys.len();
    let distinct = keys.iter().enumerate().all(|(i, k)| !keys[..i].contains(k));
    let threshold_ok = if n == 0 {
        threshold == 0
    } else {
        threshold >= 1 && usize::from(threshold) <= n && threshold <= MAX_ATTESTER_THRESHOLD
    };
    require!(
        n <= MAX_ATTESTERS && distinct && threshold_ok,
        IlmError::InvalidAttesterSet
    );
    Ok(())
}

impl Market {
    /// Writes validated parameters into the account.
    pub fn apply(&mut self, p: MarketParams) {
        self.min_stake = p.min_stake;
        self.unstake_cooldown_secs = p.unstake_cooldown_secs;
        self.slash_bps = p.slash_bps;
        self.fee_bps = p.fee_bps;
        self.fee_owner = p.fee_owner;
        self.attesters = p.attesters;
        self.attester_threshold = p.attester_threshold;
        self.freezable_mints = p.freezable_mints;
    }

    /// Refuses new work while paused.
    pub fn require_active(&self) -> Result<()> {
        require!(!self.paused, IlmError::MarketPaused);
        Ok(())
    }
}
