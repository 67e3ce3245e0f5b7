//! 記録モード (issue 25 item 10): the USB transfers of one read on a real reader, with every
//! secret and every piece of personal data masked, written as a text test vector that
//! [`Replay`] plays back to the same drivers. The first counter PC with a real reader thus
//! turns its read into a transcript test (`card/tests/vectors/`), checked against real
//! hardware rather than against a simulator written by the same hands.
//!
//! # What is masked
//!
//! The transfers are taken apart as the drivers build them (CCID header → T=1 block or APDU;
//! RC-S380 frame → InCommRF → ISO-DEP I-block), the chained pieces joined into whole APDUs
//! and answers, and then:
//! - VERIFY data (PIN, 照合番号B) becomes ASCII `0` digits; the licence's "no PIN" `****`
//!   stays (it is not a secret). A replay types `0000` (or fourteen `0`s).
//! - The data read with READ BINARY is gathered per file and masked by what the file is:
//!   the My Number card's 基本4情報 (`FF 20` record) keeps its tags, lengths and offset table
//!   and gets `*` for name and address, 2000-01-01 for the birth date and `1` for sex; the
//!   licence's EF01 keeps its tags and lengths and gets ＊ for text, 昭和60年1月1日 for
//!   seven-digit dates and `0` for other digits; the licence's PIN setting (MF/EF02) stays.
//!   Any other file is blanked whole (`00`), as is the data of any other command's answer.
//! - A transfer that cannot be taken apart is blanked whole after its header.
//!
//! Lengths never change, and the checksums the masking breaks (T=1 LRC, RC-S380 DCS) are
//! computed again, so the masked transfers are still valid frames.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use zeroize::Zeroize;

use crate::{TransportError, UsbPipe, t1};

/// Which way a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Host → reader (`transferOut`).
    Out,
    /// Reader → host (`transferIn`).
    In,
}

/// One bulk transfer. Its bytes are wiped when it is dropped and never printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Transfer {
    pub dir: Dir,
    pub data: Vec<u8>,
}

impl fmt::Debug for Transfer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Transfer({:?}, {} bytes)", self.dir, self.data.len())
    }
}

impl Drop for Transfer {
    fn drop(&mut self) {
        self.data.zeroize();
    }
}

/// How the reader frames APDUs on its bulk pipes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Sony RC-S380: Port-100 frames, InCommRF carrying ISO 14443-4 blocks.
    Rcs380,
    /// A TPDU-level CCID reader: XfrBlock / DataBlock carrying T=1 blocks.
    CcidTpdu,
    /// An APDU-level CCID reader: XfrBlock / DataBlock carrying whole APDUs.
    CcidApdu,
}

impl Framing {
    pub fn name(self) -> &'static str {
        match self {
            Framing::Rcs380 => "rcs380",
            Framing::CcidTpdu => "ccid-tpdu",
            Framing::CcidApdu => "ccid-apdu",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        [Framing::Rcs380, Framing::CcidTpdu, Framing::CcidApdu]
            .into_iter()
            .find(|f| f.name() == s)
    }
}

/// Which read was recorded, so that a replay makes the same calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// My Number card, 券面事項入力補助用暗証番号.
    Pin,
    /// My Number card, 照合番号B.
    CodeB,
    /// Driver's licence, PIN 1.
    Licence,
    /// Driver's licence without a PIN (`****`).
    LicenceNoPin,
}

impl Flow {
    pub fn name(self) -> &'static str {
        match self {
            Flow::Pin => "pin",
            Flow::CodeB => "code-b",
            Flow::Licence => "licence",
            Flow::LicenceNoPin => "licence-no-pin",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        [Flow::Pin, Flow::CodeB, Flow::Licence, Flow::LicenceNoPin]
            .into_iter()
            .find(|f| f.name() == s)
    }
}

/// One recorded read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub framing: Framing,
    /// The CCID class descriptor (54 bytes), which a replay needs to build the same driver.
    pub descriptor: Option<Vec<u8>>,
    pub flow: Flow,
    /// The reader's name as the counter showed it (not personal).
    pub reader: String,
    pub transfers: Vec<Transfer>,
}

