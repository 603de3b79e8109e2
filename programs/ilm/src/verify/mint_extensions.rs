//! Token-2022 mint extensions ilm refuses, read straight from the TLV area.
//!
//! Each refused extension can take escrowed money away from the people it is
//! owed to: a transfer hook or pause can block payouts, a permanent delegate can
//! drain the vault, a transfer fee makes the vault hold less than it was
//! credited, non-transferable or confidential balances cannot be paid out, and a
//! frozen default state freezes the vault at creation.
use crate::error::IlmError;
use anchor_lang::prelude::*;

/// Length of a base SPL mint.
const MINT_LEN: usize = 82;
/// Token-2022 pads mints to the token-account length before the account type byte.
const ACCOUNT_TYPE_OFFSET: usize = 165;
const ACCOUNT_TYPE_MINT: u8 = 1;

const EXT_TRANSFER_FEE_CONFIG: u16 = 1;
const EXT_CONFIDENTIAL_TRANSFER_MINT: u16 = 4;
const EXT_DEFAULT_ACCOUNT_STATE: u16 = 6;
const EXT_NON_TRANSFERABLE: u16 = 9;
const EXT_PERMANENT_DELEGATE: u16 = 12;
const EXT_TRANSFER_HOOK: u16 = 14;
const EXT_PAUSABLE: u16 = 26;
/// `AccountState::Frozen` in a DefaultAccountState extension.
const STATE_FROZEN: u8 = 2;

/// Accepts a classic mint or a Token-2022 mint without a refused extension.
/// Never panics on malformed input: every read is bounds-checked.
pub fn check_mint_extensions(data: &[u8]) -> Result<()> {
    if data.len() == MINT_LEN {
        return Ok(());
    }
    require!(
        data.len() > ACCOUNT_TYPE_OFFSET && data[ACCOUNT_TYPE_OFFSET] == ACCOUNT_TYPE_MINT,
        IlmError::InvalidMintData
    );
    let mut tlv = &data[ACCOUNT_TYPE_OFFSET + 1..];
    while tlv.len() >= 4 {
        let kind = u16::from_le_bytes([tlv[0], tlv[1]]);
        let len = usize::from(u16::from_le_bytes([tlv[2], tlv[3]]));
        if kind == 0 {
            // Uninitialized entry: the rest is padding.
            break;
        }
        let value = tlv.get(4..4 + len).ok_or(IlmError::InvalidMintData)?;
        let refused = match kind {
            EXT_TRANSFER_FEE_CONFIG
            | EXT_CONFIDENTIAL_TRANSFER_MINT
            | EXT_NON_TRANSFERABLE
            | EXT_PERMANENT_DELEGATE
            | EXT_TRANSFER_HOOK
            | EXT_PAUSABLE => true,
            EXT_DEFAULT_ACCOUNT_STATE => value.first() == Some(&STATE_FROZEN),
            _ => false,
        };
        require!(!refused, IlmError::UnsupportedMintExtension);
        tlv = &tlv[4 + len..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mint_with(exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut d = vec![0u8; ACCOUNT_TYPE_OFFSET];
        d.push(ACCOUNT_TYPE_MINT);
        for (kind, value) in exts {
            d.extend_from_slice(&kind.to_le_bytes());
            d.extend_from_slice(&(value.len() as u16).to_le_bytes());
            d.extend_from_slice(value);
        }
        d
    }

    fn code(r: Result<()>) -> Option<u32> {
        match r {
            Ok(()) => None,
            Err(Error::AnchorError(e)) => Some(e.error_code_number),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    const REFUSED: u32 = 6000 + IlmError::UnsupportedMintExtension as u32;
    const MALFORMED: u32 = 6000 + IlmError::InvalidMintData as u32;

    #[test]
    fn classic_and_harmless_mints_pass() {
        assert_eq!(code(check_mint_extensions(&[0u8; MINT_LEN])), None);
        // metadata pointer (18) and mint close authority (3) are harmless
        let d = mint_with(&[(18, vec![0; 64]), (3, vec![0; 32])]);
        assert_eq!(code(check_mint_extensions(&d)), None);
        // DefaultAccountState = Initialized is harmless
        let d = mint_with(&[(EXT_DEFAULT_ACCOUNT_STATE, vec![1])]);
        assert_eq!(code(check_mint_extensions(&d)), None);
    }

    #[test]
    fn each_dangerous_extension_is_refused() {
        for (kind, value) in [
            (EXT_TRANSFER_FEE_CONFIG, vec![0; 108]),
            (EXT_CONFIDENTIAL_TRANSFER_MINT, vec![0; 65]),
            (EXT_NON_TRANSFERABLE, vec![]),
            (EXT_PERMANENT_DELEGATE, vec![7; 32]),
            (EXT_TRANSFER_HOOK, vec![0; 64]),
            (EXT_PAUSABLE, vec![0; 33]),
            (EXT_DEFAULT_ACCOUNT_STATE, vec![STATE_FROZEN]),
        ] {
            let d = mint_with(&[(18, vec![0; 64]), (kind, value)]);
            assert_eq!(
                code(check_mint_extensions(&d)),
                Some(REFUSED),
                "extension {kind}"
            );
        }
    }

    #[test]
    fn malformed_data_is_refused() {
        assert_eq!(code(check_mint_extensions(&[0u8; 100])), Some(MALFORMED));
        let mut d = mint_with(&[(18, vec![0; 64])]);
        d.truncate(d.len() - 1);
        assert_eq!(code(check_mint_extensions(&d)), Some(MALFORMED));
    }

    proptest! {
        #[test]
        fn never_panics(data in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = check_mint_extensions(&data);
        }

        #[test]
        fn tail_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut d = mint_with(&[]);
            d.extend_from_slice(&tail);
            let _ = check_mint_extensions(&d);
        }
    }
}
