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
    /// `bVoltageSupport`: bit 0 5 V, bit 1 3 V, bit 2 1.8 V.
    pub voltage_support: u8,
    pub protocols: u32,
    /// `dwDefaultClock` in kHz (the card's clock, for the host's read timeout).
    pub default_clock_khz: u32,
    pub max_ifsd: u32,
    pub features: u32,
    pub max_message: u32,
}

/// `dwFeatures` bits the host looks at.
pub mod feature {
    /// The reader activates the card by itself (pcsc-lite `CCID_CLASS_AUTO_ACTIVATION`).
    pub const AUTO_ACTIVATION: u32 = 0x04;
    /// The reader chooses the voltage itself (pcsc-lite `CCID_CLASS_AUTO_VOLTAGE`).
    pub const AUTO_VOLTAGE: u32 = 0x08;
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
            voltage_support: bytes[5],
            protocols: le32(bytes, 6),
            default_clock_khz: le32(bytes, 10),
            max_ifsd: le32(bytes, 28),
            features: le32(bytes, 40),
            max_message: le32(bytes, 44),
        })
    }

    /// Finds the CCID descriptor of interface `interface` in a whole configuration
    /// descriptor (what a GET_DESCRIPTOR control transfer returns; WebUSB does not expose
    /// class descriptors otherwise): the 54-byte type-0x21 descriptor between that
    /// interface's descriptor and the next interface's. Type 0x21 is also HID's class
    /// descriptor (9 bytes), so the first 0x21 in the configuration is not enough: a reader
    /// with a HID interface before its CCID interface would be misread.
    pub fn find(configuration: &[u8], interface: u8) -> Result<Self, CcidError> {
        let mut at = 0;
        let mut current = None;
        let mut seen = false;
        while at + 2 <= configuration.len() {
            let len = usize::from(configuration[at]);
            if len < 2 {
                return Err(CcidError::Descriptor(format!(
                    "descriptor of length {len} at offset {at}"
                )));
            }
            let end = (at + len).min(configuration.len());
            match configuration[at + 1] {
                // INTERFACE: bInterfaceNumber at offset 2.
                0x04 => {
                    current = configuration.get(at + 2).copied();
                    seen |= current == Some(interface);
                }
                0x21 if current == Some(interface) => {
                    return Self::parse(&configuration[at..end]);
                }
                _ => {}
            }
            at += len;
        }
        Err(CcidError::Descriptor(if seen {
            format!("interface {interface} has no CCID class descriptor (type 0x21, 54 bytes)")
        } else {
            format!("the configuration has no interface {interface}")
        }))
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
        d[5] = self.voltage_support;
        d[6..10].copy_from_slice(&self.protocols.to_le_bytes());
        d[10..14].copy_from_slice(&self.default_clock_khz.to_le_bytes());
        d[28..32].copy_from_slice(&self.max_ifsd.to_le_bytes());
        d[40..44].copy_from_slice(&self.features.to_le_bytes());
        d[44..48].copy_from_slice(&self.max_message.to_le_bytes());
        d[52] = 1; // bMaxCCIDBusySlots
        d
    }
}

/// The host's bulk-IN read timeout before a card is set up, in ms (pcsc-lite CCID
/// `src/defs.h` `DEFAULT_COM_READ_TIMEOUT`, 3 s).
pub const DEFAULT_READ_TIMEOUT_MS: u32 = 3_000;

