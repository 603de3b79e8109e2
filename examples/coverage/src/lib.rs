//! An example integrator of ilm: a small coverage network (think of a
//! DePIN network paying people to map signal strength).
//!
//! * Its treasury is a PDA of this program. By CPI it posts Attested ilm
//!   tasks (`post_task`) and funds more units (`fund_task`): the treasury
//!   signs as the task's employer and pays from its own token account.
//! * The network's attester measures each contributor's coverage and signs
//!   ilm's attestation message; `pay_coverage` relays it to ilm's
//!   `submit_attested` by CPI (the ed25519 precompile instruction sits right
//!   before it in the transaction, where ilm looks) and counts the units the
//!   network paid.
//! * `register_hotspot` is gated on the contributor's ilm record in the
//!   network's market: completed tasks and reject rate. The record is read
//!   the safe way: `Account<ilm::state::Stake>` checks it is owned by ilm and
//!   is a Stake (its discriminator), and the handler checks it belongs to the
//!   network's market and to the signer. Only ilm writes such an account, so
//!   its counters are ilm's own; what they prove (paid work from any
//!   employer, sybils included) is in the README.
use anchor_lang::prelude::*;
use ilm::cpi::accounts as ilm_accounts;
use ilm::instructions::{CreateTaskArgs, SubmitAttestedArgs};
use ilm::program::Ilm;
use ilm::state::{Claim, Qualification, Stake, Task, Verifier};

declare_id!("Hd9Es97WRhtsCbAo9wkYCrTnSA8jfLDHpxu7CSnfZRam");

pub const NETWORK_SEED: &[u8] = b"network";
pub const TREASURY_SEED: &[u8] = b"treasury";
pub const HOTSPOT_SEED: &[u8] = b"hotspot";

#[program]
pub mod coverage {
    use super::*;

    /// Opens a network on an ilm market, with the track record a hotspot
    /// owner needs there.
    pub fn init_network(ctx: Context<InitNetwork>, gate: Qualification) -> Result<()> {
        require!(gate.max_reject_bps <= 10_000, CoverageError::BadRejectRate);
        ctx.accounts.network.set_inner(Network {
            authority: ctx.accounts.authority.key(),
            market: ctx.accounts.market.key(),
            treasury: ctx.accounts.treasury.key(),
            gate,
            tasks_posted: 0,
            units_paid: 0,
            bump: ctx.bumps.network,
            treasury_bump: ctx.bumps.treasury,
        });
        Ok(())
    }

    /// Authority only: the treasury posts an Attested ilm task paying
    /// `reward` per unit for `units` units, escrowed from its token account.
    pub fn post_task(ctx: Context<PostTask>, args: PostTaskArgs) -> Result<()> {
        let a = &ctx.accounts;
        let network = a.network.key();
        let seeds: &[&[u8]] = &[TREASURY_SEED, network.as_ref(), &[a.network.treasury_bump]];
        let accounts = ilm_accounts::CreateTask {
            employer: a.treasury.to_account_info(),
            market: a.market.to_account_info(),
            employer_record: a.employer_record.to_account_info(),
            task: a.task.to_account_info(),
            mint: a.mint.to_account_info(),
            vault: a.vault.to_account_info(),
            employer_token: a.treasury_token.to_account_info(),
            token_program: a.token_program.to_account_info(),
            system_program: a.system_program.to_account_info(),
        };
        // The treasury posts only through this program, so the network's
        // counter is its ilm employer record's `tasks_posted`.
        let task = CreateTaskArgs {
            task_id: a.network.tasks_posted,
            reward: args.reward,
            max_completions: args.units,
            deadline: args.deadline,
            lease_secs: args.lease_secs,
            bond: args.bond,
            newcomer_slots: 0,
            review_secs: 0,
            qualification: Qualification::default(),
            spec_hash: args.spec_hash,
            spec_uri: args.spec_uri,
            verifier: Verifier::Attested,
        };
        ilm::cpi::create_task(
            CpiContext::new_with_signer(a.ilm_program.key(), accounts, &[seeds]),
            task,
        )?;
        ctx.accounts.network.tasks_posted += 1;
        Ok(())
    }

