//! `ilm market create|show|update|list|use`: a market's stake, fee, slash and
//! attester rules, and which market later commands act in.
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{format_amount, format_duration, hex, parse_amount, parse_duration};
use anchor_lang::prelude::Pubkey;
use clap::{Args, Subcommand};
use ilm_client::ix::{self, MarketKeys};
use ilm_client::{pda, Market, MarketParams};

#[derive(Subcommand)]
pub enum MarketCmd {
    /// Create a market; you become its authority and it becomes your default market.
    Create(CreateArgs),
    /// Show a market's rules.
    Show {
        /// The market [default: --market or the remembered one].
        // Its own id: the global --market's would take this value too.
        #[arg(id = "shown", value_name = "MARKET")]
        market: Option<Pubkey>,
    },
    /// Change some rules (authority only); unnamed rules stay as they are.
    Update(UpdateArgs),
    /// Every ilm market on this ledger.
    List,
    /// Make a market the default for later commands on this ledger.
    Use {
        #[arg(id = "chosen", value_name = "MARKET")]
        market: Pubkey,
    },
}

#[derive(Args)]
pub struct CreateArgs {
    /// Mint contributors stake.
    #[arg(long)]
    stake_mint: Pubkey,
    /// Minimum stake to take work, in tokens.
    #[arg(long, default_value = "100")]
    min_stake: String,
    /// Wait between an unstake request and the withdrawal (e.g. 1d).
    #[arg(long, default_value = "1d")]
    cooldown: String,
    /// Share of an expired claim's bond the employer receives, in bps.
    #[arg(long, default_value_t = 5_000)]
    slash_bps: u16,
    /// Protocol fee on every payout, in bps (at most 1,000).
    #[arg(long, default_value_t = 250)]
    fee_bps: u16,
    /// Receives the fees [default: you].
    #[arg(long)]
    fee_owner: Option<Pubkey>,
    /// Attester keys for attested tasks (repeat the flag).
    #[arg(long = "attester")]
    attesters: Vec<Pubkey>,
    /// Attestations needed per payout (at most 4: what fits a transaction).
    #[arg(long, default_value_t = 0)]
    threshold: u8,
    /// A mint with a freeze authority you vouch for (e.g. USDC), stake or
    /// reward; mints with a freeze authority are refused otherwise (repeat, at most 4).
    #[arg(long = "freezable-mint")]
    freezable_mints: Vec<Pubkey>,
    /// Your market number (one authority may run several).
    #[arg(long, default_value_t = 0)]
    id: u64,
}

#[derive(Args)]
pub struct UpdateArgs {
    #[arg(long)]
    min_stake: Option<String>,
    #[arg(long)]
    cooldown: Option<String>,
    #[arg(long)]
    slash_bps: Option<u16>,
    #[arg(long)]
    fee_bps: Option<u16>,
    #[arg(long)]
    fee_owner: Option<Pubkey>,
    /// Replaces the attester set (repeat the flag).
    #[arg(long = "attester")]
    attesters: Vec<Pubkey>,
    #[arg(long)]
    threshold: Option<u8>,
    /// Replaces the allow-list of mints with a freeze authority (repeat the flag).
    #[arg(long = "freezable-mint")]
    freezable_mints: Vec<Pubkey>,
    /// Empties the allow-list of mints with a freeze authority.
    #[arg(long, conflicts_with = "freezable_mints")]
    no_freezable_mints: bool,
    /// Stop new tasks, claims and stakes.
    #[arg(long, conflicts_with = "unpause")]
    pause: bool,
    /// Resume.
    #[arg(long)]
    unpause: bool,
}

pub fn run(ctx: &mut Ctx, cmd: MarketCmd) -> Result<Report, String> {
    match cmd {
        MarketCmd::Create(a) => create(ctx, a),
        MarketCmd::Show { market } => {
            let address = market.map_or_else(|| ctx.market_address(), Ok)?;
            let m: Market = ctx.load(&address, "market")?;
            describe(ctx, &address, &m)
        }
        MarketCmd::Update(a) => update(ctx, a),
        MarketCmd::List => list(ctx),
        MarketCmd::Use { market } => {
            let m: Market = ctx.load(&market, "market")?;
            ctx.remember_market(&market)?;
            describe(ctx, &market, &m)
        }
    }
}

