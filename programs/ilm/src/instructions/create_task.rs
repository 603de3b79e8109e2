use crate::constants::{
    BPS_DENOMINATOR, EMPLOYER_SEED, MAX_LEASE_SECS, MAX_REVIEW_SECS, MAX_SPEC_URI_LEN,
    MAX_TASK_SECS, MIN_REVEAL_SECS, TASK_SEED, VAULT_SEED,
};
use crate::error::IlmError;
use crate::events::TaskCreated;
use crate::instructions::shared::{freezer_allowed, is_supported_mint, now, transfer};
use crate::math::fee_on;
use crate::state::{Employer, Market, Qualification, Task, TaskStatus, Verifier};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateTaskArgs {
    /// Must equal the employer record's `tasks_posted` (0 for a first task).
    pub task_id: u64,
    /// Paid per completion (per unit for Attested), in reward-mint base units.
    pub reward: u64,
    /// Completion slots (units for Attested) funded at creation.
    pub max_completions: u32,
    /// Unix time: no claims (Preimage: no commits) from then on; at most 366 days ahead.
    pub deadline: i64,
    /// How long a claim holds its slot; must fit before the deadline, at most 30 days.
    pub lease_secs: i64,
    /// Stake each claim locks, in stake-mint base units; above 0 unless Merkle.
    pub bond: u64,
    /// Leases without a bond the task admits at once, for newcomers whose
    /// stake cannot cover `bond` or the market minimum; 0 admits none.
    /// Review and Attested tasks only.
    pub newcomer_slots: u32,
    /// Review window (Review) or reveal window (Preimage, at least 1 hour), at most 30 days.
    pub review_secs: i64,
    /// Track record a contributor needs to claim.
    pub qualification: Qualification,
    /// sha256 of the task specification.
    pub spec_hash: [u8; 32],
    /// Where the specification is, at most 128 bytes.
    pub spec_uri: String,
    /// How work is proven: Preimage with both hashes and no salt yet, Merkle empty.
    pub verifier: Verifier,
}

