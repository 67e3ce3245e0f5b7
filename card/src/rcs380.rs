//! Sony RC-S380 (PaSoRi, NFC Port-100) over its vendor-class USB interface (card.md §4.5):
//! the frame format, the commands the reader needs to poll a Type B card, and [`Rcs380`],
//! which activates the card and carries APDUs through [`IsoDep`].
//!
//! Every reply layout here is taken from two independent drivers that run on real readers,
//! not from our own simulator: nfcpy `src/nfc/clf/rcs380.py` (class `Chipset`) and the Linux
//! kernel's `drivers/nfc/port100.c`. In particular an InCommRF reply is
//! `D7 05 | status (4, LE) | one byte the kernel calls "collision bits" | the card's bytes`:
//! nfcpy's `in_comm_rf` returns `data[5:]`, the kernel's `port100_in_comm_rf_complete` pulls
//! the 4-byte status and then 1 more byte.

use zeroize::Zeroize;

use crate::typeb::{self, Atqb, FrameIo, IsoDep};
use crate::{Transport, TransportError, UsbPipe};

/// The ACK frame (also written by the host to reset the reader's command state).
pub const ACK: [u8; 6] = [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00];
/// The reader's error frame.
pub const ERROR_FRAME: [u8; 8] = [0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00];

/// Port-100 command codes (host sends `D6 code`, the reader answers `D7 code+1`).
pub mod cmd {
    pub const IN_SET_RF: u8 = 0x00;
    pub const IN_SET_PROTOCOL: u8 = 0x02;
    pub const IN_COMM_RF: u8 = 0x04;
    pub const SWITCH_RF: u8 = 0x06;
    pub const GET_FIRMWARE_VERSION: u8 = 0x20;
    pub const SET_COMMAND_TYPE: u8 = 0x2A;
}

/// A frame from the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Ack,
    Error,
    /// The data of a normal (extended) frame: `D7 code+1 …`.
    Data(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("RC-S380 frame of {0} bytes is too short")]
    Short(usize),
    #[error("RC-S380 frame does not start with 00 00 FF")]
    Preamble,
    #[error("RC-S380 frame length checksum is wrong")]
    Lcs,
    #[error("RC-S380 frame says {said} data bytes, {actual} follow")]
    Length { said: usize, actual: usize },
    #[error("RC-S380 frame data checksum is wrong")]
    Dcs,
    #[error("RC-S380 frame does not end with 00")]
    Postamble,
}

/// `00 00 FF FF FF LEN(2, LE) LCS data DCS 00`.
pub fn encode(data: &[u8]) -> Vec<u8> {
    let len = data.len() as u16;
    let [lo, hi] = len.to_le_bytes();
    let lcs = 0u8.wrapping_sub(lo).wrapping_sub(hi);
    let dcs = data.iter().fold(0u8, |a, b| a.wrapping_sub(*b));
    let mut out = Vec::with_capacity(data.len() + 10);
    out.extend([0x00, 0x00, 0xFF, 0xFF, 0xFF, lo, hi, lcs]);
    out.extend(data);
    out.extend([dcs, 0x00]);
    out
}

/// Parses one frame from the reader (or, in the simulator, from the host).
pub fn parse(bytes: &[u8]) -> Result<Frame, FrameError> {
    if bytes == ACK {
        return Ok(Frame::Ack);
    }
    if bytes == ERROR_FRAME {
        return Ok(Frame::Error);
    }
    if bytes.len() < 10 {
        return Err(FrameError::Short(bytes.len()));
    }
    if bytes[..5] != [0x00, 0x00, 0xFF, 0xFF, 0xFF] {
        return Err(FrameError::Preamble);
    }
    let (lo, hi, lcs) = (bytes[5], bytes[6], bytes[7]);
    if lo.wrapping_add(hi).wrapping_add(lcs) != 0 {
        return Err(FrameError::Lcs);
    }
    let said = usize::from(u16::from_le_bytes([lo, hi]));
    let actual = bytes.len() - 10;
    if said != actual {
        return Err(FrameError::Length { said, actual });
    }
    let data = &bytes[8..8 + said];
    let dcs = bytes[8 + said];
    if data.iter().fold(dcs, |a, b| a.wrapping_add(*b)) != 0 {
        return Err(FrameError::Dcs);
    }
    if bytes[9 + said] != 0 {
        return Err(FrameError::Postamble);
    }
    Ok(Frame::Data(data.to_vec()))
}