fn list(ctx: &Ctx) -> Result<Report, String> {
    let current = ctx.market_address().ok();
    let mut rows = Vec::new();
    for (address, m) in ctx.find::<Market>(&[])? {
        rows.push(serde_json::json!({
            "market": address.to_string(),
            "authority": m.authority.to_string(),
            "stake_mint": m.stake_mint.to_string(),
            "fee_bps": m.fee_bps,
            "attesters": m.attesters.len(),
            "paused": m.paused,
            "in_use": current == Some(address),
        }));
    }
    Ok(report! { "count" => rows.len(), "markets" => rows })
}

fn create(ctx: &mut Ctx, a: CreateArgs) -> Result<Report, String> {
    let mint = ctx.mint(&a.stake_mint)?;
    let keys = MarketKeys::new(ctx.me(), a.id, a.stake_mint, mint.token_program);
    if ctx
        .ledger
        .account(&keys.market)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!(
            "you already have market #{} at {}: pick another --id",
            a.id, keys.market
        ));
    }
    let params = MarketParams {
        min_stake: parse_amount(&a.min_stake, mint.decimals)?,
        unstake_cooldown_secs: parse_duration(&a.cooldown)?,
        slash_bps: a.slash_bps,
        fee_bps: a.fee_bps,
        fee_owner: a.fee_owner.unwrap_or(ctx.me()),
        attesters: a.attesters,
        attester_threshold: a.threshold,
        freezable_mints: a.freezable_mints,
    };
    let (sent, _) = ctx.send(&[ix::create_market(&keys, params)], &[])?;
    ctx.remember_market(&keys.market)?;
    let m: Market = ctx.load(&keys.market, "market")?;
    let mut r = describe(ctx, &keys.market, &m)?;
    tx_fields(&mut r, &sent);
    Ok(r)
}

fn update(ctx: &mut Ctx, a: UpdateArgs) -> Result<Report, String> {
    let (keys, m) = ctx.market()?;
    if m.authority != ctx.me() {
        return Err(format!(
            "only the market authority {} can update it; you are {}",
            m.authority,
            ctx.me()
        ));
    }
    let decimals = ctx.mint(&m.stake_mint)?.decimals;
    let params = MarketParams {
        min_stake: match a.min_stake {
            Some(s) => parse_amount(&s, decimals)?,
            None => m.min_stake,
        },
        unstake_cooldown_secs: match a.cooldown {
            Some(s) => parse_duration(&s)?,
            None => m.unstake_cooldown_secs,
        },
        slash_bps: a.slash_bps.unwrap_or(m.slash_bps),
        fee_bps: a.fee_bps.unwrap_or(m.fee_bps),
        fee_owner: a.fee_owner.unwrap_or(m.fee_owner),
        attesters: if a.attesters.is_empty() {
            m.attesters.clone()
        } else {
            a.attesters
        },
        attester_threshold: a.threshold.unwrap_or(m.attester_threshold),
        freezable_mints: if a.no_freezable_mints {
            Vec::new()
        } else if a.freezable_mints.is_empty() {
            m.freezable_mints.clone()
        } else {
            a.freezable_mints
        },
    };
    let paused = if a.pause {
        true
    } else if a.unpause {
        false
    } else {
        m.paused
    };
    let (sent, _) = ctx.send(&[ix::update_market(&keys, params, paused)], &[])?;
    let m: Market = ctx.load(&keys.market, "market")?;
    let mut r = describe(ctx, &keys.market, &m)?;
    tx_fields(&mut r, &sent);
    Ok(r)
}

fn describe(ctx: &Ctx, address: &Pubkey, m: &Market) -> Result<Report, String> {
    let decimals = ctx.mint(&m.stake_mint)?.decimals;
    Ok(report! {
        "market" => address.to_string(),
        "authority" => m.authority.to_string(),
        "market_id" => m.market_id,
        "stake_mint" => m.stake_mint.to_string(),
        "stake_vault" => pda::stake_vault(address).0.to_string(),
        "min_stake" => format_amount(m.min_stake, decimals),
        "unstake_cooldown" => format_duration(m.unstake_cooldown_secs),
        "slash_bps" => m.slash_bps,
        "fee_bps" => m.fee_bps,
        "fee_owner" => m.fee_owner.to_string(),
        "attesters" => m.attesters.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        "attester_threshold" => m.attester_threshold,
        "freezable_mints" => m.freezable_mints.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        "domain" => hex(&m.domain),
        "paused" => m.paused,
    })
}
