//! The five payout paths. A failed check returns custom error 1..=n (which
//! one is only for whoever debugs the benchmark); success returns 0.
use crate::ids::{ED25519, INSTRUCTIONS_SYSVAR, TOKEN, TOKEN_2022};
use crate::layout::{self, bitmap, claim, employer, market, stake, task};
use crate::raw::{self, put_u64, u64_at, Account};

type R<T = ()> = Result<T, u64>;

const TASK_SEED: &[u8] = b"task";
const COMMIT_TAG: &[u8] = b"ilm:commit:v1";
const ANSWER_TAG: &[u8] = b"ilm:answer:v2";
const ATTEST_TAG: &[u8] = b"ilm:attest:v3\0\0\0";
const LEAVES_PER_SHARD: u32 = 65_536;
const FROZEN: u8 = 2;

/// # Safety
/// `input` is the runtime's serialized input.
#[cfg(target_os = "solana")]
#[no_mangle]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    let (accounts, data, program_id) = raw::parse::<9>(input);
    let run = || -> R {
        let (&tag, args) = data.split_first().ok_or(1u64)?;
        match tag {
            layout::APPROVE | layout::SETTLE => pay_work(&accounts, program_id, tag),
            layout::REVEAL => reveal(&accounts, program_id, args),
            layout::ATTESTED => attested(&accounts, program_id, args),
            layout::MERKLE => merkle(&accounts, program_id, args),
            _ => Err(2),
        }
    };
    match run() {
        Ok(()) => 0,
        Err(code) => code,
    }
}

#[cfg(target_os = "solana")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    unsafe { solana_define_syscall::definitions::abort() }
}

fn check(ok: bool, code: u64) -> R {
    if ok {
        Ok(())
    } else {
        Err(code)
    }
}

fn key_at(data: &[u8], at: usize) -> &[u8] {
    &data[at..at + 32]
}

/// A state account of this program with discriminator `disc` and `len` bytes.
fn state(a: &Account, program_id: &[u8; 32], disc: &[u8; 8], len: usize) -> R {
    check(a.owner() == program_id, 4)?;
    let d = a.data();
    check(d.len() >= len && &d[..8] == disc, 5)
}

/// The token side of a payout: the program, the task's vault and mint, the
/// payee, and the mint's decimals.
struct Transfer {
    program: Account,
    vault: Account,
    mint: Account,
    to: Account,
    decimals: u8,
}

/// Checks the token accounts of a payout: the program is Token or
/// Token-2022, the mint and the payee belong to it, the payee holds the
/// task's mint for `owner` and is not the vault.
fn token_accounts(t: &[u8], [mint, vault, to, program]: [Account; 4], owner: &[u8]) -> R<Transfer> {
    let p = program.key();
    check(*p == TOKEN || *p == TOKEN_2022, 6)?;
    check(
        key_at(t, task::MINT) == mint.key() && key_at(t, task::VAULT) == vault.key(),
        7,
    )?;
    check(
        mint.owner() == p && to.owner() == p && to.key() != vault.key(),
        8,
    )?;
    let to_data = to.data();
    check(
        to_data.len() >= 165 && to_data[..32] == *mint.key() && &to_data[32..64] == owner,
        9,
    )?;
    let decimals = mint.data().get(44).copied().ok_or(10u64)?;
    Ok(Transfer {
        program,
        vault,
        mint,
        to,
        decimals,
    })
}

/// `ceil(amount * bps / 10,000)` in 64 bits, as ilm's `fee_on`.
fn fee_on(amount: u64, bps: u64) -> u64 {
    let bps = bps.min(10_000);
    let (q, r) = (amount / 10_000, amount % 10_000);
    q * bps + (r * bps) / 10_000 + u64::from(!(r * bps).is_multiple_of(10_000))
}

fn add(data: &mut [u8], at: usize, v: u64) -> R {
    let sum = u64_at(data, at).checked_add(v).ok_or(11u64)?;
    put_u64(data, at, sum);
    Ok(())
}

fn sub(data: &mut [u8], at: usize, v: u64) -> R {
    let diff = u64_at(data, at).checked_sub(v).ok_or(12u64)?;
    put_u64(data, at, diff);
    Ok(())
}