/// The host's command frame: `D6 code params`.
pub fn command(code: u8, params: &[u8]) -> Vec<u8> {
    let mut data = vec![0xD6, code];
    data.extend(params);
    encode(&data)
}

/// InSetProtocol defaults, sent before the settings of one technology so that nothing left
/// from an earlier session or another application (CRC, parity, SOF/EOF…) stays in force:
/// nfcpy `Chipset.in_set_protocol_defaults`, byte for byte.
pub const IN_SET_PROTOCOL_DEFAULTS: [u8; 38] = [
    0x00, 0x18, 0x01, 0x01, 0x02, 0x01, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x08,
    0x08, 0x00, 0x09, 0x00, 0x0A, 0x00, 0x0B, 0x00, 0x0C, 0x00, 0x0E, 0x04, 0x0F, 0x00, 0x10, 0x00,
    0x11, 0x00, 0x12, 0x00, 0x13, 0x06,
];

/// InSetRF for Type B at 106 kbps: send set 3 / type 7, receive set 15 / type 7 (nfcpy
/// `in_set_rf` table `"106B": (3, 7, 15, 7)`; the kernel's `in_rf_settings[106B]`).
pub const IN_SET_RF_106B: [u8; 4] = [0x03, 0x07, 0x0F, 0x07];

/// InSetProtocol for Type B after the defaults: initial guard time 20, add and check SOF and
/// EOF (nfcpy `sense_ttb`; CRC_B stays on from the defaults, as in the kernel's NFCB table).
pub const IN_SET_PROTOCOL_TYPE_B: [u8; 10] =
    [0x00, 0x14, 0x09, 0x01, 0x0A, 0x01, 0x0B, 0x01, 0x0C, 0x01];

/// The InCommRF status that means "no answer within the timeout" (nfcpy
/// `RECEIVE_TIMEOUT_ERROR`, the kernel's `PORT100_CMD_STATUS_TIMEOUT`).
pub const COMM_TIMEOUT: u32 = 0x80;

/// The name of a command's one-byte status (nfcpy `StatusError.err2str`).
fn status_name(status: u8) -> &'static str {
    match status {
        0 => "success",
        1 => "parameter error",
        2 => "PB error",
        3 => "RFCA error",
        4 => "temperature error",
        5 => "password error",
        6 => "receive error",
        7 => "command type error",
        _ => "unknown status",
    }
}

/// What an InCommRF reply says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommRf {
    /// The card answered with these bytes.
    Answer(Vec<u8>),
    /// No valid answer: a timeout, or an RF error word (CRC, parity, collision…) that
    /// ISO/IEC 14443-4 treats the same way (an invalid block is like no block).
    NoAnswer(u32),
}

/// Splits the data of an InCommRF reply (after `D7 05`): a 4-byte little-endian error word,
/// one byte that is not the card's, then the card's bytes (see the module doc).
pub fn parse_comm_rf(reply: &[u8]) -> Result<CommRf, TransportError> {
    let [s0, s1, s2, s3, rest @ ..] = reply else {
        return Err(TransportError::Protocol(format!(
            "InCommRF answer of {} bytes; expected a 4-byte status",
            reply.len()
        )));
    };
    let status = u32::from_le_bytes([*s0, *s1, *s2, *s3]);
    if status != 0 {
        return Ok(CommRf::NoAnswer(status));
    }
    match rest {
        [_collision_bits, card @ ..] => Ok(CommRf::Answer(card.to_vec())),
        [] => Err(TransportError::Protocol(
            "InCommRF answer of 4 bytes; expected the status, 1 more byte, then the card's bytes"
                .into(),
        )),
    }
}

/// The RC-S380 driver.
#[derive(Debug)]
pub struct Rcs380<P> {
    pipe: P,
    iso: Option<IsoDep>,
    atqb: Option<Atqb>,
    /// InSetRF and InSetProtocol for Type B have been sent since the field was last
    /// switched off; cleared by every SwitchRF off.
    type_b_ready: bool,
}

/// Timeout for SENSB_REQ and ATTRIB (card.md's frames use 30 ms).
const POLL_MS: u16 = 30;

impl<P: UsbPipe> Rcs380<P> {
    pub fn new(pipe: P) -> Self {
        Self {
            pipe,
            iso: None,
            atqb: None,
            type_b_ready: false,
        }
    }

    pub fn pipe_mut(&mut self) -> &mut P {
        &mut self.pipe
    }

