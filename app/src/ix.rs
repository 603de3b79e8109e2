//! Typed instruction builders, one per program instruction. Account lists come
//! from the program's own `accounts::*` structs and data from its
//! `instruction::*` structs, so they always match the deployed layout.
use crate::pda;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use ilm::instructions::{CreateMarketArgs, CreateTaskArgs, SubmitAttestedArgs, UpdateMarketArgs};
use ilm::state::MarketParams;
use ilm::{accounts as acc, instruction as data};

/// The instructions sysvar.
pub const INSTRUCTIONS_SYSVAR: Pubkey =
    anchor_lang::pubkey!("Sysvar1nstructions1111111111111111111111111");

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction {
        program_id: ilm::ID,
        accounts: accounts.to_account_metas(None),
        data: data.data(),
    }
}

/// Who pays the rent of the records `stake` and `claim_task` open; their
/// close pays it back there. Either way `sponsor` signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RentPayer {
    /// The signer's own lamports.
    Signer(Pubkey),
    /// The signer's pool ([`pda::sponsor_pool`]), so that the signer itself
    /// never funds an account (a fee-payer service's policy can then refuse
    /// every account creation with its key).
    Pool(Pubkey),
}

impl RentPayer {
    /// The signing account and the pool account, if any.
    fn accounts(self) -> (Pubkey, Option<Pubkey>) {
        match self {
            RentPayer::Signer(key) => (key, None),
            RentPayer::Pool(sponsor) => (sponsor, Some(pda::sponsor_pool(&sponsor).0)),
        }
    }

    /// Where the rent goes back to: the key a record keeps as `rent_payer`.
    pub fn refund_to(self) -> Pubkey {
        let (signer, pool) = self.accounts();
        pool.unwrap_or(signer)
    }
}

impl From<&Pubkey> for RentPayer {
    fn from(key: &Pubkey) -> Self {
        RentPayer::Signer(*key)
    }
}

/// A market's addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarketKeys {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub market_id: u64,
    pub stake_mint: Pubkey,
    pub stake_vault: Pubkey,
    /// Token program owning the stake mint (Token or Token-2022).
    pub token_program: Pubkey,
}

impl MarketKeys {
    pub fn new(
        authority: Pubkey,
        market_id: u64,
        stake_mint: Pubkey,
        token_program: Pubkey,
    ) -> Self {
        let market = pda::market(&authority, market_id).0;
        MarketKeys {
            market,
            authority,
            market_id,
            stake_mint,
            stake_vault: pda::stake_vault(&market).0,
            token_program,
        }
    }

    pub fn stake(&self, contributor: &Pubkey) -> Pubkey {
        pda::stake(&self.market, contributor).0
    }
}

/// A task's addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskKeys {
    pub market: Pubkey,
    pub employer: Pubkey,
    pub task_id: u64,
    pub task: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    /// Token program owning the reward mint (Token or Token-2022).
    pub token_program: Pubkey,
}

impl TaskKeys {
    pub fn new(
        market: Pubkey,
        employer: Pubkey,
        task_id: u64,
        mint: Pubkey,
        token_program: Pubkey,
    ) -> Self {
        let task = pda::task(&market, &employer, task_id).0;
        TaskKeys {
            market,
            employer,
            task_id,
            task,
            mint,
            vault: pda::vault(&task).0,
            token_program,
        }
    }

    pub fn claim(&self, contributor: &Pubkey) -> Pubkey {
        pda::claim(&self.task, contributor).0
    }

    pub fn stake(&self, contributor: &Pubkey) -> Pubkey {
        pda::stake(&self.market, contributor).0
    }

    pub fn employer_record(&self) -> Pubkey {
        pda::employer(&self.market, &self.employer).0
    }
}

/// `create_market`: `m` gives the authority, id, stake mint and its token program.
pub fn create_market(m: &MarketKeys, params: MarketParams) -> Instruction {
    build(
        acc::CreateMarket {
            authority: m.authority,
            market: m.market,
            stake_mint: m.stake_mint,
            stake_vault: m.stake_vault,
            token_program: m.token_program,
            system_program: system_program::ID,
        },
        data::CreateMarket {
            args: CreateMarketArgs {
                market_id: m.market_id,
                params,
            },
        },
    )
}

