//! ISO/IEC 14443-3 Type B activation and the ISO/IEC 14443-4 block protocol (ISO-DEP), host
//! (PCD) side, for readers that only move RF frames (the RC-S380, card.md §4.5): SENSB_REQ →
//! SENSB_RES with the PUPI, ATTRIB, then I-blocks with an alternating block number, chaining in
//! both directions, R(ACK)/R(NAK) and S(WTX).

use zeroize::{Zeroize, Zeroizing};

use crate::TransportError;

/// SENSB_REQ: APf `05`, AFI `00` (every application), PARAM `10` (REQB, one slot, extended
/// SENSB_RES understood).
pub const SENSB_REQ: [u8; 3] = [0x05, 0x00, 0x10];

/// What a Type B card says about itself in SENSB_RES.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Atqb {
    pub pupi: [u8; 4],
    pub app_data: [u8; 4],
    pub protocol: [u8; 3],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeBError {
    #[error("SENSB_RES: {0}")]
    Sensb(String),
    #[error("ISO-DEP block: {0}")]
    Block(String),
}

impl Atqb {
    /// Parses SENSB_RES: `50 PUPI(4) AppData(4) ProtInfo(3 or 4)`.
    pub fn parse(bytes: &[u8]) -> Result<Self, TypeBError> {
        match bytes {
            [0x50, p @ ..] if p.len() == 11 || p.len() == 12 => Ok(Self {
                pupi: [p[0], p[1], p[2], p[3]],
                app_data: [p[4], p[5], p[6], p[7]],
                protocol: [p[8], p[9], p[10]],
            }),
            [0x50, ..] => Err(TypeBError::Sensb(format!(
                "{} bytes; expected 12 or 13",
                bytes.len()
            ))),
            [] => Err(TypeBError::Sensb("empty".into())),
            [b, ..] => Err(TypeBError::Sensb(format!(
                "starts with {b:#04x}; expected 0x50"
            ))),
        }
    }

    /// The largest frame the card accepts (FSC from FSCI, the high nibble of ProtInfo 2).
    pub fn fsc(&self) -> usize {
        fsc_of(self.protocol[1] >> 4)
    }

    /// The bytes of SENSB_RES.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = vec![0x50];
        v.extend(self.pupi);
        v.extend(self.app_data);
        v.extend(self.protocol);
        v
    }
}

/// FSCI/FSDI → frame size (ISO/IEC 14443-4 table).
pub fn fsc_of(index: u8) -> usize {
    match index {
        0 => 16,
        1 => 24,
        2 => 32,
        3 => 40,
        4 => 48,
        5 => 64,
        6 => 96,
        7 => 128,
        _ => 256,
    }
}

/// ATTRIB for `pupi`: `1D PUPI 00 08 01 00` (default timing, FSDI 8 = 256 bytes, 106 kbps,
/// ISO 14443-4 compliant, CID 0).
pub fn attrib(pupi: [u8; 4]) -> Vec<u8> {
    let mut v = vec![0x1D];
    v.extend(pupi);
    v.extend([0x00, 0x08, 0x01, 0x00]);
    v
}

/// An ISO-DEP block without CID or NAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IsoBlock {
    I {
        block: bool,
        chaining: bool,
        inf: Vec<u8>,
    },
    Ack {
        block: bool,
    },
    Nak {
        block: bool,
    },
    Wtx {
        wtxm: u8,
    },
    Deselect,
}

