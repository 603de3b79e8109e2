//! `ilm sponsor fund|withdraw|show`: a sponsor's pool, the lamports that
//! pay the rent of the records contributors open under the sponsor's
//! signature (`--relay` draws on the relay's pool), so that the sponsor's
//! own key pays fees only. Rent comes back to the pool when records close.
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{format_sol, parse_amount};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::{ix, pda};

#[derive(Subcommand)]
pub enum SponsorCmd {
    /// Send SOL to a sponsor's pool (anyone may fund any pool).
    Fund {
        /// SOL, e.g. 0.5.
        sol: String,
        /// Whose pool [default: yours]: e.g. a Kora service's key (`getPayerSigner`).
        #[arg(long)]
        sponsor: Option<Pubkey>,
    },
    /// Take SOL back from your pool: `all`, or an amount that leaves at
    /// least the pool's rent-exempt minimum.
    Withdraw {
        /// SOL, e.g. 0.5, or `all`.
        sol: String,
    },
    /// A pool's address and balance.
    Show {
        /// Whose pool [default: yours].
        sponsor: Option<Pubkey>,
    },
}

pub fn run(ctx: &mut Ctx, cmd: SponsorCmd) -> Result<Report, String> {
    let me = ctx.me();
    let (sponsor, sent) = match cmd {
        SponsorCmd::Fund { sol, sponsor } => {
            let lamports = parse_amount(&sol, 9)?;
            let sponsor = sponsor.unwrap_or(me);
            let (sent, _) = ctx.send(&[ix::fund_sponsor_pool(&me, &sponsor, lamports)], &[])?;
            (sponsor, Some(sent))
        }
        SponsorCmd::Withdraw { sol } => {
            let held = pool_lamports(ctx, &me)?;
            let lamports = if sol == "all" {
                held
            } else {
                parse_amount(&sol, 9)?
            };
            if lamports == 0 || lamports > held {
                return Err(format!(
                    "your pool holds {} SOL: withdraw more than 0 and at most that",
                    format_sol(held)
                ));
            }
            let (sent, _) = ctx.send(&[ix::withdraw_sponsor_pool(&me, lamports)], &[])?;
            (me, Some(sent))
        }
        SponsorCmd::Show { sponsor } => (sponsor.unwrap_or(me), None),
    };
    let mut r = report! {
        "sponsor" => sponsor.to_string(),
        "pool" => pda::sponsor_pool(&sponsor).0.to_string(),
        "pool_sol" => format_sol(pool_lamports(ctx, &sponsor)?),
    };
    if let Some(sent) = &sent {
        tx_fields(&mut r, sent);
    }
    Ok(r)
}

/// Lamports in `sponsor`'s pool (0 before anyone funds it).
fn pool_lamports(ctx: &Ctx, sponsor: &Pubkey) -> Result<u64, String> {
    Ok(ctx
        .ledger
        .account(&pda::sponsor_pool(sponsor).0)
        .map_err(|e| e.to_string())?
        .map_or(0, |a| a.lamports))
}