/// Pays `amount` from the vault, signed by the task PDA.
fn pay(task_account: &Account, x: &Transfer, amount: u64) -> R {
    let t = task_account.data();
    let bump = [t[task::BUMP]];
    let seeds: [&[u8]; 5] = [
        TASK_SEED,
        key_at(t, task::MARKET),
        key_at(t, task::EMPLOYER),
        &t[task::TASK_ID..task::TASK_ID + 8],
        &bump,
    ];
    let accounts = [&x.vault, &x.mint, &x.to, task_account];
    match raw::transfer_checked(&x.program, accounts, amount, x.decimals, &seeds) {
        0 => Ok(()),
        e => Err(e),
    }
}

/// `WorkPaid`: discriminator, task, contributor, units, amount, fee (92 bytes, as ilm emits).
fn work_paid(task_key: &[u8; 32], contributor: &[u8], units: u32, amount: u64, fee: u64) {
    let mut e = [0u8; 92];
    e[..8].copy_from_slice(b"WorkPaid");
    e[8..40].copy_from_slice(task_key);
    e[40..72].copy_from_slice(contributor);
    e[72..76].copy_from_slice(&units.to_le_bytes());
    e[76..84].copy_from_slice(&amount.to_le_bytes());
    e[84..92].copy_from_slice(&fee.to_le_bytes());
    raw::log_event(&e);
}

/// Pays `units` of the task's reward and records them; returns the amount.
fn pay_units(task_account: &Account, contributor: &[u8], x: &Transfer, units: u32) -> R<u64> {
    let t = task_account.data();
    let amount = u64_at(t, task::REWARD)
        .checked_mul(u64::from(units))
        .ok_or(13u64)?;
    pay(task_account, x, amount)?;
    let fee = fee_on(amount, u64_at(t, task::FEE_BPS));
    add(t, task::COMPLETIONS, u64::from(units))?;
    add(t, task::FEES_OWED, fee)?;
    work_paid(task_account.key(), contributor, units, amount, fee);
    Ok(amount)
}

/// Task, claim and stake of a claim payout: types, links and the claim's status.
fn claim_accounts(program_id: &[u8; 32], [ta, ca, sa]: [&Account; 3], status: u8) -> R {
    state(ta, program_id, layout::TASK_DISC, task::LEN)?;
    state(ca, program_id, layout::CLAIM_DISC, claim::LEN)?;
    state(sa, program_id, layout::STAKE_DISC, stake::LEN)?;
    let (t, c, s) = (ta.data(), ca.data(), sa.data());
    check(key_at(c, claim::TASK) == ta.key(), 14)?;
    check(c[claim::STATUS] == status, 15)?;
    check(key_at(s, stake::MARKET) == key_at(t, task::MARKET), 16)?;
    check(
        key_at(s, stake::CONTRIBUTOR) == key_at(c, claim::CONTRIBUTOR),
        17,
    )
}

/// One completion for the claim's slot; the claim ends Paid.
fn pay_claim([ta, ca, sa]: [&Account; 3], x: &Transfer) -> R {
    let (t, c, s) = (ta.data(), ca.data(), sa.data());
    sub(t, task::ACTIVE, 1)?;
    release_newcomer(t, c)?;
    let amount = pay_units(ta, key_at(c, claim::CONTRIBUTOR), x, 1)?;
    sub(s, stake::LOCKED, u64_at(c, claim::BOND))?;
    add(s, stake::COMPLETED, 1)?;
    add(s, stake::EARNED, amount)?;
    sub(s, stake::LIVE_CLAIMS, 1)?;
    c[claim::STATUS] = layout::PAID;
    Ok(())
}

/// A claim taken without a bond gives its newcomer slot back when it ends.
fn release_newcomer(t: &mut [u8], c: &[u8]) -> R {
    if c[claim::NEWCOMER] != 0 {
        sub(t, task::NEWCOMERS, 1)?;
    }
    Ok(())
}