/// `update_market`: replaces every parameter and sets the pause flag.
pub fn update_market(m: &MarketKeys, params: MarketParams, paused: bool) -> Instruction {
    build(
        acc::UpdateMarket {
            authority: m.authority,
            market: m.market,
        },
        data::UpdateMarket {
            args: UpdateMarketArgs { params, paused },
        },
    )
}

/// `stake`: deposits `amount` from `contributor_token` (none for an amount
/// of 0, which only opens the record). `rent_payer` (the contributor, or a
/// sponsor) signs and pays the record's rent when this call opens it.
pub fn stake(
    m: &MarketKeys,
    contributor: &Pubkey,
    rent_payer: impl Into<RentPayer>,
    contributor_token: Option<&Pubkey>,
    amount: u64,
) -> Instruction {
    let (rent_payer, sponsor_pool) = rent_payer.into().accounts();
    build(
        acc::StakeTokens {
            contributor: *contributor,
            rent_payer,
            market: m.market,
            stake: m.stake(contributor),
            stake_mint: m.stake_mint,
            stake_vault: m.stake_vault,
            contributor_token: contributor_token.copied(),
            token_program: m.token_program,
            system_program: system_program::ID,
            sponsor_pool,
        },
        data::Stake { amount },
    )
}

/// `request_unstake`
pub fn request_unstake(m: &MarketKeys, contributor: &Pubkey, amount: u64) -> Instruction {
    build(
        acc::RequestUnstake {
            contributor: *contributor,
            market: m.market,
            stake: m.stake(contributor),
        },
        data::RequestUnstake { amount },
    )
}

/// `withdraw_stake`: pays the requested stake to `contributor_token`.
pub fn withdraw_stake(
    m: &MarketKeys,
    contributor: &Pubkey,
    contributor_token: &Pubkey,
) -> Instruction {
    build(
        acc::WithdrawStake {
            contributor: *contributor,
            market: m.market,
            stake: m.stake(contributor),
            stake_mint: m.stake_mint,
            stake_vault: m.stake_vault,
            contributor_token: *contributor_token,
            token_program: m.token_program,
        },
        data::WithdrawStake {},
    )
}

/// `create_task`: `args.task_id` must equal `t.task_id`.
pub fn create_task(t: &TaskKeys, employer_token: &Pubkey, args: CreateTaskArgs) -> Instruction {
    build(
        acc::CreateTask {
            employer: t.employer,
            market: t.market,
            employer_record: t.employer_record(),
            task: t.task,
            mint: t.mint,
            vault: t.vault,
            employer_token: *employer_token,
            token_program: t.token_program,
            system_program: system_program::ID,
        },
        data::CreateTask { args },
    )
}

/// `fund_task`
pub fn fund_task(t: &TaskKeys, employer_token: &Pubkey, added_completions: u32) -> Instruction {
    build(
        acc::FundTask {
            employer: t.employer,
            market: t.market,
            task: t.task,
            mint: t.mint,
            vault: t.vault,
            employer_token: *employer_token,
            token_program: t.token_program,
        },
        data::FundTask { added_completions },
    )
}

/// `cancel_task`: refunds to `employer_token`.
pub fn cancel_task(t: &TaskKeys, employer_token: &Pubkey) -> Instruction {
    build(
        acc::CancelTask {
            employer: t.employer,
            task: t.task,
            mint: t.mint,
            vault: t.vault,
            employer_token: *employer_token,
            token_program: t.token_program,
        },
        data::CancelTask {},
    )
}

/// `close_task`: fees to `fee_token` (owned by the market's fee owner), the rest to `employer_token`.
pub fn close_task(t: &TaskKeys, employer_token: &Pubkey, fee_token: &Pubkey) -> Instruction {
    build(
        acc::CloseTask {
            employer: t.employer,
            market: t.market,
            task: t.task,
            mint: t.mint,
            vault: t.vault,
            employer_token: *employer_token,
            fee_token: *fee_token,
            token_program: t.token_program,
        },
        data::CloseTask {},
    )
}