    /// Sends one command and returns the reader's answer data after `D7 code+1`.
    async fn call(&mut self, code: u8, params: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut frame = command(code, params);
        let sent = self.pipe.bulk_out(&frame).await;
        frame.zeroize();
        sent?;
        let bad = |e: FrameError| TransportError::Protocol(e.to_string());
        match parse(&self.pipe.bulk_in(64).await?).map_err(bad)? {
            Frame::Ack => {}
            other => {
                return Err(TransportError::Protocol(format!(
                    "expected the reader's ACK, got {other:?}"
                )));
            }
        }
        match parse(&self.pipe.bulk_in(65_535).await?).map_err(bad)? {
            Frame::Data(d) if d.len() >= 2 && d[0] == 0xD7 && d[1] == code.wrapping_add(1) => {
                Ok(d[2..].to_vec())
            }
            Frame::Error => Err(TransportError::Reader(format!(
                "the RC-S380 refused command {code:#04x}"
            ))),
            other => Err(TransportError::Protocol(format!(
                "expected D7 {:02X}, got {other:?}",
                code.wrapping_add(1)
            ))),
        }
    }

    /// Sends a command whose reply is a one-byte status (InSetRF, InSetProtocol, SwitchRF,
    /// SetCommandType): `D7 code+1 status`, 0 = success (nfcpy raises `StatusError(data[0])`
    /// otherwise; the kernel returns `resp->data[0]`).
    async fn expect_ok(&mut self, code: u8, params: &[u8]) -> Result<(), TransportError> {
        match self.call(code, params).await?.as_slice() {
            [0x00, ..] => Ok(()),
            [status, ..] => Err(TransportError::Reader(format!(
                "the RC-S380 answered {status:#04x} ({}) to command {code:#04x}",
                status_name(*status)
            ))),
            [] => Err(TransportError::Protocol(format!(
                "the RC-S380 answered command {code:#04x} without a status byte"
            ))),
        }
    }

    /// One RF exchange; `Ok(None)` when the card did not answer (timeout or RF error).
    async fn comm_rf(
        &mut self,
        frame: &[u8],
        timeout_ms: u16,
    ) -> Result<Option<Vec<u8>>, TransportError> {
        let t = (u32::from(timeout_ms) + 1).saturating_mul(10).min(0xFFFF) as u16;
        let mut params = t.to_le_bytes().to_vec();
        params.extend(frame);
        let answer = self.call(cmd::IN_COMM_RF, &params).await;
        params.zeroize();
        let mut reply = answer?;
        let parsed = parse_comm_rf(&reply);
        reply.zeroize();
        match parsed? {
            CommRf::Answer(card) => Ok(Some(card)),
            CommRf::NoAnswer(_) => Ok(None),
        }
    }

    /// Resets the reader and leaves it with the field off (card.md §4.5): ACK, SetCommandType
    /// 1, SwitchRF off, then the Type B set-up of [`Self::prepare_type_b`].
    pub async fn init(&mut self) -> Result<(), TransportError> {
        self.pipe.bulk_out(&ACK).await?;
        self.expect_ok(cmd::SET_COMMAND_TYPE, &[0x01]).await?;
        self.switch_rf_off().await?;
        self.prepare_type_b().await
    }

    /// InSetRF (106B), InSetProtocol defaults, InSetProtocol Type B: what nfcpy's
    /// `sense_ttb` sends before every poll. The field comes on with InSetRF.
    async fn prepare_type_b(&mut self) -> Result<(), TransportError> {
        self.expect_ok(cmd::IN_SET_RF, &IN_SET_RF_106B).await?;
        self.expect_ok(cmd::IN_SET_PROTOCOL, &IN_SET_PROTOCOL_DEFAULTS)
            .await?;
        self.expect_ok(cmd::IN_SET_PROTOCOL, &IN_SET_PROTOCOL_TYPE_B)
            .await?;
        self.type_b_ready = true;
        Ok(())
    }

    async fn switch_rf_off(&mut self) -> Result<(), TransportError> {
        self.type_b_ready = false;
        self.expect_ok(cmd::SWITCH_RF, &[0x00]).await
    }

    /// Polls for a Type B card; `Ok(None)` when none answers. After the field was switched
    /// off (a read ended, or the card was powered down) the reader is set up for Type B
    /// again first, as every public driver does before polling.
    pub async fn sense(&mut self) -> Result<Option<Atqb>, TransportError> {
        if !self.type_b_ready {
            self.prepare_type_b().await?;
        }
        match self.comm_rf(&typeb::SENSB_REQ, POLL_MS).await? {
            None => Ok(None),
            Some(res) => Atqb::parse(&res)
                .map(Some)
                .map_err(|e| TransportError::Protocol(e.to_string())),
        }
    }

