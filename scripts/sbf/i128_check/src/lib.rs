//! Returns (via return data) the results of 128-bit / overflow-checked /
//! floating point operations on two operands taken from instruction data, so
//! a host test can compare them with native Rust results. These are exactly
//! the operations LLVM 22's BPF backend would otherwise turn into broken
//! libcalls (__multi3, __udivti3, __ashlti3, ...), see ../sbf-ir-fixup.py. From the shared kit's example, run by `make test`.
use solana_account_info::AccountInfo;
use solana_program_entrypoint::{entrypoint, ProgramResult};
use solana_program_error::ProgramError;
use solana_pubkey::Pubkey;

entrypoint!(process);

fn u128_at(d: &[u8], i: usize) -> u128 {
    u128::from_le_bytes(d[i..i + 16].try_into().unwrap())
}

pub fn process(_id: &Pubkey, _accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    if data.len() == 1 {
        // exercises the patched std panic handler: custom_panic (logs) + abort
        // (custom_panic_default logs only static messages, then sol_panic_ with file:line)
        panic!("i128_check panic test");
    }
    if data.len() != 32 {
        return Err(ProgramError::InvalidInstructionData);
    }
    let (a, b) = (u128_at(data, 0), u128_at(data, 16));
    let (sa, sb) = (a as i128, b as i128);
    let (a64, b64) = (a as u64, b as u64);
    let sh = (b as u32) % 128;
    let mut out: Vec<u8> = Vec::with_capacity(512);
    let mut put = |v: u128| out.extend_from_slice(&v.to_le_bytes());
    put(a.wrapping_mul(b));
    put(a.checked_div(b).unwrap_or(0));
    put(a.checked_rem(b).unwrap_or(0));
    put(if sb != 0 && !(sa == i128::MIN && sb == -1) {
        (sa / sb) as u128
    } else {
        0
    });
    put(if sb != 0 && !(sa == i128::MIN && sb == -1) {
        (sa % sb) as u128
    } else {
        0
    });
    put(a << sh);
    put(a >> sh);
    put((sa >> sh) as u128);
    put(a64.checked_mul(b64).map_or(u128::MAX, |v| v as u128));
    put((a64 as i64)
        .checked_mul(b64 as i64)
        .map_or(u128::MAX, |v| v as u128));
    put(a.checked_mul(b).map_or(u128::MAX, |v| v));
    put(sa.checked_mul(sb).map_or(u128::MAX, |v| v as u128));
    put((a64 as u128) * (b64 as u128));
    let (fa, fb) = ((a64 >> 11) as f64, (b64 >> 11) as f64 + 1.0);
    put((fa * fb).to_bits() as u128);
    put((fa / fb).to_bits() as u128);
    put((fa + fb) as u64 as u128);
    solana_cpi::set_return_data(&out);
    Ok(())
}
