//! `ilm review approve|reject|settle`: judged work. Approve and settle pay the
//! contributor in the same transaction; reject frees the slot and the bond.
use crate::context::Ctx;
use crate::output::Report;
use crate::payouts::{finish, paid, require_verifier};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::ix;
use sha2::{Digest, Sha256};

#[derive(Subcommand)]
pub enum ReviewCmd {
    /// Accept a submission: the reward goes to the contributor now (employer only).
    Approve { task: Pubkey, contributor: Pubkey },
    /// Refuse a submission; the reason's sha256 goes on-chain (employer only).
    Reject {
        task: Pubkey,
        contributor: Pubkey,
        #[arg(long)]
        reason: String,
    },
    /// Pay a submission the employer left undecided past the review window,
    /// or a preimage commitment whose employer never opened reveals (anyone).
    Settle { task: Pubkey, contributor: Pubkey },
}

pub fn run(ctx: &mut Ctx, cmd: ReviewCmd) -> Result<Report, String> {
    let (task, contributor) = match &cmd {
        ReviewCmd::Approve { task, contributor }
        | ReviewCmd::Reject {
            task, contributor, ..
        }
        | ReviewCmd::Settle { task, contributor } => (*task, *contributor),
    };
    let (keys, t) = ctx.task(&task)?;
    let silent_preimage = matches!(cmd, ReviewCmd::Settle { .. })
        && matches!(t.verifier, ilm_client::Verifier::Preimage { .. });
    if !silent_preimage {
        require_verifier(&task, &t, "review", "only review tasks are judged")?;
    }
    let me = ctx.me();
    if !matches!(cmd, ReviewCmd::Settle { .. }) && t.employer != me {
        return Err(format!(
            "only the task's employer {} can judge its work; you are {me}",
            t.employer
        ));
    }
    let ixs = match cmd {
        // A rejection pays nothing, so it creates no token account.
        ReviewCmd::Reject { reason, .. } => {
            vec![ix::reject_work(
                &keys,
                &contributor,
                Sha256::digest(reason).into(),
            )]
        }
        ReviewCmd::Approve { .. } | ReviewCmd::Settle { .. } => {
            let (wallet, mut ixs) = ctx.wallet(&contributor, &keys.mint, &keys.token_program)?;
            ixs.push(match cmd {
                ReviewCmd::Approve { .. } => ix::approve_work(&keys, &contributor, &wallet),
                _ => ix::settle_work(&keys, &contributor, &wallet, &me),
            });
            ixs
        }
    };
    let (sent, events) = ctx.send(&ixs, &[])?;
    let decimals = ctx.mint(&keys.mint)?.decimals;
    finish(ctx, &task, &contributor, &sent, paid(&events, decimals))
}
