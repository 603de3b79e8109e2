use crate::error::IlmError;
use crate::events::ClaimExpired;
use crate::instructions::shared::{burn, is_frozen, now, transfer};
use crate::math::bps_of;
use crate::state::{Claim, ClaimStatus, Employer, Market, Stake, Task, Verifier};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Anyone may expire a lease that ran out without a submission: `slash_bps`
/// of the bond compensates the employer for the blocked slot, the rest of the
/// bond is unlocked, and the slot is free again. A Preimage commitment
/// expires only when the reveal window closed without a right answer (if the
/// employer never opened reveals, `settle_work` pays it instead) and ends as
/// a rejection: its slash is burned, so a wrong guess costs the guesser but
/// pays nobody (the employer who set the answer must not profit from answers
/// failing it). Nothing is slashed while the task vault or the stake vault is
/// frozen: a payout the contributor could not receive must not cost its bond.
#[derive(Accounts)]
pub struct ExpireClaim<'info> {
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    /// CHECK: the task's vault (`has_one = vault`); only its frozen flag is read.
    pub vault: UncheckedAccount<'info>,
    #[account(mut, dup, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(
        mut, dup,
        constraint = stake.backs(&task, &claim) @ IlmError::StakeMismatch,
    )]
    pub stake: Box<Account<'info, Stake>>,
    #[account(
        mut, dup,
        constraint = employer_record.records(&task) @ IlmError::EmployerMismatch,
    )]
    pub employer_record: Box<Account<'info, Employer>>,
    /// Writable: a Preimage commitment's slash is burned.
    #[account(mut, dup, address = market.stake_mint, mint::token_program = token_program)]
    pub stake_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, dup, address = market.stake_vault)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The employer's stake-mint account receiving the slash.
    #[account(
        mut,
        dup,
        constraint = employer_stake_token.key() != stake_vault.key() @ IlmError::DuplicateAccount,
        token::mint = stake_mint,
        token::authority = task.employer,
        token::token_program = token_program,
    )]
    pub employer_stake_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ExpireClaim<'_> {
    pub fn validate(&self) -> Result<()> {
        let now = now()?;
        match self.claim.status {
            ClaimStatus::Leased => {
                require!(
                    now >= self.claim.lease_expires_at,
                    IlmError::LeaseNotExpired
                );
            }
            ClaimStatus::Committed => {
                let Verifier::Preimage { opened_at, .. } = self.task.verifier else {
                    return err!(IlmError::InvalidClaimState);
                };
                require!(opened_at > 0, IlmError::RevealsNotOpen);
                require!(now >= self.task.reveals_end()?, IlmError::LeaseNotExpired);
            }
            _ => return err!(IlmError::InvalidClaimState),
        }
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let bond = a.claim.bond;
        let frozen = is_frozen(&a.vault) || is_frozen(&a.stake_vault.to_account_info());
        let committed = a.claim.status == ClaimStatus::Committed;
        let slashed = if frozen {
            0
        } else {
            bps_of(bond, a.task.slash_bps)
        };
        let market_info = a.market.to_account_info();
        a.market.with_signer(|seeds| {
            if committed {
                burn(
                    &a.token_program,
                    a.stake_vault.to_account_info(),
                    &a.stake_mint,
                    market_info,
                    seeds,
                    slashed,
                )
            } else {
                transfer(
                    &a.token_program,
                    a.stake_vault.to_account_info(),
                    &a.stake_mint,
                    a.employer_stake_token.to_account_info(),
                    market_info,
                    seeds,
                    slashed,
                )
            }
        })?;
        a.stake.slash(bond, slashed)?;
        a.stake.claim_finished();
        a.task.end_claim(a.claim.newcomer)?;
        if committed {
            a.stake.rejected = a.stake.rejected.saturating_add(1);
            a.employer_record.rejected = a.employer_record.rejected.saturating_add(1);
            a.claim.status = ClaimStatus::Rejected;
        } else {
            // An Attested claim that was paid simply reached the end of its
            // lease, and a frozen vault is nobody's failure: not on anyone's record.
            if a.claim.paid_units == 0 && !frozen {
                a.stake.expired = a.stake.expired.saturating_add(1);
                a.employer_record.leases_expired =
                    a.employer_record.leases_expired.saturating_add(1);
            }
            a.claim.status = ClaimStatus::Expired;
        }
        emit!(ClaimExpired {
            task: a.task.key(),
            contributor: a.claim.contributor,
            slashed,
        });
        Ok(())
    }
}
