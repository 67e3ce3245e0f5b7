//! USB CCID (rev 1.1) messages on the bulk and interrupt pipes (card.md §3), the class
//! descriptor that says how a reader exchanges data, and [`CcidReader`], which drives a reader
//! over any [`UsbPipe`] at APDU or TPDU (T=1) level.

use zeroize::Zeroize;

use crate::atr::Atr;
use crate::t1::{BlockIo, T1Host};
use crate::{Transport, TransportError, UsbPipe};

/// Bytes in every bulk message header.
pub const HEADER: usize = 10;

/// Host → reader messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToReader {
    /// `62`: `voltage` 0 automatic, 1 5 V, 2 3 V, 3 1.8 V.
    PowerOn { voltage: u8 },
    /// `63`
    PowerOff,
    /// `65`
    GetSlotStatus,
    /// `6F`: an APDU (APDU level) or a T=1 block (TPDU level).
    XfrBlock { bwi: u8, level: u16, data: Vec<u8> },
    /// `61`: protocol 0 (T=0) or 1 (T=1) and its parameter block.
    SetParameters { protocol: u8, data: Vec<u8> },
    /// `6B`: vendor command.
    Escape { data: Vec<u8> },
}

/// Reader → host bulk message kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `80`
    DataBlock,
    /// `81`
    SlotStatus,
    /// `82`
    Parameters,
    /// `83`
    Escape,
}

/// Card state in `bStatus` bits 0–1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Icc {
    Active,
    Inactive,
    Absent,
    Reserved,
}

/// Command state in `bStatus` bits 6–7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandStatus {
    Ok,
    Failed,
    /// The reader is still working: read again (same `bSeq`).
    TimeExtension,
    Reserved,
}

/// A reader → host bulk message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromReader {
    pub kind: Kind,
    pub slot: u8,
    pub seq: u8,
    pub icc: Icc,
    pub command: CommandStatus,
    /// `bError` (or the time-extension multiplier).
    pub error: u8,
    /// Byte 9: `bChainParameter`, `bClockStatus` or `bProtocolNum`.
    pub extra: u8,
    pub data: Vec<u8>,
}

/// Malformed CCID bytes: what and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CcidError {
    #[error("CCID message of {0} bytes; the header alone is 10")]
    Short(usize),
    #[error("CCID header says {said} data bytes, {actual} follow")]
    Length { said: usize, actual: usize },
    #[error("CCID message type {0:#04x} is not one the host or reader sends here")]
    Type(u8),
    #[error("CCID class descriptor: {0}")]
    Descriptor(String),
    #[error("interrupt message: {0}")]
    Interrupt(String),
}

fn header(ty: u8, len: usize, slot: u8, seq: u8, b: [u8; 3]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + len);
    out.push(ty);
    out.extend((len as u32).to_le_bytes());
    out.extend([slot, seq]);
    out.extend(b);
    out
}

fn split(bytes: &[u8]) -> Result<(&[u8; HEADER], &[u8]), CcidError> {
    let Some((head, data)) = bytes.split_first_chunk::<HEADER>() else {
        return Err(CcidError::Short(bytes.len()));
    };
    let said = u32::from_le_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if said != data.len() {
        return Err(CcidError::Length {
            said,
            actual: data.len(),
        });
    }
    Ok((head, data))
}

impl ToReader {
    pub fn encode(&self, slot: u8, seq: u8) -> Vec<u8> {
        let (ty, b, data): (u8, [u8; 3], &[u8]) = match self {
            ToReader::PowerOn { voltage } => (0x62, [*voltage, 0, 0], &[]),
            ToReader::PowerOff => (0x63, [0; 3], &[]),
            ToReader::GetSlotStatus => (0x65, [0; 3], &[]),
            ToReader::XfrBlock { bwi, level, data } => {
                let [l0, l1] = level.to_le_bytes();
                (0x6F, [*bwi, l0, l1], data)
            }
            ToReader::SetParameters { protocol, data } => (0x61, [*protocol, 0, 0], data),
            ToReader::Escape { data } => (0x6B, [0; 3], data),
        };
        let mut out = header(ty, data.len(), slot, seq, b);
        out.extend(data);
        out
    }

