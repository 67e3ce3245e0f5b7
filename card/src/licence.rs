//! The driver's licence IC card (運転免許証, card.md §2): name, reading, birth date and
//! address from DF1/EF01 after PIN 1.
//!
//! Flow: SELECT MF (`00 A4 00 00`) → read whether PIN 1 is set (MF/EF02 暗証番号設定, `00 B0 8A
//! 00 03`) → ask PIN 1's tries (`00 20 00 81`) → one VERIFY (`00 20 00 81 04 …`, the four
//! digits, or `2A 2A 2A 2A` "****" when the holder set no PIN) → SELECT DF1 by AID → READ BINARY with SFI 1 (`00 B0 81 00 Le`, which
//! makes EF01 current) and then by offset until 住所 (tag `17`) is complete. The same rules as
//! for the My Number card hold: tries are asked before VERIFY, a failed VERIFY is never
//! repeated by itself, the last try needs a confirmation, the PIN is wiped after VERIFY.
//!
//! EF01 is simple TLV (1-byte tag, 1-byte length). Text is JIS X 0208 two-byte codes without
//! escapes; dates are 7 ASCII digits, era (1 明治 … 5 令和) + YYMMDD.

use zeroize::{Zeroize, Zeroizing};

use crate::basic4::days_in;
use crate::mynumber::{Credential, ReadError, Secret, Tries};
use crate::transport::exchange;
use crate::{Command, Status, Transport};

/// AID of DF1 (記載事項).
pub const DF1: [u8; 16] = [
    0xA0, 0x00, 0x00, 0x02, 0x31, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
];

static JIS0208: &[u8; 17_672] = include_bytes!("../data/jis0208.bin");

/// What the licence says about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    /// 氏名
    pub name: String,
    /// 呼び名 (the reading, in katakana or as written), empty when absent.
    pub kana: String,
    /// 生年月日, Gregorian.
    pub birth: (u16, u8, u8),
    /// 住所
    pub address: String,
}

/// Malformed licence data: what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenceError {
    #[error("licence EF01: tag {tag:#04x} at offset {at} needs {len} bytes, only {left} remain")]
    Truncated {
        tag: u8,
        at: usize,
        len: usize,
        left: usize,
    },
    #[error("licence EF01: tag {0:#04x} is missing")]
    Missing(u8),
    #[error("licence text: bytes {0:02X?} are not a JIS X 0208 character")]
    Jis([u8; 2]),
    #[error("licence text has an odd number of bytes ({0})")]
    OddLength(usize),
    #[error("licence date {0:?} is not an era digit and YYMMDD")]
    Date(String),
    #[error(
        "licence MF/EF02 (暗証番号設定): expected 05 01 01 (PIN set) or 05 01 00 (not set), got {0:02X?}"
    )]
    PinSetting(Vec<u8>),
}

/// Whether the holder set PIN 1, as MF/EF02 (暗証番号設定) says. The PIN is optional; a card
/// without one expects [`NO_PIN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinSetting {
    Set,
    NotSet,
}

/// What a licence without a PIN expects in VERIFY: "****" in JIS X 0201 (TRETJapanNFCReader
/// `DriversLicenseReaderReadFunctions.swift` `readMatters`: `pin1 = [0x2A, 0x2A, 0x2A, 0x2A]`
/// when the PIN setting is off).
pub const NO_PIN: [u8; 4] = [0x2A; 4];

/// READ BINARY of MF/EF02 by its short identifier: EF id `000A` → SFI 0x0A → P1 `8A`, three
/// bytes (hmpow/DLC_Starter `jpdlc_conventional.cpp` `issetPin`:
/// `FULL_FEID_MF_EF02_PINSETTING = 0x000A`, `LE_OF_EF02 = 3`, P1 = `0x80 | shortEfId`).
pub const READ_PIN_SETTING: [u8; 5] = [0x00, 0xB0, 0x8A, 0x00, 0x03];

/// EF02 is one simple TLV: tag `05`, length `01`, value `01` (set) or `00` (not set) (hmpow
/// `issetPin`: `TAG_OF_EF02 = 0x0005`, `EF02_PIN_SETTING_ON = 0x01`, `_OFF = 0x00`;
/// TRETJapanNFCReader `DriversLicenseCard.swift` `convertToPinSetting`). Anything else is named,
/// never guessed: guessing wrong costs one of three tries.
pub fn parse_pin_setting(ef02: &[u8]) -> Result<PinSetting, LicenceError> {
    match ef02 {
        [0x05, 0x01, 0x01] => Ok(PinSetting::Set),
        [0x05, 0x01, 0x00] => Ok(PinSetting::NotSet),
        other => Err(LicenceError::PinSetting(other.to_vec())),
    }
}