/// `collect_fees`: anyone may send it.
pub fn collect_fees(t: &TaskKeys, fee_token: &Pubkey) -> Instruction {
    build(
        acc::CollectFees {
            market: t.market,
            task: t.task,
            mint: t.mint,
            vault: t.vault,
            fee_token: *fee_token,
            token_program: t.token_program,
        },
        data::CollectFees {},
    )
}

/// `claim_task`: `rent_payer` (the contributor, or a sponsor) signs and
/// pays the claim's rent, or has its pool pay it; `close_claim` returns it
/// there.
pub fn claim_task(
    t: &TaskKeys,
    contributor: &Pubkey,
    rent_payer: impl Into<RentPayer>,
) -> Instruction {
    let (rent_payer, sponsor_pool) = rent_payer.into().accounts();
    build(
        acc::ClaimTask {
            contributor: *contributor,
            rent_payer,
            market: t.market,
            task: t.task,
            stake: t.stake(contributor),
            claim: t.claim(contributor),
            system_program: system_program::ID,
            sponsor_pool,
        },
        data::ClaimTask {},
    )
}

/// `abandon_claim`
pub fn abandon_claim(t: &TaskKeys, contributor: &Pubkey) -> Instruction {
    build(
        acc::AbandonClaim {
            contributor: *contributor,
            task: t.task,
            claim: t.claim(contributor),
            stake: t.stake(contributor),
        },
        data::AbandonClaim {},
    )
}

/// `expire_claim`: anyone may send it; the slash goes to `employer_stake_token`.
pub fn expire_claim(
    t: &TaskKeys,
    m: &MarketKeys,
    contributor: &Pubkey,
    employer_stake_token: &Pubkey,
) -> Instruction {
    build(
        acc::ExpireClaim {
            market: t.market,
            task: t.task,
            vault: t.vault,
            claim: t.claim(contributor),
            stake: t.stake(contributor),
            employer_record: t.employer_record(),
            stake_mint: m.stake_mint,
            stake_vault: m.stake_vault,
            employer_stake_token: *employer_stake_token,
            token_program: m.token_program,
        },
        data::ExpireClaim {},
    )
}

/// `submit_work`
pub fn submit_work(
    t: &TaskKeys,
    contributor: &Pubkey,
    result_hash: [u8; 32],
    uri: String,
) -> Instruction {
    build(
        acc::SubmitWork {
            contributor: *contributor,
            task: t.task,
            claim: t.claim(contributor),
        },
        data::SubmitWork { result_hash, uri },
    )
}

fn pay_work(
    t: &TaskKeys,
    caller: &Pubkey,
    contributor: &Pubkey,
    contributor_token: &Pubkey,
) -> acc::PayWork {
    acc::PayWork {
        caller: *caller,
        employer_record: t.employer_record(),
        task: t.task,
        claim: t.claim(contributor),
        stake: t.stake(contributor),
        mint: t.mint,
        vault: t.vault,
        contributor_token: *contributor_token,
        token_program: t.token_program,
    }
}

/// `approve_work`: the employer pays the reward to `contributor_token`.
pub fn approve_work(t: &TaskKeys, contributor: &Pubkey, contributor_token: &Pubkey) -> Instruction {
    build(
        pay_work(t, &t.employer, contributor, contributor_token),
        data::ApproveWork {},
    )
}

/// `settle_work`: `caller` (anyone, usually the fee payer) pays an undecided
/// submission after the review window.
pub fn settle_work(
    t: &TaskKeys,
    contributor: &Pubkey,
    contributor_token: &Pubkey,
    caller: &Pubkey,
) -> Instruction {
    build(
        pay_work(t, caller, contributor, contributor_token),
        data::SettleWork {},
    )
}