    /// Parses a host message (the simulated reader's side); returns slot, seq and message.
    pub fn parse(bytes: &[u8]) -> Result<(u8, u8, ToReader), CcidError> {
        let (h, data) = split(bytes)?;
        let msg = match h[0] {
            0x62 => ToReader::PowerOn { voltage: h[7] },
            0x63 => ToReader::PowerOff,
            0x65 => ToReader::GetSlotStatus,
            0x6F => ToReader::XfrBlock {
                bwi: h[7],
                level: u16::from_le_bytes([h[8], h[9]]),
                data: data.to_vec(),
            },
            0x61 => ToReader::SetParameters {
                protocol: h[7],
                data: data.to_vec(),
            },
            0x6B => ToReader::Escape {
                data: data.to_vec(),
            },
            other => return Err(CcidError::Type(other)),
        };
        Ok((h[5], h[6], msg))
    }
}

impl FromReader {
    pub fn parse(bytes: &[u8]) -> Result<Self, CcidError> {
        let (h, data) = split(bytes)?;
        let kind = match h[0] {
            0x80 => Kind::DataBlock,
            0x81 => Kind::SlotStatus,
            0x82 => Kind::Parameters,
            0x83 => Kind::Escape,
            other => return Err(CcidError::Type(other)),
        };
        let icc = match h[7] & 0x03 {
            0 => Icc::Active,
            1 => Icc::Inactive,
            2 => Icc::Absent,
            _ => Icc::Reserved,
        };
        let command = match h[7] >> 6 {
            0 => CommandStatus::Ok,
            1 => CommandStatus::Failed,
            2 => CommandStatus::TimeExtension,
            _ => CommandStatus::Reserved,
        };
        Ok(Self {
            kind,
            slot: h[5],
            seq: h[6],
            icc,
            command,
            error: h[8],
            extra: h[9],
            data: data.to_vec(),
        })
    }

    pub fn encode(&self) -> Vec<u8> {
        let ty = match self.kind {
            Kind::DataBlock => 0x80,
            Kind::SlotStatus => 0x81,
            Kind::Parameters => 0x82,
            Kind::Escape => 0x83,
        };
        let icc = match self.icc {
            Icc::Active => 0,
            Icc::Inactive => 1,
            Icc::Absent => 2,
            Icc::Reserved => 3,
        };
        let cmd = match self.command {
            CommandStatus::Ok => 0,
            CommandStatus::Failed => 1,
            CommandStatus::TimeExtension => 2,
            CommandStatus::Reserved => 3,
        };
        let mut out = header(
            ty,
            self.data.len(),
            self.slot,
            self.seq,
            [icc | cmd << 6, self.error, self.extra],
        );
        out.extend(&self.data);
        out
    }
}

/// What `bError` means when a command failed (card.md §3.3).
pub fn error_name(code: u8) -> String {
    match code {
        0xFE => "card absent or mute".into(),
        0xFD => "parity error".into(),
        0xFB => "hardware error".into(),
        0xF6 => "protocol not supported".into(),
        0xE0 => "slot busy".into(),
        0xA2 => "card short-circuit".into(),
        0xEF => "PIN pad cancelled".into(),
        0xF0 => "PIN pad timeout".into(),
        0x01..=0x7F => format!("error in byte {code} of the command"),
        other => format!("reader error {other:#04x}"),
    }
}

/// One slot's state in a NotifySlotChange message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotChange {
    pub present: bool,
    pub changed: bool,
}

/// Interrupt-IN messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupt {
    /// `50`: every slot's state, slot 0 first.
    SlotChange(Vec<SlotChange>),
    /// `51`
    HardwareError { slot: u8, seq: u8, code: u8 },
}

