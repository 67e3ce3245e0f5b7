//! A simulated driver's licence IC card: MF with EF02 (暗証番号設定), PIN 1 (3 tries), DF1 with
//! EF01 (記載事項, 880 bytes of simple TLV in JIS X 0208, card.md §2).
//!
//! MF/EF02 is EF id `000A` (SFI 0x0A), `05 01 01` when the holder set PIN 1 and `05 01 00`
//! when not, and then PIN 1 is "****" (hmpow/DLC_Starter `jpdlc_conventional.cpp` `issetPin`;
//! TRETJapanNFCReader `DriversLicenseReaderReadFunctions.swift` `readPINSetting`,
//! `readMatters`). It is readable without any PIN.

use crate::licence::{DF1, Licence, encode_jis};
use crate::{Command, Response, Status, Transport, TransportError};

#[derive(Debug, Clone)]
pub struct LicenceCard {
    pin1: Vec<u8>,
    pin_set: bool,
    ef02_current: bool,
    tries: u8,
    ef01: Vec<u8>,
    df1: bool,
    ef01_current: bool,
    verified: bool,
    pub log: Vec<Vec<u8>>,
}

fn era(y: u16, m: u8, d: u8) -> String {
    let ymd = (y, m, d);
    let (digit, first) = if ymd >= (2019, 5, 1) {
        (5, 2019)
    } else if ymd >= (1989, 1, 8) {
        (4, 1989)
    } else if ymd >= (1926, 12, 25) {
        (3, 1926)
    } else if ymd >= (1912, 7, 30) {
        (2, 1912)
    } else {
        (1, 1868)
    };
    format!("{digit}{:02}{m:02}{d:02}", y - first + 1)
}

impl LicenceCard {
    /// A card for `holder` with PIN 1 `pin1`. Characters outside JIS X 0208 are stored as a
    /// card stores them: 外字 codes `FF F1`, `FF F2`… (high byte first), one per character.
    pub fn new(holder: &Licence, pin1: &str) -> Self {
        let mut gaiji: Vec<char> = Vec::new();
        let mut jis = |s: &str| {
            s.chars()
                .flat_map(|c| {
                    encode_jis(&c.to_string()).unwrap_or_else(|| {
                        let n = gaiji.iter().position(|g| *g == c).unwrap_or_else(|| {
                            gaiji.push(c);
                            gaiji.len() - 1
                        });
                        vec![0xFF, 0xF1 + (n.min(6) as u8)]
                    })
                })
                .collect::<Vec<u8>>()
        };
        let (y, m, d) = holder.birth;
        let mut ef01 = Vec::new();
        let mut tlv = |tag: u8, value: &[u8]| {
            ef01.push(tag);
            ef01.push(value.len() as u8);
            ef01.extend(value);
        };
        tlv(0x11, b"002");
        tlv(0x12, &jis(&holder.name));
        tlv(0x13, &jis(&holder.kana));
        tlv(0x14, &[]);
        tlv(0x15, &[]);
        tlv(0x16, era(y, m, d).as_bytes());
        tlv(0x17, &jis(&holder.address));
        tlv(0x18, b"5070401");
        tlv(0x19, b"000000000000");
        tlv(0x1A, &jis("優良"));
        tlv(0x1B, b"5120401");
        ef01.resize(880, 0xFF);
        Self {
            pin1: pin1.as_bytes().to_vec(),
            pin_set: true,
            ef02_current: false,
            tries: 3,
            ef01,
            df1: false,
            ef01_current: false,
            verified: false,
            log: Vec::new(),
        }
    }

    /// A card whose holder set no PIN: EF02 says so and PIN 1 is "****".
    pub fn without_pin(holder: &Licence) -> Self {
        Self {
            pin_set: false,
            ..Self::new(holder, "****")
        }
    }

    pub fn tries(&self) -> u8 {
        self.tries
    }

    pub fn answer(&mut self, apdu: &[u8]) -> Vec<u8> {
        self.log.push(apdu.to_vec());
        let Ok(cmd) = Command::parse(apdu) else {
            return Status::WrongLength.to_sw().to_vec();
        };
        let sw = |s| Response::status(s).to_bytes();
        match (cmd.cla, cmd.ins, cmd.p1, cmd.p2) {
            (0x00, 0xA4, 0x00, 0x00) => {
                self.df1 = false;
                self.ef01_current = false;
                self.ef02_current = false;
                sw(Status::Ok)
            }
            // SELECT EF 000A under the MF by its id (as TRETJapanNFCReader reads EF02).
            (0x00, 0xA4, 0x02, 0x0C) if !self.df1 && cmd.data() == [0x00, 0x0A] => {
                self.ef02_current = true;
                self.ef01_current = false;
                sw(Status::Ok)
            }
            (0x00, 0xA4, 0x04, 0x0C) => {
                self.df1 = cmd.data() == DF1;
                self.ef01_current = false;
                self.ef02_current = false;
                sw(if self.df1 {
                    Status::Ok
                } else {
                    Status::NotFound
                })
            }
            (0x00, 0x20, 0x00, 0x81) => {
                if cmd.data().is_empty() {
                    return sw(if self.verified {
                        Status::Ok
                    } else {
                        Status::RemainingTries(self.tries)
                    });
                }
                if self.tries == 0 {
                    return sw(Status::Blocked);
                }
                if cmd.data() == self.pin1.as_slice() {
                    self.tries = 3;
                    self.verified = true;
                    sw(Status::Ok)
                } else {
                    self.tries -= 1;
                    sw(Status::RemainingTries(self.tries))
                }
            }
            (0x00, 0xB0, p1, p2)
                if !self.df1
                    && ((p1 & 0x80 != 0 && p1 & 0x1F == 0x0A)
                        || (p1 & 0x80 == 0 && self.ef02_current)) =>
            {
                self.ef02_current = true;
                let offset = if p1 & 0x80 != 0 {
                    usize::from(p2)
                } else {
                    usize::from(p1) << 8 | usize::from(p2)
                };
                let ef02 = [0x05, 0x01, u8::from(self.pin_set)];
                if offset >= ef02.len() {
                    return sw(Status::OffsetOutOfRange);
                }
                let n = usize::from(cmd.le().unwrap_or(256)).min(ef02.len() - offset);
                Response::new(ef02[offset..offset + n].to_vec(), Status::Ok).to_bytes()
            }
            (0x00, 0xB0, p1, p2) => {
                let offset = if p1 & 0x80 != 0 {
                    if p1 & 0x1F != 1 || !self.df1 {
                        return sw(Status::NotFound);
                    }
                    self.ef01_current = true;
                    usize::from(p2)
                } else if self.ef01_current {
                    usize::from(p1) << 8 | usize::from(p2)
                } else {
                    return sw(Status::Unknown(0x6986));
                };
                if !self.verified {
                    return sw(Status::SecurityNotSatisfied);
                }
                if offset >= self.ef01.len() {
                    return sw(Status::OffsetOutOfRange);
                }
                let n = usize::from(cmd.le().unwrap_or(256)).min(self.ef01.len() - offset);
                Response::new(self.ef01[offset..offset + n].to_vec(), Status::Ok).to_bytes()
            }
            _ => sw(Status::InsNotSupported),
        }
    }
}

impl Transport for LicenceCard {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        Ok(self.answer(apdu))
    }
}
