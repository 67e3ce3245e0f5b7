//! Answer-to-Reset (ISO/IEC 7816-3 §8.2): which protocols the card offers and, for T=1, the
//! parameters a TPDU-level reader must be told (card.md §1.7, §3.5).

/// A parsed ATR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atr {
    pub bytes: Vec<u8>,
    /// TA1 (Fi/Di), `0x11` when absent.
    pub fi_di: u8,
    /// TC1 (extra guard time), 0 when absent.
    pub guard: u8,
    /// Protocols offered (0 = T=0, 1 = T=1, …), in order of the TDi bytes; T=0 when none.
    pub protocols: Vec<u8>,
    /// First TA for T=1 (IFSC), 32 when absent.
    pub ifsc: u8,
    /// First TB for T=1 (BWI in the high nibble, CWI in the low), `0x4D` when absent.
    pub bwi_cwi: u8,
    /// First TC for T=1: bit 1 set = CRC instead of LRC.
    pub t1_crc: bool,
    pub historical: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AtrError {
    #[error("ATR: {0} bytes is too short")]
    TooShort(usize),
    #[error("ATR: TS is {0:#04x}; expected 3B (direct) or 3F (inverse)")]
    BadTs(u8),
    #[error("ATR: ends at byte {0} inside the interface bytes or historical bytes")]
    Truncated(usize),
    #[error("ATR: check byte TCK does not match (XOR of T0..TCK is {0:#04x}, expected 00)")]
    BadTck(u8),
    #[error("ATR: {0} bytes left after TCK")]
    Trailing(usize),
}

impl Atr {
    pub fn parse(bytes: &[u8]) -> Result<Self, AtrError> {
        if bytes.len() < 2 {
            return Err(AtrError::TooShort(bytes.len()));
        }
        if !matches!(bytes[0], 0x3B | 0x3F) {
            return Err(AtrError::BadTs(bytes[0]));
        }
        let mut atr = Atr {
            bytes: bytes.to_vec(),
            fi_di: 0x11,
            guard: 0,
            protocols: Vec::new(),
            ifsc: 32,
            bwi_cwi: 0x4D,
            t1_crc: false,
            historical: Vec::new(),
        };
        let k = usize::from(bytes[1] & 0x0F);
        let mut y = bytes[1] >> 4;
        let mut i = 2;
        let mut level = 1; // the i of TAi/TBi/TCi
        let mut protocol = 0; // protocol named by the TD that introduced this level
        let mut seen_t1 = false;
        let next = |i: &mut usize| -> Result<u8, AtrError> {
            let b = *bytes.get(*i).ok_or(AtrError::Truncated(*i))?;
            *i += 1;
            Ok(b)
        };
        loop {
            let first_t1_level = protocol == 1 && !seen_t1 && level >= 3;
            if y & 0x1 != 0 {
                let ta = next(&mut i)?;
                if level == 1 {
                    atr.fi_di = ta;
                } else if first_t1_level {
                    atr.ifsc = ta;
                }
            }
            if y & 0x2 != 0 {
                let tb = next(&mut i)?;
                if first_t1_level {
                    atr.bwi_cwi = tb;
                }
            }
            if y & 0x4 != 0 {
                let tc = next(&mut i)?;
                if level == 1 {
                    atr.guard = tc;
                } else if first_t1_level {
                    atr.t1_crc = tc & 1 != 0;
                }
            }
            if first_t1_level {
                seen_t1 = true;
            }
            if y & 0x8 == 0 {
                break;
            }
            let td = next(&mut i)?;
            protocol = td & 0x0F;
            if !atr.protocols.contains(&protocol) {
                atr.protocols.push(protocol);
            }
            y = td >> 4;
            level += 1;
        }
        if atr.protocols.is_empty() {
            atr.protocols.push(0);
        }
        for _ in 0..k {
            let b = next(&mut i)?;
            atr.historical.push(b);
        }
        if atr.protocols.iter().any(|&p| p != 0) {
            next(&mut i)?;
            let x = bytes[1..i].iter().fold(0, |a, b| a ^ b);
            if x != 0 {
                return Err(AtrError::BadTck(x));
            }
        }
        if i != bytes.len() {
            return Err(AtrError::Trailing(bytes.len() - i));
        }
        Ok(atr)
    }

    pub fn offers_t1(&self) -> bool {
        self.protocols.contains(&1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_contact_atr_of_the_my_number_card() {
        let atr = Atr::parse(&[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]).unwrap();
        assert_eq!(atr.protocols, [1]);
        assert_eq!((atr.fi_di, atr.guard), (0x11, 0xFF));
        assert_eq!((atr.ifsc, atr.bwi_cwi, atr.t1_crc), (0xFE, 0x45, false));
        assert!(atr.historical.is_empty());
    }

    #[test]
    fn the_generic_contactless_type_b_pseudo_atr() {
        let bytes = [0x3B, 0x88, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x09];
        let atr = Atr::parse(&bytes).unwrap();
        assert_eq!(atr.protocols, [0, 1]);
        assert_eq!(atr.historical.len(), 8);
    }

    #[test]
    fn broken_atrs_are_named() {
        assert_eq!(Atr::parse(&[0x3B]), Err(AtrError::TooShort(1)));
        assert_eq!(Atr::parse(&[0x12, 0x00]), Err(AtrError::BadTs(0x12)));
        assert_eq!(
            Atr::parse(&[0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x15]),
            Err(AtrError::BadTck(0x01))
        );
        assert_eq!(
            Atr::parse(&[0x3B, 0xE0, 0x00, 0xFF, 0x81]),
            Err(AtrError::Truncated(5))
        );
        for n in 0..9 {
            let full = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];
            assert!(Atr::parse(&full[..n]).is_err());
        }
    }
}
