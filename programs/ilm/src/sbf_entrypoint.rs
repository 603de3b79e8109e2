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
use anchor_lang::error::{ComparedValues, ErrorCode, ErrorOrigin};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::entrypoint::{ProgramResult, SUCCESS};
use anchor_lang::solana_program::program_error::ProgramError;
use anchor_lang::Discriminator;

anchor_lang::solana_program::entrypoint!(process);

/// The bump allocator of `solana-program-entrypoint` (same heap, same
/// behaviour), called instead of inlined: the default one is `#[inline]`, and
/// its 18 instruction slots were copied into about 800 allocation sites
/// (roughly 90 KB of the binary). `sbf-dispatch` turns on `custom-heap` so
/// that `entrypoint!` leaves the allocator to this module.
#[cfg(target_os = "solana")]
mod heap {
    use anchor_lang::solana_program::entrypoint::{HEAP_LENGTH, HEAP_START_ADDRESS};
    use std::alloc::{GlobalAlloc, Layout};

    struct Bump;

    // SAFETY: the region [HEAP_START_ADDRESS, +HEAP_LENGTH) is the program's
    // heap for the whole instruction; its first word holds the next free
    // position (0 before the first allocation), blocks are handed out
    // downwards from the end and never reused.
    unsafe impl GlobalAlloc for Bump {
        #[inline(never)]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let start = HEAP_START_ADDRESS as usize;
            let pos_ptr = start as *mut usize;
            let mut pos = *pos_ptr;
            if pos == 0 {
                pos = start + HEAP_LENGTH;
            }
            pos = pos.saturating_sub(layout.size());
            pos &= !(layout.align().wrapping_sub(1));
            if pos < start + size_of::<*mut u8>() {
                return std::ptr::null_mut();
            }
            *pos_ptr = pos;
            pos as *mut u8
        }

        #[inline]
        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
    }

    #[global_allocator]
    static HEAP: Bump = Bump;
}

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

/// The program's return code for an instruction's result.
fn code(result: Result<()>) -> u64 {
    match result {
        Ok(()) => SUCCESS,
        Err(e) => fail(e),
    }
}

/// Logs an error and turns it into the program's return code. Out of line:
/// inlined, its match over every `ProgramError` was repeated in each
/// instruction (about 1 KB each).
#[cold]
#[inline(never)]
fn fail(e: Error) -> u64 {
    log(&e);
    u64::from(ProgramError::from(e))
}

/// Anchor's `Error::log` without `core::fmt` (whose formatting of numbers,
/// `Debug` and `Display` took about 15 KB of the program): an `AnchorError`
/// gives Anchor's lines word for word (clients such as Anchor's TypeScript
/// `AnchorError.parse` read them); a `ProgramError` gives its origin and
/// number, without `Debug` name and message.
fn log(e: &Error) {
    let (kind, origin, compared) = match e {
        Error::AnchorError(a) => ("AnchorError", &a.error_origin, &a.compared_values),
        Error::ProgramError(p) => ("ProgramError", &p.error_origin, &p.compared_values),
    };
    let mut line = String::with_capacity(256);
    line.push_str(kind);
    match origin {
        None => line.push_str(" occurred."),
        Some(ErrorOrigin::Source(source)) => {
            line.push_str(" thrown in ");
            line.push_str(source.filename);
            line.push(':');
            push_decimal(&mut line, source.line.into());
            line.push('.');
        }
        Some(ErrorOrigin::AccountName(account)) => {
            line.push_str(" caused by account: ");
            line.push_str(account);
            line.push('.');
        }
    }
    match e {
        Error::AnchorError(a) => {
            line.push_str(" Error Code: ");
            line.push_str(&a.error_name);
            line.push_str(". Error Number: ");
            push_decimal(&mut line, a.error_code_number.into());
            line.push_str(". Error Message: ");
            line.push_str(&a.error_msg);
            line.push('.');
        }
        Error::ProgramError(p) => {
            line.push_str(" Error Number: ");
            push_decimal(&mut line, u64::from(p.program_error.clone()));
            line.push('.');
        }
    }
    msg!(&line);
    match compared {
        Some(ComparedValues::Pubkeys((left, right))) => {
            msg!("Left:");
            left.log();
            msg!("Right:");
            right.log();
        }
        Some(ComparedValues::Values((left, right))) => {
            msg!(&["Left: ", left].concat());
            msg!(&["Right: ", right].concat());
        }
        None => (),
    }
}

/// Appends `n` in decimal.
fn push_decimal(line: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    line.extend(digits[at..].iter().map(|&d| char::from(d)));
}

macro_rules! dispatch {
    (
        per_work: { $($hot:ident => $hix:ident),* $(,)? }
        others: { $($method:ident => $ix:ident),* $(,)? }
    ) => {
        /// One out-of-line function per instruction.
        macro_rules! runner {
            ($name:ident) => {
                #[inline(never)]
                pub fn $name<'info>(
                    program_id: &'info Pubkey,
                    accounts: &'info [AccountInfo<'info>],
                    data: &'info [u8],
                ) -> u64 {
                    code(__global::$name(program_id, accounts, data))
                }
            };
        }

        /// The instructions run once per unit of work (claims, deliveries,
        /// payouts, the claim's close): the build's fix-up compiles what they reach for speed
        /// and the rest of the program for size (scripts/sbf/sbf-ir-fixup.py,
        /// step 5).
        mod sbf_hot {
            use super::*;
            $(runner!($hot);)*
        }

        mod run {
            use super::*;
            $(runner!($method);)*
        }

        fn process<'info>(
            program_id: &'info Pubkey,
            accounts: &'info [AccountInfo<'info>],
            data: &'info [u8],
        ) -> ProgramResult {
            let rc = if *program_id != ID {
                code(Err(ErrorCode::DeclaredProgramIdMismatch.into()))
            } $(else if data.starts_with(instruction::$hix::DISCRIMINATOR) {
                sbf_hot::$hot(program_id, accounts, &data[instruction::$hix::DISCRIMINATOR.len()..])
            })* $(else if data.starts_with(instruction::$ix::DISCRIMINATOR) {
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
    per_work: {
        claim_task => ClaimTask,
        submit_work => SubmitWork,
        approve_work => ApproveWork,
        settle_work => SettleWork,
        commit_answer => CommitAnswer,
        reveal_answer => RevealAnswer,
        submit_attested => SubmitAttested,
        claim_merkle => ClaimMerkle,
        close_claim => CloseClaim,
    }
    others: {
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
        abandon_claim => AbandonClaim,
        expire_claim => ExpireClaim,
        reject_work => RejectWork,
        open_reveals => OpenReveals,
        publish_root => PublishRoot,
        init_bitmap => InitBitmap,
        clawback => Clawback,
        close_bitmap => CloseBitmap,
        close_stake => CloseStake,
        withdraw_sponsor_pool => WithdrawSponsorPool,
    }
}
