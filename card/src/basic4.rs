//! EF 0002 of the 券面事項入力補助AP: 基本4情報 (name, address, birth date, sex) as
//! `FF20 { DF21 offsets, DF22 name, DF23 address, DF24 YYYYMMDD, DF25 sex }` (card.md §1.6).
//! The DF21 offset table is checked against the real positions; a record whose table
//! disagrees is refused rather than trusted.

use crate::tlv::{self, TlvError};

/// 性別 as the card codes it (`1` male, `2` female, `9` not applicable, `0` unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Unknown,
    Male,
    Female,
    NotApplicable,
    /// Any other byte, kept as read.
    Other(u8),
}

/// The four items, as printed on the card's face.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basic4 {
    /// 氏名 (family and given name are usually separated by U+3000; not always).
    pub name: String,
    /// 住所 (block numbers in full-width digits on real cards).
    pub address: String,
    /// 生年月日, Gregorian.
    pub birth: (u16, u8, u8),
    pub sex: Sex,
}

/// Bad card data: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Basic4Error {
    #[error(transparent)]
    Tlv(#[from] TlvError),
    #[error("基本4情報: expected tag FF20 at offset 0, found {0:#06x}")]
    NotBasic4(u16),
    #[error("基本4情報: tag {0:#06x} is missing")]
    Missing(u16),
    #[error(
        "基本4情報: the offset table (DF21) says {field} starts at {table}, but it is at {actual}"
    )]
    OffsetMismatch {
        field: &'static str,
        table: usize,
        actual: usize,
    },
    #[error("基本4情報: {field} is not UTF-8 text")]
    NotUtf8 { field: &'static str },
    #[error("基本4情報: birth date {0:?} is not YYYYMMDD")]
    BadBirthDate(String),
    #[error("基本4情報: sex must be one byte, found {0}")]
    BadSex(usize),
}

/// Days in `month` of `year` (Gregorian); 0 for a month that does not exist.
pub(crate) fn days_in(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// Parses the record from the start of EF 0002 (filler after the TLV is ignored).
pub fn parse(file: &[u8]) -> Result<Basic4, Basic4Error> {
    let outer = tlv::read(file, 0)?;
    if outer.tag != 0xFF20 {
        return Err(Basic4Error::NotBasic4(outer.tag));
    }
    // Children with their offsets in the file.
    let value_start = outer.end - outer.value.len();
    let kids = tlv::children(outer.value)?;
    let find = |tag: u16| {
        kids.iter()
            .find(|t| t.tag == tag)
            .ok_or(Basic4Error::Missing(tag))
    };
    let table = find(0xDF21)?;
    let fields = [
        (0xDF22, "氏名"),
        (0xDF23, "住所"),
        (0xDF24, "生年月日"),
        (0xDF25, "性別"),
    ];
    if table.value.len() != 8 {
        return Err(Basic4Error::Missing(0xDF21));
    }
    for (i, (tag, field)) in fields.iter().enumerate() {
        let t = find(*tag)?;
        let listed = usize::from(table.value[2 * i]) << 8 | usize::from(table.value[2 * i + 1]);
        let actual = value_start + t.start;
        if listed != actual {
            return Err(Basic4Error::OffsetMismatch {
                field,
                table: listed,
                actual,
            });
        }
    }
    let text = |tag: u16, field: &'static str| -> Result<String, Basic4Error> {
        String::from_utf8(find(tag)?.value.to_vec()).map_err(|_| Basic4Error::NotUtf8 { field })
    };
    let birth_raw = find(0xDF24)?.value;
    let birth_text = String::from_utf8_lossy(birth_raw).into_owned();
    let digits = |r: std::ops::Range<usize>| -> Option<u16> {
        let s = birth_text.get(r)?;
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, m, d) = match (birth_raw.len(), digits(0..4), digits(4..6), digits(6..8)) {
        (8, Some(y), Some(m), Some(d)) => (y, m as u8, d as u8),
        _ => return Err(Basic4Error::BadBirthDate(birth_text)),
    };
    if m == 0 || d == 0 || d > days_in(y, m) {
        return Err(Basic4Error::BadBirthDate(birth_text));
    }
    let sex = match find(0xDF25)?.value {
        [b'0'] => Sex::Unknown,
        [b'1'] => Sex::Male,
        [b'2'] => Sex::Female,
        [b'9'] => Sex::NotApplicable,
        [other] => Sex::Other(*other),
        v => return Err(Basic4Error::BadSex(v.len())),
    };
    Ok(Basic4 {
        name: text(0xDF22, "氏名")?,
        address: text(0xDF23, "住所")?,
        birth: (y, m, d),
        sex,
    })
}

fn ber_len(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7F => out.push(len as u8),
        0x80..=0xFF => out.extend([0x81, len as u8]),
        _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
    }
}

impl Sex {
    /// The byte the card stores.
    pub fn code(self) -> u8 {
        match self {
            Sex::Unknown => b'0',
            Sex::Male => b'1',
            Sex::Female => b'2',
            Sex::NotApplicable => b'9',
            Sex::Other(b) => b,
        }
    }
}