/// What [`mask`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaskReport {
    /// VERIFY commands whose data became `0` digits.
    pub secrets: usize,
    /// Files whose read data was masked, and how (`"DF … / EF 0002: 基本4情報"`).
    pub files: Vec<String>,
    /// Answers of other commands whose data was blanked.
    pub blanked_answers: usize,
    /// Transfers that could not be taken apart and were blanked after their header.
    pub unparsed: usize,
}

/// A capture file that cannot be read: which line, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    #[error("capture line {line}: {what}")]
    Line { line: usize, what: String },
    #[error("capture: the header has no {0} line")]
    Missing(&'static str),
}

/// Where one byte of a joined APDU sits in the transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Loc {
    transfer: usize,
    at: usize,
}

/// Where the APDU bytes of one transfer are.
struct Piece {
    start: usize,
    len: usize,
    /// Chaining: more pieces of the same APDU follow.
    more: bool,
    /// Block number (T=1 N(S), ISO-DEP block number), to recognise a block sent again.
    ns: Option<bool>,
}

/// A whole command or answer, joined from its pieces.
struct Message {
    dir: Dir,
    bytes: Vec<u8>,
    locs: Vec<Loc>,
}

impl Drop for Message {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

/// What a transfer holds, as far as masking cares.
enum Holds {
    /// No APDU bytes (reader set-up, polling, ATR, R- and S-blocks).
    Nothing,
    Apdu(Piece),
    /// Not understood: blank it.
    Unknown,
}

const CCID_HEADER: usize = 10;

/// CCID: an XfrBlock (0x6F) or a DataBlock (0x80) answering one. The DataBlock after an
/// IccPowerOn holds the ATR, not an APDU.
fn ccid_holds(framing: Framing, t: &Transfer, last_out_type: Option<u8>) -> Holds {
    let d = &t.data;
    if d.len() < CCID_HEADER {
        return Holds::Unknown;
    }
    let said = u32::from_le_bytes([d[1], d[2], d[3], d[4]]) as usize;
    if said != d.len() - CCID_HEADER {
        return Holds::Unknown;
    }
    let carries = match t.dir {
        Dir::Out => d[0] == 0x6F,
        Dir::In => d[0] == 0x80 && last_out_type == Some(0x6F),
    };
    if !carries || said == 0 {
        return Holds::Nothing;
    }
    match framing {
        Framing::CcidApdu => Holds::Apdu(Piece {
            start: CCID_HEADER,
            len: said,
            more: false,
            ns: None,
        }),
        _ => {
            let block = &d[CCID_HEADER..];
            if t1::Block::parse(block).is_err() {
                return Holds::Unknown;
            }
            let pcb = block[1];
            if pcb & 0x80 != 0 {
                return Holds::Nothing;
            }
            Holds::Apdu(Piece {
                start: CCID_HEADER + 3,
                len: usize::from(block[2]),
                more: pcb & 0x20 != 0,
                ns: Some(pcb & 0x40 != 0),
            })
        }
    }
}

/// RC-S380: the ISO-DEP block inside InCommRF (`D6 04 tt tt block`) or its answer
/// (`D7 05 s s s s c block`, card.md's corrected offset 5 after the status).
fn rcs380_holds(t: &Transfer) -> Holds {
    let d = &t.data;
    if d == &crate::rcs380::ACK {
        return Holds::Nothing;
    }
    let Ok(crate::rcs380::Frame::Data(data)) = crate::rcs380::parse(d) else {
        return if d == &crate::rcs380::ERROR_FRAME {
            Holds::Nothing
        } else {
            Holds::Unknown
        };
    };
    let block_at = match (t.dir, data.first(), data.get(1)) {
        (Dir::Out, Some(0xD6), Some(0x04)) => 4,
        (Dir::In, Some(0xD7), Some(0x05)) => 7,
        _ => return Holds::Nothing,
    };
    let Some(&pcb) = data.get(block_at) else {
        return Holds::Nothing;
    };
    // I-block: b8–b6 = 000, b2 = 1 (ISO/IEC 14443-4 §7.1.1.1).
    if pcb & 0xE2 != 0x02 {
        return Holds::Nothing;
    }
    let inf = block_at + 1 + usize::from(pcb & 0x08 != 0) + usize::from(pcb & 0x04 != 0);
    if inf > data.len() {
        return Holds::Unknown;
    }
    Holds::Apdu(Piece {
        start: 8 + inf,
        len: data.len() - inf,
        more: pcb & 0x10 != 0,
        ns: Some(pcb & 0x01 != 0),
    })
}

/// Recomputes the checksum a changed transfer carries.
fn fix_checksum(framing: Framing, t: &mut Transfer) {
    match framing {
        Framing::Rcs380 => {
            if t.data.len() >= 10 && t.data[..5] == [0x00, 0x00, 0xFF, 0xFF, 0xFF] {
                let len = usize::from(u16::from_le_bytes([t.data[5], t.data[6]]));
                if t.data.len() == len + 10 {
                    let dcs = t.data[8..8 + len]
                        .iter()
                        .fold(0u8, |a, b| a.wrapping_sub(*b));
                    t.data[8 + len] = dcs;
                }
            }
        }
        Framing::CcidTpdu => {
            if t.data.len() > CCID_HEADER + 3 {
                let last = t.data.len() - 1;
                t.data[last] = t1::lrc(&t.data[CCID_HEADER..last]);
            }
        }
        Framing::CcidApdu => {}
    }
}

/// Joins the pieces into whole commands and answers; a block sent again (same block number
/// as the last one that way) is tied to the first sending so that both get the same mask.
fn join(capture: &mut Capture, report: &mut MaskReport) -> (Vec<Message>, Vec<(Loc, Loc)>) {
    let mut messages = Vec::new();
    let mut again: Vec<(Loc, Loc)> = Vec::new();
    let mut building: [Option<Message>; 2] = [None, None];
    let mut last: [Option<(bool, Vec<Loc>)>; 2] = [None, None];
    let mut last_out_type = None;
    let framing = capture.framing;
    for (i, t) in capture.transfers.iter_mut().enumerate() {
        let holds = match framing {
            Framing::Rcs380 => rcs380_holds(t),
            _ => ccid_holds(framing, t, last_out_type),
        };
        if t.dir == Dir::Out {
            last_out_type = t.data.first().copied();
        }
        let piece = match holds {
            Holds::Nothing => continue,
            Holds::Unknown => {
                let from = match framing {
                    Framing::Rcs380 => 8.min(t.data.len()),
                    _ => CCID_HEADER.min(t.data.len()),
                };
                t.data[from..].fill(0);
                report.unparsed += 1;
                continue;
            }
            Holds::Apdu(p) => p,
        };
        let side = usize::from(t.dir == Dir::In);
        let locs: Vec<Loc> = (piece.start..piece.start + piece.len)
            .map(|at| Loc { transfer: i, at })
            .collect();
        if let (Some(ns), Some((last_ns, last_locs))) = (piece.ns, &last[side])
            && ns == *last_ns
            && last_locs.len() == locs.len()
        {
            again.extend(last_locs.iter().copied().zip(locs.iter().copied()));
            continue;
        }
        if let Some(ns) = piece.ns {
            last[side] = Some((ns, locs.clone()));
        }
        let m = building[side].get_or_insert_with(|| Message {
            dir: t.dir,
            bytes: Vec::new(),
            locs: Vec::new(),
        });
        m.bytes
            .extend(&t.data[piece.start..piece.start + piece.len]);
        m.locs.extend(locs);
        if !piece.more
            && let Some(done) = building[side].take()
        {
            messages.push(done);
        }
    }
    (messages, again)
}

/// One file's bytes as read, and where each read byte sits in the transfers.
#[derive(Default)]
struct FileRead {
    bytes: Vec<Option<u8>>,
    locs: Vec<Vec<Loc>>,
}

impl Drop for FileRead {
    fn drop(&mut self) {
        for b in self.bytes.iter_mut().flatten() {
            *b = 0;
        }
    }
}

impl FileRead {
    fn put(&mut self, offset: usize, data: &[u8], locs: &[Loc]) {
        let end = offset + data.len();
        if self.bytes.len() < end {
            self.bytes.resize(end, None);
            self.locs.resize(end, Vec::new());
        }
        for (k, (b, l)) in data.iter().zip(locs).enumerate() {
            self.bytes[offset + k] = Some(*b);
            self.locs[offset + k].push(*l);
        }
    }
}

/// Masks `capture` in place (see the module documentation) and says what it did.
pub fn mask(capture: &mut Capture) -> MaskReport {
    let mut report = MaskReport::default();
    let (messages, again) = join(capture, &mut report);
    let mut writes: BTreeMap<Loc, u8> = BTreeMap::new();
    let mut files: BTreeMap<(String, String), FileRead> = BTreeMap::new();
    let (mut df, mut ef) = (String::from("MF"), None::<String>);
    // A READ BINARY answered `61 xx`: where its GET RESPONSE data belongs.
    let mut pending: Option<((String, String), usize)> = None;
    let mut i = 0;
    while i < messages.len() {
        let cmd = &messages[i];
        if cmd.dir != Dir::Out {
            // An answer without a command: keep nothing of it.
            blank(&mut writes, &cmd.locs, 0);
            report.blanked_answers += 1;
            i += 1;
            continue;
        }
        let answer = messages.get(i + 1).filter(|m| m.dir == Dir::In);
        i += 1 + usize::from(answer.is_some());
        let c = &cmd.bytes;
        if c.len() < 4 {
            continue;
        }
        let (ins, p1, p2) = (c[1], c[2], c[3]);
        let data: &[u8] = if c.len() > 5 {
            let lc = usize::from(c[4]);
            &c[5..(5 + lc).min(c.len())]
        } else {
            &[]
        };
        let answer_data = answer.map(|a| {
            let n = a.bytes.len().saturating_sub(2);
            (&a.bytes[..n], &a.locs[..n])
        });
        match ins {
            // VERIFY with data; "****" (a licence without a PIN) is no secret.
            0x20 if !data.is_empty() && !data.iter().all(|b| *b == 0x2A) => {
                blank(&mut writes, &cmd.locs[5..5 + data.len()], b'0');
                report.secrets += 1;
            }
            0xA4 => match p1 {
                0x00 => {
                    df = "MF".into();
                    ef = None;
                }
                0x04 => {
                    df = hex(data);
                    ef = None;
                }
                0x02 => ef = Some(format!("EF {}", hex(data))),
                _ => {}
            },
            0xB0 => {
                let offset = if p1 & 0x80 != 0 {
                    ef = Some(format!("SFI {:02X}", p1 & 0x1F));
                    usize::from(p2)
                } else {
                    usize::from(p1) << 8 | usize::from(p2)
                };
                let key = (df.clone(), ef.clone().unwrap_or_else(|| "EF ?".into()));
                if let Some((d, l)) = answer_data {
                    files.entry(key.clone()).or_default().put(offset, d, l);
                    // `61 xx`: the data comes with GET RESPONSE.
                    pending = (answer
                        .is_some_and(|a| a.bytes.len() >= 2 && a.bytes[a.bytes.len() - 2] == 0x61))
                    .then(|| (key, offset + d.len()));
                }
                continue;
            }
            0xC0 => {
                if let (Some((key, offset)), Some((d, l))) = (pending.take(), answer_data) {
                    files.entry(key.clone()).or_default().put(offset, d, l);
                    pending = (answer
                        .is_some_and(|a| a.bytes.len() >= 2 && a.bytes[a.bytes.len() - 2] == 0x61))
                    .then(|| (key, offset + d.len()));
                    continue;
                }
            }
            _ => {}
        }
        // Any other answer data (a SELECT with FCI, GET RESPONSE …) is not needed by a replay
        // test to mean anything: blank it.
        if let Some((d, l)) = answer_data
            && !d.is_empty()
        {
            blank(&mut writes, l, 0);
            report.blanked_answers += 1;
        }
    }
    for ((df, ef), file) in &files {
        let content: Vec<u8> = file.bytes.iter().map(|b| b.unwrap_or(0xFF)).collect();
        let (masked, how) = mask_file(&df_name(df), ef, &content);
        report.files.push(format!("{} / {ef}: {how}", df_name(df)));
        for (k, locs) in file.locs.iter().enumerate() {
            for l in locs {
                writes.insert(*l, masked[k]);
            }
        }
    }
    for (orig, copy) in &again {
        if let Some(b) = writes.get(orig).copied() {
            writes.insert(*copy, b);
        }
    }
    let mut touched = BTreeSet::new();
    for (loc, b) in writes {
        capture.transfers[loc.transfer].data[loc.at] = b;
        touched.insert(loc.transfer);
    }
    for t in touched {
        fix_checksum(capture.framing, &mut capture.transfers[t]);
    }
    report
}

fn blank(writes: &mut BTreeMap<Loc, u8>, locs: &[Loc], with: u8) {
    for l in locs {
        writes.insert(*l, with);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("")
}

/// A DF's name in the report: the APs Mado reads by name, others by AID.
fn df_name(df: &str) -> String {
    let text_ap = hex(&crate::mynumber::TEXT_AP);
    let licence = hex(&crate::licence::DF1);
    if df == text_ap {
        "券面事項入力補助AP".into()
    } else if df == licence {
        "免許証 DF1".into()
    } else {
        df.into()
    }
}

/// The masked content of one file and how it was masked.
fn mask_file(df: &str, ef: &str, content: &[u8]) -> (Vec<u8>, &'static str) {
    if content.starts_with(&[0xFF, 0x20])
        && let Some(m) = mask_basic4(content)
    {
        return (m, "基本4情報: 氏名・住所 *, 生年月日 20000101, 性別 1");
    }
    if df == "MF" && ef == "SFI 0A" && content.len() <= 3 && content.starts_with(&[0x05, 0x01]) {
        return (content.to_vec(), "暗証番号設定 (kept: not personal)");
    }
    if df == "免許証 DF1"
        && content.first() == Some(&0x11)
        && let Some(m) = mask_licence(content)
    {
        return (m, "記載事項: text ＊, dates 3600101, digits 0");
    }
    (vec![0; content.len()], "unknown file: blanked whole")
}

/// `FF 20 len { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex }`.
fn mask_basic4(content: &[u8]) -> Option<Vec<u8>> {
    let outer = crate::tlv::read(content, 0).ok()?;
    let value_at = outer.end - outer.value.len();
    let mut out = content.to_vec();
    let mut at = value_at;
    while at < outer.end {
        let t = crate::tlv::read(&content[..outer.end], at).ok()?;
        let v = t.end - t.value.len()..t.end;
        match t.tag {
            0xDF21 => {}
            0xDF24 if t.value.len() == 8 => out[v].copy_from_slice(b"20000101"),
            0xDF25 => out[v].fill(b'1'),
            _ => out[v].fill(b'*'),
        }
        at = t.end;
    }
    out[outer.end..].fill(0xFF);
    Some(out)
}

/// Simple TLV (1-byte tag, 1-byte length) up to the first `00`/`FF` tag.
fn mask_licence(content: &[u8]) -> Option<Vec<u8>> {
    let mut out = content.to_vec();
    let mut at = 0;
    while at + 2 <= content.len() && !matches!(content[at], 0x00 | 0xFF) {
        let (tag, len) = (content[at], usize::from(content[at + 1]));
        let v = at + 2..(at + 2 + len).min(content.len());
        let value = &content[v.clone()];
        if tag != 0x11 {
            if !value.is_empty() && value.iter().all(u8::is_ascii_digit) {
                if value.len() == 7 {
                    out[v].copy_from_slice(b"3600101");
                } else {
                    out[v].fill(b'0');
                }
            } else if value.len().is_multiple_of(2) {
                for pair in out[v].chunks_exact_mut(2) {
                    pair.copy_from_slice(&[0x21, 0x76]);
                }
            } else {
                out[v].fill(0xFF);
            }
        }
        at += 2 + len;
    }
    if at < out.len() {
        out[at..].fill(0xFF);
    }
    Some(out)
}

/// The capture as a text test vector: header lines, then `>` (host → reader) and `<` (reader
/// → host) lines of hex.
pub fn to_text(capture: &Capture, report: &MaskReport) -> String {
    let mut s = String::new();
    s.push_str("# Mado card capture (記録モード): USB bulk transfers of one read, masked.\n");
    s.push_str("# VERIFY data → ASCII 0 digits; personal data → placeholders (capture.rs).\n");
    s.push_str(&format!(
        "# masked: {} VERIFY, {} answers blanked, {} transfers not understood\n",
        report.secrets, report.blanked_answers, report.unparsed
    ));
    for f in &report.files {
        s.push_str(&format!("# file: {f}\n"));
    }
    s.push_str(&format!("reader: {}\n", capture.framing.name()));
    s.push_str(&format!("name: {}\n", capture.reader.replace('\n', " ")));
    s.push_str(&format!("flow: {}\n", capture.flow.name()));
    if let Some(d) = &capture.descriptor {
        s.push_str(&format!("descriptor: {}\n", spaced(d)));
    }
    for t in &capture.transfers {
        let arrow = match t.dir {
            Dir::Out => '>',
            Dir::In => '<',
        };
        s.push_str(&format!("{arrow} {}\n", spaced(&t.data)));
    }
    s
}

fn spaced(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn parse_hex(text: &str, line: usize) -> Result<Vec<u8>, CaptureError> {
    text.split_whitespace()
        .map(|h| {
            u8::from_str_radix(h, 16)
                .ok()
                .filter(|_| h.len() == 2)
                .ok_or_else(|| CaptureError::Line {
                    line,
                    what: format!("{h:?} is not a byte in hex (expected two hex digits)"),
                })
        })
        .collect()
}

/// Reads a vector written by [`to_text`].
pub fn parse_text(text: &str) -> Result<Capture, CaptureError> {
    let (mut framing, mut flow, mut descriptor, mut reader) = (None, None, None, String::new());
    let mut transfers = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let bad = |what: String| CaptureError::Line { line, what };
        if let Some(rest) = l.strip_prefix('>') {
            transfers.push(Transfer {
                dir: Dir::Out,
                data: parse_hex(rest, line)?,
            });
        } else if let Some(rest) = l.strip_prefix('<') {
            transfers.push(Transfer {
                dir: Dir::In,
                data: parse_hex(rest, line)?,
            });
        } else if let Some((key, value)) = l.split_once(':') {
            let value = value.trim();
            match key.trim() {
                "reader" => {
                    framing = Some(Framing::from_name(value).ok_or_else(|| {
                        bad(format!(
                            "reader {value:?} is not rcs380, ccid-tpdu or ccid-apdu"
                        ))
                    })?)
                }
                "flow" => {
                    flow = Some(Flow::from_name(value).ok_or_else(|| {
                        bad(format!(
                            "flow {value:?} is not pin, code-b, licence or licence-no-pin"
                        ))
                    })?)
                }
                "descriptor" => descriptor = Some(parse_hex(value, line)?),
                "name" => reader = value.to_owned(),
                other => return Err(bad(format!("unknown header {other:?}"))),
            }
        } else {
            return Err(bad(format!(
                "{l:?} is neither a header (key: value), a transfer (> or < and hex) nor a comment (#)"
            )));
        }
    }
    let framing = framing.ok_or(CaptureError::Missing("reader"))?;
    if framing != Framing::Rcs380 && descriptor.is_none() {
        return Err(CaptureError::Missing("descriptor"));
    }
    Ok(Capture {
        framing,
        descriptor,
        flow: flow.ok_or(CaptureError::Missing("flow"))?,
        reader,
        transfers,
    })
}

/// Records the transfers of the pipe it wraps while `on`.
#[derive(Debug)]
pub struct Recorder<P> {
    pub inner: P,
    pub on: bool,
    pub transfers: Vec<Transfer>,
}

impl<P> Recorder<P> {
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            on: false,
            transfers: Vec::new(),
        }
    }
}

