//! Program-derived addresses, from the program's own seed constants.
use anchor_lang::prelude::Pubkey;
use ilm::constants::*;

fn find(seeds: &[&[u8]]) -> (Pubkey, u8) {
    Pubkey::find_program_address(seeds, &ilm::ID)
}

/// `["market", authority, market_id u64 LE]`
pub fn market(authority: &Pubkey, market_id: u64) -> (Pubkey, u8) {
    find(&[MARKET_SEED, authority.as_ref(), &market_id.to_le_bytes()])
}

/// `["stake_vault", market]`
pub fn stake_vault(market: &Pubkey) -> (Pubkey, u8) {
    find(&[STAKE_VAULT_SEED, market.as_ref()])
}

/// `["task", market, employer, task_id u64 LE]`
pub fn task(market: &Pubkey, employer: &Pubkey, task_id: u64) -> (Pubkey, u8) {
    find(&[
        TASK_SEED,
        market.as_ref(),
        employer.as_ref(),
        &task_id.to_le_bytes(),
    ])
}

/// `["vault", task]`
pub fn vault(task: &Pubkey) -> (Pubkey, u8) {
    find(&[VAULT_SEED, task.as_ref()])
}

/// `["stake", market, contributor]`
pub fn stake(market: &Pubkey, contributor: &Pubkey) -> (Pubkey, u8) {
    find(&[STAKE_SEED, market.as_ref(), contributor.as_ref()])
}

/// `["claim", task, contributor]`
pub fn claim(task: &Pubkey, contributor: &Pubkey) -> (Pubkey, u8) {
    find(&[CLAIM_SEED, task.as_ref(), contributor.as_ref()])
}

/// `["employer", market, employer]`
pub fn employer(market: &Pubkey, employer: &Pubkey) -> (Pubkey, u8) {
    find(&[EMPLOYER_SEED, market.as_ref(), employer.as_ref()])
}

/// `["sponsor", sponsor]`: the pool `stake` and `claim_task` draw rent from
/// when `sponsor` signs as their `rent_payer`.
pub fn sponsor_pool(sponsor: &Pubkey) -> (Pubkey, u8) {
    find(&[SPONSOR_SEED, sponsor.as_ref()])
}

/// `["bitmap", task, shard u16 LE]`
pub fn bitmap(task: &Pubkey, shard: u16) -> (Pubkey, u8) {
    find(&[BITMAP_SEED, task.as_ref(), &shard.to_le_bytes()])
}
