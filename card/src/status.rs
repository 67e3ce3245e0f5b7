//! Status words (SW1 SW2), ISO/IEC 7816-4 §5.6, as the My Number card uses them (card.md §1.5).

/// A status word, with data-carrying ranges decoded and anything else kept losslessly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `90 00`.
    Ok,
    /// `61 xx`: xx more bytes are ready; fetch them with GET RESPONSE (0 means 256).
    MoreAvailable(u8),
    /// `6C xx`: wrong Le; resend with Le = xx.
    WrongLe(u8),
    /// `63 Cx`: verification failed or queried, x tries left (`63 C0` = now blocked).
    RemainingTries(u8),
    /// `63 00`: verification failed on a key with no retry counter.
    VerifyFailed,
    /// `69 83` or `69 84`: the key is blocked.
    Blocked,
    /// `69 82`: security status not satisfied (e.g. read before VERIFY).
    SecurityNotSatisfied,
    /// `6A 82`: file or application not found.
    NotFound,
    /// `6A 86`: wrong P1-P2.
    WrongP1P2,
    /// `6B 00`: offset outside the file.
    OffsetOutOfRange,
    /// `67 00`: wrong length.
    WrongLength,
    /// `6D 00`: instruction not supported.
    InsNotSupported,
    /// `6E 00`: class not supported.
    ClaNotSupported,
    /// Any other status word, as sent.
    Unknown(u16),
}

impl Status {
    /// Decodes SW1 SW2. Total: every pair maps to exactly one variant, and
    /// [`Status::to_sw`] gives the pair back (except that `69 83` and `69 84` both read as
    /// [`Status::Blocked`], which encodes as `69 84`).
    pub fn from_sw(sw1: u8, sw2: u8) -> Self {
        match (sw1, sw2) {
            (0x90, 0x00) => Status::Ok,
            (0x61, n) => Status::MoreAvailable(n),
            (0x6C, n) => Status::WrongLe(n),
            (0x63, x) if x & 0xF0 == 0xC0 => Status::RemainingTries(x & 0x0F),
            (0x63, 0x00) => Status::VerifyFailed,
            (0x69, 0x83 | 0x84) => Status::Blocked,
            (0x69, 0x82) => Status::SecurityNotSatisfied,
            (0x6A, 0x82) => Status::NotFound,
            (0x6A, 0x86) => Status::WrongP1P2,
            (0x6B, 0x00) => Status::OffsetOutOfRange,
            (0x67, 0x00) => Status::WrongLength,
            (0x6D, 0x00) => Status::InsNotSupported,
            (0x6E, 0x00) => Status::ClaNotSupported,
            _ => Status::Unknown(u16::from_be_bytes([sw1, sw2])),
        }
    }

    /// The two status bytes.
    pub fn to_sw(self) -> [u8; 2] {
        match self {
            Status::Ok => [0x90, 0x00],
            Status::MoreAvailable(n) => [0x61, n],
            Status::WrongLe(n) => [0x6C, n],
            Status::RemainingTries(x) => [0x63, 0xC0 | (x & 0x0F)],
            Status::VerifyFailed => [0x63, 0x00],
            Status::Blocked => [0x69, 0x84],
            Status::SecurityNotSatisfied => [0x69, 0x82],
            Status::NotFound => [0x6A, 0x82],
            Status::WrongP1P2 => [0x6A, 0x86],
            Status::OffsetOutOfRange => [0x6B, 0x00],
            Status::WrongLength => [0x67, 0x00],
            Status::InsNotSupported => [0x6D, 0x00],
            Status::ClaNotSupported => [0x6E, 0x00],
            Status::Unknown(sw) => sw.to_be_bytes(),
        }
    }

    pub fn is_ok(self) -> bool {
        self == Status::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_status_word_round_trips_except_the_two_blocked_codes() {
        for sw1 in 0..=255u8 {
            for sw2 in 0..=255u8 {
                let status = Status::from_sw(sw1, sw2);
                let back = status.to_sw();
                if (sw1, sw2) == (0x69, 0x83) {
                    assert_eq!(back, [0x69, 0x84]);
                } else {
                    assert_eq!(back, [sw1, sw2], "{status:?}");
                }
            }
        }
    }

    #[test]
    fn tries_left_are_decoded() {
        assert_eq!(Status::from_sw(0x63, 0xC3), Status::RemainingTries(3));
        assert_eq!(Status::from_sw(0x63, 0xC0), Status::RemainingTries(0));
        assert_eq!(Status::from_sw(0x63, 0x00), Status::VerifyFailed);
        assert_eq!(Status::from_sw(0x63, 0x81), Status::Unknown(0x6381));
    }
}