impl Interrupt {
    pub fn parse(bytes: &[u8]) -> Result<Self, CcidError> {
        match bytes {
            [0x50, rest @ ..] if !rest.is_empty() => Ok(Interrupt::SlotChange(
                rest.iter()
                    .flat_map(|b| (0..4).map(move |i| (b >> (2 * i)) & 0x3))
                    .map(|bits| SlotChange {
                        present: bits & 1 != 0,
                        changed: bits & 2 != 0,
                    })
                    .collect(),
            )),
            [0x51, slot, seq, code] => Ok(Interrupt::HardwareError {
                slot: *slot,
                seq: *seq,
                code: *code,
            }),
            [0x50] => Err(CcidError::Interrupt(
                "NotifySlotChange without slot bits".into(),
            )),
            [0x51, ..] => Err(CcidError::Interrupt(format!(
                "HardwareError of {} bytes; expected 4",
                bytes.len()
            ))),
            [] => Err(CcidError::Interrupt("empty".into())),
            [t, ..] => Err(CcidError::Type(*t)),
        }
    }
}

/// How a reader carries card data (`dwFeatures & 0x70000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Character,
    Tpdu,
    ShortApdu,
    ExtendedApdu,
}

/// The CCID class descriptor (type `0x21`, 54 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassDescriptor {
    pub max_slot_index: u8,
    pub protocols: u32,
    pub max_ifsd: u32,
    pub features: u32,
    pub max_message: u32,
}

/// `dwFeatures` bits the host looks at.
pub mod feature {
    pub const AUTO_PARAMETERS: u32 = 0x40;
    pub const AUTO_PPS: u32 = 0x80;
    pub const AUTO_IFSD: u32 = 0x400;
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl ClassDescriptor {
    /// Parses the 54-byte descriptor (`bLength 36`, `bDescriptorType 21`).
    pub fn parse(bytes: &[u8]) -> Result<Self, CcidError> {
        if bytes.len() < 54 || bytes[0] < 54 {
            return Err(CcidError::Descriptor(format!(
                "{} bytes; expected 54",
                bytes.len()
            )));
        }
        if bytes[1] != 0x21 {
            return Err(CcidError::Descriptor(format!(
                "type {:#04x}; expected 0x21",
                bytes[1]
            )));
        }
        Ok(Self {
            max_slot_index: bytes[4],
            protocols: le32(bytes, 6),
            max_ifsd: le32(bytes, 28),
            features: le32(bytes, 40),
            max_message: le32(bytes, 44),
        })
    }

    /// Finds the CCID descriptor in a whole configuration descriptor (what a GET_DESCRIPTOR
    /// control transfer returns; WebUSB does not expose class descriptors otherwise).
    pub fn find(configuration: &[u8]) -> Result<Self, CcidError> {
        let mut at = 0;
        while at + 2 <= configuration.len() {
            let len = usize::from(configuration[at]);
            if len < 2 {
                return Err(CcidError::Descriptor(format!(
                    "descriptor of length {len} at offset {at}"
                )));
            }
            if configuration[at + 1] == 0x21 {
                let end = (at + len).min(configuration.len());
                return Self::parse(&configuration[at..end]);
            }
            at += len;
        }
        Err(CcidError::Descriptor(
            "the configuration has no CCID class descriptor (type 0x21)".into(),
        ))
    }

    pub fn level(&self) -> Level {
        match self.features & 0x70000 {
            0x10000 => Level::Tpdu,
            0x20000 => Level::ShortApdu,
            0x40000 => Level::ExtendedApdu,
            _ => Level::Character,
        }
    }

    /// The descriptor's bytes (the simulated readers report themselves with this).
    pub fn encode(&self) -> Vec<u8> {
        let mut d = vec![0u8; 54];
        d[0] = 54;
        d[1] = 0x21;
        d[2..4].copy_from_slice(&0x0110u16.to_le_bytes());
        d[4] = self.max_slot_index;
        d[5] = 0x07; // 5 V, 3 V, 1.8 V
        d[6..10].copy_from_slice(&self.protocols.to_le_bytes());
        d[28..32].copy_from_slice(&self.max_ifsd.to_le_bytes());
        d[40..44].copy_from_slice(&self.features.to_le_bytes());
        d[44..48].copy_from_slice(&self.max_message.to_le_bytes());
        d[52] = 1; // bMaxCCIDBusySlots
        d
    }
}

/// How many time extensions in a row are waited for before giving up (each is a new bulk-IN
/// read; the reader paces them).
const MAX_TIME_EXTENSIONS: u32 = 200;

/// A CCID reader on a [`UsbPipe`], slot 0.
#[derive(Debug)]
pub struct CcidReader<P> {
    pipe: P,
    seq: u8,
    descriptor: ClassDescriptor,
    t1: Option<T1Host>,
}

impl<P: UsbPipe> CcidReader<P> {
    /// A reader with this class descriptor; character-level readers are refused.
    pub fn new(pipe: P, descriptor: ClassDescriptor) -> Result<Self, TransportError> {
        if descriptor.level() == Level::Character {
            return Err(TransportError::Reader(
                "character-level CCID readers are not supported (expected TPDU or APDU level)"
                    .into(),
            ));
        }
        Ok(Self {
            pipe,
            seq: 0,
            descriptor,
            t1: None,
        })
    }

