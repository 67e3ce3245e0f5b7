//! A simulated Sony RC-S380 with a My Number card in its field: Port-100 frames on the bulk
//! pipes, an ACK before every answer, InCommRF carrying Type B frames to a card-side ISO-DEP
//! engine (PUPI `11 22 33 44`, as in card.md's vectors).
//!
//! Its replies follow nfcpy (`src/nfc/clf/rcs380.py`) and the Linux kernel
//! (`drivers/nfc/port100.c`), not our driver: an InCommRF reply is `D7 05`, the 4-byte status,
//! one byte that is not the card's (the kernel's "collision bits" byte), then the card's
//! bytes. The field and the framing are modelled as a card sees them: the field is off after
//! SwitchRF off until the next InSetRF, and a Type B card only answers frames sent at 106B
//! with CRC_B, SOF and EOF — which a reader only adds after InSetProtocol has set them since
//! it was plugged in (their power-on values are unknown, so none is assumed).

use std::collections::VecDeque;

use super::MyNumberCard;
use crate::rcs380::{self, ACK, ERROR_FRAME, Frame, cmd};
use crate::typeb::{Atqb, IsoBlock};
use crate::{TransportError, UsbPipe};

#[derive(Debug, Clone, Default)]
struct Picc {
    active: bool,
    block: bool,
    rx: Vec<u8>,
    tx: Vec<u8>,
    last: Vec<u8>,
    wtx_pending: bool,
}

impl Picc {
    fn activated() -> Self {
        Self {
            active: true,
            block: true,
            ..Self::default()
        }
    }
}

/// The simulated reader.
#[derive(Debug, Clone)]
pub struct Rcs380Device {
    pub card: Option<MyNumberCard>,
    pub atqb: Atqb,
    /// Largest frame the card sends back (tests use a small one to force chaining).
    pub card_frame: usize,
    /// The card asks for one waiting-time extension before each response.
    pub card_wtx: bool,
    /// The next this-many RF exchanges get no answer (a timeout), to test recovery.
    pub drop_frames: u8,
    /// The card's next block sent while it chains its answer (after an R(ACK)) is lost on the
    /// way back, to test ISO/IEC 14443-4 rule 5.
    pub lose_chained_answer: bool,
    /// InSetRF 106B was sent after the last SwitchRF off (the field is on, Type B).
    rf_type_b: bool,
    /// InSetProtocol values set since power-on, by setting number (nfcpy's KEYS order).
    protocol: [Option<u8>; 0x14],
    picc: Picc,
    bulk_in: VecDeque<Vec<u8>>,
    /// Every bulk-OUT frame, in order.
    pub messages: Vec<Vec<u8>>,
}

impl Rcs380Device {
    pub fn new(card: Option<MyNumberCard>) -> Self {
        Self {
            card,
            atqb: Atqb {
                pupi: [0x11, 0x22, 0x33, 0x44],
                app_data: [0; 4],
                // FSCI 8 (256 bytes), FWI 7.
                protocol: [0x00, 0x81, 0x71],
            },
            card_frame: 256,
            card_wtx: false,
            drop_frames: 0,
            lose_chained_answer: false,
            rf_type_b: false,
            protocol: [None; 0x14],
            picc: Picc::default(),
            bulk_in: VecDeque::new(),
            messages: Vec::new(),
        }
    }

    /// Puts a card in the field (or takes it away with `None`).
    pub fn set_card(&mut self, card: Option<MyNumberCard>) {
        self.card = card;
        self.picc = Picc::default();
    }

    fn answer(&mut self, data: &[u8]) -> Vec<u8> {
        let [0xD6, code, params @ ..] = data else {
            return ERROR_FRAME.to_vec();
        };
        let ok = |code: u8, rest: &[u8]| {
            let mut d = vec![0xD7, code + 1];
            d.extend(rest);
            rcs380::encode(&d)
        };
        match *code {
            cmd::SET_COMMAND_TYPE => ok(*code, &[0]),
            cmd::IN_SET_RF => {
                // Send and receive settings: 4 bytes (nfcpy `in_set_rf`); else a parameter error.
                let [send_set, send_type, _, recv_type] = params else {
                    return ok(*code, &[1]);
                };
                self.rf_type_b = *send_set == 3 && *send_type == 7 && *recv_type == 7;
                ok(*code, &[0])
            }
            cmd::IN_SET_PROTOCOL => {
                if params.len() % 2 != 0 || params.chunks(2).any(|p| usize::from(p[0]) >= 0x14) {
                    return ok(*code, &[1]);
                }
                for p in params.chunks(2) {
                    self.protocol[usize::from(p[0])] = Some(p[1]);
                }
                ok(*code, &[0])
            }
            cmd::SWITCH_RF => {
                // Field off: the card loses power, and the reader's RF settings with it.
                if params.first() != Some(&1) {
                    self.rf_type_b = false;
                }
                self.picc = Picc::default();
                if let Some(c) = self.card.as_mut() {
                    c.power_cycle();
                }
                ok(*code, &[0])
            }
            // Minor, major (nfcpy: `minor, major = get_firmware_version()`): v1.11.
            cmd::GET_FIRMWARE_VERSION => ok(*code, &[0x11, 0x01]),
            cmd::IN_COMM_RF => {
                let Some(frame) = params.get(2..) else {
                    return ok(*code, &[1]);
                };
                match self.type_b_framing().then(|| self.rf(frame)).flatten() {
                    // Status, the one byte that is not the card's, the card's bytes.
                    Some(reply) => {
                        let mut d = vec![0, 0, 0, 0, 0];
                        d.extend(reply);
                        ok(*code, &d)
                    }
                    // RECEIVE_TIMEOUT_ERROR: no answer within the timeout.
                    None => ok(*code, &[0x80, 0, 0, 0]),
                }
            }
            _ => ERROR_FRAME.to_vec(),
        }
    }