/// The host's read timeout for a T=1 exchange, in ms, as pcsc-lite's CCID driver computes it
/// (`src/ifdhandler.c` `T1_card_timeout`, set in `IFDHSetProtocolParameters`): 260 extra
/// guard times (the block sent) + the block waiting time + 260 character waiting times (the
/// block received), plus one second "so we get the error from the reader". `fi_di` is TA1,
/// `tc1` the guard time, `bwi_cwi` TB3, `clock_khz` the reader's `dwDefaultClock`; a zero F,
/// D or clock gives pcsc-lite's 60 s.
pub fn t1_card_timeout_ms(fi_di: u8, tc1: u8, bwi_cwi: u8, clock_khz: u32) -> u32 {
    // ISO/IEC 7816-3 Table 7 (Fi) and Table 8 (Di); RFU values count as 0.
    const FI: [u16; 16] = [
        372, 372, 558, 744, 1116, 1488, 1860, 0, 0, 512, 768, 1024, 1536, 2048, 0, 0,
    ];
    const DI: [u8; 16] = [0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0];
    let f = f64::from(FI[usize::from(fi_di >> 4)]);
    let d = f64::from(DI[usize::from(fi_di & 0x0F)]);
    let clock = f64::from(clock_khz);
    if f == 0.0 || d == 0.0 || clock_khz == 0 {
        return 60_000;
    }
    let (bwi, cwi) = (bwi_cwi >> 4, bwi_cwi & 0x0F);
    let etu = f / d / clock;
    let egt = 12.0 * etu + (f / d) * f64::from(tc1) / clock;
    let bwt = 11.0 * etu + f64::from(1u32 << bwi) * 960.0 * 372.0 / clock;
    let cwt = (11.0 + f64::from(1u32 << cwi)) * etu;
    // `unsigned int timeout = 260*EGT + BWT + 260*CWT;` truncates, then + 1000.
    (260.0 * egt + bwt + 260.0 * cwt) as u32 + 1_000
}

/// The `bPowerSelect` values to try, in order, as pcsc-lite's CCID driver does
/// (`src/commands.c` `CmdPowerOn`, with its default start at 5 V): automatic (0) when the
/// reader selects the voltage or activates the card itself (`dwFeatures` 0x08 or 0x04);
/// otherwise 5 V (1) or, if the reader lacks it, the next supported value, then — after each
/// failure — one step down its cycle 5 V → 1.8 V → 3 V. Values the reader's
/// `bVoltageSupport` does not list are left out (pcsc-lite tries them and lets the reader
/// refuse).
pub fn power_on_voltages(features: u32, voltage_support: u8) -> Vec<u8> {
    if features & (feature::AUTO_VOLTAGE | feature::AUTO_ACTIVATION) != 0 {
        return vec![0];
    }
    let supported = |v: u8| voltage_support & (1 << (v - 1)) != 0;
    // 1 = 5 V, 2 = 3 V, 3 = 1.8 V; the cycle after a failure is 1 → 3 → 2 → 1.
    let start = [1, 2, 3].into_iter().find(|&v| supported(v)).unwrap_or(1);
    let mut order = vec![start];
    let mut v = start;
    loop {
        v = if v == 1 { 3 } else { v - 1 };
        if v == start {
            break;
        }
        if supported(v) {
            order.push(v);
        }
    }
    order
}

/// The bulk-IN read size: pcsc-lite reads into `CCID_HEADER_SIZE + CMD_BUF_SIZE` bytes
/// (`src/defs.h`: `4 + 3 + 64*1024 + 3`), far above any `dwMaxCCIDMessageLength`, because a
/// reader may send a whole T=1 block beyond what its descriptor says.
pub const BULK_IN_BUFFER: usize = HEADER + 4 + 3 + 64 * 1024 + 3;

/// Replies with another `bSeq` (left from an earlier command or session) dropped in a row
/// before giving up (pcsc-lite `ccid_usb.c` `ReadUSB`: "Too many duplicate frame detected"
/// after 10).
const MAX_STALE_REPLIES: u32 = 10;

/// How many time extensions in a row are waited for before giving up (each is a new bulk-IN
/// read; the reader paces them).
const MAX_TIME_EXTENSIONS: u32 = 200;

