//! The T=1 block protocol (ISO/IEC 7816-3 §11), host side, for TPDU-level readers
//! (card.md §3.5): `NAD PCB LEN INF… LRC` blocks, I-blocks with alternating N(S) and chaining
//! when an APDU is larger than the card's IFSC, R-blocks to acknowledge or report errors,
//! S-blocks for IFS, WTX, ABORT and RESYNCH. Block coding is pure ([`Block::parse`],
//! [`Block::encode`]); [`T1Host`] runs an exchange over any [`BlockIo`].

use zeroize::Zeroizing;

use crate::TransportError;

/// S-block kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SKind {
    Resynch,
    Ifs,
    Abort,
    Wtx,
}

/// One T=1 block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Information: `ns` = N(S), `more` = M bit (chaining).
    I { ns: bool, more: bool, inf: Vec<u8> },
    /// Receive-ready: `nr` = N(R) (the N(S) expected next); `error` 0 none, 1 EDC/parity, 2 other.
    R { nr: bool, error: u8 },
    /// Supervisory request or response.
    S {
        kind: SKind,
        response: bool,
        inf: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error("T=1 block of {0} bytes; expected at least NAD PCB LEN LRC")]
    TooShort(usize),
    #[error("T=1 block says LEN {len} but carries {actual} bytes of INF")]
    Length { len: usize, actual: usize },
    #[error("T=1 block LEN {0} is the reserved value 255")]
    ReservedLen(usize),
    #[error("T=1 block check byte (LRC) is wrong")]
    Lrc,
    #[error("T=1 PCB {0:#04x} is not a valid I-, R- or S-block")]
    Pcb(u8),
}

/// XOR of all bytes (the T=1 epilogue when the ATR does not ask for CRC).
pub fn lrc(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |a, b| a ^ b)
}

impl Block {
    pub fn pcb(&self) -> u8 {
        match self {
            Block::I { ns, more, .. } => (u8::from(*ns) << 6) | (u8::from(*more) << 5),
            Block::R { nr, error } => 0x80 | (u8::from(*nr) << 4) | (error & 0x0F),
            Block::S { kind, response, .. } => {
                let t = match kind {
                    SKind::Resynch => 0,
                    SKind::Ifs => 1,
                    SKind::Abort => 2,
                    SKind::Wtx => 3,
                };
                0xC0 | (u8::from(*response) << 5) | t
            }
        }
    }

    fn inf(&self) -> &[u8] {
        match self {
            Block::I { inf, .. } | Block::S { inf, .. } => inf,
            Block::R { .. } => &[],
        }
    }

    /// `NAD PCB LEN INF LRC` (INF must be at most 254 bytes; the engine splits before this).
    pub fn encode(&self, nad: u8) -> Vec<u8> {
        let inf = self.inf();
        let mut out = Vec::with_capacity(4 + inf.len());
        out.extend([nad, self.pcb(), inf.len().min(254) as u8]);
        out.extend(&inf[..inf.len().min(254)]);
        out.push(lrc(&out));
        out
    }

    /// Parses one block with an LRC epilogue; returns the NAD and the block.
    pub fn parse(bytes: &[u8]) -> Result<(u8, Block), BlockError> {
        let [nad, pcb, len, rest @ ..] = bytes else {
            return Err(BlockError::TooShort(bytes.len()));
        };
        let Some((_, inf)) = rest.split_last() else {
            return Err(BlockError::TooShort(bytes.len()));
        };
        let len = usize::from(*len);
        if len == 255 {
            return Err(BlockError::ReservedLen(len));
        }
        if inf.len() != len {
            return Err(BlockError::Length {
                len,
                actual: inf.len(),
            });
        }
        if lrc(bytes) != 0 {
            return Err(BlockError::Lrc);
        }
        let inf = inf.to_vec();
        let block = match pcb {
            p if p & 0x80 == 0 => {
                if p & 0x1F != 0 {
                    return Err(BlockError::Pcb(*pcb));
                }
                Block::I {
                    ns: p & 0x40 != 0,
                    more: p & 0x20 != 0,
                    inf,
                }
            }
            p if p & 0xC0 == 0x80 => {
                if p & 0x20 != 0 || !inf.is_empty() {
                    return Err(BlockError::Pcb(*pcb));
                }
                Block::R {
                    nr: p & 0x10 != 0,
                    error: p & 0x0F,
                }
            }
            p => {
                let kind = match p & 0x1F {
                    0 => SKind::Resynch,
                    1 => SKind::Ifs,
                    2 => SKind::Abort,
                    3 => SKind::Wtx,
                    _ => return Err(BlockError::Pcb(*pcb)),
                };
                Block::S {
                    kind,
                    response: p & 0x20 != 0,
                    inf,
                }
            }
        };
        Ok((*nad, block))
    }
}

