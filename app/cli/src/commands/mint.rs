//! `ilm mint create|airdrop`: test tokens for the embedded ledger and test
//! clusters, so a market can be tried without buying anything.
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{format_amount, parse_amount};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::token;

#[derive(Subcommand)]
pub enum MintCmd {
    /// Create a mint you can mint from.
    Create {
        /// Decimal places of the token.
        #[arg(long, default_value_t = 6)]
        decimals: u8,
        /// A Token-2022 mint instead of a classic SPL Token one.
        #[arg(long)]
        token_2022: bool,
    },
    /// Mint tokens (you must be the mint authority) to someone, and give them SOL for fees.
    Airdrop {
        mint: Pubkey,
        /// Tokens, e.g. 1000 or 12.5.
        amount: String,
        /// Recipient wallet [default: you].
        #[arg(long)]
        to: Option<Pubkey>,
        /// SOL for fees, also sent to the recipient.
        #[arg(long, default_value_t = 0)]
        sol: u64,
    },
}

pub fn run(ctx: &mut Ctx, cmd: MintCmd) -> Result<Report, String> {
    ctx.require_test_ledger("minting test tokens")?;
    match cmd {
        MintCmd::Create {
            decimals,
            token_2022,
        } => {
            let program = if token_2022 {
                token::TOKEN_2022_PROGRAM
            } else {
                token::TOKEN_PROGRAM
            };
            let (mint, sent) = ctx.create_mint(decimals, &program)?;
            let mut r = report! {
                "mint" => mint.to_string(),
                "decimals" => decimals,
                "token_program" => program.to_string(),
                "mint_authority" => ctx.me().to_string(),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        MintCmd::Airdrop {
            mint,
            amount,
            to,
            sol,
        } => {
            let info = ctx.mint(&mint)?;
            if info.mint_authority != Some(ctx.me()) {
                return Err(format!(
                    "you ({}) are not the mint authority of {mint}",
                    ctx.me()
                ));
            }
            let base = parse_amount(&amount, info.decimals)?;
            let owner = to.unwrap_or(ctx.me());
            if sol > 0 {
                ctx.ledger
                    .airdrop(
                        &owner,
                        sol.checked_mul(1_000_000_000).ok_or("--sol is too large")?,
                    )
                    .map_err(|e| e.to_string())?;
            }
            let (wallet, sent) = ctx.mint_to(&mint, &info, &owner, base)?;
            let mut r = report! {
                "mint" => mint.to_string(),
                "to" => owner.to_string(),
                "token_account" => wallet.to_string(),
                "amount" => format_amount(base, info.decimals),
                "balance" => format_amount(ctx.balance(&wallet)?, info.decimals),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
    }
}
