//! The runtime's ABI by hand: the serialized input, the C-layout CPI, the
//! syscalls the payout paths need. Nothing is copied, nothing is allocated.
use solana_define_syscall::definitions as sys;

/// An account in the serialized input (loader v3 "aligned" layout).
#[derive(Clone, Copy)]
pub struct Account {
    header: *mut u8,
}

const MAX_PERMITTED_DATA_INCREASE: usize = 10 * 1024;

impl Account {
    pub fn is_signer(&self) -> bool {
        unsafe { *self.header.add(1) != 0 }
    }
    pub fn is_writable(&self) -> bool {
        unsafe { *self.header.add(2) != 0 }
    }
    pub fn key(&self) -> &[u8; 32] {
        unsafe { &*(self.header.add(8) as *const [u8; 32]) }
    }
    pub fn owner(&self) -> &[u8; 32] {
        unsafe { &*(self.header.add(40) as *const [u8; 32]) }
    }
    fn lamports_ptr(&self) -> *mut u64 {
        unsafe { self.header.add(72) as *mut u64 }
    }
    pub fn data_len(&self) -> usize {
        unsafe { *(self.header.add(80) as *const u64) as usize }
    }
    // The runtime hands each account's data to the program once; the paths
    // below never hold two views of one account across a write.
    #[allow(clippy::mut_from_ref)]
    pub fn data(&self) -> &mut [u8] {
        unsafe { core::slice::from_raw_parts_mut(self.header.add(88), self.data_len()) }
    }
}

/// Parses the input buffer: up to `N` accounts (duplicates resolved), the
/// instruction data and the program id.
pub unsafe fn parse<const N: usize>(
    input: *mut u8,
) -> ([Option<Account>; N], &'static [u8], &'static [u8; 32]) {
    let mut accounts = [None; N];
    let count = *(input as *const u64) as usize;
    let mut at = input.add(8);
    for i in 0..count {
        let dup = *at;
        if dup == u8::MAX {
            let account = Account { header: at };
            let len = account.data_len();
            at = at.add(88 + len + MAX_PERMITTED_DATA_INCREASE);
            at = at.add((at as usize).wrapping_neg() & 7);
            at = at.add(8); // rent epoch
            if i < N {
                accounts[i] = Some(account);
            }
        } else {
            if i < N {
                accounts[i] = accounts[dup as usize];
            }
            at = at.add(8);
        }
    }
    let len = *(at as *const u64) as usize;
    let data = core::slice::from_raw_parts(at.add(8), len);
    let program_id = &*(at.add(8 + len) as *const [u8; 32]);
    (accounts, data, program_id)
}

#[repr(C)]
struct AccountMeta {
    key: *const [u8; 32],
    is_writable: bool,
    is_signer: bool,
}

#[repr(C)]
struct AccountInfo {
    key: *const [u8; 32],
    lamports: *mut u64,
    data_len: u64,
    data: *mut u8,
    owner: *const [u8; 32],
    rent_epoch: u64,
    is_signer: bool,
    is_writable: bool,
    executable: bool,
}

#[repr(C)]
struct Instruction {
    program_id: *const [u8; 32],
    accounts: *const AccountMeta,
    accounts_len: u64,
    data: *const u8,
    data_len: u64,
}

#[repr(C)]
struct Seed {
    addr: *const u8,
    len: u64,
}

#[repr(C)]
struct Signer {
    addr: *const Seed,
    len: u64,
}

fn info(a: &Account, signer: bool) -> AccountInfo {
    AccountInfo {
        key: a.key(),
        lamports: a.lamports_ptr(),
        data_len: a.data_len() as u64,
        data: a.data().as_mut_ptr(),
        owner: a.owner(),
        rent_epoch: 0,
        is_signer: signer || a.is_signer(),
        is_writable: a.is_writable(),
        executable: false,
    }
}

/// Token `TransferChecked` (tag 12) of `amount` over `[from, mint, to,
/// authority]`, the authority a PDA signing with `seeds`: the same
/// instruction ilm's payouts send.
pub fn transfer_checked<const N: usize>(
    token_program: &Account,
    accounts: [&Account; 4],
    amount: u64,
    decimals: u8,
    seeds: &[&[u8]; N],
) -> u64 {
    let mut data = [0u8; 10];
    data[0] = 12;
    data[1..9].copy_from_slice(&amount.to_le_bytes());
    data[9] = decimals;
    let [from, mint, to, authority] = accounts;
    let metas = [
        AccountMeta {
            key: from.key(),
            is_writable: true,
            is_signer: false,
        },
        AccountMeta {
            key: mint.key(),
            is_writable: false,
            is_signer: false,
        },
        AccountMeta {
            key: to.key(),
            is_writable: true,
            is_signer: false,
        },
        AccountMeta {
            key: authority.key(),
            is_writable: false,
            is_signer: true,
        },
    ];
    let infos = [
        info(from, false),
        info(mint, false),
        info(to, false),
        info(authority, true),
    ];
    let ix = Instruction {
        program_id: token_program.key(),
        accounts: metas.as_ptr(),
        accounts_len: 4,
        data: data.as_ptr(),
        data_len: 10,
    };
    let seeds = seeds.map(|s| Seed {
        addr: s.as_ptr(),
        len: s.len() as u64,
    });
    let signer = Signer {
        addr: seeds.as_ptr(),
        len: N as u64,
    };
    unsafe {
        sys::sol_invoke_signed_c(
            &ix as *const Instruction as *const u8,
            infos.as_ptr() as *const u8,
            4,
            &signer as *const Signer as *const u8,
            1,
        )
    }
}

/// SHA-256 of the concatenation of `parts` (one syscall).
pub fn sha256<const N: usize>(parts: [&[u8]; N]) -> [u8; 32] {
    let slices = parts.map(|p| Seed {
        addr: p.as_ptr(),
        len: p.len() as u64,
    });
    let mut out = [0u8; 32];
    unsafe { sys::sol_sha256(slices.as_ptr() as *const u8, N as u64, out.as_mut_ptr()) };
    out
}

/// Logs one event the way Anchor's `emit!` does (one `sol_log_data` field).
pub fn log_event(bytes: &[u8]) {
    let field = Seed {
        addr: bytes.as_ptr(),
        len: bytes.len() as u64,
    };
    unsafe { sys::sol_log_data(&field as *const Seed as *const u8, 1) };
}

/// The cluster clock's slot and unix timestamp (one sysvar read, as `Clock::get`).
pub fn clock() -> (u64, i64) {
    let mut clock = [0u8; 40];
    #[allow(deprecated)]
    unsafe {
        sys::sol_get_clock_sysvar(clock.as_mut_ptr())
    };
    (u64_at(&clock, 0), u64_at(&clock, 32) as i64)
}

pub fn u64_at(data: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(data[at..at + 8].try_into().unwrap_or_default())
}

pub fn put_u64(data: &mut [u8], at: usize, v: u64) {
    data[at..at + 8].copy_from_slice(&v.to_le_bytes());
}
