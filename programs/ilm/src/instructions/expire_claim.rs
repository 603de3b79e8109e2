use crate::error::IlmError;
use crate::events::ClaimExpired;
use crate::instructions::shared::{now, transfer};
use crate::math::bps_of;
use crate::state::{Claim, ClaimStatus, Employer, Market, Stake, Task};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Anyone may expire a lease that ran out without a submission: `slash_bps`
/// of the bond compensates the employer for the blocked slot, the rest of the
/// bond is unlocked, and the slot is free again.
#[derive(Accounts)]
pub struct ExpireClaim<'info> {
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(
        mut,
        constraint = stake.backs(&task, &claim) @ IlmError::StakeMismatch,
    )]
    pub stake: Box<Account<'info, Stake>>,
    #[account(
        mut,
        constraint = employer_record.records(&task) @ IlmError::EmployerMismatch,
    )]
    pub employer_record: Box<Account<'info, Employer>>,
    #[account(address = market.stake_mint, mint::token_program = token_program)]
    pub stake_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, address = market.stake_vault)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The employer's stake-mint account receiving the slash.
    #[account(
        mut,
        token::mint = stake_mint,
        token::authority = task.employer,
        token::token_program = token_program,
    )]
    pub employer_stake_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ExpireClaim<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            matches!(
                self.claim.status,
                ClaimStatus::Leased | ClaimStatus::Committed
            ),
            IlmError::InvalidClaimState
        );
        require!(
            now()? >= self.claim.lease_expires_at,
            IlmError::LeaseNotExpired
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let bond = a.claim.bond;
        let slashed = bps_of(bond, a.task.slash_bps);
        let market_info = a.market.to_account_info();
        a.market.with_signer(|seeds| {
            transfer(
                &a.token_program,
                a.stake_vault.to_account_info(),
                &a.stake_mint,
                a.employer_stake_token.to_account_info(),
                market_info,
                seeds,
                slashed,
            )
        })?;
        a.stake.slash(bond, slashed)?;
        a.task.release_slot()?;
        // An Attested claim that was paid simply reached the end of its lease:
        // not a failure on anyone's record.
        if a.claim.paid_units == 0 {
            a.stake.expired = a.stake.expired.saturating_add(1);
            a.employer_record.leases_expired = a.employer_record.leases_expired.saturating_add(1);
        }
        a.claim.status = ClaimStatus::Expired;
        emit!(ClaimExpired {
            task: a.task.key(),
            contributor: a.claim.contributor,
            slashed,
        });
        Ok(())
    }
}