impl<P: UsbPipe> UsbPipe for Recorder<P> {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        let r = self.inner.bulk_out(data).await;
        if self.on && r.is_ok() {
            self.transfers.push(Transfer {
                dir: Dir::Out,
                data: data.to_vec(),
            });
        }
        r
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        let r = self.inner.bulk_in(max).await;
        if self.on
            && let Ok(d) = &r
        {
            self.transfers.push(Transfer {
                dir: Dir::In,
                data: d.clone(),
            });
        }
        r
    }

    fn set_read_timeout(&mut self, ms: u32) {
        self.inner.set_read_timeout(ms)
    }
}

/// Plays a capture back: each OUT must be what the capture has (for CCID, `bSeq` aside: the
/// capture may start with any sequence number), each IN is the captured one (its `bSeq`
/// shifted as the host's is). A difference is an error naming the transfer.
#[derive(Debug)]
pub struct Replay {
    framing: Framing,
    left: VecDeque<Transfer>,
    at: usize,
    /// Host `bSeq` minus captured `bSeq` of the last OUT, applied to the INs that follow, so
    /// that a stale reply stays stale.
    seq_shift: u8,
}

impl Replay {
    pub fn new(capture: &Capture) -> Self {
        Self {
            framing: capture.framing,
            left: capture.transfers.iter().cloned().collect(),
            at: 0,
            seq_shift: 0,
        }
    }

