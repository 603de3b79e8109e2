//! ilm: an on-chain Internet Labor Market.
//!
//! Employers escrow tokens against tasks; contributors stake, lease a
//! completion slot, deliver, and are paid by the same instruction that
//! accepts the work. Nobody (the employer, the market authority, another
//! contributor) can take money owed for work in progress; what attesters and
//! allow-listed freeze authorities are trusted with is in `SECURITY.md`.
//! Design: `docs/DESIGN.md`; accounts in [`state`], rules in
//! [`instructions`], pure checks in [`verify`].
//!
//! Calling ilm from another program (`features = ["cpi"]`): a program whose
//! PDA posted a task funds more of its slots; `fund_task` checks the PDA
//! signed as the task's employer.
#![cfg_attr(
    feature = "cpi",
    doc = r#"
```
use anchor_lang::prelude::*;

fn fund_more<'info>(
    ilm_program: &AccountInfo<'info>,
    accounts: ilm::cpi::accounts::FundTask<'info>,
    employer_pda_seeds: &[&[&[u8]]],
    slots: u32,
) -> Result<()> {
    let cpi = CpiContext::new_with_signer(ilm_program.key(), accounts, employer_pda_seeds);
    ilm::cpi::fund_task(cpi, slots)
}
```
"#
)]
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;

pub mod constants;
pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
#[cfg(feature = "sbf-dispatch")]
mod sbf_entrypoint;
pub mod state;
pub mod verify;

use instructions::*;

declare_id!("DXL3mTs5z4j4wYH5Kztt3XmAhNJ5Q3kztjMqqnqLQoUL");

#[program]
pub mod ilm {
    use super::*;

