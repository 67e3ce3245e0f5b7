//! Sony RC-S380 (PaSoRi, NFC Port-100) over its vendor-class USB interface (card.md §4.5):
//! the frame format, the commands the reader needs to poll a Type B card, and [`Rcs380`],
//! which activates the card and carries APDUs through [`IsoDep`].

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

/// InCommRF status word: 0 = the card answered; anything else is a timeout or RF error.
fn comm_status(bytes: &[u8]) -> u32 {
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

/// The RC-S380 driver.
#[derive(Debug)]
pub struct Rcs380<P> {
    pipe: P,
    iso: Option<IsoDep>,
    atqb: Option<Atqb>,
}

/// Timeout for SENSB_REQ and ATTRIB (card.md's frames use 30 ms).
const POLL_MS: u16 = 30;

impl<P: UsbPipe> Rcs380<P> {
    pub fn new(pipe: P) -> Self {
        Self {
            pipe,
            iso: None,
            atqb: None,
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

    async fn expect_ok(&mut self, code: u8, params: &[u8]) -> Result<(), TransportError> {
        match self.call(code, params).await?.as_slice() {
            [0x00, ..] => Ok(()),
            other => Err(TransportError::Reader(format!(
                "the RC-S380 answered {other:02X?} to command {code:#04x}"
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
        let reply = answer?;
        if reply.len() < 4 {
            return Err(TransportError::Protocol(format!(
                "InCommRF answer of {} bytes; expected a 4-byte status",
                reply.len()
            )));
        }
        if comm_status(&reply) != 0 {
            return Ok(None);
        }
        Ok(Some(reply[4..].to_vec()))
    }

    /// Prepares the reader for Type B at 106 kbps with RF off (card.md §4.5).
    pub async fn init(&mut self) -> Result<(), TransportError> {
        self.pipe.bulk_out(&ACK).await?;
        self.expect_ok(cmd::SET_COMMAND_TYPE, &[0x01]).await?;
        self.expect_ok(cmd::SWITCH_RF, &[0x00]).await?;
        self.expect_ok(cmd::IN_SET_RF, &[0x03, 0x07, 0x0F, 0x07])
            .await?;
        self.expect_ok(
            cmd::IN_SET_PROTOCOL,
            &[0x00, 0x14, 0x09, 0x01, 0x0A, 0x01, 0x0B, 0x01, 0x0C, 0x01],
        )
        .await
    }

    /// Polls for a Type B card; `Ok(None)` when none answers.
    pub async fn sense(&mut self) -> Result<Option<Atqb>, TransportError> {
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
        self.expect_ok(cmd::SWITCH_RF, &[0x00]).await
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
                command(
                    cmd::IN_SET_PROTOCOL,
                    &[0x00, 0x14, 0x09, 0x01, 0x0A, 0x01, 0x0B, 0x01, 0x0C, 0x01],
                ),
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
