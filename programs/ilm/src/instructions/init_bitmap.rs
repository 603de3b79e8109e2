use crate::constants::{BITMAP_SEED, LEAVES_PER_SHARD};
use crate::error::IlmError;
use crate::events::BitmapInitialized;
use crate::state::{Bitmap, Task, Verifier};
use anchor_lang::prelude::*;

/// Leaves shard `shard` of a task's published tree covers (0 when none).
pub fn shard_leaves(task: &Task, shard: u16) -> u32 {
    let Verifier::Merkle { leaf_count, .. } = task.verifier else {
        return 0;
    };
    let first = u64::from(shard) * u64::from(LEAVES_PER_SHARD);
    (u64::from(leaf_count).saturating_sub(first)).min(u64::from(LEAVES_PER_SHARD)) as u32
}

/// Opens the bitmap shard for leaves `shard * 65,536 ..`; anyone may pay for it
/// and gets the rent back through `close_bitmap` once the task is closed.
#[derive(Accounts)]
#[instruction(shard: u16)]
pub struct InitBitmap<'info> {
    #[account(mut)]
    pub payer: Signer<'info>,
    pub task: Box<Account<'info, Task>>,
    #[account(
        init,
        payer = payer,
        space = Bitmap::space(shard_leaves(&task, shard)),
        seeds = [BITMAP_SEED, task.key().as_ref(), &shard.to_le_bytes()],
        bump,
    )]
    pub bitmap: Box<Account<'info, Bitmap>>,
    pub system_program: Program<'info, System>,
}

impl InitBitmap<'_> {
    pub fn validate(&self, shard: u16) -> Result<()> {
        require!(
            shard_leaves(&self.task, shard) > 0,
            IlmError::LeafIndexOutOfRange
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, shard: u16) -> Result<()> {
        let leaves = shard_leaves(&ctx.accounts.task, shard);
        let bitmap = &mut ctx.accounts.bitmap;
        bitmap.task = ctx.accounts.task.key();
        bitmap.shard = shard;
        bitmap.leaves = leaves;
        bitmap.payer = ctx.accounts.payer.key();
        bitmap.bump = ctx.bumps.bitmap;
        emit!(BitmapInitialized {
            task: bitmap.task,
            shard,
            leaves,
        });
        Ok(())
    }
}
