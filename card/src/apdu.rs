//! Short command APDUs (ISO/IEC 7816-4 §5.1) and response parsing.

use crate::Status;

/// A short command APDU: CLA INS P1 P2 [Lc data] [Le].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    data: Vec<u8>,
    /// Expected response length; `Some(0)` is not allowed (use 256).
    le: Option<u16>,
}

/// Why a command could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// Bad input: more data than a short APDU carries.
    #[error("command data is {0} bytes; a short APDU carries 1 to 255")]
    DataTooLong(usize),
    /// Bad input: an Le a short APDU cannot express.
    #[error("expected length {0} is outside 1..=256")]
    BadLe(u16),
}

impl Command {
    /// A command with data (Lc = `data.len()`) and an optional Le.
    pub fn new(
        cla: u8,
        ins: u8,
        p1: u8,
        p2: u8,
        data: &[u8],
        le: Option<u16>,
    ) -> Result<Self, CommandError> {
        if data.len() > 255 {
            return Err(CommandError::DataTooLong(data.len()));
        }
        if let Some(le) = le
            && !(1..=256).contains(&le)
        {
            return Err(CommandError::BadLe(le));
        }
        Ok(Self {
            cla,
            ins,
            p1,
            p2,
            data: data.to_vec(),
            le,
        })
    }

    /// VERIFY with no data: answers `63 Cx` with the tries left and uses none (card.md §1.4 step 3).
    pub fn verify_query() -> Self {
        Self {
            cla: 0x00,
            ins: 0x20,
            p1: 0x00,
            p2: 0x80,
            data: Vec::new(),
            le: None,
        }
    }

    /// READ BINARY of `len` bytes (1..=256) at `offset` (< 0x8000) of the current EF.
    /// SELECT a DF by name (AID), no FCI asked: `00 A4 04 0C Lc AID`.
    pub fn select_df_name(aid: &[u8]) -> Result<Self, CommandError> {
        Self::new(0x00, 0xA4, 0x04, 0x0C, aid, None)
    }

    /// SELECT an EF under the current DF by its file identifier: `00 A4 02 0C 02 id`.
    pub fn select_ef(id: u16) -> Self {
        Self {
            cla: 0x00,
            ins: 0xA4,
            p1: 0x02,
            p2: 0x0C,
            data: id.to_be_bytes().to_vec(),
            le: None,
        }
    }

    /// VERIFY against key reference `p2` (`80` = the key EF currently selected) with `secret`.
    pub fn verify(p2: u8, secret: &[u8]) -> Result<Self, CommandError> {
        Self::new(0x00, 0x20, 0x00, p2, secret, None)
    }

    /// GET RESPONSE for `le` bytes, after a `61xx`.
    pub fn get_response(le: u16) -> Self {
        Self {
            cla: 0x00,
            ins: 0xC0,
            p1: 0x00,
            p2: 0x00,
            data: Vec::new(),
            le: Some(le.clamp(1, 256)),
        }
    }

    /// The same command asking for `le` bytes (after a `6Cxx`).
    pub fn with_le(&self, le: u16) -> Self {
        Self {
            le: Some(le.clamp(1, 256)),
            ..self.clone()
        }
    }

    /// Parses a short command APDU (cases 1–4); the inverse of [`Command::to_bytes`].
    pub fn parse(bytes: &[u8]) -> Result<Self, CommandParseError> {
        let (head, body) = match bytes {
            [a, b, c, d, rest @ ..] => ([*a, *b, *c, *d], rest),
            _ => return Err(CommandParseError::TooShort(bytes.len())),
        };
        let le_of = |b: u8| if b == 0 { 256 } else { u16::from(b) };
        let (data, le) = match body {
            [] => (&[][..], None),
            [le] => (&[][..], Some(le_of(*le))),
            [0, ..] => return Err(CommandParseError::Extended),
            [lc, rest @ ..] if rest.len() == usize::from(*lc) => (rest, None),
            [lc, rest @ ..] if rest.len() == usize::from(*lc) + 1 => (
                &rest[..usize::from(*lc)],
                Some(le_of(rest[usize::from(*lc)])),
            ),
            [lc, rest @ ..] => {
                return Err(CommandParseError::LengthMismatch {
                    lc: *lc,
                    body: rest.len(),
                });
            }
        };
        let [cla, ins, p1, p2] = head;
        Ok(Self {
            cla,
            ins,
            p1,
            p2,
            data: data.to_vec(),
            le,
        })
    }