/// What a 外字 (0xFFF1–0xFFF7: a character outside JIS X 0208, kept as an image in another
/// EF) or 欠字 (0xFFFA: a character left out) decodes to: 〓, the mark staff already check
/// against the card face on the review screen ([`crate::readers::substitute_chars`]), as for
/// the My Number card's substitute characters.
pub const GAIJI_MARK: char = '〓';

/// Whether a two-byte code is a 外字 or 欠字 code (card.md, "Corrections after an
/// independent protocol audit"). The 警察庁 specification names them 0xFFF1–0xFFF7 and
/// 0xFFFA; its text could not be read here. The open implementations disagree on the order
/// on the card: TRETJapanNFCReader's first version (`Sources/Core/Extensions.swift`, 2019,
/// `case Data([0xFF, 0xF1])` compared in card order) takes `FF F1`, high byte first like every
/// JIS character, and its later `DriversLicenseExtensions.swift` (`UInt16(data[1]) << 8 +
/// UInt16(data[0]) >= 0xFFF1`) takes `F1 FF`. High byte first is what the simulator writes.
/// Neither order can be a JIS X 0208 character (both bytes of one are 0x21–0x7E), so both are
/// taken, and both become [`GAIJI_MARK`], which the review screen flags for staff to correct
/// against the card face: never a failed read, never a silent guess at the character.
fn is_gaiji(r: u8, c: u8) -> bool {
    let code = |b: u8| matches!(b, 0xF1..=0xF7 | 0xFA);
    (r == 0xFF && code(c)) || (code(r) && c == 0xFF)
}

/// Decodes JIS X 0208 two-byte codes (no escape sequences). Full-width spaces stay; trailing
/// padding (`21 21` spaces or `00`/`FF` bytes) is cut. 外字 and 欠字 codes become
/// [`GAIJI_MARK`].
pub fn decode_jis(bytes: &[u8]) -> Result<String, LicenceError> {
    // Padding is cut a whole pair at a time, so that a 外字 code stored low byte first at the
    // end (`F1 FF`) keeps its `FF`; a single odd padding byte goes first.
    let mut bytes = bytes;
    if bytes.len() % 2 == 1 && matches!(bytes.last(), Some(0x00 | 0xFF)) {
        bytes = &bytes[..bytes.len() - 1];
    }
    while let [rest @ .., a, b] = bytes
        && *a == *b
        && matches!(a, 0x00 | 0xFF)
    {
        bytes = rest;
    }
    if !bytes.len().is_multiple_of(2) {
        return Err(LicenceError::OddLength(bytes.len()));
    }
    let mut out = String::with_capacity(bytes.len() / 2 * 3);
    for pair in bytes.chunks_exact(2) {
        let (r, c) = (pair[0], pair[1]);
        let bad = || LicenceError::Jis([r, c]);
        if is_gaiji(r, c) {
            out.push(GAIJI_MARK);
            continue;
        }
        if !(0x21..=0x7E).contains(&r) || !(0x21..=0x7E).contains(&c) {
            return Err(bad());
        }
        let i = (usize::from(r - 0x21) * 94 + usize::from(c - 0x21)) * 2;
        let cp = u32::from(u16::from_be_bytes([JIS0208[i], JIS0208[i + 1]]));
        out.push(char::from_u32(cp).filter(|_| cp != 0).ok_or_else(bad)?);
    }
    Ok(out.trim_end_matches('　').to_owned())
}

/// Encodes text as JIS X 0208 (the simulator writes licences with it); `None` if a character
/// is not in JIS X 0208.
pub fn encode_jis(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.chars().count() * 2);
    for ch in text.chars() {
        let cp = u32::from(ch);
        let i = JIS0208
            .chunks_exact(2)
            .position(|p| u32::from(u16::from_be_bytes([p[0], p[1]])) == cp && cp != 0)?;
        out.extend([(i / 94) as u8 + 0x21, (i % 94) as u8 + 0x21]);
    }
    Some(out)
}