    pub fn level(&self) -> Level {
        self.descriptor.level()
    }

    /// Sends one message and returns the reader's answer to it, waiting through time
    /// extensions. A failed command becomes a [`TransportError`].
    pub async fn command(&mut self, msg: &ToReader) -> Result<FromReader, TransportError> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let mut bytes = msg.encode(0, seq);
        let sent = self.pipe.bulk_out(&bytes).await;
        bytes.zeroize();
        sent?;
        let max = self.descriptor.max_message.clamp(HEADER as u32 + 2, 65_546) as usize;
        for _ in 0..MAX_TIME_EXTENSIONS {
            let raw = self.pipe.bulk_in(max).await?;
            let reply =
                FromReader::parse(&raw).map_err(|e| TransportError::Protocol(e.to_string()))?;
            if reply.seq != seq || reply.slot != 0 {
                return Err(TransportError::Protocol(format!(
                    "reader answered sequence {} slot {}; expected {seq} slot 0",
                    reply.seq, reply.slot
                )));
            }
            match reply.command {
                CommandStatus::TimeExtension => continue,
                CommandStatus::Ok => return Ok(reply),
                CommandStatus::Failed if reply.error == 0xFE || reply.icc == Icc::Absent => {
                    return Err(TransportError::NoCard);
                }
                CommandStatus::Failed | CommandStatus::Reserved => {
                    return Err(TransportError::Reader(error_name(reply.error)));
                }
            }
        }
        Err(TransportError::Timeout)
    }

    /// Whether a card is in the slot.
    pub async fn card_present(&mut self) -> Result<bool, TransportError> {
        let r = self.command(&ToReader::GetSlotStatus).await?;
        Ok(r.icc != Icc::Absent)
    }

    /// Powers the card on and prepares the protocol: for TPDU readers, SetParameters for T=1
    /// (unless the reader negotiates itself) and the IFSD exchange (unless automatic).
    pub async fn power_on(&mut self) -> Result<Atr, TransportError> {
        let r = self.command(&ToReader::PowerOn { voltage: 0 }).await?;
        let atr = Atr::parse(&r.data).map_err(|e| TransportError::Protocol(e.to_string()))?;
        self.t1 = None;
        if self.level() == Level::Tpdu {
            if !atr.offers_t1() {
                return Err(TransportError::Reader(
                    "the card does not offer T=1 (a My Number card does)".into(),
                ));
            }
            let features = self.descriptor.features;
            if features & feature::AUTO_PARAMETERS == 0 {
                let data = vec![
                    atr.fi_di,
                    if atr.t1_crc { 0x11 } else { 0x10 },
                    atr.guard,
                    atr.bwi_cwi,
                    0x00,
                    atr.ifsc,
                    0x00,
                ];
                self.command(&ToReader::SetParameters { protocol: 1, data })
                    .await?;
            }
            let mut t1 = T1Host::new(atr.ifsc);
            if features & feature::AUTO_IFSD == 0 {
                let ifsd = self.descriptor.max_ifsd.clamp(1, 254) as u8;
                t1.negotiate_ifsd(&mut Blocks(self), ifsd).await?;
            }
            self.t1 = Some(t1);
        }
        Ok(atr)
    }

