use anchor_lang::prelude::*;

/// One bit per Merkle leaf of a task, for leaves
/// `shard * 65,536 .. shard * 65,536 + leaves`. PDA `["bitmap", task, shard u16 LE]`.
/// The bits follow this header in the account data: the account is sized to
/// the leaves it covers, so 50,000 leaves lock 6,329 bytes of rent, not 8 KiB.
#[account]
#[derive(InitSpace)]
pub struct Bitmap {
    /// The Merkle task whose leaves this shard marks paid.
    pub task: Pubkey,
    /// Which 65,536 leaves: `shard * 65,536` onwards.
    pub shard: u16,
    /// Leaves (bits) this shard covers.
    pub leaves: u32,
    /// Paid the rent; gets it back from `close_bitmap`.
    pub payer: Pubkey,
    /// Canonical bump of this PDA.
    pub bump: u8,
}

impl Bitmap {
    /// Where the bits start in the account data.
    pub const BITS_OFFSET: usize = 8 + Bitmap::INIT_SPACE;

    /// Account size for a shard of `leaves` bits.
    pub fn space(leaves: u32) -> usize {
        Self::BITS_OFFSET + (leaves as usize).div_ceil(8)
    }
}
