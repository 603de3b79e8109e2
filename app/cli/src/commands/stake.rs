//! `ilm stake deposit|unstake|withdraw|close|show`: the stake that bonds a
//! contributor's claims in a market.
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{format_amount, format_sol, parse_amount};
use anchor_lang::prelude::Pubkey;
use anchor_lang::Space;
use clap::Subcommand;
use ilm_client::{ix, token, Stake};

#[derive(Subcommand)]
pub enum StakeCmd {
    /// Stake tokens of the market's stake mint.
    Deposit {
        /// Tokens, e.g. 150.
        amount: String,
    },
    /// Ask to withdraw unlocked stake; it can be withdrawn after the cooldown.
    Unstake {
        /// Tokens, e.g. 50.
        amount: String,
    },
    /// Withdraw stake whose cooldown has passed.
    Withdraw,
    /// Close your empty stake record and take back its rent (a record with
    /// rejections, expiries or abandons stays open); a sponsor closes a
    /// record it paid for that has no paid completion.
    Close {
        /// Whose record [default: yours].
        #[arg(long)]
        contributor: Option<Pubkey>,
    },
    /// Show a contributor's stake and track record.
    Show {
        /// Contributor [default: you].
        contributor: Option<Pubkey>,
    },
}

pub fn run(ctx: &mut Ctx, cmd: StakeCmd) -> Result<Report, String> {
    let (keys, _) = ctx.market()?;
    let decimals = ctx.mint(&keys.stake_mint)?.decimals;
    let me = ctx.me();
    let sent = match cmd {
        StakeCmd::Deposit { amount } => {
            let base = parse_amount(&amount, decimals)?;
            let wallet = token::ata(&me, &keys.stake_mint, &keys.token_program);
            let have = ctx.balance(&wallet)?;
            if have < base {
                return Err(format!(
                    "you hold {} of the stake mint {}, less than {amount}",
                    format_amount(have, decimals),
                    keys.stake_mint
                ));
            }
            // Amount 0 only opens the record: no token account needed.
            let source = (base > 0).then_some(&wallet);
            let payer = ctx.rent_source();
            if ctx.try_load::<Stake>(&keys.stake(&me), "stake")?.is_none() {
                ctx.require_pool_covers(&[8 + Stake::INIT_SPACE])?;
            }
            ctx.send(&[ix::stake(&keys, &me, payer, source, base)], &[])?
                .0
        }
        StakeCmd::Unstake { amount } => {
            let base = parse_amount(&amount, decimals)?;
            ctx.send(&[ix::request_unstake(&keys, &me, base)], &[])?.0
        }
        StakeCmd::Withdraw => {
            let (wallet, mut ixs) = ctx.wallet(&me, &keys.stake_mint, &keys.token_program)?;
            ixs.push(ix::withdraw_stake(&keys, &me, &wallet));
            ctx.send(&ixs, &[])?.0
        }
        StakeCmd::Close { contributor } => {
            let who = contributor.unwrap_or(me);
            let record = keys.stake(&who);
            let (stake, rent) = ctx.load_with_rent::<ilm_client::Stake>(&record, "stake")?;
            let close = ix::close_stake(&keys.market, &me, &who, &stake.rent_payer);
            let (sent, _) = ctx.send(&[close], &[])?;
            let mut r = report! {
                "closed" => record.to_string(),
                "rent_returned_sol" => format_sol(rent),
                "rent_returned_to" => stake.rent_payer.to_string(),
            };
            tx_fields(&mut r, &sent);
            return Ok(r);
        }
        StakeCmd::Show { contributor } => {
            let who = contributor.unwrap_or(me);
            return describe(ctx, &keys.stake(&who), &who, decimals);
        }
    };
    let mut r = describe(ctx, &keys.stake(&me), &me, decimals)?;
    tx_fields(&mut r, &sent);
    Ok(r)
}

fn describe(ctx: &Ctx, address: &Pubkey, who: &Pubkey, decimals: u8) -> Result<Report, String> {
    let s: Stake = ctx.try_load(address, "stake")?.ok_or_else(|| {
        format!("{who} has no stake in this market: `ilm stake deposit <AMOUNT>` first")
    })?;
    let withdrawable_at = (s.unstake_pending > 0).then_some(s.unstake_ready_at);
    Ok(report! {
        "stake" => address.to_string(),
        "contributor" => who.to_string(),
        "amount" => format_amount(s.amount, decimals),
        "locked" => format_amount(s.locked, decimals),
        "unstake_pending" => format_amount(s.unstake_pending, decimals),
        "withdrawable_at" => withdrawable_at,
        "completed" => s.completed,
        "rejected" => s.rejected,
        "expired" => s.expired,
        "abandoned" => s.abandoned,
        "earned_base_units" => s.earned,
        "rent_payer" => s.rent_payer.to_string(),
    })
}
