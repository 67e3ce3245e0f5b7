//! BER-TLV as the My Number card writes it (ISO/IEC 7816-4 §5.2): tags of one or two bytes,
//! lengths in short form (`< 0x80`) or `81 xx` / `82 xx xx`. Every malformed input is an error
//! naming the offset; nothing panics.

/// One decoded TLV: its tag, where its value starts and the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// `0xFF20`, `0xDF22`, or a one-byte tag such as `0x5A`.
    pub tag: u16,
    /// Offset of the TLV's first byte in the buffer it was read from.
    pub start: usize,
    /// Offset just after the value.
    pub end: usize,
    pub value: &'a [u8],
}

/// Bad input: bytes that are not BER-TLV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlvError {
    #[error("BER-TLV: the data ends at offset {at}, inside a {what}")]
    Truncated { at: usize, what: &'static str },
    #[error("BER-TLV: tag at offset {at} is longer than two bytes")]
    LongTag { at: usize },
    #[error(
        "BER-TLV: length form {byte:#04x} at offset {at} is not supported (expected < 0x80, 0x81 or 0x82)"
    )]
    BadLength { at: usize, byte: u8 },
    #[error(
        "BER-TLV: value of tag {tag:#06x} at offset {at} needs {len} bytes, only {left} remain"
    )]
    Overrun {
        at: usize,
        tag: u16,
        len: usize,
        left: usize,
    },
}

/// Reads one TLV starting at `at` in `buf`.
pub fn read(buf: &[u8], at: usize) -> Result<Tlv<'_>, TlvError> {
    let byte = |i: usize, what| {
        buf.get(i)
            .copied()
            .ok_or(TlvError::Truncated { at: i, what })
    };
    let first = byte(at, "tag")?;
    let (tag, mut i) = if first & 0x1F == 0x1F {
        let second = byte(at + 1, "tag")?;
        if second & 0x80 != 0 {
            return Err(TlvError::LongTag { at });
        }
        ((u16::from(first) << 8) | u16::from(second), at + 2)
    } else {
        (u16::from(first), at + 1)
    };
    let l0 = byte(i, "length")?;
    i += 1;
    let len = match l0 {
        0..=0x7F => usize::from(l0),
        0x81 => {
            let l = byte(i, "length")?;
            i += 1;
            usize::from(l)
        }
        0x82 => {
            let (a, b) = (byte(i, "length")?, byte(i + 1, "length")?);
            i += 2;
            usize::from(a) << 8 | usize::from(b)
        }
        other => {
            return Err(TlvError::BadLength {
                at: i - 1,
                byte: other,
            });
        }
    };
    let left = buf.len().saturating_sub(i);
    if len > left {
        return Err(TlvError::Overrun { at, tag, len, left });
    }
    Ok(Tlv {
        tag,
        start: at,
        end: i + len,
        value: &buf[i..i + len],
    })
}

/// How many bytes the TLV starting at 0 takes in total, from its header alone (`Ok(None)`
/// when more bytes are needed to know): lets a reader ask the card for exactly the rest.
pub fn total_len(header: &[u8]) -> Result<Option<usize>, TlvError> {
    match read(header, 0) {
        Ok(t) => Ok(Some(t.end)),
        Err(TlvError::Overrun { len, left, .. }) => Ok(Some(header.len() - left + len)),
        Err(TlvError::Truncated { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every TLV in `value`, in order.
pub fn children(value: &[u8]) -> Result<Vec<Tlv<'_>>, TlvError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < value.len() {
        let t = read(value, at)?;
        at = t.end;
        out.push(t);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn short_and_long_lengths_and_two_byte_tags() {
        let t = read(&[0xDF, 0x25, 0x01, 0x32], 0).unwrap();
        assert_eq!((t.tag, t.value, t.end), (0xDF25, &[0x32][..], 4));
        let mut long = vec![0xFF, 0x20, 0x81, 0x80];
        long.extend([0u8; 0x80]);
        assert_eq!(read(&long, 0).unwrap().value.len(), 0x80);
        let mut longer = vec![0xFF, 0x40, 0x82, 0x01, 0x00];
        longer.extend([7u8; 0x100]);
        assert_eq!(read(&longer, 0).unwrap().end, 5 + 0x100);
        assert_eq!(read(&[0x5A, 0x00], 0).unwrap().tag, 0x5A);
    }

    #[test]
    fn the_header_tells_how_much_to_read() {
        assert_eq!(
            total_len(&[0xFF, 0x20, 0x59, 0xDF, 0x21, 0x08, 0x00]),
            Ok(Some(0x59 + 3))
        );
        assert_eq!(
            total_len(&[0xFF, 0x20, 0x81, 0xA7, 0xDF, 0x21, 0x08]),
            Ok(Some(0xA7 + 4))
        );
        assert_eq!(total_len(&[0xFF, 0x20]), Ok(None));
    }

    #[test]
    fn malformed_input_is_an_error_never_a_panic() {
        assert_eq!(
            read(&[], 0),
            Err(TlvError::Truncated { at: 0, what: "tag" })
        );
        assert_eq!(
            read(&[0xDF], 0),
            Err(TlvError::Truncated { at: 1, what: "tag" })
        );
        assert_eq!(
            read(&[0xDF, 0x22], 0),
            Err(TlvError::Truncated {
                at: 2,
                what: "length"
            })
        );
        assert_eq!(
            read(&[0xDF, 0x22, 0x83, 0, 0, 1], 0),
            Err(TlvError::BadLength { at: 2, byte: 0x83 })
        );
        assert_eq!(
            read(&[0xDF, 0x22, 0x05, 1], 0),
            Err(TlvError::Overrun {
                at: 0,
                tag: 0xDF22,
                len: 5,
                left: 1
            })
        );
        assert_eq!(
            read(&[0xDF, 0x82, 0x01, 0x00], 0),
            Err(TlvError::LongTag { at: 0 })
        );
        // Every prefix of a valid record, and every byte flipped, fails cleanly or parses.
        let rec = [0xFF, 0x20, 0x06, 0xDF, 0x22, 0x01, 0x41, 0xDF, 0x25];
        for n in 0..rec.len() {
            let _ = read(&rec[..n], 0);
            let mut bad = rec;
            bad[n] ^= 0xFF;
            let _ = read(&bad, 0).map(|t| children(t.value));
        }
    }
}
