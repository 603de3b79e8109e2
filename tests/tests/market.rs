//! create_market, update_market.
use anchor_lang::error::ErrorCode as Anchor;
use ilm_client::ix::{self, MarketKeys};
use ilm_client::IlmError;
use ilm_tests::*;
use solana_signer::Signer;

#[test]
fn create_market_ok() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let env = Env::new(flavor);
        let m = env.market_state();
        assert_eq!(m.authority, env.authority.pubkey());
        assert_eq!(m.stake_mint, env.stake_mint);
        assert_eq!(m.stake_vault, env.market.stake_vault);
        assert_eq!(m.fee_bps, 250);
        assert!(!m.paused);
        assert_eq!(m.bump, ilm_client::pda::market(&m.authority, 1).1);
        assert_eq!(env.balance(&env.market.stake_vault), 0);
    }
}
