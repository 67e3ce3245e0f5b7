//! A simulated USB CCID reader holding a [`MyNumberCard`]: it answers CCID bulk messages at
//! APDU level (like an ACR1252 or the RC-S300's CCID interface, with a contactless pseudo-ATR)
//! or at TPDU level (like the NTT Com SCR3310, with the card's contact ATR and a card-side T=1
//! engine), and reports card insertion and removal on its interrupt pipe.

use std::collections::VecDeque;

use super::MyNumberCard;
use crate::ccid::{ClassDescriptor, CommandStatus, FromReader, Icc, Kind, ToReader};
use crate::t1::{Block, SKind};
use crate::{TransportError, UsbPipe};

/// How the simulated reader exchanges data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Short and extended APDU level; the reader does ISO 14443-4 itself.
    Apdu,
    /// TPDU level; the host runs T=1.
    Tpdu,
}

/// The card's contact ATR (card.md §1.7).
pub const CONTACT_ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];
/// The generic Type B pseudo-ATR a contactless reader makes up.
pub const CONTACTLESS_ATR: [u8; 13] = [0x3B, 0x88, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x09];

#[derive(Debug, Clone, Default)]
struct CardT1 {
    card_ns: bool,
    host_ns: bool,
    ifsd: usize,
    rx: Vec<u8>,
    tx: Vec<u8>,
    last: Vec<u8>,
    wtx_pending: bool,
}

/// The simulated reader.
#[derive(Debug, Clone)]
pub struct CcidDevice {
    mode: Mode,
    descriptor: ClassDescriptor,
    pub card: Option<MyNumberCard>,
    powered: bool,
    atr: Vec<u8>,
    t1: CardT1,
    bulk_in: VecDeque<Vec<u8>>,
    interrupts: VecDeque<Vec<u8>>,
    /// Time-extension replies sent before every XfrBlock answer.
    pub time_extensions: u8,
    /// The card asks for a waiting-time extension with this multiplier before each
    /// response (TPDU level; 0 = never). Like a real reader, the simulated one then waits
    /// only as long as the S(WTX response)'s XfrBlock says in `bBWI`: with a multiplier above
    /// 1 and a `bBWI` below it, it gives up on the card (bError FE).
    pub card_wtx: u8,
    /// Corrupt the check byte of this many next T=1 blocks from the card.
    pub corrupt_blocks: u8,
    /// The `bPowerSelect` values (1 = 5 V, 2 = 3 V, 3 = 1.8 V; 0 = the reader's choice) at
    /// which the card answers; at any other the card stays mute (bError FE, card present).
    pub card_answers_at: Vec<u8>,
    /// Replies to earlier commands (another `bSeq`) still queued before the next answer, as
    /// after a page reload in the middle of an exchange.
    pub stale_replies: u8,
    /// Every bulk-OUT message, in order.
    pub messages: Vec<Vec<u8>>,
    /// Every read timeout the host set (ms), in order.
    pub read_timeouts: Vec<u32>,
}

impl CcidDevice {
    /// An APDU-level contactless reader: the ACR1252's descriptor as pcsc-lite's CCID driver
    /// lists it (`readers/ACS_ACR1252_Reader.txt`).
    pub fn apdu_reader(card: Option<MyNumberCard>) -> Self {
        Self::new(
            Mode::Apdu,
            card,
            ClassDescriptor {
                max_slot_index: 0,
                voltage_support: 0x07,
                protocols: 3,
                default_clock_khz: 4_000,
                max_ifsd: 254,
                features: 0x0004_04BA,
                max_message: 522,
            },
            CONTACTLESS_ATR.to_vec(),
        )
    }