#[derive(Accounts)]
#[instruction(args: CreateTaskArgs)]
pub struct CreateTask<'info> {
    #[account(mut)]
    pub employer: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(
        init_if_needed,
        payer = employer,
        space = 8 + Employer::INIT_SPACE,
        seeds = [EMPLOYER_SEED, market.key().as_ref(), employer.key().as_ref()],
        bump,
    )]
    pub employer_record: Box<Account<'info, Employer>>,
    #[account(
        init,
        payer = employer,
        space = 8 + Task::INIT_SPACE,
        seeds = [TASK_SEED, market.key().as_ref(), employer.key().as_ref(), &args.task_id.to_le_bytes()],
        bump,
    )]
    pub task: Box<Account<'info, Task>>,
    #[account(
        mint::token_program = token_program,
        constraint = is_supported_mint(&mint) @ IlmError::UnsupportedMintExtension,
        constraint = freezer_allowed(&mint, &market.freezable_mints) @ IlmError::FreezableMint,
    )]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = employer,
        seeds = [VAULT_SEED, task.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = task,
        token::token_program = token_program,
    )]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, dup, token::mint = mint, token::token_program = token_program)]
    pub employer_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl CreateTask<'_> {
    pub fn validate(&self, args: &CreateTaskArgs) -> Result<()> {
        self.market.require_active()?;
        let verifier_ok = match args.verifier {
            Verifier::Review => true,
            Verifier::Preimage {
                answer_hash,
                salt_hash,
                salt,
                opened_at,
            } => {
                answer_hash != [0; 32]
                    && salt_hash != [0; 32]
                    && salt == [0; 32]
                    && opened_at == 0
                    && args.review_secs >= MIN_REVEAL_SECS
            }
            Verifier::Attested => self.market.attester_threshold > 0,
            Verifier::Merkle {
                root,
                leaf_count,
                total,
                claimed,
                published_at,
            } => {
                root == [0; 32]
                    && leaf_count == 0
                    && total == 0
                    && claimed == 0
                    && published_at == 0
            }
        };
        require!(verifier_ok, IlmError::InvalidVerifier);
        let admits_newcomers = matches!(args.verifier, Verifier::Review | Verifier::Attested);
        require!(
            args.newcomer_slots == 0 || admits_newcomers,
            IlmError::NewcomerSlotsNotAllowed
        );
        require!(
            args.task_id == self.employer_record.tasks_posted,
            IlmError::UnexpectedTaskId
        );
        require!(
            args.reward > 0 && args.max_completions > 0,
            IlmError::ZeroAmount
        );
        // A free lease would let throw-away keys hold every slot at no cost.
        let leased = !matches!(args.verifier, Verifier::Merkle { .. });
        require!(!leased || args.bond > 0, IlmError::ZeroBond);
        let now = now()?;
        require!(args.deadline > now, IlmError::DeadlineInPast);
        require!(args.lease_secs > 0, IlmError::ZeroLease);
        require!(args.review_secs >= 0, IlmError::NegativeDuration);
        require!(
            args.deadline <= now.saturating_add(MAX_TASK_SECS)
                && args.lease_secs <= MAX_LEASE_SECS
                && args.review_secs <= MAX_REVIEW_SECS,
            IlmError::DurationOutOfRange
        );
        require!(
            !leased || now + args.lease_secs <= args.deadline,
            IlmError::LeaseLongerThanTask
        );
        require!(
            args.qualification.max_reject_bps <= BPS_DENOMINATOR,
            IlmError::BpsTooHigh
        );
        require!(
            args.spec_uri.len() <= MAX_SPEC_URI_LEN,
            IlmError::SpecUriTooLong
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: CreateTaskArgs) -> Result<()> {
        let a = ctx.accounts;
        let record = &mut a.employer_record;
        if record.employer == Pubkey::default() {
            record.market = a.market.key();
            record.employer = a.employer.key();
            record.bump = ctx.bumps.employer_record;
        }
        record.tasks_posted += 1;

        let task = &mut a.task;
        task.market = a.market.key();
        task.employer = a.employer.key();
        task.task_id = args.task_id;
        task.mint = a.mint.key();
        task.vault = a.vault.key();
        task.reward = args.reward;
        task.fee = fee_on(args.reward, a.market.fee_bps);
        task.fee_bps = a.market.fee_bps;
        task.max_completions = args.max_completions;
        task.completions = 0;
        task.active = 0;
        task.newcomer_slots = args.newcomer_slots;
        task.newcomers = 0;
        task.deadline = args.deadline;
        task.lease_secs = args.lease_secs;
        task.bond = args.bond;
        task.review_secs = args.review_secs;
        task.slash_bps = a.market.slash_bps;
        task.qualification = args.qualification;
        task.spec_hash = args.spec_hash;
        task.spec_uri = args.spec_uri;
        task.verifier = args.verifier;
        if args.verifier == Verifier::Attested {
            task.attesters = a.market.attesters.clone();
            task.attester_threshold = a.market.attester_threshold;
        }
        task.fees_owed = 0;
        task.status = TaskStatus::Open;
        task.bump = ctx.bumps.task;
        task.vault_bump = ctx.bumps.vault;

        let deposit = task.escrow_for(task.max_completions)?;
        transfer(
            &a.token_program,
            a.employer_token.to_account_info(),
            &a.mint,
            a.vault.to_account_info(),
            a.employer.to_account_info(),
            &[],
            deposit,
        )?;
        emit!(TaskCreated {
            task: task.key(),
            market: task.market,
            employer: task.employer,
            task_id: task.task_id,
            mint: task.mint,
            reward: task.reward,
            max_completions: task.max_completions,
            deposited: deposit,
        });
        Ok(())
    }
}
