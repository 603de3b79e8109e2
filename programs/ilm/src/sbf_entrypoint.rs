//! The program entrypoint used by `scripts/sbf/build-sbf.sh` (feature `sbf-dispatch`).
//!
//! Anchor's own dispatcher calls `__private::__global::<ix>(program_id,
//! accounts, data)`: a `Result` returned through a pointer plus five argument
//! registers, six in all. Upstream LLVM's BPF backend has no stack arguments,
//! so the build force-inlines every such call, which put all instructions into
//! one `entrypoint` function longer than a 16-bit jump can cross (SBPF has no
//! long jumps). Here each instruction runs in its own out-of-line function
//! with five arguments and a plain `u64` result, and the behaviour is Anchor's:
//! the same program-id check, discriminator dispatch, error logging and codes.
//! Built with Solana's platform-tools, the crate keeps Anchor's entrypoint.
use crate::{__private::__global, instruction, ID};
use anchor_lang::error::ErrorCode;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::entrypoint::{ProgramResult, SUCCESS};
use anchor_lang::solana_program::program_error::ProgramError;
use anchor_lang::Discriminator;

anchor_lang::solana_program::entrypoint!(process);

// Where to report a vulnerability, readable from the deployed binary
// (`query-security-txt`, explorers). Only the deployed build carries it.
solana_security_txt::security_txt! {
    name: "ilm",
    project_url: "https://github.com/ilm-labs/ilm",
    contacts: "link:https://github.com/ilm-labs/ilm/security/advisories/new",
    policy: "https://github.com/ilm-labs/ilm/blob/main/SECURITY.md",
    preferred_languages: "en",
    source_code: "https://github.com/ilm-labs/ilm"
}

/// Logs an Anchor error like Anchor's `entry` does and turns it into the
/// program's return code.
fn code(result: Result<()>) -> u64 {
    match result {
        Ok(()) => SUCCESS,
        Err(e) => {
            e.log();
            u64::from(ProgramError::from(e))
        }
    }
}

macro_rules! dispatch {
    ($($method:ident => $ix:ident),* $(,)?) => {
        mod run {
            use super::*;
            $(
                #[inline(never)]
                pub fn $method<'info>(
                    program_id: &'info Pubkey,
                    accounts: &'info [AccountInfo<'info>],
                    data: &'info [u8],
                ) -> u64 {
                    code(__global::$method(program_id, accounts, data))
                }
            )*
        }

        fn process<'info>(
            program_id: &'info Pubkey,
            accounts: &'info [AccountInfo<'info>],
            data: &'info [u8],
        ) -> ProgramResult {
            let rc = if *program_id != ID {
                code(Err(ErrorCode::DeclaredProgramIdMismatch.into()))
            } $(else if data.starts_with(instruction::$ix::DISCRIMINATOR) {
                run::$method(program_id, accounts, &data[instruction::$ix::DISCRIMINATOR.len()..])
            })* else if data.starts_with(anchor_lang::event::EVENT_IX_TAG_LE) {
                code(Err(ErrorCode::EventInstructionStub.into()))
            } else {
                code(Err(ErrorCode::InstructionFallbackNotFound.into()))
            };
            match rc {
                SUCCESS => Ok(()),
                err => Err(ProgramError::from(err)),
            }
        }
    };
}

dispatch! {
    create_market => CreateMarket,
    update_market => UpdateMarket,
    stake => Stake,
    request_unstake => RequestUnstake,
    withdraw_stake => WithdrawStake,
    create_task => CreateTask,
    fund_task => FundTask,
    cancel_task => CancelTask,
    close_task => CloseTask,
    collect_fees => CollectFees,
    claim_task => ClaimTask,
    abandon_claim => AbandonClaim,
    expire_claim => ExpireClaim,
    submit_work => SubmitWork,
    approve_work => ApproveWork,
    reject_work => RejectWork,
    settle_work => SettleWork,
    close_claim => CloseClaim,
    commit_answer => CommitAnswer,
    open_reveals => OpenReveals,
    reveal_answer => RevealAnswer,
    submit_attested => SubmitAttested,
    publish_root => PublishRoot,
    init_bitmap => InitBitmap,
    claim_merkle => ClaimMerkle,
    clawback => Clawback,
    close_bitmap => CloseBitmap,
    close_stake => CloseStake,
}