    /// Whether a Type B card can hear the reader and be heard: the field is on at 106B, and
    /// CRC_B, SOF and EOF are added and checked (settings 1, 2, 9–12 on).
    fn type_b_framing(&self) -> bool {
        self.rf_type_b
            && [1, 2, 9, 10, 11, 12]
                .iter()
                .all(|&n| self.protocol[n] == Some(1))
    }

    /// The card's side of one RF exchange.
    fn rf(&mut self, frame: &[u8]) -> Option<Vec<u8>> {
        if self.drop_frames > 0 {
            self.drop_frames -= 1;
            return None;
        }
        let card = self.card.as_mut()?;
        match frame {
            [0x05, _, _] => {
                // A card in the field that hears SENSB_REQ starts over.
                self.picc = Picc::default();
                card.power_cycle();
                Some(self.atqb.encode())
            }
            [0x1D, p0, p1, p2, p3, ..] if [*p0, *p1, *p2, *p3] == self.atqb.pupi => {
                self.picc = Picc::activated();
                Some(vec![0x00])
            }
            _ if self.picc.active => self.iso(frame),
            _ => None,
        }
    }

    /// ISO/IEC 14443-4 rules C–E and 11 for the card: its block number starts at 1 and
    /// toggles on each I-block received and on each R(ACK) that carries the other number.
    fn iso(&mut self, frame: &[u8]) -> Option<Vec<u8>> {
        let block = IsoBlock::parse(frame).ok()?;
        let out = match block {
            IsoBlock::I {
                block,
                chaining,
                inf,
            } => {
                if block == self.picc.block {
                    // Already received: the answer was lost, send it again.
                    return Some(self.picc.last.clone());
                }
                self.picc.block = block;
                self.picc.rx.extend(inf);
                if chaining {
                    IsoBlock::Ack { block }.encode()
                } else {
                    let apdu = std::mem::take(&mut self.picc.rx);
                    self.picc.tx = self.card.as_mut()?.answer(&apdu);
                    if self.card_wtx {
                        self.picc.wtx_pending = true;
                        IsoBlock::Wtx { wtxm: 1 }.encode()
                    } else {
                        self.next_chunk()
                    }
                }
            }
            IsoBlock::Wtx { .. } if self.picc.wtx_pending => {
                self.picc.wtx_pending = false;
                self.next_chunk()
            }
            IsoBlock::Ack { block } if block != self.picc.block && !self.picc.tx.is_empty() => {
                self.picc.block = block;
                let chunk = self.next_chunk();
                if std::mem::take(&mut self.lose_chained_answer) {
                    self.picc.last = chunk;
                    return None;
                }
                chunk
            }
            // Rule 11: an R(ACK) with the card's current block number asks for the last
            // block again (the reader lost it).
            IsoBlock::Ack { block } if block == self.picc.block && !self.picc.last.is_empty() => {
                self.picc.last.clone()
            }
            IsoBlock::Nak { block } if block == self.picc.block => self.picc.last.clone(),
            IsoBlock::Nak { .. } => IsoBlock::Ack {
                block: self.picc.block,
            }
            .encode(),
            IsoBlock::Deselect => {
                self.picc.active = false;
                vec![0xC2]
            }
            _ => return None,
        };
        self.picc.last = out.clone();
        Some(out)
    }

    fn next_chunk(&mut self) -> Vec<u8> {
        let room = self.card_frame.saturating_sub(3).max(1);
        let n = self.picc.tx.len().min(room);
        let inf: Vec<u8> = self.picc.tx.drain(..n).collect();
        IsoBlock::I {
            block: self.picc.block,
            chaining: !self.picc.tx.is_empty(),
            inf,
        }
        .encode()
    }
}

impl UsbPipe for Rcs380Device {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        self.messages.push(data.to_vec());
        match rcs380::parse(data) {
            Ok(Frame::Ack) => {
                self.bulk_in.clear();
            }
            Ok(Frame::Data(d)) => {
                self.bulk_in.push_back(ACK.to_vec());
                let reply = self.answer(&d);
                self.bulk_in.push_back(reply);
            }
            Ok(Frame::Error) | Err(_) => {
                self.bulk_in.push_back(ERROR_FRAME.to_vec());
            }
        }
        Ok(())
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        let msg = self
            .bulk_in
            .pop_front()
            .ok_or_else(|| TransportError::Protocol("bulk-IN read with no frame pending".into()))?;
        if msg.len() > max {
            return Err(TransportError::Protocol(format!(
                "bulk-IN frame of {} bytes exceeds the {max}-byte read",
                msg.len()
            )));
        }
        Ok(msg)
    }
}
