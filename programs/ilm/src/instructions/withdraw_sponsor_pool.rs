use crate::constants::SPONSOR_SEED;
use crate::error::IlmError;
use crate::events::SponsorPoolWithdrawn;
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Transfer};

/// Moves lamports out of a sponsor's pool, to the sponsor and nowhere else:
/// a fee-payer service signs what its policy lets through, so a caller who
/// gets it to sign this only moves the sponsor's money back to the sponsor.
/// Anyone funds a pool with a plain System transfer to its address.
#[derive(Accounts)]
pub struct WithdrawSponsorPool<'info> {
    #[account(mut)]
    pub sponsor: Signer<'info>,
    #[account(mut, seeds = [SPONSOR_SEED, sponsor.key().as_ref()], bump)]
    pub sponsor_pool: SystemAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl WithdrawSponsorPool<'_> {
    pub fn handler(ctx: Context<Self>, amount: u64) -> Result<()> {
        let a = ctx.accounts;
        require!(amount > 0, IlmError::ZeroAmount);
        // The System program refuses to leave a system account between 0
        // and its rent-exempt minimum; say so before it does.
        let keeps = Rent::get()?.minimum_balance(0);
        let left = a
            .sponsor_pool
            .lamports()
            .checked_sub(amount)
            .filter(|left| *left == 0 || *left >= keeps)
            .ok_or(IlmError::SponsorPoolWithdrawal)?;
        let sponsor = a.sponsor.key();
        let bump = [ctx.bumps.sponsor_pool];
        let seeds: &[&[u8]] = &[SPONSOR_SEED, sponsor.as_ref(), &bump];
        let to = Transfer {
            from: a.sponsor_pool.to_account_info(),
            to: a.sponsor.to_account_info(),
        };
        let signers: &[&[&[u8]]] = &[seeds];
        system_program::transfer(
            CpiContext::new_with_signer(a.system_program.key(), to, signers),
            amount,
        )?;
        emit!(SponsorPoolWithdrawn {
            sponsor,
            amount,
            left,
        });
        Ok(())
    }
}