    pub async fn power_off(&mut self) -> Result<(), TransportError> {
        self.t1 = None;
        self.command(&ToReader::PowerOff).await.map(|_| ())
    }

    pub fn pipe_mut(&mut self) -> &mut P {
        &mut self.pipe
    }

    pub fn into_pipe(self) -> P {
        self.pipe
    }

    async fn xfr(&mut self, data: &[u8]) -> Result<Vec<u8>, TransportError> {
        let mut msg = ToReader::XfrBlock {
            bwi: 0,
            level: 0,
            data: data.to_vec(),
        };
        let r = self.command(&msg).await;
        if let ToReader::XfrBlock { data, .. } = &mut msg {
            data.zeroize();
        }
        let r = r?;
        if r.kind != Kind::DataBlock {
            return Err(TransportError::Protocol(format!(
                "expected a DataBlock, got {:?}",
                r.kind
            )));
        }
        if r.extra != 0 {
            return Err(TransportError::Protocol(
                "the reader chained its response (extended APDUs are not used)".into(),
            ));
        }
        Ok(r.data)
    }
}

/// T=1 blocks over XfrBlock.
struct Blocks<'a, P>(&'a mut CcidReader<P>);

impl<P: UsbPipe> BlockIo for Blocks<'_, P> {
    async fn exchange_block(&mut self, block: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.0.xfr(block).await
    }
}