/// `3600401` → 1985-04-01 (era digit 1 明治 1868, 2 大正 1912, 3 昭和 1926, 4 平成 1989,
/// 5 令和 2019; year 1 of an era is its first year).
pub fn decode_era_date(bytes: &[u8]) -> Result<(u16, u8, u8), LicenceError> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let bad = || LicenceError::Date(text.clone());
    if bytes.len() != 7 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let n = |a: usize, b: usize| -> u16 {
        bytes[a..b]
            .iter()
            .fold(0, |acc, d| acc * 10 + u16::from(d - b'0'))
    };
    let base = match bytes[0] {
        b'1' => 1867,
        b'2' => 1911,
        b'3' => 1925,
        b'4' => 1988,
        b'5' => 2018,
        _ => return Err(bad()),
    };
    let (yy, m, d) = (n(1, 3), n(3, 5) as u8, n(5, 7) as u8);
    if yy == 0 {
        return Err(bad());
    }
    let y = base + yy;
    if m == 0 || m > 12 || d == 0 || d > days_in(y, m) {
        return Err(bad());
    }
    Ok((y, m, d))
}

/// Reads simple TLVs from `data` until the end; returns (tag, value) pairs and where the last
/// complete one ended (the rest may be a TLV cut by the read).
fn simple_tlvs(data: &[u8]) -> (Vec<(u8, &[u8])>, usize) {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 2 <= data.len() {
        let (tag, len) = (data[at], usize::from(data[at + 1]));
        if at + 2 + len > data.len() {
            break;
        }
        out.push((tag, &data[at + 2..at + 2 + len]));
        at += 2 + len;
    }
    (out, at)
}

/// Parses the start of EF01 (at least up to tag `17`).
pub fn parse(ef01: &[u8]) -> Result<Licence, LicenceError> {
    let (tlvs, end) = simple_tlvs(ef01);
    let find = |tag: u8| tlvs.iter().find(|(t, _)| *t == tag).map(|(_, v)| *v);
    if find(0x17).is_none() && end < ef01.len() {
        let (tag, len) = (ef01[end], ef01.get(end + 1).map_or(0, |l| usize::from(*l)));
        return Err(LicenceError::Truncated {
            tag,
            at: end,
            len,
            left: ef01.len().saturating_sub(end + 2),
        });
    }
    let need = |tag: u8| find(tag).ok_or(LicenceError::Missing(tag));
    Ok(Licence {
        name: decode_jis(need(0x12)?)?,
        kana: find(0x13).map(decode_jis).transpose()?.unwrap_or_default(),
        birth: decode_era_date(need(0x16)?)?,
        address: decode_jis(need(0x17)?)?,
    })
}

/// A licence card being read.
#[derive(Debug)]
pub struct LicenceAp<T: Transport> {
    t: T,
    asked: Option<Tries>,
    verified: bool,
}

/// Most of EF01 a reader will ask for (the file is 880 bytes).
const MAX_EF01: usize = 880;

impl<T: Transport> LicenceAp<T> {
    /// SELECTs the MF. A card that refuses is not a driver's licence.
    pub async fn open(t: T) -> Result<Self, ReadError> {
        Self::try_open(t).await.map_err(|(e, _)| e)
    }

    /// [`LicenceAp::open`] that hands the transport back when it fails.
    pub async fn try_open(mut t: T) -> Result<Self, (ReadError, T)> {
        let mf = Command::new(0x00, 0xA4, 0x00, 0x00, &[], None).expect("case 1 APDU");
        match exchange(&mut t, &mf).await {
            Ok(r) if r.status.is_ok() => Ok(Self {
                t,
                asked: None,
                verified: false,
            }),
            Ok(r) => Err((ReadError::NotLicence(r.status), t)),
            Err(e) => Err((e.into(), t)),
        }
    }

    /// PIN 1's tries left (empty VERIFY, uses none).
    pub async fn tries(&mut self) -> Result<Tries, ReadError> {
        let q = Command::new(0x00, 0x20, 0x00, 0x81, &[], None).expect("case 1 APDU");
        let r = exchange(&mut self.t, &q).await?;
        let tries = match r.status {
            Status::RemainingTries(0) | Status::Blocked => Tries::Blocked,
            Status::RemainingTries(n) => Tries::Left(n),
            Status::Ok => Tries::Verified,
            status => {
                return Err(ReadError::Card {
                    step: "VERIFY PIN 1 (tries query)",
                    status,
                });
            }
        };
        self.verified = tries == Tries::Verified;
        self.asked = Some(tries);
        Ok(tries)
    }

