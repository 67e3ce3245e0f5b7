//! A simulated Sony RC-S380 with a My Number card in its field: Port-100 frames on the bulk
//! pipes, an ACK before every answer, InCommRF carrying Type B frames to a card-side ISO-DEP
//! engine (PUPI `11 22 33 44`, as in card.md's vectors).

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
    rf_on: bool,
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
            rf_on: false,
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
            cmd::SET_COMMAND_TYPE | cmd::IN_SET_RF | cmd::IN_SET_PROTOCOL => ok(*code, &[0]),
            cmd::SWITCH_RF => {
                self.rf_on = params.first() == Some(&1);
                // Field off: the card loses power.
                self.picc = Picc::default();
                if let Some(c) = self.card.as_mut() {
                    c.power_cycle();
                }
                ok(*code, &[0])
            }
            cmd::GET_FIRMWARE_VERSION => ok(*code, &[0x11, 0x01]),
            cmd::IN_COMM_RF => {
                let Some(frame) = params.get(2..) else {
                    return ERROR_FRAME.to_vec();
                };
                self.rf_on = true;
                match self.rf(frame) {
                    Some(reply) => {
                        let mut d = vec![0, 0, 0, 0];
                        d.extend(reply);
                        ok(*code, &d)
                    }
                    // Status 0x80: no answer within the timeout.
                    None => ok(*code, &[0x80, 0, 0, 0]),
                }
            }
            _ => ERROR_FRAME.to_vec(),
        }
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
                self.next_chunk()
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