    /// Opens a market with its stake vault, fee, slash rate and attester set.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn create_market(ctx: Context<CreateMarket>, args: CreateMarketArgs) -> Result<()> {
        CreateMarket::handler(ctx, args)
    }

    /// Authority only: changes parameters (for future tasks) and pauses or unpauses.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn update_market(ctx: Context<UpdateMarket>, args: UpdateMarketArgs) -> Result<()> {
        UpdateMarket::handler(ctx, args)
    }

    /// Deposits stake (opening the contributor's stake record on first use).
    #[access_control(ctx.accounts.validate())]
    pub fn stake(ctx: Context<StakeTokens>, amount: u64) -> Result<()> {
        StakeTokens::handler(ctx, amount)
    }

    /// Reserves free stake for withdrawal and starts the cooldown.
    pub fn request_unstake(ctx: Context<RequestUnstake>, amount: u64) -> Result<()> {
        RequestUnstake::handler(ctx, amount)
    }

    /// Pays out the requested stake after the cooldown; never the locked part.
    pub fn withdraw_stake(ctx: Context<WithdrawStake>) -> Result<()> {
        WithdrawStake::handler(ctx)
    }

    /// Posts a task and escrows reward x max_completions + fees in its vault.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn create_task(ctx: Context<CreateTask>, args: CreateTaskArgs) -> Result<()> {
        CreateTask::handler(ctx, args)
    }

    /// Adds funded completion slots to an open task.
    #[access_control(ctx.accounts.validate(added_completions))]
    pub fn fund_task(ctx: Context<FundTask>, added_completions: u32) -> Result<()> {
        FundTask::handler(ctx, added_completions)
    }

    /// Stops new claims and refunds what no live claim is owed.
    #[access_control(ctx.accounts.validate())]
    pub fn cancel_task(ctx: Context<CancelTask>) -> Result<()> {
        CancelTask::handler(ctx)
    }

    /// After deadline + review window (or cancellation) with no live claims:
    /// pays owed fees, refunds the rest, returns rent.
    #[access_control(ctx.accounts.validate())]
    pub fn close_task(ctx: Context<CloseTask>) -> Result<()> {
        CloseTask::handler(ctx)
    }

    /// Sweeps a task's accrued fees to the market's fee owner.
    pub fn collect_fees(ctx: Context<CollectFees>) -> Result<()> {
        CollectFees::handler(ctx)
    }

    /// Leases a completion slot, locking the task's bond from free stake.
    #[access_control(ctx.accounts.validate())]
    pub fn claim_task(ctx: Context<ClaimTask>) -> Result<()> {
        ClaimTask::handler(ctx)
    }

    /// Gives a lease back before expiry: no slash.
    #[access_control(ctx.accounts.validate())]
    pub fn abandon_claim(ctx: Context<AbandonClaim>) -> Result<()> {
        AbandonClaim::handler(ctx)
    }

    /// Anyone, after lease expiry without submission (for a Preimage commitment: after the reveal
    /// window): slashes slash_bps of the bond to the employer, nothing while a vault is frozen.
    #[access_control(ctx.accounts.validate())]
    pub fn expire_claim(ctx: Context<ExpireClaim>) -> Result<()> {
        ExpireClaim::handler(ctx)
    }

    /// The claim's contributor delivers work (hash + URI) for review.
    #[access_control(ctx.accounts.validate(&uri))]
    pub fn submit_work(ctx: Context<SubmitWork>, result_hash: [u8; 32], uri: String) -> Result<()> {
        SubmitWork::handler(ctx, result_hash, uri)
    }

    /// The employer accepts a submission and the contributor is paid at once.
    #[access_control(ctx.accounts.validate_approve())]
    pub fn approve_work(ctx: Context<PayWork>) -> Result<()> {
        PayWork::approve(ctx)
    }

    /// The employer refuses a submission with a reason hash; the bond is unlocked.
    #[access_control(ctx.accounts.validate())]
    pub fn reject_work(ctx: Context<RejectWork>, reason_hash: [u8; 32]) -> Result<()> {
        RejectWork::handler(ctx, reason_hash)
    }

    /// Anyone, once review_secs passed since submission without a decision: pays as if approved.
    /// Also pays a Preimage commitment when the employer never opened reveals by deadline + review_secs,
    /// and a Verified claim (a right answer revealed while an account was frozen).
    #[access_control(ctx.accounts.validate_settle())]
    pub fn settle_work(ctx: Context<PayWork>) -> Result<()> {
        PayWork::settle(ctx)
    }

    /// Returns a claim's rent to its contributor after the task is closed.
    #[access_control(ctx.accounts.validate())]
    pub fn close_claim(ctx: Context<CloseClaim>) -> Result<()> {
        CloseClaim::handler(ctx)
    }

    /// Preimage: commits to an answer (bound to task and contributor) on a leased claim, before its lease ends.
    #[access_control(ctx.accounts.validate())]
    pub fn commit_answer(ctx: Context<CommitAnswer>, commitment: [u8; 32]) -> Result<()> {
        CommitAnswer::handler(ctx, commitment)
    }

    /// Preimage: after the deadline the employer publishes the salt of its answer hash; reveals until deadline + 2 x review_secs.
    #[access_control(ctx.accounts.validate(&salt))]
    pub fn open_reveals(ctx: Context<OpenReveals>, salt: [u8; 32]) -> Result<()> {
        OpenReveals::handler(ctx, salt)
    }

    /// Preimage: once reveals are open, reveals the committed answer; pays if it is the known answer.
    #[access_control(ctx.accounts.validate(&answer, &salt))]
    pub fn reveal_answer(
        ctx: Context<RevealAnswer>,
        answer: Vec<u8>,
        salt: [u8; 32],
    ) -> Result<()> {
        RevealAnswer::handler(ctx)
    }

    /// Attested: pays units attested by m-of-n ed25519 signatures in the preceding precompile instruction.
    #[access_control(ctx.accounts.validate(&args))]
    pub fn submit_attested(ctx: Context<SubmitAttested>, args: SubmitAttestedArgs) -> Result<()> {
        SubmitAttested::handler(ctx, args)
    }

    /// Merkle: the employer commits the root of an epoch's payouts (escrow must cover total + fee).
    #[access_control(ctx.accounts.validate(&root, leaf_count, total))]
    pub fn publish_root(
        ctx: Context<PublishRoot>,
        root: [u8; 32],
        leaf_count: u32,
        total: u64,
    ) -> Result<()> {
        PublishRoot::handler(ctx, root, leaf_count, total)
    }

    /// Merkle: opens the bitmap shard for leaves shard * 65,536 onwards.
    #[access_control(ctx.accounts.validate(shard))]
    pub fn init_bitmap(ctx: Context<InitBitmap>, shard: u16) -> Result<()> {
        InitBitmap::handler(ctx, shard)
    }

    /// Merkle: anyone pays one leaf to the recipient it names, once.
    #[access_control(ctx.accounts.validate(index, &recipient, amount, &proof))]
    pub fn claim_merkle(
        ctx: Context<ClaimMerkle>,
        index: u32,
        recipient: Pubkey,
        amount: u64,
        proof: Vec<[u8; 32]>,
    ) -> Result<()> {
        ClaimMerkle::handler(ctx, index, recipient, amount)
    }

    /// Merkle: after the deadline the employer takes back what no leaf claimed.
    #[access_control(ctx.accounts.validate())]
    pub fn clawback(ctx: Context<Clawback>) -> Result<()> {
        Clawback::handler(ctx)
    }

    /// Merkle: returns a bitmap shard's rent to its payer after the task is closed.
    #[access_control(ctx.accounts.validate())]
    pub fn close_bitmap(ctx: Context<CloseBitmap>) -> Result<()> {
        CloseBitmap::handler(ctx)
    }

    /// Returns an empty stake record's rent to whoever paid it; a record with rejections, expiries or abandons stays.
    #[access_control(ctx.accounts.validate())]
    pub fn close_stake(ctx: Context<CloseStake>) -> Result<()> {
        CloseStake::handler(ctx)
    }

    /// Moves `amount` lamports from the signer's sponsor pool back to it.
    pub fn withdraw_sponsor_pool(ctx: Context<WithdrawSponsorPool>, amount: u64) -> Result<()> {
        WithdrawSponsorPool::handler(ctx, amount)
    }
}
