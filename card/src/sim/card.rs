//! A simulated My Number card: the 券面事項入力補助AP with its PIN key (EF 0011, 3 tries),
//! 照合番号B key (EF 0015), EF 0002 (基本4情報) and EF 0001 (a synthetic 個人番号, only
//! there so tests can prove the app never asks for it). Behaviour follows card.md §1.2–§1.5:
//! which key opens which file, `63 Cx` counting, `69 84` once blocked, `69 82` before
//! verification, `6B 00` past the end.

use crate::mynumber::TEXT_AP;
use crate::{Basic4, Command, Response, Sex, Status, Transport, TransportError};

/// Optional quirks, to exercise the host's handling of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quirks {
    /// Answer `6C xx` when READ BINARY asks for more than the file has from the offset.
    pub strict_le: bool,
    /// Answer READ BINARY with `61 xx` and hand the data out by GET RESPONSE.
    pub via_get_response: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Pin,
    CodeB,
}

/// The simulated card. Every APDU it receives is kept in [`MyNumberCard::log`].
#[derive(Debug, Clone)]
pub struct MyNumberCard {
    pin: Vec<u8>,
    code_b: Vec<u8>,
    pin_tries: u8,
    code_b_tries: u8,
    ef0001: Vec<u8>,
    ef0002: Vec<u8>,
    text_ap: bool,
    current: Option<u16>,
    verified: Option<Key>,
    pending: Vec<u8>,
    pub quirks: Quirks,
    pub log: Vec<Vec<u8>>,
    /// Bytes of every answer given, status words included.
    pub answered_bytes: usize,
    /// False after [`MyNumberCard::remove`]: every APDU then fails with `NoCard`.
    pub present: bool,
}

const PIN_TRIES: u8 = 3;
const CODE_B_TRIES: u8 = 10;

impl MyNumberCard {
    /// A card holding `record` in EF 0002, PIN `pin` (4 digits) and 照合番号B `code_b` (14).
    pub fn new(record: Vec<u8>, pin: &str, code_b: &str) -> Self {
        let mut ef0001 = vec![0xFF, 0x10, 0x0C];
        ef0001.extend(b"123456789018");
        ef0001.extend([0xFF, 0xFF]);
        Self {
            pin: pin.as_bytes().to_vec(),
            code_b: code_b.as_bytes().to_vec(),
            pin_tries: PIN_TRIES,
            code_b_tries: CODE_B_TRIES,
            ef0001,
            ef0002: record,
            text_ap: false,
            current: None,
            verified: None,
            pending: Vec::new(),
            quirks: Quirks::default(),
            log: Vec::new(),
            answered_bytes: 0,
            present: true,
        }
    }

    /// card.md §6.2's simulated card: record A (試験　花子), PIN `1234`, 照合番号B
    /// `60040120301234`.
    pub fn test_card() -> Self {
        let a = Basic4 {
            name: "試験　花子".into(),
            address: "架空県架空市試験町１－２－３".into(),
            birth: (1985, 4, 1),
            sex: Sex::Female,
        };
        Self::new(a.to_record(), "1234", "60040120301234")
    }

    /// PIN tries left (3 on a fresh card).
    pub fn pin_tries(&self) -> u8 {
        self.pin_tries
    }

    /// Takes the card away (or puts it back with [`MyNumberCard::insert`]).
    pub fn remove(&mut self) {
        self.present = false;
        self.power_cycle();
    }

    pub fn insert(&mut self) {
        self.present = true;
    }

    /// A cold reset: nothing selected, nothing verified; the try counters are kept.
    pub fn power_cycle(&mut self) {
        self.text_ap = false;
        self.current = None;
        self.verified = None;
        self.pending.clear();
    }

    /// The card's answer to one command APDU (data then status word).
    pub fn answer(&mut self, apdu: &[u8]) -> Vec<u8> {
        self.log.push(apdu.to_vec());
        let answer = match Command::parse(apdu) {
            Ok(cmd) => self.respond(&cmd).to_bytes(),
            Err(_) => Status::WrongLength.to_sw().to_vec(),
        };
        self.answered_bytes += answer.len();
        answer
    }

