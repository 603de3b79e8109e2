//! Decoding program accounts from raw account data.
use anchor_lang::{AccountDeserialize, Discriminator};

/// Why account data could not be read as the expected type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The data does not start with the type's discriminator.
    WrongType,
    /// The data is too short or malformed for the type.
    Malformed(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::WrongType => write!(f, "account is not of the expected ilm type"),
            DecodeError::Malformed(e) => write!(f, "account data is malformed: {e}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes an ilm account (discriminator checked).
pub fn decode<T: AccountDeserialize + Discriminator>(data: &[u8]) -> Result<T, DecodeError> {
    if !data.starts_with(T::DISCRIMINATOR) {
        return Err(DecodeError::WrongType);
    }
    T::try_deserialize(&mut &data[..]).map_err(|e| DecodeError::Malformed(e.to_string()))
}