    /// Whether a Type B card is in the field.
    pub async fn card_present(&mut self) -> Result<bool, TransportError> {
        Ok(self.sense().await?.is_some())
    }

    /// Finds the card and activates it with ATTRIB; after this, APDUs can be sent.
    pub async fn activate(&mut self) -> Result<Atqb, TransportError> {
        self.iso = None;
        let atqb = self.sense().await?.ok_or(TransportError::NoCard)?;
        match self.comm_rf(&typeb::attrib(atqb.pupi), POLL_MS).await? {
            Some(answer) if !answer.is_empty() => {}
            _ => return Err(TransportError::NoCard),
        }
        self.iso = Some(IsoDep::new(&atqb));
        self.atqb = Some(atqb);
        Ok(atqb)
    }

    /// Turns the field off (the card loses power and forgets every verification).
    pub async fn power_off(&mut self) -> Result<(), TransportError> {
        self.iso = None;
        self.switch_rf_off().await
    }
}

struct Frames<'a, P>(&'a mut Rcs380<P>);

impl<P: UsbPipe> FrameIo for Frames<'_, P> {
    async fn exchange_frame(
        &mut self,
        frame: &[u8],
        timeout_ms: u16,
    ) -> Result<Option<Vec<u8>>, TransportError> {
        self.0.comm_rf(frame, timeout_ms).await
    }
}

impl<P: UsbPipe> Transport for Rcs380<P> {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let Some(mut iso) = self.iso.take() else {
            return Err(TransportError::NoCard);
        };
        let r = iso.transceive(&mut Frames(self), apdu).await;
        // A card that stopped answering has left the field.
        match r {
            Err(TransportError::Timeout) => Err(TransportError::NoCard),
            other => {
                self.iso = Some(iso);
                other
            }
        }
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

    /// The set-up bytes are nfcpy's, not ours: `Chipset.in_set_protocol_defaults` is
    /// `bytearray.fromhex("0018 0101 0201 0300 0400 0500 0600 0708 0800 0900 0A00 0B00 0C00
    /// 0E04 0F00 1000 1100 1200 1306")` and `in_set_rf("106B")` sends `(3, 7) + (15, 7)`
    /// (nfcpy `src/nfc/clf/rcs380.py` @ 0457bed).
    #[test]
    fn issue_25_type_b_set_up_is_nfcpys() {
        assert_eq!(
            IN_SET_PROTOCOL_DEFAULTS.to_vec(),
            hex(
                "00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 08 00 09 00 0A 00 0B 00 0C 00 \
                 0E 04 0F 00 10 00 11 00 12 00 13 06"
            )
        );
        assert_eq!(IN_SET_RF_106B, [3, 7, 15, 7]);
        // sense_ttb: initial_guard_time=20, add_sof=1, check_sof=1, add_eof=1, check_eof=1
        // (KEYS.index: initial_guard_time 0, add_sof 9, check_sof 10, add_eof 11, check_eof 12).
        assert_eq!(
            IN_SET_PROTOCOL_TYPE_B.to_vec(),
            hex("00 14 09 01 0A 01 0B 01 0C 01")
        );
    }

    /// A real RC-S380's InCommRF reply to SENSB_REQ. The card's SENSB_RES (`50 PUPI …`) starts
    /// at offset 5 of the data after `D7 05`:
    /// - nfcpy `Chipset.in_comm_rf`: checks `data[0:4]`, returns `data[5:]`;
    /// - Linux `drivers/nfc/port100.c` `port100_in_comm_rf_complete`: `skb_pull(resp, 4)` for
    ///   the status, then `skb_pull(resp, 1)` "Remove collision bits byte";
    /// - aruneko/WebUSB-MyNumberCard `src/Type4B.ts` (reads real cards over WebUSB): counting
    ///   from `D7`, the PUPI is `data.slice(8, 12)` and an I-block's PCB is `data[7]`.
    ///
    /// Before issue 17 the driver took the card's bytes from offset 4 and never saw a card.
    #[test]
    fn issue_17_incommrf_card_bytes_start_after_status_and_one_more_byte() {
        let frame = hex(
            "00 00 FF FF FF 13 00 ED D7 05 00 00 00 00 00 50 11 22 33 44 00 00 00 00 00 81 71 38 00",
        );
        let Ok(Frame::Data(data)) = parse(&frame) else {
            panic!("a valid frame")
        };
        // aruneko's offsets, counted from D7.
        assert_eq!(data[7], 0x50);
        assert_eq!(&data[8..12], &[0x11, 0x22, 0x33, 0x44]);
        let answer = parse_comm_rf(&data[2..]).unwrap();
        let CommRf::Answer(card) = answer else {
            panic!("the card answered")
        };
        assert_eq!(card, hex("50 11 22 33 44 00 00 00 00 00 81 71"));
        let atqb = Atqb::parse(&card).unwrap();
        assert_eq!(atqb.pupi, [0x11, 0x22, 0x33, 0x44]);
    }

