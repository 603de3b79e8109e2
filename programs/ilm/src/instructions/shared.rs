//! The pieces every money-moving instruction uses: one transfer, one mint
//! check, one payout. Instruction files never repeat them.
use crate::constants::{MARKET_SEED, SPONSOR_SEED, TASK_SEED};
use crate::error::IlmError;
use crate::events::WorkPaid;
use crate::math::mul;
use crate::state::{Claim, ClaimStatus, Market, Stake, Task};
use crate::verify::mint_extensions::check_mint_extensions;
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};
use anchor_spl::token_interface::{
    self, BurnChecked, Mint, TokenAccount, TokenInterface, TransferChecked,
};

/// Moves `amount` with `transfer_checked` (decimals and mint checked by the
/// token program, so Token and Token-2022 behave the same). `signer_seeds` is
/// empty when `authority` signed the transaction and holds the PDA seeds when
/// a program vault pays. A zero amount is skipped.
#[allow(clippy::too_many_arguments)]
pub fn transfer<'info>(
    token_program: &Interface<'info, TokenInterface>,
    from: AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    authority: AccountInfo<'info>,
    signer_seeds: &[&[&[u8]]],
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let accounts = TransferChecked {
        from,
        mint: mint.to_account_info(),
        to,
        authority,
    };
    let cpi = CpiContext::new_with_signer(token_program.key(), accounts, signer_seeds);
    token_interface::transfer_checked(cpi, amount, mint.decimals)
}

/// Burns `amount` from `from` (a program vault), signed by its PDA
/// authority with `signer_seeds`. A zero amount is skipped.
pub fn burn<'info>(
    token_program: &Interface<'info, TokenInterface>,
    from: AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    authority: AccountInfo<'info>,
    signer_seeds: &[&[&[u8]]],
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let accounts = BurnChecked {
        mint: mint.to_account_info(),
        from,
        authority,
    };
    let cpi = CpiContext::new_with_signer(token_program.key(), accounts, signer_seeds);
    token_interface::burn_checked(cpi, amount, mint.decimals)
}

/// Pays `amount` out of a task's vault, signed by the task PDA (the vault's authority).
pub fn pay_from_vault<'info>(
    task: &Account<'info, Task>,
    token_program: &Interface<'info, TokenInterface>,
    vault: AccountInfo<'info>,
    mint: &InterfaceAccount<'info, Mint>,
    to: AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    let authority = task.to_account_info();
    task.with_signer(|seeds| transfer(token_program, vault, mint, to, authority, seeds, amount))
}

/// False for Token-2022 mints with an extension off ilm's allow-list (see
/// [`check_mint_extensions`]). Used as an account constraint so it runs
/// before any vault is created, and again where the mint comes back
/// (`stake`, `fund_task`): a closable mint can be re-created.
pub fn is_supported_mint(mint: &InterfaceAccount<Mint>) -> bool {
    let info = mint.to_account_info();
    let supported = match info.try_borrow_data() {
        Ok(data) => check_mint_extensions(&data).is_ok(),
        Err(_) => false,
    };
    supported
}

/// False when `mint` has a freeze authority that `freezable_mints` (the
/// market's allow-list) does not name: whoever can freeze the vault can stop
/// payouts, so only mints the market authority vouches for may have one.
pub fn freezer_allowed(mint: &InterfaceAccount<Mint>, freezable_mints: &[Pubkey]) -> bool {
    mint.freeze_authority.is_none() || freezable_mints.contains(&mint.key())
}

/// True when the token account's data says it is frozen (the state byte of
/// the base layout, shared by Token and Token-2022). Unreadable data is not
/// frozen: the transfer that follows fails on it anyway.
pub fn is_frozen(token_account: &AccountInfo) -> bool {
    const STATE_OFFSET: usize = 108;
    const FROZEN: u8 = 2;
    token_account
        .try_borrow_data()
        .is_ok_and(|d| d.get(STATE_OFFSET) == Some(&FROZEN))
}

/// Who pays the rent of a record `stake` or `claim_task` opens: `signer`
/// itself, or, with `pool` (the account at `["sponsor", signer]` and its
/// bump), the signer's sponsor pool. The record keeps [`RentPayer::key`]
/// and its close pays the rent back there.
pub struct RentPayer<'a, 'info> {
    pub signer: &'a AccountInfo<'info>,
    pub pool: Option<(&'a AccountInfo<'info>, u8)>,
}

impl<'a, 'info> RentPayer<'a, 'info> {
    /// `signer`, or its `pool` (an instruction's optional `sponsor_pool`
    /// and the bump Anchor found for it).
    pub fn new(
        signer: &'a AccountInfo<'info>,
        pool: &'a Option<SystemAccount<'info>>,
        bump: Option<u8>,
    ) -> Self {
        let pool = pool
            .as_ref()
            .map(|p| (p.as_ref(), bump.unwrap_or_default()));
        RentPayer { signer, pool }
    }

    /// Where the rent comes from and returns to.
    pub fn key(&self) -> Pubkey {
        self.pool.map_or(*self.signer.key, |(pool, _)| *pool.key)
    }