impl IsoBlock {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            IsoBlock::I {
                block,
                chaining,
                inf,
            } => {
                let mut v = vec![0x02 | u8::from(*block) | (u8::from(*chaining) << 4)];
                v.extend(inf);
                v
            }
            IsoBlock::Ack { block } => vec![0xA2 | u8::from(*block)],
            IsoBlock::Nak { block } => vec![0xB2 | u8::from(*block)],
            IsoBlock::Wtx { wtxm } => vec![0xF2, *wtxm],
            IsoBlock::Deselect => vec![0xC2],
        }
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, TypeBError> {
        let Some((&pcb, rest)) = bytes.split_first() else {
            return Err(TypeBError::Block("empty frame".into()));
        };
        if pcb & 0x08 != 0 || pcb & 0x04 != 0 {
            return Err(TypeBError::Block(format!(
                "PCB {pcb:#04x} carries a CID or NAD, which this reader never asks for"
            )));
        }
        let block = pcb & 0x01 != 0;
        match pcb {
            // I-block: 000C 001b (C = chaining, b = block number).
            p if p & 0xE2 == 0x02 => Ok(IsoBlock::I {
                block,
                chaining: p & 0x10 != 0,
                inf: rest.to_vec(),
            }),
            // R-block: 101N 001b (N = NAK).
            p if p & 0xE6 == 0xA2 && rest.is_empty() => Ok(if p & 0x10 != 0 {
                IsoBlock::Nak { block }
            } else {
                IsoBlock::Ack { block }
            }),
            // S-block: 11TT 0010 (TT 11 = WTX, 00 = DESELECT).
            p if p & 0xC7 == 0xC2 && p & 0x30 == 0x30 => match rest {
                [wtxm] => Ok(IsoBlock::Wtx { wtxm: *wtxm }),
                _ => Err(TypeBError::Block(format!(
                    "S(WTX) with {} bytes; expected 1",
                    rest.len()
                ))),
            },
            p if p & 0xC7 == 0xC2 && p & 0x30 == 0 && rest.is_empty() => Ok(IsoBlock::Deselect),
            _ => Err(TypeBError::Block(format!(
                "PCB {pcb:#04x} with {} bytes is not an I-, R- or S-block",
                rest.len()
            ))),
        }
    }
}

/// Sends one RF frame and returns the card's frame (`Ok(None)` when the card did not answer
/// or the reader saw a transmission error: the engine then asks again).
#[allow(async_fn_in_trait)]
pub trait FrameIo {
    async fn exchange_frame(
        &mut self,
        frame: &[u8],
        timeout_ms: u16,
    ) -> Result<Option<Vec<u8>>, TransportError>;
}

/// ISO-DEP host state for one activated card.
#[derive(Debug, Clone)]
pub struct IsoDep {
    block: bool,
    fsc: usize,
    /// Frame waiting time in ms (from ATQB's FWI).
    fwt_ms: u16,
}

const RETRIES: u32 = 2;
const MAX_FRAMES: u32 = 1_000;

fn proto(msg: impl Into<String>) -> TransportError {
    TransportError::Protocol(msg.into())
}

impl IsoDep {
    pub fn new(atqb: &Atqb) -> Self {
        // FWT = 256 × 16 / fc × 2^FWI; fc = 13.56 MHz → 0.302 ms × 2^FWI.
        let fwi = atqb.protocol[2] >> 4;
        let fwt_us = 302u64 << fwi.min(14);
        Self {
            block: false,
            fsc: atqb.fsc(),
            // At least 99 ms: USB round trips through the reader come on top of the FWT.
            fwt_ms: (fwt_us / 1000 + 1).clamp(99, 5_000) as u16,
        }
    }

    /// Sends one APDU and returns the response APDU.
    pub async fn transceive<F: FrameIo>(
        &mut self,
        io: &mut F,
        apdu: &[u8],
    ) -> Result<Vec<u8>, TransportError> {
        // PCB + INF + CRC(2) must fit in FSC.
        let room = self.fsc.saturating_sub(3).max(1);
        let chunks: Vec<&[u8]> = apdu.chunks(room).collect();
        let mut frames = 0;
        let mut answer = None;
        for (i, chunk) in chunks.iter().enumerate() {
            let chaining = i + 1 < chunks.len();
            let mut block = IsoBlock::I {
                block: self.block,
                chaining,
                inf: chunk.to_vec(),
            };
            let reply = self.send(io, &block, &mut frames).await;
            // The INF may be a VERIFY with a PIN.
            if let IsoBlock::I { inf, .. } = &mut block {
                inf.zeroize();
            }
            let reply = reply?;
            if chaining {
                match reply {
                    IsoBlock::Ack { block } if block == self.block => self.block = !self.block,
                    other => {
                        return Err(proto(format!(
                            "expected R(ACK) for a chained block, got {other:?}"
                        )));
                    }
                }
            } else {
                answer = Some(reply);
            }
        }
        let mut reply = answer.ok_or_else(|| proto("empty APDU"))?;
        let mut out = Vec::new();
        loop {
            match reply {
                IsoBlock::I {
                    block,
                    chaining,
                    inf,
                } if block == self.block => {
                    self.block = !self.block;
                    out.extend(inf);
                    if !chaining {
                        return Ok(out);
                    }
                    reply = self
                        .send(io, &IsoBlock::Ack { block: self.block }, &mut frames)
                        .await?;
                }
                other => {
                    return Err(proto(format!("unexpected ISO-DEP block: {other:?}")));
                }
            }
        }
    }