    /// Whether PIN 1 is set (MF/EF02), read before asking the holder: a card without a PIN
    /// expects [`NO_PIN`], and digits guessed against it only use up tries. `None` when the card
    /// has no such file (it answered `6A 82`): then nobody can say, and both are offered.
    pub async fn pin_setting(&mut self) -> Result<Option<PinSetting>, ReadError> {
        let r = self.t.transmit(&READ_PIN_SETTING).await?;
        let (data, status) = match r.as_slice() {
            [data @ .., a, b] => (data, Status::from_sw(*a, *b)),
            _ => {
                return Err(ReadError::Protocol(
                    "READ BINARY MF/EF02 answer is too short".into(),
                ));
            }
        };
        match status {
            Status::Ok => parse_pin_setting(data)
                .map(Some)
                .map_err(|e| ReadError::BadRecord(e.to_string())),
            Status::NotFound => Ok(None),
            status => Err(ReadError::Card {
                step: "READ BINARY MF/EF02 (暗証番号設定)",
                status,
            }),
        }
    }

    /// One VERIFY of PIN 1 (a [`Secret`] made for [`Credential::Pin`]).
    pub async fn verify(&mut self, pin: Secret, confirmed_last_try: bool) -> Result<(), ReadError> {
        let credential = pin.credential();
        self.verify_with(credential, pin.digits(), confirmed_last_try)
            .await
    }

    /// One VERIFY of PIN 1 with [`NO_PIN`], for a holder who set no PIN (「暗証番号を設定して
    /// いない」). The same rules as for digits: tries asked first, the last try confirmed.
    pub async fn verify_without_pin(&mut self, confirmed_last_try: bool) -> Result<(), ReadError> {
        self.verify_with(Credential::Pin, &NO_PIN, confirmed_last_try)
            .await
    }

    async fn verify_with(
        &mut self,
        credential: Credential,
        data: &[u8],
        confirmed_last_try: bool,
    ) -> Result<(), ReadError> {
        match self.asked.take() {
            Some(Tries::Left(1)) if !confirmed_last_try => {
                self.asked = Some(Tries::Left(1));
                return Err(ReadError::ConfirmLastTry(credential));
            }
            Some(Tries::Left(_)) if credential == Credential::Pin => {}
            Some(Tries::Blocked) => return Err(ReadError::Locked(credential)),
            Some(Tries::Verified) => return Ok(()),
            _ => return Err(ReadError::TriesNotAsked(credential)),
        }
        let mut apdu = Zeroizing::new(vec![0x00, 0x20, 0x00, 0x81, 0x04]);
        apdu.extend(data);
        let mut answer = self.t.transmit(&apdu).await?;
        apdu.zeroize();
        let status = match answer.as_slice() {
            [.., a, b] => Status::from_sw(*a, *b),
            _ => return Err(ReadError::Protocol("VERIFY answer is too short".into())),
        };
        answer.zeroize();
        match status {
            Status::Ok => {
                self.verified = true;
                Ok(())
            }
            Status::RemainingTries(0) | Status::Blocked => Err(ReadError::Locked(credential)),
            Status::RemainingTries(left) => Err(ReadError::WrongSecret { credential, left }),
            status => Err(ReadError::Card {
                step: "VERIFY PIN 1",
                status,
            }),
        }
    }

    /// SELECTs DF1 and reads EF01 until the address is complete.
    pub async fn read(&mut self) -> Result<Licence, ReadError> {
        if !self.verified {
            return Err(ReadError::NotVerified);
        }
        let select = Command::select_df_name(&DF1).expect("16-byte AID");
        let r = exchange(&mut self.t, &select).await?;
        if !r.status.is_ok() {
            return Err(ReadError::Card {
                step: "SELECT DF1",
                status: r.status,
            });
        }
        // The first read names EF01 by its short identifier, making it the current EF.
        let first = Command::new(0x00, 0xB0, 0x81, 0x00, &[], Some(255)).expect("short APDU");
        let mut data = self.read_chunk(&first).await?;
        loop {
            let (tlvs, _) = simple_tlvs(&data);
            if tlvs.iter().any(|(t, _)| *t == 0x17) || data.len() >= MAX_EF01 {
                break;
            }
            let want = (MAX_EF01 - data.len()).min(255) as u16;
            let next = Command::read_binary(data.len() as u16, want)
                .map_err(|e| ReadError::Protocol(e.to_string()))?;
            let chunk = self.read_chunk(&next).await?;
            if chunk.is_empty() {
                break;
            }
            data.extend(chunk);
        }
        parse(&data).map_err(|e| ReadError::BadRecord(e.to_string()))
    }