    /// Opens `account`, a PDA of this program signed for by `seeds`, with
    /// `space` bytes. An address someone already sent lamports to is topped
    /// up, allocated and assigned instead (a plain `CreateAccount` would
    /// fail there, so a stranger could block the record). A pool keeps its
    /// own rent-exempt minimum.
    pub fn open(
        &self,
        account: &AccountInfo<'info>,
        seeds: &[&[u8]],
        space: usize,
        system: &AccountInfo<'info>,
    ) -> Result<()> {
        let rent = Rent::get()?;
        let lamports = rent.minimum_balance(space);
        let needed = lamports.saturating_sub(account.lamports());
        let sponsor = self.signer.key();
        let pool_bump = [self.pool.map_or(0, |(_, bump)| bump)];
        let pool_seeds: &[&[u8]] = &[SPONSOR_SEED, sponsor.as_ref(), &pool_bump];
        let from = match self.pool {
            // Checked only when the pool pays: an address that needs nothing
            // (an open record) fails in the System program as without a pool.
            Some((pool, _)) if needed > 0 => {
                let keeps = rent.minimum_balance(0);
                require!(
                    pool.lamports()
                        .checked_sub(needed)
                        .is_some_and(|left| left >= keeps),
                    IlmError::SponsorPoolTooLow
                );
                pool
            }
            Some((pool, _)) => pool,
            None => self.signer,
        };
        let signers: &[&[&[u8]]] = if self.pool.is_some() {
            &[seeds, pool_seeds]
        } else {
            &[seeds]
        };
        let program = system.key();
        if account.lamports() == 0 {
            let to = CreateAccount {
                from: from.clone(),
                to: account.clone(),
            };
            let cpi = CpiContext::new_with_signer(program, to, signers);
            return system_program::create_account(cpi, lamports, space as u64, &crate::ID);
        }
        if needed > 0 {
            let to = Transfer {
                from: from.clone(),
                to: account.clone(),
            };
            system_program::transfer(CpiContext::new_with_signer(program, to, signers), needed)?;
        }
        let allocate = Allocate {
            account_to_allocate: account.clone(),
        };
        system_program::allocate(
            CpiContext::new_with_signer(program, allocate, &[seeds]),
            space as u64,
        )?;
        let assign = Assign {
            account_to_assign: account.clone(),
        };
        system_program::assign(
            CpiContext::new_with_signer(program, assign, &[seeds]),
            &crate::ID,
        )
    }
}

/// Current unix time from the Clock sysvar.
pub fn now() -> Result<i64> {
    Ok(Clock::get()?.unix_timestamp)
}

impl Task {
    /// Runs `f` with the task PDA's signer seeds (the vault's authority).
    pub fn with_signer<R>(&self, f: impl FnOnce(&[&[&[u8]]]) -> R) -> R {
        let id = self.task_id.to_le_bytes();
        let bump = [self.bump];
        let seeds: &[&[u8]] = &[
            TASK_SEED,
            self.market.as_ref(),
            self.employer.as_ref(),
            &id,
            &bump,
        ];
        f(&[seeds])
    }
}

impl Market {
    /// Runs `f` with the market PDA's signer seeds (the stake vault's authority).
    pub fn with_signer<R>(&self, f: impl FnOnce(&[&[&[u8]]]) -> R) -> R {
        let id = self.market_id.to_le_bytes();
        let bump = [self.bump];
        let seeds: &[&[u8]] = &[MARKET_SEED, self.authority.as_ref(), &id, &bump];
        f(&[seeds])
    }
}

/// Accounts a payout from a task vault touches. Like every instruction's
/// mutable accounts they are `dup`, and the vault and the payee's token
/// account, the one pair that could be one account, are compared with
/// `DuplicateAccount` (docs/DESIGN.md, "Compute and rent").
pub struct Payout<'a, 'info> {
    pub task: &'a mut Account<'info, Task>,
    pub claim: &'a mut Account<'info, Claim>,
    pub stake: &'a mut Account<'info, Stake>,
    pub vault: &'a UncheckedAccount<'info>,
    pub mint: &'a InterfaceAccount<'info, Mint>,
    pub to: &'a InterfaceAccount<'info, TokenAccount>,
    pub token_program: &'a Interface<'info, TokenInterface>,
}

impl Payout<'_, '_> {
    /// Pays `units` completions from the task vault to the contributor and
    /// records them (fees stay in the vault as owed); returns the amount paid.
    pub fn pay_units(&mut self, units: u32) -> Result<u64> {
        let amount = mul(self.task.reward, u64::from(units))?;
        pay_from_vault(
            self.task,
            self.token_program,
            self.vault.to_account_info(),
            self.mint,
            self.to.to_account_info(),
            amount,
        )?;
        let fee = self.task.complete_units(units, amount)?;
        emit!(WorkPaid {
            task: self.task.key(),
            contributor: self.claim.contributor,
            units,
            amount,
            fee,
        });
        Ok(amount)
    }

    /// Pays one completion for the claim's slot and closes the claim as Paid:
    /// the bond is released and the contributor's record updated.
    pub fn pay_claim(mut self) -> Result<()> {
        self.task.end_claim(self.claim.newcomer)?;
        let amount = self.pay_units(1)?;
        self.stake.record_paid(self.claim.bond, amount)?;
        self.stake.claim_finished();
        self.claim.status = ClaimStatus::Paid;
        Ok(())
    }
}
