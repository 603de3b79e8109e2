use crate::constants::LEAVES_PER_SHARD;
use crate::error::IlmError;
use crate::events::LeafClaimed;
use crate::instructions::shared::pay_from_vault;
use crate::math::{add, fee_on, sub};
use crate::state::{Bitmap, Task, Verifier};
use crate::verify::bitmap::set_once;
use crate::verify::merkle::{leaf_hash, root_from_proof};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Pays one leaf of a published tree to the recipient it names. Anyone may
/// send it (the recipient, or a crank paying everyone): the money can only go
/// to a token account the leaf's recipient owns, and only once.
#[derive(Accounts)]
#[instruction(index: u32, recipient: Pubkey)]
pub struct ClaimMerkle<'info> {
    #[account(mut, dup, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task)]
    pub bitmap: Box<Account<'info, Bitmap>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// CHECK: the task's vault (`has_one = vault` on the task); the token
    /// program checks it as the transfer's source. Not unpacked here: that
    /// would cost CU for nothing the program reads.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    #[account(mut, dup,
        constraint = recipient_token.key() != vault.key() @ IlmError::DuplicateAccount,
        token::mint = mint,
        token::authority = recipient,
        token::token_program = token_program,
    )]
    pub recipient_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ClaimMerkle<'_> {
    pub fn validate(
        &self,
        index: u32,
        recipient: &Pubkey,
        amount: u64,
        proof: &[[u8; 32]],
    ) -> Result<()> {
        self.task.require_open()?;
        let Verifier::Merkle {
            root, leaf_count, ..
        } = self.task.verifier
        else {
            return err!(IlmError::WrongVerifier);
        };
        require!(root != [0; 32], IlmError::RootNotPublished);
        require!(index < leaf_count, IlmError::LeafIndexOutOfRange);
        require!(
            u32::from(self.bitmap.shard) == index / LEAVES_PER_SHARD,
            IlmError::WrongShard
        );
        let leaf = leaf_hash(index, recipient, amount);
        require!(
            root_from_proof(leaf, index, proof) == Some(root),
            IlmError::InvalidProof
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, index: u32, recipient: Pubkey, amount: u64) -> Result<()> {
        let a = ctx.accounts;
        {
            let info = a.bitmap.to_account_info();
            let mut data = info.try_borrow_mut_data()?;
            let bits = data
                .get_mut(Bitmap::BITS_OFFSET..)
                .ok_or(IlmError::WrongShard)?;
            require!(
                set_once(bits, index % LEAVES_PER_SHARD),
                IlmError::AlreadyClaimed
            );
        }
        let fee_bps = a.task.fee_bps;
        let mut fee = 0;
        if let Verifier::Merkle { claimed, total, .. } = &mut a.task.verifier {
            let before = *claimed;
            *claimed = add(before, amount)?;
            // A root only proves what the employer published; never pay past its total.
            require!(*claimed <= *total, IlmError::InvalidProof);
            // The fee is on everything claimed so far, rounded up once: the
            // sum over leaves is exactly fee_on(claimed), within the escrow.
            fee = sub(fee_on(*claimed, fee_bps), fee_on(before, fee_bps))?;
        }
        a.task.fees_owed = add(a.task.fees_owed, fee)?;
        pay_from_vault(
            &a.task,
            &a.token_program,
            a.vault.to_account_info(),
            &a.mint,
            a.recipient_token.to_account_info(),
            amount,
        )?;
        emit!(LeafClaimed {
            task: a.task.key(),
            index,
            recipient,
            amount,
        });
        Ok(())
    }
}