    /// Transfers the replay has not reached (a complete replay leaves none).
    pub fn remaining(&self) -> usize {
        self.left.len()
    }

    fn next(&mut self, dir: Dir) -> Result<Transfer, TransportError> {
        self.at += 1;
        match self.left.pop_front() {
            Some(t) if t.dir == dir => Ok(t),
            Some(t) => Err(TransportError::Protocol(format!(
                "replay transfer {}: the host asked for {dir:?}, the capture has {:?}",
                self.at, t.dir
            ))),
            None => Err(TransportError::Protocol(format!(
                "replay transfer {}: the capture has ended; the host asked for {dir:?}",
                self.at
            ))),
        }
    }
}

impl UsbPipe for Replay {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        let want = self.next(Dir::Out)?;
        let ccid = self.framing != Framing::Rcs380;
        let same = if ccid && data.len() > 6 && want.data.len() == data.len() {
            self.seq_shift = data[6].wrapping_sub(want.data[6]);
            data.iter()
                .zip(&want.data)
                .enumerate()
                .all(|(k, (a, b))| k == 6 || a == b)
        } else {
            data == want.data.as_slice()
        };
        if same {
            Ok(())
        } else {
            Err(TransportError::Protocol(format!(
                "replay transfer {}: the host sent {} where the capture has {}",
                self.at,
                spaced(data),
                spaced(&want.data)
            )))
        }
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        let mut got = self.next(Dir::In)?;
        if got.data.len() > max {
            return Err(TransportError::Protocol(format!(
                "replay transfer {}: {} bytes captured, the host reads at most {max}",
                self.at,
                got.data.len()
            )));
        }
        if self.framing != Framing::Rcs380 && got.data.len() > 6 {
            got.data[6] = got.data[6].wrapping_add(self.seq_shift);
        }
        Ok(std::mem::take(&mut got.data))
    }
}