    async fn read_chunk(&mut self, cmd: &Command) -> Result<Vec<u8>, ReadError> {
        let r = exchange(&mut self.t, cmd).await?;
        match r.status {
            Status::Ok => Ok(r.data),
            Status::OffsetOutOfRange | Status::Unknown(0x6282) => Ok(Vec::new()),
            Status::SecurityNotSatisfied => Err(ReadError::NotVerified),
            status => Err(ReadError::Card {
                step: "READ BINARY EF01",
                status,
            }),
        }
    }

    pub fn into_inner(self) -> T {
        self.t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn card_md_decoding_vectors() {
        assert_eq!(decode_jis(&[0x30, 0x21]).unwrap(), "亜");
        assert_eq!(decode_era_date(b"3600401").unwrap(), (1985, 4, 1));
        assert_eq!(decode_era_date(b"5010501").unwrap(), (2019, 5, 1));
        assert_eq!(decode_era_date(b"4310430").unwrap(), (2019, 4, 30));
    }

    /// 髙 and 﨑 are not in JIS X 0208: a card stores them as 外字 codes 0xFFF1–0xFFF7 (and a
    /// left-out character as 欠字 0xFFFA). One of them used to fail the whole read.
    #[test]
    fn issue_25_gaiji_and_kesshi_codes_become_the_mark_staff_check() {
        // 山(3B 33) FFF1 　(21 21) 太(42 40) 郎(4F 3A)
        let name = [0x3B, 0x33, 0xFF, 0xF1, 0x21, 0x21, 0x42, 0x40, 0x4F, 0x3A];
        assert_eq!(decode_jis(&name).unwrap(), "山〓　太郎");
        // The same low byte first, as TRETJapanNFCReader reads these codes.
        let swapped = [0x3B, 0x33, 0xF1, 0xFF, 0x21, 0x21, 0x42, 0x40, 0x4F, 0x3A];
        assert_eq!(decode_jis(&swapped).unwrap(), "山〓　太郎");
        // 欠字, and a 外字 as the last character before FF padding, in either order.
        assert_eq!(decode_jis(&[0x3B, 0x33, 0xFF, 0xFA]).unwrap(), "山〓");
        assert_eq!(
            decode_jis(&[0x3B, 0x33, 0xF7, 0xFF, 0xFF, 0xFF]).unwrap(),
            "山〓"
        );
        assert_eq!(
            decode_jis(&[0x3B, 0x33, 0xFF, 0xF7, 0xFF, 0xFF, 0xFF]).unwrap(),
            "山〓"
        );
        // Codes next to them are still errors with their bytes named.
        assert_eq!(
            decode_jis(&[0xFF, 0xF8]),
            Err(LicenceError::Jis([0xFF, 0xF8]))
        );
        assert_eq!(
            decode_jis(&[0xFF, 0xF0]),
            Err(LicenceError::Jis([0xFF, 0xF0]))
        );
        assert_eq!(
            crate::readers::substitute_chars(&decode_jis(&name).unwrap()),
            ['〓']
        );
    }

    #[test]
    fn text_round_trips_and_padding_is_cut() {
        let text = "試験　花子";
        let mut jis = encode_jis(text).unwrap();
        assert_eq!(decode_jis(&jis).unwrap(), text);
        jis.extend([0x21, 0x21, 0xFF, 0xFF]);
        assert_eq!(decode_jis(&jis).unwrap(), text);
        assert_eq!(encode_jis("😀"), None);
    }

    #[test]
    fn bad_text_and_dates_are_named() {
        assert_eq!(decode_jis(&[0x30]), Err(LicenceError::OddLength(1)));
        assert_eq!(
            decode_jis(&[0x80, 0x21]),
            Err(LicenceError::Jis([0x80, 0x21]))
        );
        assert_eq!(
            decode_jis(&[0x22, 0x2F]),
            Err(LicenceError::Jis([0x22, 0x2F]))
        );
        for bad in [
            &b"6600401"[..],
            b"3601301",
            b"3000101",
            b"36004",
            b"3600A01",
            b"4010229",
        ] {
            assert!(decode_era_date(bad).is_err(), "{bad:?}");
        }
        // 平成4年 (1992) is a leap year.
        assert_eq!(decode_era_date(b"4040229").unwrap(), (1992, 2, 29));
    }
}