    /// A TPDU-level contact reader with the NTT Com SCR3310's descriptor as pcsc-lite's CCID
    /// driver lists it (`readers/SCR3310-NTTCom.txt`: dwDefaultClock 4.8 MHz, dwMaxIFSD 252, dwFeatures 0x000101BA,
    /// 271 bytes, 5 V / 3 V / 1.8 V), whose card announces `ifsc` in its ATR (254 on a real
    /// My Number card).
    pub fn tpdu_reader(card: Option<MyNumberCard>, ifsc: u8) -> Self {
        Self::tpdu(
            card,
            ifsc,
            ClassDescriptor {
                max_slot_index: 0,
                voltage_support: 0x07,
                protocols: 3,
                default_clock_khz: 4_800,
                max_ifsd: 252,
                features: 0x0001_01BA,
                max_message: 271,
            },
        )
    }

    /// A TPDU-level contact reader that leaves the voltage to the host: the ACS ACR39U's
    /// descriptor (`readers/ACS_ACR39U_ICC_Reader.txt`: dwFeatures 0x000100B2 has neither
    /// automatic voltage 0x08 nor automatic activation 0x04; dwMaxIFSD 247).
    pub fn acr39u(card: Option<MyNumberCard>) -> Self {
        Self::tpdu(
            card,
            0xFE,
            ClassDescriptor {
                max_slot_index: 0,
                voltage_support: 0x07,
                protocols: 3,
                default_clock_khz: 4_800,
                max_ifsd: 247,
                features: 0x0001_00B2,
                max_message: 271,
            },
        )
    }

    fn tpdu(card: Option<MyNumberCard>, ifsc: u8, descriptor: ClassDescriptor) -> Self {
        let mut atr = CONTACT_ATR.to_vec();
        atr[6] = ifsc;
        atr[8] = atr[1..8].iter().fold(0, |a, b| a ^ b);
        Self::new(Mode::Tpdu, card, descriptor, atr)
    }

    fn new(
        mode: Mode,
        card: Option<MyNumberCard>,
        descriptor: ClassDescriptor,
        atr: Vec<u8>,
    ) -> Self {
        Self {
            mode,
            descriptor,
            card,
            powered: false,
            atr,
            t1: CardT1::default(),
            bulk_in: VecDeque::new(),
            interrupts: VecDeque::new(),
            time_extensions: 0,
            card_wtx: 0,
            corrupt_blocks: 0,
            card_answers_at: vec![0, 1, 2, 3],
            stale_replies: 0,
            messages: Vec::new(),
            read_timeouts: Vec::new(),
        }
    }

    pub fn descriptor(&self) -> ClassDescriptor {
        self.descriptor
    }

    /// The configuration descriptor a GET_DESCRIPTOR returns: configuration, one interface
    /// of `class` (0x0B, or 0xFF for vendor-class readers), the CCID descriptor, three
    /// endpoints (bulk OUT 0x01, bulk IN 0x82, interrupt IN 0x83).
    pub fn configuration_descriptor(&self, class: u8) -> Vec<u8> {
        let mut d = vec![9, 0x04, 0, 0, 3, class, 0, 0, 0];
        d.extend(self.descriptor.encode());
        d.extend([7, 0x05, 0x01, 0x02, 0x40, 0x00, 0]);
        d.extend([7, 0x05, 0x82, 0x02, 0x40, 0x00, 0]);
        d.extend([7, 0x05, 0x83, 0x03, 0x08, 0x00, 0x10]);
        let total = (9 + d.len()) as u16;
        let mut config = vec![9, 0x02];
        config.extend(total.to_le_bytes());
        config.extend([1, 1, 0, 0x80, 50]);
        config.extend(d);
        config
    }

    /// Puts a card in the slot (a NotifySlotChange `50 03` follows on the interrupt pipe).
    pub fn insert(&mut self, mut card: MyNumberCard) {
        card.insert();
        self.card = Some(card);
        self.powered = false;
        self.interrupts.push_back(vec![0x50, 0x03]);
    }

    /// Takes the card out (`50 02` follows).
    pub fn remove(&mut self) -> Option<MyNumberCard> {
        self.powered = false;
        self.interrupts.push_back(vec![0x50, 0x02]);
        self.card.take()
    }