/// `reject_work`
pub fn reject_work(t: &TaskKeys, contributor: &Pubkey, reason_hash: [u8; 32]) -> Instruction {
    build(
        acc::RejectWork {
            employer: t.employer,
            employer_record: t.employer_record(),
            task: t.task,
            claim: t.claim(contributor),
            stake: t.stake(contributor),
        },
        data::RejectWork { reason_hash },
    )
}

/// `close_claim`: anyone, once the task is closed; the rent goes back to the
/// claim's `rent_payer` (read from the claim).
pub fn close_claim(task: &Pubkey, contributor: &Pubkey, rent_payer: &Pubkey) -> Instruction {
    build(
        acc::CloseClaim {
            claim: pda::claim(task, contributor).0,
            task: *task,
            rent_payer: *rent_payer,
        },
        data::CloseClaim {},
    )
}

/// `commit_answer`: the commitment from [`crate::answer::commitment`].
pub fn commit_answer(t: &TaskKeys, contributor: &Pubkey, commitment: [u8; 32]) -> Instruction {
    build(
        acc::CommitAnswer {
            contributor: *contributor,
            task: t.task,
            claim: t.claim(contributor),
        },
        data::CommitAnswer { commitment },
    )
}

/// `open_reveals`: the employer publishes the salt of its answer hash after the deadline.
pub fn open_reveals(t: &TaskKeys, salt: [u8; 32]) -> Instruction {
    build(
        acc::OpenReveals {
            employer: t.employer,
            task: t.task,
        },
        data::OpenReveals { salt },
    )
}

/// `reveal_answer`: pays `contributor_token` if `answer` is the task's known answer.
pub fn reveal_answer(
    t: &TaskKeys,
    contributor: &Pubkey,
    contributor_token: &Pubkey,
    answer: Vec<u8>,
    salt: [u8; 32],
) -> Instruction {
    build(
        acc::RevealAnswer {
            contributor: *contributor,
            task: t.task,
            claim: t.claim(contributor),
            stake: t.stake(contributor),
            mint: t.mint,
            vault: t.vault,
            contributor_token: *contributor_token,
            token_program: t.token_program,
        },
        data::RevealAnswer { answer, salt },
    )
}

/// `submit_attested`: send right after the precompile instruction from
/// [`crate::attest::precompile_instruction`].
pub fn submit_attested(
    t: &TaskKeys,
    contributor: &Pubkey,
    contributor_token: &Pubkey,
    args: SubmitAttestedArgs,
) -> Instruction {
    build(
        acc::SubmitAttested {
            market: t.market,
            task: t.task,
            claim: t.claim(contributor),
            stake: t.stake(contributor),
            mint: t.mint,
            vault: t.vault,
            contributor_token: *contributor_token,
            instructions: INSTRUCTIONS_SYSVAR,
            token_program: t.token_program,
        },
        data::SubmitAttested { args },
    )
}

/// `publish_root`: the root, leaf count and total of a [`crate::merkle::Tree`].
pub fn publish_root(t: &TaskKeys, root: [u8; 32], leaf_count: u32, total: u64) -> Instruction {
    build(
        acc::PublishRoot {
            employer: t.employer,
            task: t.task,
        },
        data::PublishRoot {
            root,
            leaf_count,
            total,
        },
    )
}

/// Bitmap shards one transaction opens beside `publish_root` (and a separate
/// fee payer and priority fee) within 1,232 bytes (`tests/tests/sizes.rs`
/// measures it at the edge): every shard of the largest tree, so publishing
/// is always one transaction.
pub const SHARDS_PER_TRANSACTION: usize = 16;
const _: () = assert!(
    (ilm::constants::MAX_MERKLE_LEAVES as usize)
        .div_ceil(ilm::constants::LEAVES_PER_SHARD as usize)
        <= SHARDS_PER_TRANSACTION
);

/// `init_bitmap` for each of `shards`, `payer` paying their rent.
pub fn init_bitmaps(t: &TaskKeys, payer: &Pubkey, shards: &[u16]) -> Vec<Instruction> {
    shards.iter().map(|&s| init_bitmap(t, payer, s)).collect()
}