/// The first `N` accounts, each present.
fn take<const N: usize>(a: &[Option<Account>; 9]) -> R<[Account; N]> {
    let mut out = [None; N];
    for (o, i) in out.iter_mut().zip(a) {
        *o = Some(i.ok_or(3u64)?);
    }
    Ok(out.map(|o| o.expect("filled above")))
}

/// `approve_work` / `settle_work`: caller, employer record, task, claim,
/// stake, mint, vault, payee, token program.
fn pay_work(a: &[Option<Account>; 9], program_id: &[u8; 32], tag: u8) -> R {
    let [caller, record, ta, ca, sa, mint, vault, to, tp] = take(a)?;
    check(caller.is_signer(), 20)?;
    claim_accounts(program_id, [&ta, &ca, &sa], layout::SUBMITTED)?;
    state(&record, program_id, layout::EMPLOYER_DISC, employer::LEN)?;
    let (t, c, r) = (ta.data(), ca.data(), record.data());
    check(
        key_at(r, employer::MARKET) == key_at(t, task::MARKET)
            && key_at(r, employer::EMPLOYER) == key_at(t, task::EMPLOYER),
        21,
    )?;
    let x = token_accounts(t, [mint, vault, to, tp], key_at(c, claim::CONTRIBUTOR))?;
    if tag == layout::APPROVE {
        check(key_at(t, task::EMPLOYER) == caller.key(), 22)?;
        add(r, employer::APPROVED, 1)?;
    } else {
        let review_ends = (u64_at(c, claim::SUBMITTED_AT) as i64)
            .checked_add(u64_at(t, task::REVIEW_SECS) as i64)
            .ok_or(23u64)?;
        check(raw::clock().1 >= review_ends, 24)?;
        add(r, employer::AUTO_SETTLED, 1)?;
    }
    pay_claim([&ta, &ca, &sa], &x)
}

/// `reveal_answer`: contributor, task, claim, stake, mint, vault, payee,
/// token program; data `answer: Vec<u8>, salt: [u8; 32]`.
fn reveal(a: &[Option<Account>; 9], program_id: &[u8; 32], args: &[u8]) -> R {
    let [who, ta, ca, sa, mint, vault, to, tp] = take(a)?;
    check(who.is_signer(), 30)?;
    claim_accounts(program_id, [&ta, &ca, &sa], layout::COMMITTED)?;
    let (t, c) = (ta.data(), ca.data());
    check(key_at(c, claim::CONTRIBUTOR) == who.key(), 31)?;
    let x = token_accounts(t, [mint, vault, to, tp], who.key())?;
    let len =
        u32::from_le_bytes(args.get(..4).ok_or(32u64)?.try_into().map_err(|_| 32u64)?) as usize;
    check(len <= 512 && args.len() == 4 + len + 32, 33)?;
    let (answer, salt) = args[4..].split_at(len);
    check(u64_at(t, task::OPENED_AT) > 0, 34)?;
    let (slot, now) = raw::clock();
    check(
        now < u64_at(t, task::REVEALS_END) as i64 && slot > u64_at(c, claim::COMMITTED_SLOT),
        35,
    )?;
    let task_key: &[u8] = ta.key();
    check(
        raw::sha256([COMMIT_TAG, task_key, who.key(), answer, salt])
            == c[claim::COMMITMENT..claim::COMMITMENT + 32],
        36,
    )?;
    let employer_salt = key_at(t, task::EMPLOYER_SALT);
    check(
        raw::sha256([ANSWER_TAG, task_key, employer_salt, answer])
            == t[task::ANSWER_HASH..task::ANSWER_HASH + 32],
        37,
    )?;
    check(
        x.vault.data().get(108) != Some(&FROZEN) && x.to.data()[108] != FROZEN,
        38,
    )?;
    pay_claim([&ta, &ca, &sa], &x)
}