    /// Authority only: the treasury funds `units` more units of one of its tasks.
    pub fn fund_task(ctx: Context<FundTask>, units: u32) -> Result<()> {
        let a = &ctx.accounts;
        let network = a.network.key();
        let seeds: &[&[u8]] = &[TREASURY_SEED, network.as_ref(), &[a.network.treasury_bump]];
        let accounts = ilm_accounts::FundTask {
            employer: a.treasury.to_account_info(),
            market: a.market.to_account_info(),
            task: a.task.to_account_info(),
            mint: a.mint.to_account_info(),
            vault: a.vault.to_account_info(),
            employer_token: a.treasury_token.to_account_info(),
            token_program: a.token_program.to_account_info(),
        };
        ilm::cpi::fund_task(
            CpiContext::new_with_signer(a.ilm_program.key(), accounts, &[seeds]),
            units,
        )
    }

    /// Anyone: relays the network attester's measurement of a contributor's
    /// coverage to ilm, which pays the contributor, and counts the units.
    pub fn pay_coverage(ctx: Context<PayCoverage>, args: SubmitAttestedArgs) -> Result<()> {
        let a = &ctx.accounts;
        let before = a.claim.paid_units;
        let accounts = ilm_accounts::SubmitAttested {
            market: a.market.to_account_info(),
            task: a.task.to_account_info(),
            claim: a.claim.to_account_info(),
            stake: a.stake.to_account_info(),
            mint: a.mint.to_account_info(),
            vault: a.vault.to_account_info(),
            contributor_token: a.contributor_token.to_account_info(),
            instructions: a.instructions.to_account_info(),
            token_program: a.token_program.to_account_info(),
        };
        ilm::cpi::submit_attested(CpiContext::new(a.ilm_program.key(), accounts), args)?;
        ctx.accounts.claim.reload()?;
        let paid = ctx.accounts.claim.paid_units - before;
        let network = &mut ctx.accounts.network;
        network.units_paid = network
            .units_paid
            .checked_add(paid)
            .ok_or(CoverageError::Overflow)?;
        Ok(())
    }

    /// A contributor with a good enough ilm record in the network's market
    /// registers a hotspot.
    pub fn register_hotspot(ctx: Context<RegisterHotspot>) -> Result<()> {
        let a = &ctx.accounts;
        let record = &a.record;
        require_keys_eq!(record.market, a.network.market, CoverageError::OtherMarket);
        require_keys_eq!(
            record.contributor,
            a.owner.key(),
            CoverageError::NotYourRecord
        );
        let gate = a.network.gate;
        require!(
            record.qualifies(gate.min_completed, gate.max_reject_bps),
            CoverageError::NotQualified
        );
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.hotspot.set_inner(Hotspot {
            network: ctx.accounts.network.key(),
            owner: ctx.accounts.owner.key(),
            registered_at: now,
            bump: ctx.bumps.hotspot,
        });
        Ok(())
    }
}

/// A coverage network on one ilm market.
#[account]
#[derive(InitSpace)]
pub struct Network {
    /// Posts and funds tasks.
    pub authority: Pubkey,
    /// The ilm market its tasks and hotspot owners' records are in.
    pub market: Pubkey,
    /// The PDA (`[TREASURY_SEED, network]`) that posts and pays for its tasks;
    /// kept so checks compare an address instead of deriving it again.
    pub treasury: Pubkey,
    /// What a hotspot owner's record in `market` must show.
    pub gate: Qualification,
    /// Tasks the treasury posted (its ilm employer record's `tasks_posted`).
    pub tasks_posted: u64,
    /// Units ilm paid through `pay_coverage`.
    pub units_paid: u64,
    pub bump: u8,
    pub treasury_bump: u8,
}

/// One registered hotspot.
#[account]
#[derive(InitSpace)]
pub struct Hotspot {
    pub network: Pubkey,
    pub owner: Pubkey,
    pub registered_at: i64,
    pub bump: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct PostTaskArgs {
    /// Paid per attested unit, in reward-mint base units.
    pub reward: u64,
    /// Units funded now.
    pub units: u32,
    /// Unix time after which the task takes no claims.
    pub deadline: i64,
    /// How long a contributor holds a slot.
    pub lease_secs: i64,
    /// Stake each claim locks.
    pub bond: u64,
    /// sha256 of the task specification.
    pub spec_hash: [u8; 32],
    /// Where the specification is.
    pub spec_uri: String,
}

#[derive(Accounts)]
pub struct InitNetwork<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    pub market: Box<Account<'info, ilm::state::Market>>,
    #[account(
        init,
        payer = authority,
        space = 8 + Network::INIT_SPACE,
        seeds = [NETWORK_SEED, authority.key().as_ref()],
        bump,
    )]
    pub network: Box<Account<'info, Network>>,
    /// CHECK: only its address (and bump) is recorded; it holds SOL and signs CPIs.
    #[account(seeds = [TREASURY_SEED, network.key().as_ref()], bump)]
    pub treasury: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

