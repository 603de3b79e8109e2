use crate::constants::{SPONSOR_SEED, STAKE_SEED};
use crate::error::IlmError;
use crate::events::Staked;
use crate::instructions::shared::{freezer_allowed, is_supported_mint, transfer, RentPayer};
use crate::state::{Market, Stake};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// `rent_payer` pays the stake record's rent when this call opens it (the
/// contributor, or a sponsor), or its `sponsor_pool` does; the payer gets it
/// back at `close_stake`.
#[derive(Accounts)]
pub struct StakeTokens<'info> {
    pub contributor: Signer<'info>,
    #[account(mut)]
    pub rent_payer: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    /// The contributor's [`Stake`] record, opened by its first stake
    /// (`amount` may be 0 just to open it).
    /// CHECK: the seeds are checked here; the handler opens it or reads it as a `Stake`.
    #[account(
        mut,
        seeds = [STAKE_SEED, market.key().as_ref(), contributor.key().as_ref()],
        bump,
    )]
    pub stake: UncheckedAccount<'info>,
    /// Checked again (not only at `create_market`): a closable mint could
    /// have been closed and re-created with other extensions.
    #[account(
        address = market.stake_mint,
        mint::token_program = token_program,
        constraint = is_supported_mint(&stake_mint) @ IlmError::UnsupportedMintExtension,
        constraint = freezer_allowed(&stake_mint, &market.freezable_mints) @ IlmError::FreezableMint,
    )]
    pub stake_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, dup, address = market.stake_vault)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The tokens' source; none when `amount` is 0 (a newcomer opening its
    /// record holds no token account yet).
    #[account(mut, dup,
        constraint = contributor_token.key() != stake_vault.key() @ IlmError::DuplicateAccount,
        token::mint = stake_mint, token::token_program = token_program,
    )]
    pub contributor_token: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
    /// `rent_payer`'s pool: when given, it pays the record's rent instead.
    #[account(mut, seeds = [SPONSOR_SEED, rent_payer.key().as_ref()], bump)]
    pub sponsor_pool: Option<SystemAccount<'info>>,
}

impl StakeTokens<'_> {
    pub fn validate(&self) -> Result<()> {
        self.market.require_active()
    }

    pub fn handler(ctx: Context<Self>, amount: u64) -> Result<()> {
        let a = ctx.accounts;
        if amount > 0 {
            let Some(source) = &a.contributor_token else {
                return err!(IlmError::NoStakeSource);
            };
            transfer(
                &a.token_program,
                source.to_account_info(),
                &a.stake_mint,
                a.stake_vault.to_account_info(),
                a.contributor.to_account_info(),
                &[],
                amount,
            )?;
        }
        let info = a.stake.to_account_info();
        // A PDA of this program is system-owned until this program opens it.
        let mut stake = if info.owner == &crate::ID {
            Stake::try_deserialize(&mut &info.try_borrow_data()?[..])?
        } else {
            let payer = RentPayer::new(&a.rent_payer, &a.sponsor_pool, ctx.bumps.sponsor_pool);
            let (market, contributor) = (a.market.key(), a.contributor.key());
            let bump = [ctx.bumps.stake];
            let seeds: &[&[u8]] = &[STAKE_SEED, market.as_ref(), contributor.as_ref(), &bump];
            payer.open(&info, seeds, 8 + Stake::INIT_SPACE, &a.system_program)?;
            Stake::opened(market, contributor, payer.key(), ctx.bumps.stake)
        };
        stake.deposit(amount)?;
        emit!(Staked {
            market: stake.market,
            contributor: stake.contributor,
            amount,
            total: stake.amount,
        });
        stake.try_serialize(&mut &mut info.try_borrow_mut_data()?[..])?;
        Ok(())
    }
}