/// The signers of the ed25519 precompile instructions right before this one
/// whose entries sign exactly `message` (the same reading as ilm's).
fn attesters(sysvar: &[u8], message: &[u8; 32], out: &mut [[u8; 32]; 4]) -> R<usize> {
    let n = sysvar.len();
    check(n >= 2, 40)?;
    let mut index = u16::from_le_bytes([sysvar[n - 2], sysvar[n - 1]]) as usize;
    let mut found = 0;
    while index > 0 {
        index -= 1;
        let at = 2 + 2 * index;
        let start = u16::from_le_bytes([sysvar[at], sysvar[at + 1]]) as usize;
        let accounts = u16::from_le_bytes([sysvar[start], sysvar[start + 1]]) as usize;
        let program = start + 2 + 33 * accounts;
        if sysvar[program..program + 32] != ED25519 {
            break;
        }
        let len = u16::from_le_bytes([sysvar[program + 32], sysvar[program + 33]]) as usize;
        let data = sysvar.get(program + 34..program + 34 + len).ok_or(41u64)?;
        let count = *data.first().ok_or(42u64)? as usize;
        check(count > 0, 42)?;
        for i in 0..count {
            let e = data.get(2 + 14 * i..16 + 14 * i).ok_or(43u64)?;
            let f = |k: usize| u16::from_le_bytes([e[2 * k], e[2 * k + 1]]);
            check(f(1) == u16::MAX && f(3) == u16::MAX && f(6) == u16::MAX, 44)?;
            let slice =
                |off: u16, len: usize| data.get(off as usize..off as usize + len).ok_or(45u64);
            slice(f(0), 64)?;
            let key = slice(f(2), 32)?;
            check(slice(f(4), f(5) as usize)? == message, 46)?;
            check(found < out.len(), 47)?;
            out[found].copy_from_slice(key);
            found += 1;
        }
    }
    Ok(found)
}

/// `submit_attested`: market, task, claim, stake, mint, vault, payee,
/// instructions sysvar, token program; data `cumulative_units: u64,
/// result_hash: [u8; 32], expires_at: i64`.
fn attested(a: &[Option<Account>; 9], program_id: &[u8; 32], args: &[u8]) -> R {
    let [ma, ta, ca, sa, mint, vault, to, ixs, tp] = take(a)?;
    check(args.len() == 48, 50)?;
    let units = u64_at(args, 0);
    let result_hash = &args[8..40];
    let expires_at = u64_at(args, 40) as i64;
    claim_accounts(program_id, [&ta, &ca, &sa], layout::LEASED)?;
    state(&ma, program_id, layout::MARKET_DISC, market::LEN)?;
    let (t, c) = (ta.data(), ca.data());
    check(ma.key() == key_at(t, task::MARKET), 51)?;
    check(*ixs.key() == INSTRUCTIONS_SYSVAR, 52)?;
    let contributor = key_at(c, claim::CONTRIBUTOR);
    let x = token_accounts(t, [mint, vault, to, tp], contributor)?;
    let now = raw::clock().1;
    check(
        now < u64_at(c, claim::LEASE_EXPIRES_AT) as i64 && now < expires_at,
        53,
    )?;
    let paid_units = u64_at(c, claim::PAID_UNITS);
    check(units > paid_units, 54)?;
    let m = ma.data();
    let message = raw::sha256([
        ATTEST_TAG,
        program_id,
        ma.key(),
        key_at(m, market::DOMAIN),
        ta.key(),
        contributor,
        &args[..8],
        result_hash,
        &args[40..48],
    ]);
    let mut signers = [[0u8; 32]; 4];
    let n = attesters(ixs.data(), &message, &mut signers)?;
    check(n > 0, 55)?;
    let known = &t[task::ATTESTERS..task::ATTESTERS + 32 * t[task::ATTESTER_COUNT] as usize];
    for i in 0..n {
        check(known.chunks_exact(32).any(|k| k == signers[i]), 56)?;
        check(!signers[..i].contains(&signers[i]), 57)?;
    }
    check(n >= t[task::THRESHOLD] as usize, 58)?;

    sub(t, task::ACTIVE, 1)?;
    let free = |t: &[u8]| {
        u64_at(t, task::MAX_COMPLETIONS)
            .saturating_sub(u64_at(t, task::COMPLETIONS))
            .saturating_sub(u64_at(t, task::ACTIVE))
    };
    let units = (units - paid_units).min(free(t)) as u32;
    let bond = u64_at(c, claim::BOND);
    let amount = pay_units(&ta, contributor, &x, units)?;
    // pay_units wrote the task: take fresh views after it
    let (t, c, s) = (ta.data(), ca.data(), sa.data());
    add(c, claim::PAID_UNITS, u64::from(units))?;
    c[claim::RESULT_HASH..claim::RESULT_HASH + 32].copy_from_slice(result_hash);
    if paid_units == 0 {
        sub(s, stake::LOCKED, bond)?;
        add(s, stake::COMPLETED, 1)?;
        put_u64(c, claim::BOND, 0);
    }
    add(s, stake::EARNED, amount)?;
    if free(t) > 0 {
        add(t, task::ACTIVE, 1)?;
    } else {
        c[claim::STATUS] = layout::PAID;
        sub(s, stake::LIVE_CLAIMS, 1)?;
        release_newcomer(t, c)?;
    }
    Ok(())
}