impl<P: UsbPipe> Transport for CcidReader<P> {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self.level() {
            Level::Tpdu => {
                let Some(mut t1) = self.t1.take() else {
                    return Err(TransportError::Protocol(
                        "the card is not powered on (no T=1 session)".into(),
                    ));
                };
                let r = t1.transceive(&mut Blocks(self), apdu).await;
                self.t1 = Some(t1);
                r
            }
            _ => self.xfr(apdu).await,
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
    fn card_md_ccid_vectors() {
        assert_eq!(
            ToReader::GetSlotStatus.encode(0, 0),
            hex("65 00 00 00 00 00 00 00 00 00")
        );
        assert_eq!(
            ToReader::PowerOn { voltage: 0 }.encode(0, 1),
            hex("62 00 00 00 00 00 01 00 00 00")
        );
        assert_eq!(
            ToReader::PowerOff.encode(0, 3),
            hex("63 00 00 00 00 00 03 00 00 00")
        );
        assert_eq!(
            ToReader::XfrBlock {
                bwi: 0,
                level: 0,
                data: hex("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
            }
            .encode(0, 2),
            hex("6F 0F 00 00 00 00 02 00 00 00 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
        );
        assert_eq!(
            ToReader::SetParameters {
                protocol: 1,
                data: hex("11 10 FF 45 00 FE 00")
            }
            .encode(0, 4),
            hex("61 07 00 00 00 00 04 01 00 00 11 10 FF 45 00 FE 00")
        );

        let present = FromReader::parse(&hex("81 00 00 00 00 00 00 00 00 00")).unwrap();
        assert_eq!((present.kind, present.icc), (Kind::SlotStatus, Icc::Active));
        let absent = FromReader::parse(&hex("81 00 00 00 00 00 00 02 00 00")).unwrap();
        assert_eq!(absent.icc, Icc::Absent);
        let atr = FromReader::parse(&hex(
            "80 09 00 00 00 00 01 00 00 00 3B E0 00 FF 81 31 FE 45 14",
        ))
        .unwrap();
        assert_eq!(atr.data, hex("3B E0 00 FF 81 31 FE 45 14"));
        let wait = FromReader::parse(&hex("80 00 00 00 00 00 02 80 01 00")).unwrap();
        assert_eq!(
            (wait.command, wait.error),
            (CommandStatus::TimeExtension, 1)
        );
        let mute = FromReader::parse(&hex("80 00 00 00 00 00 02 42 FE 00")).unwrap();
        assert_eq!(
            (mute.command, mute.icc, mute.error),
            (CommandStatus::Failed, Icc::Absent, 0xFE)
        );
        let off = FromReader::parse(&hex("81 00 00 00 00 00 03 01 00 00")).unwrap();
        assert_eq!(off.icc, Icc::Inactive);
        let params =
            FromReader::parse(&hex("82 07 00 00 00 00 04 00 00 01 11 10 FF 45 00 FE 00")).unwrap();
        assert_eq!((params.kind, params.extra), (Kind::Parameters, 1));
        for m in [present, absent, atr, wait, mute, off, params] {
            assert_eq!(FromReader::parse(&m.encode()), Ok(m));
        }

        assert_eq!(
            Interrupt::parse(&[0x50, 0x03]),
            Ok(Interrupt::SlotChange(vec![
                SlotChange {
                    present: true,
                    changed: true
                },
                SlotChange {
                    present: false,
                    changed: false
                },
                SlotChange {
                    present: false,
                    changed: false
                },
                SlotChange {
                    present: false,
                    changed: false
                },
            ]))
        );
        let Ok(Interrupt::SlotChange(slots)) = Interrupt::parse(&[0x50, 0x02]) else {
            panic!("50 02 is a slot change");
        };
        assert_eq!(
            slots[0],
            SlotChange {
                present: false,
                changed: true
            }
        );
    }

    #[test]
    fn malformed_messages_are_named() {
        assert_eq!(FromReader::parse(&[0x80; 9]), Err(CcidError::Short(9)));
        assert_eq!(
            FromReader::parse(&hex("80 05 00 00 00 00 00 00 00 00 90 00")),
            Err(CcidError::Length { said: 5, actual: 2 })
        );
        assert_eq!(
            FromReader::parse(&hex("6F 00 00 00 00 00 00 00 00 00")),
            Err(CcidError::Type(0x6F))
        );
        assert!(Interrupt::parse(&[]).is_err());
        assert!(Interrupt::parse(&[0x51, 0, 0]).is_err());
        assert!(ClassDescriptor::parse(&[0; 20]).is_err());
        assert!(ClassDescriptor::find(&[9, 2, 0, 0, 0, 0, 0, 0, 0]).is_err());
        assert!(ClassDescriptor::find(&[0, 2]).is_err());
    }

    #[test]
    fn exchange_levels_come_from_dw_features() {
        let d = |features| ClassDescriptor {
            max_slot_index: 0,
            protocols: 3,
            max_ifsd: 254,
            features,
            max_message: 271,
        };
        // SCR3310 (TPDU), ACR1252 (short + extended APDU), RC-S300 (APDU).
        assert_eq!(d(0x0001_00BA).level(), Level::Tpdu);
        assert_eq!(d(0x0004_04BA).level(), Level::ExtendedApdu);
        assert_eq!(d(0x0002_0000).level(), Level::ShortApdu);
        assert_eq!(d(0).level(), Level::Character);
        let desc = d(0x0001_01BA);
        let mut config = vec![9, 2, 0, 0, 1, 1, 0, 0x80, 50, 9, 4, 0, 0, 3, 0xFF, 0, 0, 0];
        config.extend(desc.encode());
        assert_eq!(ClassDescriptor::find(&config), Ok(desc));
    }
}