/// An I-block `00 PCB LEN INF LRC` written straight into a buffer wiped on drop.
fn i_block(ns: bool, more: bool, inf: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(4 + inf.len()));
    out.extend([
        0x00,
        (u8::from(ns) << 6) | (u8::from(more) << 5),
        inf.len() as u8,
    ]);
    out.extend(inf);
    let check = lrc(&out);
    out.push(check);
    out
}

/// Sends one block and returns the block that came back (one XfrBlock on a CCID reader).
#[allow(async_fn_in_trait)]
pub trait BlockIo {
    /// `wtx` is the waiting-time multiplier the card asked for when `block` is our
    /// S(WTX response), else 0: a CCID reader carries it in the XfrBlock's `bBWI` so that it
    /// waits that much longer for the card's next block.
    async fn exchange_block(&mut self, block: &[u8], wtx: u8) -> Result<Vec<u8>, TransportError>;
}

/// Host state between exchanges: the send sequence number, the card's expected one, and IFSC.
#[derive(Debug, Clone)]
pub struct T1Host {
    ns: bool,
    card_ns: bool,
    ifsc: usize,
    /// Card waiting-time extensions granted in the last exchange (for the caller's timeout).
    pub last_wtx: u32,
}

/// Errors in a row after which an exchange is abandoned.
const MAX_ERRORS: u32 = 3;
/// Blocks in one exchange after which the card is considered stuck.
const MAX_BLOCKS: u32 = 1_000;

fn protocol(msg: impl Into<String>) -> TransportError {
    TransportError::Protocol(msg.into())
}

impl T1Host {
    /// A host for a card whose ATR gave `ifsc` (1–254).
    pub fn new(ifsc: u8) -> Self {
        Self {
            ns: false,
            card_ns: false,
            ifsc: usize::from(ifsc.clamp(1, 254)),
            last_wtx: 0,
        }
    }

    pub fn ifsc(&self) -> usize {
        self.ifsc
    }

    /// Tells the card the host accepts blocks of `ifsd` bytes (`S(IFS request)`).
    pub async fn negotiate_ifsd<B: BlockIo>(
        &mut self,
        io: &mut B,
        ifsd: u8,
    ) -> Result<(), TransportError> {
        let req = Block::S {
            kind: SKind::Ifs,
            response: false,
            inf: vec![ifsd],
        };
        for _ in 0..MAX_ERRORS {
            let reply = io.exchange_block(&req.encode(0), 0).await?;
            match Block::parse(&reply) {
                Ok((
                    _,
                    Block::S {
                        kind: SKind::Ifs,
                        response: true,
                        inf,
                    },
                )) if inf == [ifsd] => return Ok(()),
                Ok(_) | Err(_) => continue,
            }
        }
        Err(protocol(format!(
            "the card did not accept S(IFS request {ifsd})"
        )))
    }

