//! SPL Token / Token-2022 helpers the CLI needs around ilm: associated token
//! addresses, idempotent account creation, test mints and reading mints and
//! balances. Both token programs share these instruction layouts.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent;
use anchor_spl::token_2022::spl_token_2022::extension::StateWithExtensions;
use anchor_spl::token_2022::spl_token_2022::{instruction as token_ix, state};
use solana_account::Account;
use solana_system_interface::instruction::create_account;

pub use anchor_spl::associated_token::get_associated_token_address_with_program_id;

/// The classic SPL Token program.
pub const TOKEN_PROGRAM: Pubkey = anchor_spl::token::ID;
/// The Token-2022 program.
pub const TOKEN_2022_PROGRAM: Pubkey = anchor_spl::token_2022::ID;
/// The associated token account program.
pub const ASSOCIATED_TOKEN_PROGRAM: Pubkey = anchor_spl::associated_token::ID;

/// What the CLI needs to know about a mint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintInfo {
    /// The token program that owns the mint (Token or Token-2022).
    pub token_program: Pubkey,
    pub decimals: u8,
    pub supply: u64,
    pub mint_authority: Option<Pubkey>,
}

/// Whether `program` is one of the two SPL token programs.
pub fn is_token_program(program: &Pubkey) -> bool {
    *program == TOKEN_PROGRAM || *program == TOKEN_2022_PROGRAM
}

/// Reads a mint account of either token program; `None` when it is not a mint.
pub fn mint_info(account: &Account) -> Option<MintInfo> {
    if !is_token_program(&account.owner) {
        return None;
    }
    let mint = StateWithExtensions::<state::Mint>::unpack(&account.data).ok()?;
    Some(MintInfo {
        token_program: account.owner,
        decimals: mint.base.decimals,
        supply: mint.base.supply,
        mint_authority: mint.base.mint_authority.into(),
    })
}

/// The token amount held by a token account of either program; `None` when
/// it is not a token account.
pub fn token_balance(account: &Account) -> Option<u64> {
    if !is_token_program(&account.owner) {
        return None;
    }
    StateWithExtensions::<state::Account>::unpack(&account.data)
        .ok()
        .map(|a| a.base.amount)
}

/// `owner`'s associated token account for `mint`.
pub fn ata(owner: &Pubkey, mint: &Pubkey, token_program: &Pubkey) -> Pubkey {
    get_associated_token_address_with_program_id(owner, mint, token_program)
}

/// Creates `owner`'s associated token account unless it exists; `payer` pays rent.
pub fn create_ata(
    payer: &Pubkey,
    owner: &Pubkey,
    mint: &Pubkey,
    token_program: &Pubkey,
) -> Instruction {
    create_associated_token_account_idempotent(payer, owner, mint, token_program)
}

/// Creates and initialises a mint with no extensions at `mint`, `authority`
/// minting; `rent` is the rent-exempt balance of [`MINT_LEN`] bytes
/// (`getMinimumBalanceForRentExemption`).
pub fn create_mint(
    payer: &Pubkey,
    mint: &Pubkey,
    authority: &Pubkey,
    decimals: u8,
    token_program: &Pubkey,
    rent: u64,
) -> Vec<Instruction> {
    vec![
        create_account(payer, mint, rent, MINT_LEN as u64, token_program),
        token_ix::initialize_mint2(token_program, mint, authority, None, decimals)
            .expect("initialize_mint2 accepts every token program id it is given"),
    ]
}

/// Size of a mint account without extensions.
pub const MINT_LEN: usize = 82;
/// A token account without extensions (classic Token's size).
pub const ACCOUNT_LEN: usize = 165;

/// Mints `amount` base units to `to`, checked against `decimals`.
pub fn mint_to(
    token_program: &Pubkey,
    mint: &Pubkey,
    to: &Pubkey,
    authority: &Pubkey,
    amount: u64,
    decimals: u8,
) -> Instruction {
    token_ix::mint_to_checked(token_program, mint, to, authority, &[], amount, decimals)
        .expect("mint_to_checked accepts every token program id it is given")
}