    fn respond(&mut self, cmd: &Command) -> Response {
        let sw = |s: Status| Response::status(s);
        if cmd.cla & 0x03 != 0 {
            return sw(Status::Unknown(0x6881)); // logical channel not supported
        }
        if cmd.cla != 0x00 {
            return sw(Status::ClaNotSupported);
        }
        if cmd.ins != 0xC0 {
            self.pending.clear();
        }
        match cmd.ins {
            0xA4 => self.select(cmd),
            0x20 => self.verify(cmd),
            0xB0 => self.read_binary(cmd),
            0xC0 => {
                if self.pending.is_empty() {
                    return sw(Status::Unknown(0x6985));
                }
                let n = usize::from(cmd.le().unwrap_or(256)).min(self.pending.len());
                let data: Vec<u8> = self.pending.drain(..n).collect();
                match self.pending.len() {
                    0 => Response::new(data, Status::Ok),
                    left => Response::new(data, Status::MoreAvailable(left.min(256) as u8)),
                }
            }
            _ => sw(Status::InsNotSupported),
        }
    }

    fn select(&mut self, cmd: &Command) -> Response {
        match (cmd.p1, cmd.p2) {
            (0x04, 0x0C | 0x00) => {
                self.verified = None;
                self.current = None;
                self.text_ap = cmd.data() == TEXT_AP;
                Response::status(if self.text_ap {
                    Status::Ok
                } else {
                    Status::NotFound
                })
            }
            (0x02, 0x0C) => {
                let [hi, lo] = cmd.data() else {
                    return Response::status(Status::WrongLength);
                };
                let id = u16::from_be_bytes([*hi, *lo]);
                if self.text_ap && matches!(id, 0x0001 | 0x0002 | 0x0011 | 0x0015) {
                    self.current = Some(id);
                    Response::status(Status::Ok)
                } else {
                    Response::status(Status::NotFound)
                }
            }
            _ => Response::status(Status::WrongP1P2),
        }
    }

    fn verify(&mut self, cmd: &Command) -> Response {
        if cmd.p2 != 0x80 {
            return Response::status(Status::WrongP1P2);
        }
        let key = match self.current {
            Some(0x0011) => Key::Pin,
            Some(0x0015) => Key::CodeB,
            _ => return Response::status(Status::Unknown(0x6986)),
        };
        let (secret, tries, max) = match key {
            Key::Pin => (&self.pin, &mut self.pin_tries, PIN_TRIES),
            Key::CodeB => (&self.code_b, &mut self.code_b_tries, CODE_B_TRIES),
        };
        if cmd.data().is_empty() {
            if self.verified == Some(key) {
                return Response::status(Status::Ok);
            }
            return Response::status(Status::RemainingTries(*tries));
        }
        if *tries == 0 {
            return Response::status(Status::Blocked);
        }
        if cmd.data().len() != secret.len() {
            return Response::status(Status::WrongLength);
        }
        if cmd.data() == secret.as_slice() {
            *tries = max;
            self.verified = Some(key);
            Response::status(Status::Ok)
        } else {
            *tries -= 1;
            self.verified = None;
            Response::status(Status::RemainingTries(*tries))
        }
    }

    fn read_binary(&mut self, cmd: &Command) -> Response {
        let (file, offset) = if cmd.p1 & 0x80 != 0 {
            let file = match cmd.p1 & 0x1F {
                1 => 0x0001,
                2 => 0x0002,
                _ => return Response::status(Status::NotFound),
            };
            self.current = Some(file);
            (file, usize::from(cmd.p2))
        } else {
            match self.current {
                Some(f @ (0x0001 | 0x0002)) => (f, usize::from(cmd.p1) << 8 | usize::from(cmd.p2)),
                _ => return Response::status(Status::Unknown(0x6986)),
            }
        };
        // EF 0001 opens with the PIN only; EF 0002 with the PIN or 照合番号B.
        let allowed = matches!(
            (file, self.verified),
            (0x0001, Some(Key::Pin)) | (0x0002, Some(_))
        );
        if !allowed {
            return Response::status(Status::SecurityNotSatisfied);
        }
        let content = if file == 0x0001 {
            &self.ef0001
        } else {
            &self.ef0002
        };
        if offset >= content.len() {
            return Response::status(Status::OffsetOutOfRange);
        }
        let want = usize::from(cmd.le().unwrap_or(256));
        let have = content.len() - offset;
        let n = want.min(have);
        if self.quirks.strict_le && n < want {
            return Response::status(Status::WrongLe(n as u8));
        }
        let data = content[offset..offset + n].to_vec();
        if self.quirks.via_get_response {
            let n = data.len();
            self.pending = data;
            return Response::status(Status::MoreAvailable((n % 256) as u8));
        }
        Response::new(data, Status::Ok)
    }
}

impl Transport for MyNumberCard {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if !self.present {
            return Err(TransportError::NoCard);
        }
        Ok(self.answer(apdu))
    }
}