    #[test]
    fn incommrf_errors_are_no_answer_and_short_replies_are_named() {
        // RECEIVE_TIMEOUT_ERROR 0x80, CRC_ERROR 0x04 (nfcpy CommunicationError.err2str).
        assert_eq!(
            parse_comm_rf(&hex("80 00 00 00")),
            Ok(CommRf::NoAnswer(COMM_TIMEOUT))
        );
        assert_eq!(
            parse_comm_rf(&hex("04 00 00 00 00")),
            Ok(CommRf::NoAnswer(4))
        );
        let short = parse_comm_rf(&hex("00 00 00")).unwrap_err();
        assert!(short.to_string().contains("3 bytes"), "{short}");
        let no_extra = parse_comm_rf(&hex("00 00 00 00")).unwrap_err();
        assert!(no_extra.to_string().contains("1 more byte"), "{no_extra}");
        // Status then the extra byte and nothing else: the card sent an empty frame.
        assert_eq!(
            parse_comm_rf(&hex("00 00 00 00 00")),
            Ok(CommRf::Answer(vec![]))
        );
    }

    #[test]
    fn a_refused_set_up_names_nfcpys_status() {
        assert_eq!(status_name(1), "parameter error");
        assert_eq!(status_name(7), "command type error");
        assert_eq!(status_name(9), "unknown status");
    }

    #[test]
    fn card_md_rcs380_frames() {
        let frames = [
            (
                command(cmd::SET_COMMAND_TYPE, &[1]),
                "00 00 FF FF FF 03 00 FD D6 2A 01 FF 00",
            ),
            (
                command(cmd::SWITCH_RF, &[0]),
                "00 00 FF FF FF 03 00 FD D6 06 00 24 00",
            ),
            (
                command(cmd::IN_SET_RF, &[0x03, 0x07, 0x0F, 0x07]),
                "00 00 FF FF FF 06 00 FA D6 00 03 07 0F 07 0A 00",
            ),
            (
                command(cmd::IN_SET_PROTOCOL, &IN_SET_PROTOCOL_DEFAULTS),
                "00 00 FF FF FF 28 00 D8 D6 02 00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 \
                 08 00 09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06 4B 00",
            ),
            (
                command(cmd::IN_SET_PROTOCOL, &IN_SET_PROTOCOL_TYPE_B),
                "00 00 FF FF FF 0C 00 F4 D6 02 00 14 09 01 0A 01 0B 01 0C 01 E6 00",
            ),
            (
                command(cmd::IN_COMM_RF, &[0x36, 0x01, 0x05, 0x00, 0x10]),
                "00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00",
            ),
        ];
        for (got, want) in frames {
            assert_eq!(got, hex(want));
            assert!(matches!(parse(&got), Ok(Frame::Data(_))));
        }
        assert_eq!(parse(&ACK), Ok(Frame::Ack));
        assert_eq!(parse(&ERROR_FRAME), Ok(Frame::Error));
    }

    #[test]
    fn broken_frames_are_named() {
        let good = command(cmd::SWITCH_RF, &[0]);
        assert_eq!(parse(&good[..9]), Err(FrameError::Short(9)));
        let mut f = good.clone();
        f[0] = 1;
        assert_eq!(parse(&f), Err(FrameError::Preamble));
        let mut f = good.clone();
        f[7] ^= 1;
        assert_eq!(parse(&f), Err(FrameError::Lcs));
        let mut f = good.clone();
        f[9] ^= 1;
        assert_eq!(parse(&f), Err(FrameError::Dcs));
        let mut f = good.clone();
        *f.last_mut().unwrap() = 1;
        assert_eq!(parse(&f), Err(FrameError::Postamble));
        let mut f = good;
        f.push(0);
        assert!(matches!(parse(&f), Err(FrameError::Length { .. })));
    }
}
