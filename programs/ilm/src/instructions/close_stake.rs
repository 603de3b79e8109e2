use crate::constants::SPONSOR_SEED;
use crate::error::IlmError;
use crate::events::StakeClosed;
use crate::state::Stake;
use anchor_lang::prelude::*;

/// Returns an empty stake record's rent to whoever paid it (`rent_payer`):
/// no tokens, no
/// pending withdrawal, no bond and no live claim (an Attested claim still
/// being paid needs the record, and its task cannot close without it). The
/// contributor closes only a record without marks: rejections, expiries and
/// abandons stay with it (a fresh record must not wash them out of a
/// qualification or an integrator's gate). Completions are given up with the
/// record, so a sponsor (the rent payer, or the sponsor whose pool paid)
/// closes one only while it has none, marked or not: it gets its rent back
/// from a newcomer who never finished a task, and never erases a track
/// record.
#[derive(Accounts)]
pub struct CloseStake<'info> {
    /// The contributor, or the rent payer (or the sponsor whose pool paid)
    /// of a record without completions.
    pub closer: Signer<'info>,
    #[account(mut, dup, close = rent_payer, has_one = rent_payer)]
    pub stake: Box<Account<'info, Stake>>,
    /// CHECK: receives the record's rent; bound to it by `has_one`.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
}

impl CloseStake<'_> {
    pub fn validate(&self) -> Result<()> {
        let s = &self.stake;
        let closer = self.closer.key();
        let paid_rent = || {
            closer == s.rent_payer
                || Pubkey::find_program_address(&[SPONSOR_SEED, closer.as_ref()], &crate::ID).0
                    == s.rent_payer
        };
        let sponsor = closer != s.contributor && s.completed == 0 && paid_rent();
        require!(closer == s.contributor || sponsor, IlmError::NotStakeCloser);
        require!(
            s.amount == 0 && s.locked == 0 && s.unstake_pending == 0 && s.live_claims == 0,
            IlmError::StakeNotEmpty
        );
        // A record without a paid completion is worth no more than a fresh
        // wallet: its sponsor takes the rent back even with marks on it, or
        // a squatter's abandons would lock the sponsor's rent for good.
        require!(
            sponsor || (s.rejected == 0 && s.expired == 0 && s.abandoned == 0),
            IlmError::StakeHasMarks
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        emit!(StakeClosed {
            market: ctx.accounts.stake.market,
            contributor: ctx.accounts.stake.contributor,
            rent_payer: ctx.accounts.stake.rent_payer,
        });
        Ok(())
    }
}