    /// Sends a block; answers S(WTX) and retransmits (R(NAK) for I-blocks the card missed)
    /// until a block other than S(WTX) arrives.
    async fn send<F: FrameIo>(
        &mut self,
        io: &mut F,
        block: &IsoBlock,
        frames: &mut u32,
    ) -> Result<IsoBlock, TransportError> {
        let mut out = Zeroizing::new(block.encode());
        let mut timeout = self.fwt_ms;
        let mut failures = 0;
        loop {
            *frames += 1;
            if *frames > MAX_FRAMES {
                return Err(proto("the card sent too many frames for one APDU"));
            }
            let got = io.exchange_frame(&out, timeout).await?;
            timeout = self.fwt_ms;
            let parsed = match got {
                None => None,
                Some(f) => IsoBlock::parse(&f).ok(),
            };
            match parsed {
                Some(IsoBlock::Wtx { wtxm }) => {
                    let m = (wtxm & 0x3F).clamp(1, 59);
                    timeout = self.fwt_ms.saturating_mul(u16::from(m));
                    out = Zeroizing::new(IsoBlock::Wtx { wtxm }.encode());
                }
                // The card did not get our I-block (R(NAK) from the card is not allowed, but
                // an R(ACK) with the other block number asks for a retransmission).
                Some(IsoBlock::Ack { block: b })
                    if matches!(block, IsoBlock::I { .. }) && b != self.block =>
                {
                    failures += 1;
                    if failures > RETRIES {
                        return Err(proto("the card kept asking for the same block"));
                    }
                    out = Zeroizing::new(block.encode());
                }
                Some(b) => return Ok(b),
                None => {
                    failures += 1;
                    if failures > RETRIES {
                        return Err(TransportError::Timeout);
                    }
                    out = Zeroizing::new(match block {
                        // Rule 5: while the card is chaining (we are asking for its next block
                        // with R(ACK)), a lost or broken frame is answered with the same
                        // R(ACK) (ISO/IEC 14443-4 §7.5.4.2; nfcpy `tt4.py`
                        // `IsoDepInitiator.exchange` resends `0xA2 | pni`).
                        IsoBlock::Ack { .. } => block.encode(),
                        // Rule 4: otherwise a timeout or error is answered with R(NAK).
                        _ => IsoBlock::Nak { block: self.block }.encode(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn blocks_round_trip_and_match_card_md() {
        let blocks = [
            (
                vec![0x02, 0x00, 0xA4],
                IsoBlock::I {
                    block: false,
                    chaining: false,
                    inf: vec![0x00, 0xA4],
                },
            ),
            (
                vec![0x13, 0x01],
                IsoBlock::I {
                    block: true,
                    chaining: true,
                    inf: vec![0x01],
                },
            ),
            (vec![0xA2], IsoBlock::Ack { block: false }),
            (vec![0xA3], IsoBlock::Ack { block: true }),
            (vec![0xB2], IsoBlock::Nak { block: false }),
            (vec![0xF2, 0x01], IsoBlock::Wtx { wtxm: 1 }),
            (vec![0xC2], IsoBlock::Deselect),
        ];
        for (bytes, block) in blocks {
            assert_eq!(IsoBlock::parse(&bytes), Ok(block.clone()));
            assert_eq!(block.encode(), bytes);
        }
        assert!(IsoBlock::parse(&[]).is_err());
        assert!(IsoBlock::parse(&[0x0A, 0x00]).is_err(), "CID present");
        assert!(IsoBlock::parse(&[0xF2]).is_err());
        assert!(IsoBlock::parse(&[0xA2, 0x00]).is_err());
        assert_eq!(
            attrib([0x11, 0x22, 0x33, 0x44]),
            [0x1D, 0x11, 0x22, 0x33, 0x44, 0x00, 0x08, 0x01, 0x00]
        );
    }

    /// A card that plays a fixed transcript and fails the test on any other frame.
    struct Transcript(std::collections::VecDeque<(Vec<u8>, Option<Vec<u8>>)>);

    impl FrameIo for Transcript {
        async fn exchange_frame(
            &mut self,
            frame: &[u8],
            _timeout_ms: u16,
        ) -> Result<Option<Vec<u8>>, TransportError> {
            let (want, answer) = self.0.pop_front().expect("no more frames expected");
            assert_eq!(frame, want.as_slice(), "unexpected frame from the host");
            Ok(answer)
        }
    }

    /// ISO/IEC 14443-4 §7.5.4.2 rule 5: when the card is chaining and its block is lost, the
    /// reader sends R(ACK) again, not R(NAK) (rule 4 is for every other case). nfcpy does the
    /// same: in `src/nfc/tag/tt4.py` `IsoDepInitiator.exchange`, the loop that collects a
    /// chained response retransmits `0xA2 | self.pni` on a timeout or transmission error.
    #[test]
    fn issue_25_a_frame_lost_while_the_card_chains_is_answered_with_r_ack() {
        let atqb = Atqb::parse(&[0x50, 1, 2, 3, 4, 0, 0, 0, 0, 0x00, 0x81, 0x71]).unwrap();
        let mut iso = IsoDep::new(&atqb);
        let mut card = Transcript(
            [
                // I(0): READ BINARY.
                ("02 00 B0 00 00 07", Some("12 AA BB")),
                // The card chains (I(0) with the chaining bit): R(ACK) for block 1.
                ("A3", None),
                // Its next block was lost: R(ACK) again, not R(NAK) B3.
                ("A3", Some("03 CC 90 00")),
            ]
            .into_iter()
            .map(|(h, c)| (hex(h), c.map(hex)))
            .collect(),
        );
        let got = crate::sim::block_on(iso.transceive(&mut card, &hex("00 B0 00 00 07")));
        assert_eq!(got, Ok(hex("AA BB CC 90 00")));
        assert!(card.0.is_empty());
    }

    /// Rule 4 still holds outside the card's chaining: a lost answer to an I-block is R(NAK).
    #[test]
    fn a_lost_answer_to_an_i_block_is_answered_with_r_nak() {
        let atqb = Atqb::parse(&[0x50, 1, 2, 3, 4, 0, 0, 0, 0, 0x00, 0x81, 0x71]).unwrap();
        let mut iso = IsoDep::new(&atqb);
        let mut card = Transcript(
            [("02 00 B0 00 00 07", None), ("B2", Some("02 90 00"))]
                .into_iter()
                .map(|(h, c)| (hex(h), c.map(hex)))
                .collect(),
        );
        let got = crate::sim::block_on(iso.transceive(&mut card, &hex("00 B0 00 00 07")));
        assert_eq!(got, Ok(hex("90 00")));
    }

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn sensb_res_is_parsed_and_checked() {
        let res = [0x50, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 0x00, 0x81, 0x71];
        let atqb = Atqb::parse(&res).unwrap();
        assert_eq!(atqb.pupi, [0x11, 0x22, 0x33, 0x44]);
        assert_eq!(atqb.fsc(), 256);
        assert_eq!(atqb.encode(), res);
        assert!(Atqb::parse(&res[..5]).is_err());
        assert!(Atqb::parse(&[0x51; 12]).is_err());
        assert!(Atqb::parse(&[]).is_err());
    }
}