#[derive(Accounts)]
pub struct PostTask<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority, has_one = market)]
    pub network: Box<Account<'info, Network>>,
    /// CHECK: the treasury PDA: signs as ilm's employer and pays the rent of
    /// the accounts ilm opens.
    #[account(mut, address = network.treasury)]
    pub treasury: UncheckedAccount<'info>,
    /// CHECK: checked by ilm (and by `has_one` above).
    pub market: UncheckedAccount<'info>,
    /// CHECK: ilm opens or checks it.
    #[account(mut)]
    pub employer_record: UncheckedAccount<'info>,
    /// CHECK: ilm opens it at its PDA.
    #[account(mut)]
    pub task: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub mint: UncheckedAccount<'info>,
    /// CHECK: ilm opens it at its PDA.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    /// CHECK: the treasury's token account; ilm and the token program check it.
    #[account(mut)]
    pub treasury_token: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub token_program: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
    pub ilm_program: Program<'info, Ilm>,
}

#[derive(Accounts)]
pub struct FundTask<'info> {
    pub authority: Signer<'info>,
    #[account(has_one = authority, has_one = market)]
    pub network: Box<Account<'info, Network>>,
    /// CHECK: the treasury PDA, the task's employer.
    #[account(address = network.treasury)]
    pub treasury: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub market: UncheckedAccount<'info>,
    /// CHECK: checked by ilm (its employer must be the treasury).
    #[account(mut)]
    pub task: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub mint: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    /// CHECK: the treasury's token account; ilm and the token program check it.
    #[account(mut)]
    pub treasury_token: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub token_program: UncheckedAccount<'info>,
    pub ilm_program: Program<'info, Ilm>,
}

#[derive(Accounts)]
pub struct PayCoverage<'info> {
    #[account(mut, has_one = market)]
    pub network: Box<Account<'info, Network>>,
    /// CHECK: checked by ilm (the task's market).
    pub market: UncheckedAccount<'info>,
    #[account(mut, constraint = task.employer == network.treasury @ CoverageError::NotOurTask)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut)]
    pub claim: Box<Account<'info, Claim>>,
    /// CHECK: checked by ilm.
    #[account(mut)]
    pub stake: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub mint: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    /// CHECK: checked by ilm (the claim's contributor owns it).
    #[account(mut)]
    pub contributor_token: UncheckedAccount<'info>,
    /// CHECK: the instructions sysvar, checked by ilm.
    pub instructions: UncheckedAccount<'info>,
    /// CHECK: checked by ilm.
    pub token_program: UncheckedAccount<'info>,
    pub ilm_program: Program<'info, Ilm>,
}

#[derive(Accounts)]
pub struct RegisterHotspot<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    pub network: Box<Account<'info, Network>>,
    /// The owner's ilm record: owned by ilm and a Stake, or refused here.
    pub record: Box<Account<'info, Stake>>,
    #[account(
        init,
        payer = owner,
        space = 8 + Hotspot::INIT_SPACE,
        seeds = [HOTSPOT_SEED, network.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub hotspot: Box<Account<'info, Hotspot>>,
    pub system_program: Program<'info, System>,
}

#[error_code]
pub enum CoverageError {
    #[msg("max_reject_bps is at most 10,000")]
    BadRejectRate,
    #[msg("the task was not posted by this network's treasury")]
    NotOurTask,
    #[msg("the ilm record is from another market than the network's")]
    OtherMarket,
    #[msg("the ilm record is someone else's: pass your own Stake account")]
    NotYourRecord,
    #[msg("your ilm record does not meet the network's gate: complete more tasks in its market")]
    NotQualified,
    #[msg("units paid overflowed")]
    Overflow,
}