    /// The next interrupt-IN message, if any.
    pub fn interrupt_in(&mut self) -> Option<Vec<u8>> {
        self.interrupts.pop_front()
    }

    fn reply(&self, kind: Kind, slot: u8, seq: u8, data: Vec<u8>) -> FromReader {
        FromReader {
            kind,
            slot,
            seq,
            icc: match (&self.card, self.powered) {
                (None, _) => Icc::Absent,
                (Some(_), true) => Icc::Active,
                (Some(_), false) => Icc::Inactive,
            },
            command: CommandStatus::Ok,
            error: 0,
            extra: 0,
            data,
        }
    }

    fn failed(&self, kind: Kind, slot: u8, seq: u8, error: u8) -> FromReader {
        FromReader {
            command: CommandStatus::Failed,
            error,
            ..self.reply(kind, slot, seq, Vec::new())
        }
    }

    fn handle(&mut self, bytes: &[u8]) -> Vec<FromReader> {
        let (slot, seq, msg) = match ToReader::parse(bytes) {
            Ok(m) => m,
            // A reader answers garbage with a SlotStatus naming the bad byte (here: the type).
            Err(_) => {
                let seq = bytes.get(6).copied().unwrap_or(0);
                return vec![self.failed(Kind::SlotStatus, 0, seq, 0x01)];
            }
        };
        if slot != 0 {
            return vec![self.failed(Kind::SlotStatus, slot, seq, 0x05)];
        }
        match msg {
            ToReader::GetSlotStatus => vec![self.reply(Kind::SlotStatus, slot, seq, Vec::new())],
            ToReader::PowerOn { voltage } => match self.card.as_mut() {
                None => vec![self.failed(Kind::DataBlock, slot, seq, 0xFE)],
                // Mute at this voltage: the card is there but does not answer.
                Some(_) if !self.card_answers_at.contains(&voltage) => {
                    self.powered = false;
                    let mut r = self.failed(Kind::DataBlock, slot, seq, 0xFE);
                    r.icc = Icc::Inactive;
                    vec![r]
                }
                Some(card) => {
                    card.power_cycle();
                    self.powered = true;
                    self.t1 = CardT1 {
                        ifsd: 32,
                        ..CardT1::default()
                    };
                    vec![self.reply(Kind::DataBlock, slot, seq, self.atr.clone())]
                }
            },
            ToReader::PowerOff => {
                self.powered = false;
                if let Some(card) = self.card.as_mut() {
                    card.power_cycle();
                }
                vec![self.reply(Kind::SlotStatus, slot, seq, Vec::new())]
            }
            ToReader::SetParameters { protocol, data } => {
                if self.mode != Mode::Tpdu || protocol != 1 || data.len() != 7 {
                    return vec![self.failed(Kind::Parameters, slot, seq, 0x07)];
                }
                let mut r = self.reply(Kind::Parameters, slot, seq, data);
                r.extra = protocol;
                vec![r]
            }
            ToReader::Escape { .. } => vec![self.failed(Kind::Escape, slot, seq, 0x00)],
            ToReader::XfrBlock { data, bwi, .. } => {
                if self.card.is_none() || !self.powered {
                    return vec![self.failed(Kind::DataBlock, slot, seq, 0xFE)];
                }
                if self.t1.wtx_pending && self.card_wtx > 1 && bwi < self.card_wtx {
                    // The card needs longer than the reader waits for it.
                    return vec![self.failed(Kind::DataBlock, slot, seq, 0xFE)];
                }
                let answer = match self.mode {
                    Mode::Apdu => self
                        .card
                        .as_mut()
                        .map(|c| c.answer(&data))
                        .unwrap_or_default(),
                    Mode::Tpdu => self.t1_block(&data),
                };
                let mut out: Vec<FromReader> = (0..self.time_extensions)
                    .map(|_| FromReader {
                        command: CommandStatus::TimeExtension,
                        error: 1,
                        ..self.reply(Kind::DataBlock, slot, seq, Vec::new())
                    })
                    .collect();
                out.push(self.reply(Kind::DataBlock, slot, seq, answer));
                out
            }
        }
    }