/// `claim_merkle`: task, bitmap, mint, vault, payee, token program; data
/// `index: u32, recipient: Pubkey, amount: u64, proof: Vec<[u8; 32]>`.
fn merkle(a: &[Option<Account>; 9], program_id: &[u8; 32], args: &[u8]) -> R {
    let [ta, ba, mint, vault, to, tp] = take(a)?;
    check(args.len() >= 48, 60)?;
    let index = u32::from_le_bytes([args[0], args[1], args[2], args[3]]);
    let recipient = &args[4..36];
    let amount = u64_at(args, 36);
    let levels = u32::from_le_bytes([args[44], args[45], args[46], args[47]]) as usize;
    check(
        levels <= 20 && args.len() == 48 + 32 * levels && u64::from(index) >> levels == 0,
        61,
    )?;
    state(&ta, program_id, layout::TASK_DISC, task::LEN)?;
    check(
        ba.owner() == program_id && ba.data()[..8] == *layout::BITMAP_DISC,
        62,
    )?;
    let (t, b) = (ta.data(), ba.data());
    check(key_at(b, bitmap::TASK) == ta.key(), 63)?;
    let x = token_accounts(t, [mint, vault, to, tp], recipient)?;
    check(t[task::STATUS] == 0, 71)?;
    let root = &t[task::ROOT..task::ROOT + 32];
    check(
        root != [0; 32] && u64::from(index) < u64_at(t, task::LEAF_COUNT),
        64,
    )?;
    check(
        u64_at(b, bitmap::SHARD) == u64::from(index / LEAVES_PER_SHARD),
        65,
    )?;
    let mut node = raw::sha256([&[0u8], &index.to_le_bytes(), recipient, &args[36..44]]);
    for (level, sibling) in args[48..].chunks_exact(32).enumerate() {
        node = if (index >> level) & 1 == 0 {
            raw::sha256([&[1u8], &node, sibling])
        } else {
            raw::sha256([&[1u8], sibling, &node])
        };
    }
    check(node == *root, 66)?;
    let bit = index % LEAVES_PER_SHARD;
    let byte = b.get_mut(bitmap::BITS + (bit / 8) as usize).ok_or(67u64)?;
    let mask = 1u8 << (bit % 8);
    check(*byte & mask == 0, 68)?;
    *byte |= mask;
    let before = u64_at(t, task::CLAIMED);
    let claimed = before.checked_add(amount).ok_or(69u64)?;
    check(claimed <= u64_at(t, task::TOTAL), 70)?;
    put_u64(t, task::CLAIMED, claimed);
    let bps = u64_at(t, task::FEE_BPS);
    add(
        t,
        task::FEES_OWED,
        fee_on(claimed, bps) - fee_on(before, bps),
    )?;
    pay(&ta, &x, amount)?;
    let mut e = [0u8; 84];
    e[..8].copy_from_slice(b"LeafClmd");
    e[8..40].copy_from_slice(ta.key());
    e[40..44].copy_from_slice(&index.to_le_bytes());
    e[44..76].copy_from_slice(recipient);
    e[76..84].copy_from_slice(&amount.to_le_bytes());
    raw::log_event(&e);
    Ok(())
}
