//! Whether the program deployed at an address is the build a tool carries:
//! anyone can deploy a program at ilm's well-known local id on a public
//! cluster, and transactions built for this build mean something else to
//! another one. The deployed bytes are compared with the `.so`, and the
//! comparison is remembered by deployment slot so a cluster sends the
//! program's 1.3 MB once, not before every command.
use crate::{Ledger, LedgerError};
use anchor_lang::prelude::Pubkey;
use sha2::{Digest, Sha256};

/// The upgradeable loader (`solana program deploy`).
const UPGRADEABLE_LOADER: Pubkey =
    anchor_lang::pubkey!("BPFLoaderUpgradeab1e11111111111111111111111");
/// The older loaders, whose program account holds the ELF itself.
const LOADER_V2: Pubkey = anchor_lang::pubkey!("BPFLoader2111111111111111111111111111111111");
const LOADER_V1: Pubkey = anchor_lang::pubkey!("BPFLoader1111111111111111111111111111111111");
/// Loader v4, whose program account holds a 48-byte header then the ELF.
const LOADER_V4: Pubkey = anchor_lang::pubkey!("LoaderV411111111111111111111111111111111111");
const LOADER_V4_HEADER: usize = 48;
/// `ProgramData { slot, upgrade_authority_address }` before the ELF.
const PROGRAMDATA_HEADER: usize = 45;

/// Where a deployed program's bytes are, as far as a check needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deployment {
    /// The account holding the ELF (the program data account for the
    /// upgradeable loader, else the program account).
    pub data_account: Pubkey,
    /// Bytes before the ELF in that account.
    pub header: usize,
    /// The slot it was last deployed at (upgradeable loader), which changes
    /// with every upgrade; `None` for the other loaders, whose programs are
    /// compared in full every time.
    pub slot: Option<u64>,
}

/// Finds the deployment of `program`, reading only headers.
pub fn deployment(ledger: &dyn Ledger, program: &Pubkey) -> Result<Deployment, LedgerError> {
    let not_deployed = || LedgerError::NotDeployed {
        program: *program,
        ledger: ledger.describe(),
    };
    let account = ledger
        .account_slice(program, 0, 36)?
        .ok_or_else(not_deployed)?;
    if !account.executable {
        return Err(not_deployed());
    }
    if account.owner == UPGRADEABLE_LOADER {
        // UpgradeableLoaderState::Program { programdata_address }.
        let data_account = account
            .data
            .get(4..36)
            .filter(|_| account.data.starts_with(&[2, 0, 0, 0]))
            .map(|b| Pubkey::try_from(b).expect("32 bytes"))
            .ok_or_else(not_deployed)?;
        let header = ledger
            .account_slice(&data_account, 0, PROGRAMDATA_HEADER)?
            .ok_or_else(not_deployed)?;
        let slot = header
            .data
            .get(4..12)
            .filter(|_| header.data.starts_with(&[3, 0, 0, 0]))
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .ok_or_else(not_deployed)?;
        return Ok(Deployment {
            data_account,
            header: PROGRAMDATA_HEADER,
            slot: Some(slot),
        });
    }
    let header = match account.owner {
        o if o == LOADER_V2 || o == LOADER_V1 => 0,
        o if o == LOADER_V4 => LOADER_V4_HEADER,
        _ => return Err(not_deployed()),
    };
    Ok(Deployment {
        data_account: *program,
        header,
        slot: None,
    })
}

/// The SHA-256 of a program's ELF as hex: a deployment may hold trailing
/// zero bytes after it (room for upgrades), which are not part of it.
pub fn elf_hash(elf: &[u8]) -> String {
    let end = elf.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
    Sha256::digest(&elf[..end])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks that `deployment` holds exactly `so`; the error says both hashes.
pub fn check_program(
    ledger: &dyn Ledger,
    program: &Pubkey,
    deployment: &Deployment,
    so: &[u8],
) -> Result<(), LedgerError> {
    let account =
        ledger
            .account(&deployment.data_account)?
            .ok_or_else(|| LedgerError::NotDeployed {
                program: *program,
                ledger: ledger.describe(),
            })?;
    let elf = account.data.get(deployment.header..).unwrap_or_default();
    if holds(elf, so) {
        return Ok(());
    }
    Err(LedgerError::OtherProgram {
        program: *program,
        ledger: ledger.describe(),
        deployed: elf_hash(elf),
        carried: elf_hash(so),
    })
}

/// Whether program bytes `held` (padded with zeros to their capacity) are `so`.
pub fn holds(held: &[u8], so: &[u8]) -> bool {
    held.len() >= so.len() && held[..so.len()] == *so && held[so.len()..].iter().all(|b| *b == 0)
}