    /// The card's side of T=1: one block in, one block out.
    fn t1_block(&mut self, block: &[u8]) -> Vec<u8> {
        let out = match Block::parse(block) {
            Err(_) => Block::R {
                nr: self.t1.host_ns,
                error: 1,
            }
            .encode(0),
            Ok((_, Block::I { ns, more, inf })) if ns == self.t1.host_ns => {
                self.t1.host_ns = !self.t1.host_ns;
                self.t1.rx.extend(inf);
                if more {
                    Block::R {
                        nr: self.t1.host_ns,
                        error: 0,
                    }
                    .encode(0)
                } else {
                    let apdu = std::mem::take(&mut self.t1.rx);
                    self.t1.tx = self
                        .card
                        .as_mut()
                        .map(|c| c.answer(&apdu))
                        .unwrap_or_default();
                    if self.card_wtx > 0 {
                        self.t1.wtx_pending = true;
                        Block::S {
                            kind: SKind::Wtx,
                            response: false,
                            inf: vec![self.card_wtx],
                        }
                        .encode(0)
                    } else {
                        self.next_chunk()
                    }
                }
            }
            Ok((
                _,
                Block::S {
                    kind: SKind::Wtx,
                    response: true,
                    ..
                },
            )) if self.t1.wtx_pending => {
                self.t1.wtx_pending = false;
                self.next_chunk()
            }
            Ok((
                _,
                Block::S {
                    kind: SKind::Ifs,
                    response: false,
                    inf,
                },
            )) => {
                if let [n @ 1..=254] = inf[..] {
                    self.t1.ifsd = usize::from(n);
                }
                Block::S {
                    kind: SKind::Ifs,
                    response: true,
                    inf,
                }
                .encode(0)
            }
            Ok((_, Block::R { nr, error: 0 }))
                if nr == self.t1.card_ns && !self.t1.tx.is_empty() =>
            {
                self.next_chunk()
            }
            // Anything else: send the last block again.
            Ok(_) => self.t1.last.clone(),
        };
        self.t1.last = out.clone();
        if self.corrupt_blocks > 0 {
            self.corrupt_blocks -= 1;
            let mut bad = out;
            if let Some(b) = bad.last_mut() {
                *b ^= 0xFF;
            }
            return bad;
        }
        out
    }

    fn next_chunk(&mut self) -> Vec<u8> {
        let n = self.t1.tx.len().min(self.t1.ifsd.max(1));
        let inf: Vec<u8> = self.t1.tx.drain(..n).collect();
        let block = Block::I {
            ns: self.t1.card_ns,
            more: !self.t1.tx.is_empty(),
            inf,
        };
        self.t1.card_ns = !self.t1.card_ns;
        block.encode(0)
    }
}

impl UsbPipe for CcidDevice {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        self.messages.push(data.to_vec());
        let replies = self.handle(data);
        // Answers to commands of an earlier session, with their own sequence numbers.
        for i in 0..std::mem::take(&mut self.stale_replies) {
            let seq = data.get(6).copied().unwrap_or(0).wrapping_sub(i + 1);
            self.bulk_in
                .push_back(self.reply(Kind::SlotStatus, 0, seq, Vec::new()).encode());
        }
        self.bulk_in.extend(replies.iter().map(FromReader::encode));
        Ok(())
    }

    fn set_read_timeout(&mut self, ms: u32) {
        self.read_timeouts.push(ms);
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        let msg = self.bulk_in.pop_front().ok_or_else(|| {
            TransportError::Protocol("bulk-IN read with no message pending".into())
        })?;
        if msg.len() > max {
            return Err(TransportError::Protocol(format!(
                "bulk-IN message of {} bytes exceeds the {max}-byte read",
                msg.len()
            )));
        }
        Ok(msg)
    }
}
