//! Token-2022 mint extensions ilm accepts, read straight from the TLV area.
//!
//! An allow-list: every extension type not named here is refused, including
//! any Token-2022 adds later. The refused ones can take escrowed money away
//! from the people it is owed to (a transfer hook or pause can block payouts,
//! a permanent delegate can drain the vault, a transfer fee makes the vault
//! hold less than it was credited, non-transferable or confidential balances
//! cannot be paid out, a default account state lets the freeze authority make
//! every new account frozen, so a contributor could not even open one to be
//! paid in). The accepted ones change only metadata, display or the right to
//! close a zero-supply mint (which is why `stake` and `fund_task` check the
//! mint again: a closed mint can be re-created with other extensions).
use crate::error::IlmError;
use anchor_lang::prelude::*;

/// Length of a base SPL mint.
const MINT_LEN: usize = 82;
/// Token-2022 pads mints to the token-account length before the account type byte.
const ACCOUNT_TYPE_OFFSET: usize = 165;
const ACCOUNT_TYPE_MINT: u8 = 1;

const EXT_MINT_CLOSE_AUTHORITY: u16 = 3;
const EXT_INTEREST_BEARING_CONFIG: u16 = 10;
const EXT_METADATA_POINTER: u16 = 18;
const EXT_TOKEN_METADATA: u16 = 19;
const EXT_GROUP_POINTER: u16 = 20;
const EXT_TOKEN_GROUP: u16 = 21;
const EXT_GROUP_MEMBER_POINTER: u16 = 22;
const EXT_TOKEN_GROUP_MEMBER: u16 = 23;
const EXT_SCALED_UI_AMOUNT: u16 = 25;

/// Accepts a classic mint or a Token-2022 mint whose every extension is on
/// the allow-list. Never panics on malformed input: every read is bounds-checked.
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
        tlv.get(4..4 + len).ok_or(IlmError::InvalidMintData)?;
        let accepted = matches!(
            kind,
            EXT_MINT_CLOSE_AUTHORITY
                | EXT_INTEREST_BEARING_CONFIG
                | EXT_METADATA_POINTER
                | EXT_TOKEN_METADATA
                | EXT_GROUP_POINTER
                | EXT_TOKEN_GROUP
                | EXT_GROUP_MEMBER_POINTER
                | EXT_TOKEN_GROUP_MEMBER
                | EXT_SCALED_UI_AMOUNT
        );
        require!(accepted, IlmError::UnsupportedMintExtension);
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
        for kind in [3, 10, 18, 19, 20, 21, 22, 23, 25] {
            let d = mint_with(&[(18, vec![0; 64]), (kind, vec![0; 32])]);
            assert_eq!(code(check_mint_extensions(&d)), None, "extension {kind}");
        }
    }

    #[test]
    fn each_dangerous_or_unknown_extension_is_refused() {
        // transfer fee, confidential transfer, non-transferable, permanent
        // delegate, transfer hook, confidential fee, confidential mint/burn,
        // pausable, a default account state (frozen or not), and types
        // Token-2022 may add later
        for (kind, value) in [
            (1, vec![0; 108]),
            (4, vec![0; 65]),
            (9, vec![]),
            (12, vec![7; 32]),
            (14, vec![0; 64]),
            (16, vec![0; 129]),
            (24, vec![0; 64]),
            (26, vec![0; 33]),
            (6, vec![2]),
            (6, vec![1]),
            (27, vec![]),
            (60, vec![0; 8]),
            (u16::MAX, vec![]),
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
