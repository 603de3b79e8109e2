use crate::events::BitmapClosed;
use crate::state::Bitmap;
use anchor_lang::prelude::*;

/// Returns a bitmap shard's rent to whoever paid it, once its task is closed
/// (the same rule as `close_claim`: task ids are never reused).
#[derive(Accounts)]
pub struct CloseBitmap<'info> {
    #[account(mut, dup, close = payer, has_one = payer, has_one = task)]
    pub bitmap: Box<Account<'info, Bitmap>>,
    /// CHECK: only its emptiness is read: a closed task is a system-owned account without data.
    pub task: UncheckedAccount<'info>,
    /// CHECK: receives the rent; bound to the bitmap by `has_one`.
    #[account(mut)]
    pub payer: UncheckedAccount<'info>,
}

impl CloseBitmap<'_> {
    pub fn validate(&self) -> Result<()> {
        crate::instructions::close_claim::require_closed(&self.task)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        emit!(BitmapClosed {
            bitmap: ctx.accounts.bitmap.key(),
            payer: ctx.accounts.payer.key(),
        });
        Ok(())
    }
}
