use crate::error::IlmError;
use crate::events::TaskFunded;
use crate::instructions::shared::{freezer_allowed, is_supported_mint, now, transfer};
use crate::state::{Market, Task};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct FundTask<'info> {
    pub employer: Signer<'info>,
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, has_one = employer, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    /// Checked again (not only at `create_task`): a closable mint could
    /// have been closed and re-created with other extensions.
    #[account(
        mint::token_program = token_program,
        constraint = is_supported_mint(&mint) @ IlmError::UnsupportedMintExtension,
        constraint = freezer_allowed(&mint, &market.freezable_mints) @ IlmError::FreezableMint,
    )]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, dup)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, dup,
        constraint = employer_token.key() != vault.key() @ IlmError::DuplicateAccount,
        token::mint = mint, token::token_program = token_program,
    )]
    pub employer_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl FundTask<'_> {
    pub fn validate(&self, added_completions: u32) -> Result<()> {
        self.market.require_active()?;
        self.task.require_open()?;
        self.task.require_before_deadline(now()?)?;
        require!(added_completions > 0, IlmError::ZeroAmount);
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, added_completions: u32) -> Result<()> {
        let a = ctx.accounts;
        let deposit = a.task.escrow_for(added_completions)?;
        a.task.add_slots(added_completions)?;
        transfer(
            &a.token_program,
            a.employer_token.to_account_info(),
            &a.mint,
            a.vault.to_account_info(),
            a.employer.to_account_info(),
            &[],
            deposit,
        )?;
        emit!(TaskFunded {
            task: a.task.key(),
            added_completions,
            deposited: deposit,
        });
        Ok(())
    }
}