/// One transaction publishing `tree` on a task with no root yet:
/// `publish_root` and every bitmap shard its leaves need (the employer signs).
pub fn publish_tree(t: &TaskKeys, tree: &crate::merkle::Tree, payer: &Pubkey) -> Vec<Instruction> {
    let shards = tree.leaf_count().div_ceil(ilm::constants::LEAVES_PER_SHARD);
    let shards: Vec<u16> = (0..shards).map(|s| s as u16).collect();
    let mut all = vec![publish_root(
        t,
        tree.root(),
        tree.leaf_count(),
        tree.total(),
    )];
    all.extend(init_bitmaps(t, payer, &shards));
    all
}

/// `init_bitmap`: `payer` pays the shard's rent.
pub fn init_bitmap(t: &TaskKeys, payer: &Pubkey, shard: u16) -> Instruction {
    build(
        acc::InitBitmap {
            payer: *payer,
            task: t.task,
            bitmap: pda::bitmap(&t.task, shard).0,
            system_program: system_program::ID,
        },
        data::InitBitmap { shard },
    )
}

/// `claim_merkle`: pays leaf `index` to `recipient_token` (owned by `recipient`).
pub fn claim_merkle(
    t: &TaskKeys,
    index: u32,
    recipient: &Pubkey,
    recipient_token: &Pubkey,
    amount: u64,
    proof: Vec<[u8; 32]>,
) -> Instruction {
    let shard = (index / ilm::constants::LEAVES_PER_SHARD) as u16;
    build(
        acc::ClaimMerkle {
            task: t.task,
            bitmap: pda::bitmap(&t.task, shard).0,
            mint: t.mint,
            vault: t.vault,
            recipient_token: *recipient_token,
            token_program: t.token_program,
        },
        data::ClaimMerkle {
            index,
            recipient: *recipient,
            amount,
            proof,
        },
    )
}

/// `clawback`: what no leaf claimed goes back to `employer_token`.
pub fn clawback(t: &TaskKeys, employer_token: &Pubkey) -> Instruction {
    build(
        acc::Clawback {
            employer: t.employer,
            task: t.task,
            mint: t.mint,
            vault: t.vault,
            employer_token: *employer_token,
            token_program: t.token_program,
        },
        data::Clawback {},
    )
}

/// `close_bitmap`: rent back to `payer` once the task is closed.
pub fn close_bitmap(task: &Pubkey, shard: u16, payer: &Pubkey) -> Instruction {
    build(
        acc::CloseBitmap {
            bitmap: pda::bitmap(task, shard).0,
            task: *task,
            payer: *payer,
        },
        data::CloseBitmap {},
    )
}

/// `close_stake`: `contributor`'s empty, unmarked stake record in `market`,
/// signed by `closer` (the contributor, or while it has no completions the
/// record's `rent_payer` or the sponsor whose pool it is); its rent goes
/// back to `rent_payer`.
pub fn close_stake(
    market: &Pubkey,
    closer: &Pubkey,
    contributor: &Pubkey,
    rent_payer: &Pubkey,
) -> Instruction {
    build(
        acc::CloseStake {
            closer: *closer,
            stake: pda::stake(market, contributor).0,
            rent_payer: *rent_payer,
        },
        data::CloseStake {},
    )
}

/// `withdraw_sponsor_pool`: `amount` lamports from `sponsor`'s pool back to `sponsor`.
pub fn withdraw_sponsor_pool(sponsor: &Pubkey, amount: u64) -> Instruction {
    build(
        acc::WithdrawSponsorPool {
            sponsor: *sponsor,
            sponsor_pool: pda::sponsor_pool(sponsor).0,
            system_program: system_program::ID,
        },
        data::WithdrawSponsorPool { amount },
    )
}

/// Funds `sponsor`'s pool: a System transfer from `from` to its address.
pub fn fund_sponsor_pool(from: &Pubkey, sponsor: &Pubkey, lamports: u64) -> Instruction {
    solana_system_interface::instruction::transfer(from, &pda::sponsor_pool(sponsor).0, lamports)
}