impl Basic4 {
    /// Writes the record as the card holds it in EF 0002 (the card simulator and tests use
    /// this; [`parse`] reads it back unchanged).
    pub fn to_record(&self) -> Vec<u8> {
        let (y, m, d) = self.birth;
        let birth = format!("{y:04}{m:02}{d:02}");
        let fields: [(u8, &[u8]); 4] = [
            (0x22, self.name.as_bytes()),
            (0x23, self.address.as_bytes()),
            (0x24, birth.as_bytes()),
            (0x25, &[self.sex.code()]),
        ];
        let mut body = Vec::new();
        let mut starts = Vec::new();
        for (tag, value) in fields {
            starts.push(body.len());
            body.extend([0xDF, tag]);
            ber_len(&mut body, value.len());
            body.extend(value);
        }
        // The outer header and the 11-byte DF21 table come before the fields.
        let inner_len = 11 + body.len();
        let mut out = vec![0xFF, 0x20];
        ber_len(&mut out, inner_len);
        let base = out.len() + 11;
        out.extend([0xDF, 0x21, 0x08]);
        for start in starts {
            out.extend(((base + start) as u16).to_be_bytes());
        }
        out.extend(body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    /// card.md §6.2 (b), synthetic record A.
    fn record_a() -> Vec<u8> {
        hex("FF 20 59 DF 21 08 00 0E 00 20 00 4D 00 58 DF 22 0F E8 A9 A6 E9 A8 93 E3 80 80 E8 8A B1 E5
             AD 90 DF 23 2A E6 9E B6 E7 A9 BA E7 9C 8C E6 9E B6 E7 A9 BA E5 B8 82 E8 A9 A6 E9 A8 93 E7
             94 BA EF BC 91 EF BC 8D EF BC 92 EF BC 8D EF BC 93 DF 24 08 31 39 38 35 30 34 30 31 DF 25
             01 32")
    }

    /// Synthetic record B: `81` length form, a 40-character address (card.md §6.2 (b)).
    fn record_b() -> Vec<u8> {
        let name = "長名　太郎".as_bytes().to_vec();
        let address = "架空県".repeat(13) + "市";
        let address = address.as_bytes().to_vec();
        assert_eq!(address.len(), 0x78);
        let mut v = hex("FF 20 81 A7 DF 21 08 00 0F 00 21 00 9C 00 A7 DF 22 0F");
        v.extend(name);
        v.extend([0xDF, 0x23, 0x78]);
        v.extend(address);
        v.extend(hex("DF 24 08 32 30 30 30 30 32 32 39 DF 25 01 31"));
        v
    }

    #[test]
    fn record_a_reads_as_printed_on_the_card() {
        let a = record_a();
        assert_eq!(a.len(), 92);
        let b4 = parse(&a).unwrap();
        assert_eq!(b4.name, "試験　花子");
        assert_eq!(b4.address, "架空県架空市試験町１－２－３");
        assert_eq!(b4.birth, (1985, 4, 1));
        assert_eq!(b4.sex, Sex::Female);
        // Filler after the record is ignored.
        let mut filled = a.clone();
        filled.extend([0xFF; 20]);
        assert_eq!(parse(&filled).unwrap(), b4);
    }

    #[test]
    fn record_b_with_a_long_address_uses_the_81_length_form() {
        let b = record_b();
        assert_eq!(b.len(), 171);
        let b4 = parse(&b).unwrap();
        assert_eq!(b4.name, "長名　太郎");
        assert_eq!(b4.address.chars().count(), 40);
        assert_eq!((b4.birth, b4.sex), ((2000, 2, 29), Sex::Male));
    }

    #[test]
    fn records_written_by_to_record_are_the_card_md_bytes() {
        for rec in [record_a(), record_b()] {
            assert_eq!(parse(&rec).unwrap().to_record(), rec);
        }
    }

    #[test]
    fn an_offset_table_that_disagrees_is_refused() {
        let mut a = record_a();
        a[6] = 0x00;
        a[7] = 0x0F;
        assert_eq!(
            parse(&a),
            Err(Basic4Error::OffsetMismatch {
                field: "氏名",
                table: 0x0F,
                actual: 0x0E
            })
        );
    }

    #[test]
    fn sex_codes_and_bad_dates() {
        let with = |sex: u8, date: &[u8; 8]| {
            let mut a = record_a();
            let n = a.len();
            a[n - 1] = sex;
            a[n - 12..n - 4].copy_from_slice(date);
            parse(&a)
        };
        assert_eq!(with(b'0', b"19850401").unwrap().sex, Sex::Unknown);
        assert_eq!(with(b'1', b"19850401").unwrap().sex, Sex::Male);
        assert_eq!(with(b'9', b"19850401").unwrap().sex, Sex::NotApplicable);
        assert_eq!(with(b'3', b"19850401").unwrap().sex, Sex::Other(b'3'));
        assert_eq!(
            with(b'2', b"19851301"),
            Err(Basic4Error::BadBirthDate("19851301".into()))
        );
        assert_eq!(
            with(b'2', b"1985040A"),
            Err(Basic4Error::BadBirthDate("1985040A".into()))
        );
        assert_eq!(
            with(b'2', b"19850229"),
            Err(Basic4Error::BadBirthDate("19850229".into()))
        );
    }

    #[test]
    fn any_truncation_is_an_error_not_a_panic() {
        let a = record_a();
        for n in 0..a.len() {
            assert!(parse(&a[..n]).is_err(), "{n} bytes parsed");
        }
        assert_eq!(
            parse(&[0x5A, 0x01, 0x00]),
            Err(Basic4Error::NotBasic4(0x5A))
        );
    }
}