/// What a replayed read gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replayed {
    MyNumber(crate::Basic4),
    Licence(crate::licence::Licence),
}

/// Replays `capture` through the drivers as the counter makes its calls: for an RC-S380,
/// `init` (the counter sets the reader up again when recording starts) and `activate`; for a
/// CCID reader, `power_on` with the captured class descriptor; then the flow with the masked
/// secret (`0000`, fourteen `0`s, or no PIN), the read, and the power-off. Every transfer of
/// the capture must be used.
pub async fn replay(capture: &Capture) -> Result<Replayed, crate::ReadError> {
    use crate::ReadError;
    let mut pipe = Replay::new(capture);
    let got = match capture.framing {
        Framing::Rcs380 => {
            let mut reader = crate::rcs380::Rcs380::new(&mut pipe);
            reader.init().await?;
            reader.activate().await?;
            let got = replay_flow(&mut reader, capture.flow).await?;
            reader.power_off().await?;
            got
        }
        Framing::CcidTpdu | Framing::CcidApdu => {
            let d = capture.descriptor.as_deref().unwrap_or_default();
            let descriptor = crate::ccid::ClassDescriptor::parse(d)
                .map_err(|e| ReadError::Protocol(e.to_string()))?;
            let mut reader = crate::ccid::CcidReader::new(&mut pipe, descriptor)?;
            reader.power_on().await?;
            let got = replay_flow(&mut reader, capture.flow).await?;
            reader.power_off().await?;
            got
        }
    };
    match pipe.remaining() {
        0 => Ok(got),
        n => Err(ReadError::Protocol(format!(
            "replay: the read ended with {n} captured transfers unused"
        ))),
    }
}