    pub fn read_binary(offset: u16, len: u16) -> Result<Self, CommandError> {
        if offset >= 0x8000 {
            return Err(CommandError::BadLe(offset));
        }
        let [p1, p2] = offset.to_be_bytes();
        Self::new(0x00, 0xB0, p1, p2, &[], Some(len))
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn le(&self) -> Option<u16> {
        self.le
    }

    /// The bytes sent to the card.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + self.data.len() + 1);
        out.extend([self.cla, self.ins, self.p1, self.p2]);
        if !self.data.is_empty() {
            // `new` keeps data within 1..=255 bytes.
            out.push(self.data.len() as u8);
            out.extend(&self.data);
        }
        if let Some(le) = self.le {
            out.push((le % 256) as u8);
        }
        out
    }
}

/// A response APDU: data followed by SW1 SW2.
/// Bytes that are not a short command APDU.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandParseError {
    #[error("command APDU is {0} bytes; expected at least CLA INS P1 P2")]
    TooShort(usize),
    #[error("command APDU uses extended length (Lc = 00); only short APDUs are supported")]
    Extended,
    #[error("command APDU says Lc = {lc} but {body} bytes follow it")]
    LengthMismatch { lc: u8, body: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub status: Status,
}

/// Why response bytes could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// Bad input from the card or reader: fewer than the two status bytes.
    #[error("response is {0} bytes; expected at least the 2 status bytes")]
    TooShort(usize),
}

impl Response {
    /// A response with `data` and `status`.
    pub fn new(data: Vec<u8>, status: Status) -> Self {
        Self { data, status }
    }

    /// A bare status word.
    pub fn status(status: Status) -> Self {
        Self::new(Vec::new(), status)
    }

    /// Data then SW1 SW2, as a card sends it.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        out.extend(self.status.to_sw());
        out
    }

    /// Splits `bytes` into data and status. Never trusts a length: fewer than two bytes is an
    /// error, not `00 00`.
    pub fn parse(bytes: &[u8]) -> Result<Self, ResponseError> {
        match bytes {
            [data @ .., sw1, sw2] => Ok(Self {
                data: data.to_vec(),
                status: Status::from_sw(*sw1, *sw2),
            }),
            _ => Err(ResponseError::TooShort(bytes.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn select_by_name_encodes_as_in_card_md() {
        // 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08: SELECT 券面事項入力補助AP.
        let aid = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
        let cmd = Command::new(0x00, 0xA4, 0x04, 0x0C, &aid, None).unwrap();
        assert_eq!(
            cmd.to_bytes(),
            [
                0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04,
                0x08
            ]
        );
    }

    #[test]
    fn read_binary_encodes_offset_and_le_256_as_zero() {
        assert_eq!(
            Command::read_binary(7, 200).unwrap().to_bytes(),
            [0x00, 0xB0, 0x00, 0x07, 0xC8]
        );
        assert_eq!(
            Command::read_binary(0x0100, 256).unwrap().to_bytes(),
            [0x00, 0xB0, 0x01, 0x00, 0x00]
        );
        assert_eq!(
            Command::read_binary(0x8000, 1),
            Err(CommandError::BadLe(0x8000))
        );
        assert_eq!(Command::read_binary(0, 0), Err(CommandError::BadLe(0)));
    }

    #[test]
    fn oversized_data_is_refused() {
        assert_eq!(
            Command::new(0, 0xD6, 0, 0, &[0; 256], None),
            Err(CommandError::DataTooLong(256))
        );
    }

    #[test]
    fn responses_shorter_than_a_status_word_are_errors() {
        assert_eq!(Response::parse(&[]), Err(ResponseError::TooShort(0)));
        assert_eq!(Response::parse(&[0x90]), Err(ResponseError::TooShort(1)));
        let r = Response::parse(&[0x01, 0x02, 0x90, 0x00]).unwrap();
        assert_eq!((r.data.as_slice(), r.status), (&[1u8, 2][..], Status::Ok));
    }

    #[test]
    fn parsing_any_short_byte_string_never_panics() {
        let mut seed = 0x1234_5678_u32;
        for len in 0..64 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed as u8
                })
                .collect();
            let parsed = Response::parse(&bytes);
            assert_eq!(parsed.is_ok(), len >= 2);
        }
    }
}