/// A CCID reader on a [`UsbPipe`], slot 0.
#[derive(Debug)]
pub struct CcidReader<P> {
    pipe: P,
    seq: u8,
    /// The host's own bulk-IN timeout (pcsc-lite `readTimeout`), ms.
    read_timeout: u32,
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
            read_timeout: DEFAULT_READ_TIMEOUT_MS,
            descriptor,
            t1: None,
        })
    }

    pub fn level(&self) -> Level {
        self.descriptor.level()
    }

    /// The class descriptor the reader was opened with.
    pub fn descriptor(&self) -> ClassDescriptor {
        self.descriptor
    }

    /// Sends one message and returns the reader's answer to it, waiting through time
    /// extensions. A failed command becomes a [`TransportError`].
    pub async fn command(&mut self, msg: &ToReader) -> Result<FromReader, TransportError> {
        let reply = self.exchange(msg).await?;
        match reply.command {
            CommandStatus::Ok => Ok(reply),
            CommandStatus::Failed if reply.error == 0xFE || reply.icc == Icc::Absent => {
                Err(TransportError::NoCard)
            }
            _ => Err(TransportError::Reader(error_name(reply.error))),
        }
    }

    /// Sends one message and returns the reader's final answer to it, failed or not: time
    /// extensions are waited through, and replies carrying another `bSeq` (stale frames
    /// from an earlier command or session) are dropped and read again.
    async fn exchange(&mut self, msg: &ToReader) -> Result<FromReader, TransportError> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        // After the card's S(WTX request) the host waits as many times longer as the reader
        // (pcsc-lite `openct/proto-t1.c` `t1_xcv`: `oldReadTimeout * t1->wtx`).
        let wait = match msg {
            ToReader::XfrBlock { bwi, .. } if *bwi > 1 => {
                self.read_timeout.saturating_mul(u32::from(*bwi))
            }
            _ => self.read_timeout,
        };
        self.pipe.set_read_timeout(wait);
        let mut bytes = msg.encode(0, seq);
        let sent = self.pipe.bulk_out(&bytes).await;
        bytes.zeroize();
        sent?;
        let mut stale = 0;
        let mut extensions = 0;
        loop {
            let raw = self.pipe.bulk_in(BULK_IN_BUFFER).await?;
            let reply =
                FromReader::parse(&raw).map_err(|e| TransportError::Protocol(e.to_string()))?;
            if reply.seq != seq {
                stale += 1;
                if stale > MAX_STALE_REPLIES {
                    return Err(TransportError::Protocol(format!(
                        "the reader kept answering other commands (sequence {}; expected {seq})",
                        reply.seq
                    )));
                }
                continue;
            }
            if reply.slot != 0 {
                return Err(TransportError::Protocol(format!(
                    "reader answered for slot {}; expected slot 0",
                    reply.slot
                )));
            }
            if reply.command != CommandStatus::TimeExtension {
                return Ok(reply);
            }
            extensions += 1;
            if extensions >= MAX_TIME_EXTENSIONS {
                return Err(TransportError::Timeout);
            }
        }
    }

    /// Whether a card is in the slot.
    pub async fn card_present(&mut self) -> Result<bool, TransportError> {
        let r = self.command(&ToReader::GetSlotStatus).await?;
        Ok(r.icc != Icc::Absent)
    }

    /// Powers the card on and prepares the protocol: for TPDU readers, SetParameters for T=1
    /// (unless the reader negotiates itself) and the IFSD exchange (unless automatic).
    pub async fn power_on(&mut self) -> Result<Atr, TransportError> {
        let d = self.descriptor;
        self.read_timeout = DEFAULT_READ_TIMEOUT_MS;
        let mut failure = TransportError::NoCard;
        let mut powered = None;
        for voltage in power_on_voltages(d.features, d.voltage_support) {
            let r = self.exchange(&ToReader::PowerOn { voltage }).await?;
            match r.command {
                CommandStatus::Ok => {
                    powered = Some(r);
                    break;
                }
                // No card: another voltage will not find one.
                _ if r.icc == Icc::Absent => return Err(TransportError::NoCard),
                // Mute or refused at this voltage: the next one (pcsc-lite `CmdPowerOn`).
                _ if r.error == 0xFE => failure = TransportError::NoCard,
                _ => failure = TransportError::Reader(error_name(r.error)),
            }
        }
        let r = powered.ok_or(failure)?;
        let atr = Atr::parse(&r.data).map_err(|e| TransportError::Protocol(e.to_string()))?;
        self.t1 = None;
        if atr.offers_t1() {
            self.read_timeout =
                t1_card_timeout_ms(atr.fi_di, atr.guard, atr.bwi_cwi, d.default_clock_khz);
        }
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

    /// One XfrBlock. `bwi` multiplies the reader's block waiting time for this block: the
    /// card's S(WTX request) multiplier on the S(WTX response), else 0 (pcsc-lite
    /// `openct/proto-t1.c` `t1_xcv` passes `t1->wtx` to `CCID_Transmit`, which puts it in
    /// `bBWI`, then resets it).
    async fn xfr(&mut self, data: &[u8], bwi: u8) -> Result<Vec<u8>, TransportError> {
        let mut msg = ToReader::XfrBlock {
            bwi,
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
    async fn exchange_block(&mut self, block: &[u8], wtx: u8) -> Result<Vec<u8>, TransportError> {
        self.0.xfr(block, wtx).await
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
            _ => self.xfr(apdu, 0).await,
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
        assert!(ClassDescriptor::find(&[9, 2, 0, 0, 0, 0, 0, 0, 0], 0).is_err());
        assert!(ClassDescriptor::find(&[0, 2], 0).is_err());
    }

    #[test]
    fn exchange_levels_come_from_dw_features() {
        let d = |features| ClassDescriptor {
            max_slot_index: 0,
            voltage_support: 7,
            protocols: 3,
            default_clock_khz: 4_000,
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
        assert_eq!(ClassDescriptor::find(&config, 0), Ok(desc));
    }

    /// HID's class descriptor is type 0x21 too (9 bytes). A reader with a HID interface 0 and
    /// its CCID interface 1 must be read from interface 1's descriptor, not the first 0x21.
    #[test]
    fn issue_25_the_descriptor_is_the_claimed_interfaces() {
        let desc = ClassDescriptor {
            max_slot_index: 0,
            voltage_support: 7,
            protocols: 3,
            default_clock_khz: 4_800,
            max_ifsd: 252,
            features: 0x0001_01BA,
            max_message: 271,
        };
        let mut config = vec![9, 2, 0, 0, 2, 1, 0, 0x80, 50];
        // Interface 0: HID (class 03) with its 9-byte HID descriptor (type 21).
        config.extend([9, 4, 0, 0, 1, 0x03, 0, 0, 0]);
        config.extend([9, 0x21, 0x11, 0x01, 0, 1, 0x22, 0x20, 0]);
        config.extend([7, 5, 0x81, 3, 8, 0, 10]);
        // Interface 1: vendor-class CCID with its 54-byte descriptor.
        config.extend([9, 4, 1, 0, 3, 0xFF, 0, 0, 0]);
        config.extend(desc.encode());
        assert_eq!(ClassDescriptor::find(&config, 1), Ok(desc));
        let hid = ClassDescriptor::find(&config, 0).unwrap_err().to_string();
        assert!(hid.contains("expected 54"), "{hid}");
        let none = ClassDescriptor::find(&config, 2).unwrap_err().to_string();
        assert!(none.contains("no interface 2"), "{none}");
    }

    /// pcsc-lite CCID `src/ifdhandler.c` `T1_card_timeout`, worked by hand for F 372, D 1,
    /// TC1 0, BWI 4, CWI 5 at 4 MHz: etu 0.093 ms, EGT 1.116, BWT 1429.503, CWT 3.999 →
    /// 260 × 1.116 + 1429.503 + 260 × 3.999 = 2759.403 → 2759 + 1000.
    #[test]
    fn issue_25_the_host_read_timeout_is_pcsc_lites() {
        assert_eq!(t1_card_timeout_ms(0x11, 0, 0x45, 4_000), 3_759);
        // A zero clock (or an RFU F or D) is pcsc-lite's 60 s.
        assert_eq!(t1_card_timeout_ms(0x11, 0, 0x45, 0), 60_000);
        assert_eq!(t1_card_timeout_ms(0x71, 0, 0x45, 4_000), 60_000);
        assert_eq!(DEFAULT_READ_TIMEOUT_MS, 3_000);
    }

    /// pcsc-lite `CmdPowerOn` (`src/commands.c`): automatic only with dwFeatures 0x08 or
    /// 0x04; else 5 V, and after each failure one step down 5 V → 1.8 V → 3 V.
    #[test]
    fn issue_25_power_on_voltages_follow_pcsc_lite() {
        // SCR3310 0x000101BA has 0x08; RC-S300 0x0004007E has 0x04 and 0x08.
        assert_eq!(power_on_voltages(0x0001_01BA, 7), [0]);
        assert_eq!(power_on_voltages(0x0004_007E, 7), [0]);
        // ACR39U 0x000100B2: neither.
        assert_eq!(power_on_voltages(0x0001_00B2, 7), [1, 3, 2]);
        // A reader without 5 V starts at 3 V; unsupported voltages are never sent.
        assert_eq!(power_on_voltages(0x0001_00B2, 0b110), [2, 3]);
        assert_eq!(power_on_voltages(0x0001_00B2, 0b100), [3]);
        // A descriptor that lists no voltage: 5 V once, as pcsc-lite does.
        assert_eq!(power_on_voltages(0x0001_00B2, 0), [1]);
    }
}