async fn replay_flow<T: crate::Transport>(t: T, flow: Flow) -> Result<Replayed, crate::ReadError> {
    use crate::{Credential, Secret, TextAp};
    match flow {
        Flow::Pin | Flow::CodeB => {
            let (credential, digits) = if flow == Flow::Pin {
                (Credential::Pin, "0000")
            } else {
                (Credential::CodeB, "00000000000000")
            };
            let mut ap = TextAp::open(t).await?;
            ap.tries(credential).await?;
            let secret = Secret::new(credential, digits)
                .map_err(|e| crate::ReadError::Protocol(e.to_string()))?;
            ap.verify(secret, true).await?;
            ap.read_basic4().await.map(Replayed::MyNumber)
        }
        Flow::Licence | Flow::LicenceNoPin => {
            let mut ap = crate::licence::LicenceAp::open(t).await?;
            ap.pin_setting().await?;
            ap.tries().await?;
            if flow == Flow::Licence {
                let secret = Secret::new(Credential::Pin, "0000")
                    .map_err(|e| crate::ReadError::Protocol(e.to_string()))?;
                ap.verify(secret, true).await?;
            } else {
                ap.verify_without_pin(true).await?;
            }
            ap.read().await.map(Replayed::Licence)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn ccid(ty: u8, seq: u8, block: &[u8]) -> Vec<u8> {
        let mut v = vec![ty];
        v.extend((block.len() as u32).to_le_bytes());
        v.extend([0, seq, 0, 0, 0]);
        v.extend(block);
        v
    }

    fn i_block(ns: bool, inf: &[u8]) -> Vec<u8> {
        t1::Block::I {
            ns,
            more: false,
            inf: inf.to_vec(),
        }
        .encode(0)
    }

    /// A T=1 I-block sent again after the card's R(NAK) is the same VERIFY: both copies are
    /// masked, and both keep a valid LRC.
    #[test]
    fn a_block_sent_again_is_masked_like_the_first() {
        let verify = [0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34];
        let nak = t1::Block::R {
            nr: false,
            error: 1,
        }
        .encode(0);
        let mut c = Capture {
            framing: Framing::CcidTpdu,
            descriptor: None,
            flow: Flow::Pin,
            reader: String::new(),
            transfers: vec![
                Transfer {
                    dir: Dir::Out,
                    data: ccid(0x6F, 1, &i_block(false, &verify)),
                },
                Transfer {
                    dir: Dir::In,
                    data: ccid(0x80, 1, &nak),
                },
                Transfer {
                    dir: Dir::Out,
                    data: ccid(0x6F, 2, &i_block(false, &verify)),
                },
                Transfer {
                    dir: Dir::In,
                    data: ccid(0x80, 2, &i_block(false, &[0x90, 0x00])),
                },
            ],
        };
        let report = mask(&mut c);
        assert_eq!(report.secrets, 1);
        let masked = [0x00, 0x20, 0x00, 0x80, 0x04, 0x30, 0x30, 0x30, 0x30];
        for k in [0, 2] {
            let block = &c.transfers[k].data[CCID_HEADER..];
            assert_eq!(
                t1::Block::parse(block).map(|(_, b)| b),
                Ok(t1::Block::I {
                    ns: false,
                    more: false,
                    inf: masked.to_vec()
                })
            );
        }
    }

    /// The licence's EF01: tags and lengths stay, text becomes ＊, dates 3600101, numbers 0;
    /// the JIS edition (tag 11) stays.
    #[test]
    fn licence_ef01_keeps_its_shape() {
        let mut ef01 = vec![
            0x11, 0x03, b'0', b'0', b'2', 0x12, 0x04, 0x3B, 0x6E, 0xFF, 0xF1,
        ];
        ef01.extend([0x16, 0x07]);
        ef01.extend(b"3600401");
        ef01.extend([0x21, 0x03]);
        ef01.extend(b"123");
        ef01.extend([0xFF, 0xFF]);
        let m = mask_licence(&ef01).unwrap();
        let mut want = vec![
            0x11, 0x03, b'0', b'0', b'2', 0x12, 0x04, 0x21, 0x76, 0x21, 0x76,
        ];
        want.extend([0x16, 0x07]);
        want.extend(b"3600101");
        want.extend([0x21, 0x03]);
        want.extend(b"000");
        want.extend([0xFF, 0xFF]);
        assert_eq!(m, want);
        // With an address, the masked record still reads as a licence.
        let mut with_address = m[..m.len() - 2].to_vec();
        with_address.extend([0x17, 0x02, 0x30, 0x21]);
        let mut masked_address = mask_licence(&with_address).unwrap();
        masked_address.extend([0xFF, 0xFF]);
        let l = crate::licence::parse(&masked_address).unwrap();
        assert_eq!(
            (l.name.as_str(), l.birth, l.address.as_str()),
            ("＊＊", (1985, 1, 1), "＊")
        );
        assert_eq!(
            mask_file("MF", "SFI 0A", &[0x05, 0x01, 0x00]).0,
            [0x05, 0x01, 0x00]
        );
        assert_eq!(mask_file("X", "EF 0003", &[1, 2, 3]).0, [0, 0, 0]);
    }
}