    /// Sends one APDU as I-blocks (chained when longer than IFSC) and returns the card's
    /// response APDU.
    pub async fn transceive<B: BlockIo>(
        &mut self,
        io: &mut B,
        apdu: &[u8],
    ) -> Result<Vec<u8>, TransportError> {
        self.last_wtx = 0;
        let mut blocks = 0;
        let chunks: Vec<&[u8]> = if apdu.is_empty() {
            vec![&[][..]]
        } else {
            apdu.chunks(self.ifsc).collect()
        };
        let mut reply = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let more = i + 1 < chunks.len();
            // Built directly into a wiped buffer: the INF may be a VERIFY with a PIN.
            let block = i_block(self.ns, more, chunk);
            let mut answer = self.send(io, &block, 0, &mut blocks).await?;
            if more {
                // The card acknowledges a chained block with R(N(R) = our next N(S)).
                loop {
                    match answer {
                        Block::R { nr, error: 0 } if nr != self.ns => break,
                        Block::R { .. } => {
                            answer = self.send(io, &block, 0, &mut blocks).await?;
                        }
                        Block::S {
                            kind: SKind::Wtx,
                            response: false,
                            inf,
                        } => {
                            let (wtx, m) = self.grant_wtx(inf);
                            answer = self.send(io, &wtx, m, &mut blocks).await?;
                        }
                        other => {
                            return Err(protocol(format!(
                                "expected R-block for a chained I-block, got {other:?}"
                            )));
                        }
                    }
                }
                self.ns = !self.ns;
                continue;
            }
            self.ns = !self.ns;
            // Collect the response, chained or not.
            let mut last_sent = block;
            let mut errors = 0;
            loop {
                match answer {
                    Block::I { ns, more, inf } if ns == self.card_ns => {
                        errors = 0;
                        reply.extend(inf);
                        self.card_ns = !self.card_ns;
                        if !more {
                            return Ok(reply);
                        }
                        last_sent = Zeroizing::new(
                            Block::R {
                                nr: self.card_ns,
                                error: 0,
                            }
                            .encode(0),
                        );
                        answer = self.send(io, &last_sent, 0, &mut blocks).await?;
                    }
                    Block::R { .. } => {
                        // The card did not get our last block (I-block or acknowledgement):
                        // send it again.
                        errors += 1;
                        if errors > MAX_ERRORS {
                            return Err(protocol("the card kept asking for the same block"));
                        }
                        answer = self.send(io, &last_sent, 0, &mut blocks).await?;
                    }
                    Block::S {
                        kind: SKind::Wtx,
                        response: false,
                        inf,
                    } => {
                        let (wtx, m) = self.grant_wtx(inf);
                        answer = self.send(io, &wtx, m, &mut blocks).await?;
                    }
                    Block::S {
                        kind: SKind::Ifs,
                        response: false,
                        inf,
                    } => {
                        if let [n @ 1..=254] = inf[..] {
                            self.ifsc = usize::from(n);
                        }
                        let ifs = Block::S {
                            kind: SKind::Ifs,
                            response: true,
                            inf,
                        }
                        .encode(0);
                        answer = self.send(io, &ifs, 0, &mut blocks).await?;
                    }
                    Block::S {
                        kind: SKind::Abort,
                        response: false,
                        ..
                    } => {
                        let ack = Block::S {
                            kind: SKind::Abort,
                            response: true,
                            inf: vec![],
                        }
                        .encode(0);
                        let _ = io.exchange_block(&ack, 0).await;
                        return Err(protocol("the card aborted the exchange (S(ABORT))"));
                    }
                    other => {
                        return Err(protocol(format!(
                            "unexpected T=1 block in a response: {other:?}"
                        )));
                    }
                }
            }
        }
        Err(protocol("no I-block was sent"))
    }

    /// Answers a card's `S(WTX request)` with the same multiplier, counting it; returns the
    /// S(WTX response) and the multiplier to send it with.
    fn grant_wtx(&mut self, inf: Vec<u8>) -> (Vec<u8>, u8) {
        let m = inf.first().copied().unwrap_or(1);
        self.last_wtx += u32::from(m);
        let block = Block::S {
            kind: SKind::Wtx,
            response: true,
            inf,
        }
        .encode(0);
        (block, m)
    }

    /// Sends `block` and parses the reply; a reply with a bad LRC or length is answered with
    /// R(error), up to [`MAX_ERRORS`] times.
    async fn send<B: BlockIo>(
        &mut self,
        io: &mut B,
        block: &[u8],
        wtx: u8,
        blocks: &mut u32,
    ) -> Result<Block, TransportError> {
        let mut errors = 0;
        let mut wtx = wtx;
        let mut out = Zeroizing::new(block.to_vec());
        loop {
            *blocks += 1;
            if *blocks > MAX_BLOCKS {
                return Err(protocol("the card sent too many blocks for one exchange"));
            }
            // The multiplier goes with the S(WTX response) only, not with a retransmission.
            let reply = io.exchange_block(&out, std::mem::take(&mut wtx)).await?;
            match Block::parse(&reply) {
                Ok((_, b)) => return Ok(b),
                Err(e) => {
                    errors += 1;
                    if errors > MAX_ERRORS {
                        return Err(protocol(format!("T=1 block error: {e}")));
                    }
                    out = Zeroizing::new(
                        Block::R {
                            nr: self.card_ns,
                            error: 1,
                        }
                        .encode(0),
                    );
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

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn card_md_t1_vectors_encode_and_parse() {
        let select = hex("00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08");
        let i0 = Block::I {
            ns: false,
            more: false,
            inf: select,
        };
        assert_eq!(
            i0.encode(0),
            hex("00 00 0F 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08 C5")
        );
        let i1 = Block::I {
            ns: true,
            more: false,
            inf: hex("00 A4 02 0C 02 00 11"),
        };
        assert_eq!(i1.encode(0), hex("00 40 07 00 A4 02 0C 02 00 11 FE"));
        let vectors: [(&str, Block); 7] = [
            (
                "00 00 02 90 00 92",
                Block::I {
                    ns: false,
                    more: false,
                    inf: vec![0x90, 0x00],
                },
            ),
            (
                "00 C1 01 FE 3E",
                Block::S {
                    kind: SKind::Ifs,
                    response: false,
                    inf: vec![0xFE],
                },
            ),
            (
                "00 E1 01 FE 1E",
                Block::S {
                    kind: SKind::Ifs,
                    response: true,
                    inf: vec![0xFE],
                },
            ),
            (
                "00 C3 01 01 C3",
                Block::S {
                    kind: SKind::Wtx,
                    response: false,
                    inf: vec![1],
                },
            ),
            (
                "00 E3 01 01 E3",
                Block::S {
                    kind: SKind::Wtx,
                    response: true,
                    inf: vec![1],
                },
            ),
            (
                "00 80 00 80",
                Block::R {
                    nr: false,
                    error: 0,
                },
            ),
            ("00 90 00 90", Block::R { nr: true, error: 0 }),
        ];
        for (bytes, block) in vectors {
            assert_eq!(Block::parse(&hex(bytes)), Ok((0, block.clone())), "{bytes}");
            assert_eq!(block.encode(0), hex(bytes));
        }
    }

    #[test]
    fn malformed_blocks_are_named() {
        assert_eq!(Block::parse(&hex("00 00 02")), Err(BlockError::TooShort(3)));
        assert_eq!(
            Block::parse(&hex("00 00 03 90 00 92")),
            Err(BlockError::Length { len: 3, actual: 2 })
        );
        assert_eq!(
            Block::parse(&hex("00 00 02 90 00 93")),
            Err(BlockError::Lrc)
        );
        assert_eq!(
            Block::parse(&hex("00 C7 00 C7")),
            Err(BlockError::Pcb(0xC7))
        );
        assert_eq!(
            Block::parse(&hex("00 81 00 81")).unwrap().1,
            Block::R {
                nr: false,
                error: 1
            }
        );
    }
}
