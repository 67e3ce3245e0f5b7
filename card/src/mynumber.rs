//! Reading the 基本4情報 from the My Number card's 券面事項入力補助AP (card.md §1.4):
//!
//! 1. [`TextAp::open`] — SELECT the AP by name;
//! 2. [`TextAp::tries`] — SELECT the key EF and ask how many tries are left (uses none);
//! 3. [`TextAp::verify`] — one VERIFY with the PIN or the 照合番号B;
//! 4. [`TextAp::read_basic4`] — SELECT EF 0002, READ BINARY the 7-byte head, then the rest in
//!    short reads, and parse it.
//!
//! Seven short APDUs in all for a record up to 262 bytes. The safety rules are in the types:
//! - [`TextAp::verify`] refuses unless the tries were asked for that credential just before,
//!   so a failed VERIFY is never repeated by itself: the caller must ask again and show the
//!   new count;
//! - at one try left it refuses unless the caller passes `confirmed_last_try`;
//! - a [`Secret`] is wiped from memory when VERIFY has been sent, and never printed;
//! - every APDU goes through [`Ef0001Guard`]: EF 0001 (the 個人番号) cannot be selected or read.

use zeroize::{Zeroize, Zeroizing};

use crate::basic4::{self, Basic4Error};
use crate::transport::{Ef0001Guard, ExchangeError, exchange};
use crate::{Basic4, Command, Status, Transport, TransportError, tlv};

/// AID of the 券面事項入力補助AP.
pub const TEXT_AP: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];

/// What opens EF 0002.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// 券面事項入力補助用暗証番号: 4 digits, typed by the resident.
    Pin,
    /// 照合番号B: birth date YYMMDD as printed + expiry year + security code, 14 digits, keyed
    /// by staff from the card face. It cannot open EF 0001.
    CodeB,
}

impl Credential {
    fn key_ef(self) -> u16 {
        match self {
            Credential::Pin => 0x0011,
            Credential::CodeB => 0x0015,
        }
    }

    /// How many digits it has.
    pub fn digits(self) -> usize {
        match self {
            Credential::Pin => 4,
            Credential::CodeB => 14,
        }
    }

    /// Its name in the UI.
    pub fn name_ja(self) -> &'static str {
        match self {
            Credential::Pin => "暗証番号",
            Credential::CodeB => "照合番号B",
        }
    }
}

/// A PIN or 照合番号B on its way to the card: digits only, wiped when dropped, never shown by
/// `Debug`.
pub struct Secret {
    credential: Credential,
    digits: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Secret({:?}, <{} digits>)",
            self.credential,
            self.digits.len()
        )
    }
}

/// A secret that is not the right number of digits. It names the credential, never the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{credential:?}: expected {expected} digits 0–9, found {found} characters")]
pub struct SecretError {
    pub credential: Credential,
    pub expected: usize,
    pub found: usize,
}

impl SecretError {
    pub fn message_ja(&self) -> String {
        format!(
            "{}は{}桁の数字で入力してください。",
            self.credential.name_ja(),
            self.expected
        )
    }
}

impl Secret {
    /// Takes the digits typed on the pad. Full-width digits are accepted (an IME may give
    /// them); anything else is refused.
    pub fn new(credential: Credential, typed: &str) -> Result<Self, SecretError> {
        let mut digits = Zeroizing::new(Vec::with_capacity(credential.digits()));
        let mut found = 0;
        let mut ok = true;
        for c in typed.chars() {
            found += 1;
            match c {
                '0'..='9' => digits.push(c as u8),
                '０'..='９' => digits.push(b'0' + (c as u32 - '０' as u32) as u8),
                _ => ok = false,
            }
        }
        if !ok || digits.len() != credential.digits() {
            return Err(SecretError {
                credential,
                expected: credential.digits(),
                found,
            });
        }
        Ok(Self { credential, digits })
    }

    pub fn credential(&self) -> Credential {
        self.credential
    }

    /// The ASCII digits, for the VERIFY being built (the caller wipes its copy).
    pub(crate) fn digits(&self) -> &[u8] {
        &self.digits
    }
}

/// The answer to "how many tries are left".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tries {
    Left(u8),
    /// The key is blocked (`63 C0`); only the 市区町村 counter can reset it.
    Blocked,
    /// Already verified in this session (the card answered `90 00`).
    Verified,
}

/// Why reading stopped. Each has a message for staff in [`ReadError::message_ja`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("the card has no 券面事項入力補助AP (SELECT answered {0:?}); not a My Number card")]
    NotMyNumberCard(Status),
    #[error("the card did not accept SELECT MF ({0:?}); not a driver's licence")]
    NotLicence(Status),
    #[error("{0:?} is blocked")]
    Locked(Credential),
    #[error("wrong {credential:?}; {left} tries left")]
    WrongSecret { credential: Credential, left: u8 },
    #[error(
        "VERIFY refused: ask the tries left for {0:?} first (a failed VERIFY is never repeated by itself)"
    )]
    TriesNotAsked(Credential),
    #[error("one try is left for {0:?}: VERIFY needs an explicit confirmation")]
    ConfirmLastTry(Credential),
    #[error("EF 0002 cannot be read before a successful VERIFY")]
    NotVerified,
    #[error("the card answered {status:?} to {step}")]
    Card { step: &'static str, status: Status },
    #[error("the card's 基本4情報 record is malformed: {0}")]
    BadRecord(String),
    #[error("the card's answer is malformed: {0}")]
    Protocol(String),
}

impl From<ExchangeError> for ReadError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::Transport(t) => ReadError::Transport(t),
            other => ReadError::Protocol(other.to_string()),
        }
    }
}

impl From<Basic4Error> for ReadError {
    fn from(e: Basic4Error) -> Self {
        ReadError::BadRecord(e.to_string())
    }
}

impl ReadError {
    /// The sentence shown to staff (card.md §6.1).
    pub fn message_ja(&self) -> String {
        match self {
            ReadError::Transport(TransportError::NoCard) => {
                "カードをリーダーに置いてください。".into()
            }
            ReadError::Transport(TransportError::Disconnected(_)) => {
                "カードリーダーとの接続が切れました。つなぎ直してください。".into()
            }
            ReadError::Transport(TransportError::Timeout) => {
                "カードから応答がありません。カードを置き直してください。".into()
            }
            ReadError::Transport(_) | ReadError::Protocol(_) => {
                "カードを読み取れませんでした。カードを置き直して、もう一度お試しください。".into()
            }
            ReadError::NotMyNumberCard(_) => {
                "マイナンバーカードではないようです。カードを確かめてください。".into()
            }
            ReadError::NotLicence(_) => {
                "運転免許証ではないようです。カードを確かめてください。".into()
            }
            ReadError::Locked(c) => format!(
                "{}がロックされています。市区町村の窓口で再設定が必要です。手入力で続けてください。",
                c.name_ja()
            ),
            ReadError::WrongSecret { credential, left } => format!(
                "{}が違います。あと{}回間違えるとロックされます。",
                credential.name_ja(),
                left
            ),
            ReadError::TriesNotAsked(_) => {
                "残り回数を確かめてから、もう一度入力してください。".into()
            }
            ReadError::ConfirmLastTry(c) => format!(
                "{}の残り回数はあと1回です。間違えるとロックされます。確認のうえ入力してください。",
                c.name_ja()
            ),
            ReadError::NotVerified => "先に暗証番号を入力してください。".into(),
            ReadError::Card { .. } | ReadError::BadRecord(_) => {
                "カードの情報を読み取れませんでした。手入力で続けてください。".into()
            }
        }
    }

    /// The same in English.
    pub fn message_en(&self) -> String {
        let name = |c: &Credential| match c {
            Credential::Pin => "PIN",
            Credential::CodeB => "verification number B",
        };
        match self {
            ReadError::Transport(TransportError::NoCard) => "Place the card on the reader.".into(),
            ReadError::Transport(TransportError::Disconnected(_)) => {
                "The reader was disconnected. Connect it again.".into()
            }
            ReadError::Transport(TransportError::Timeout) => {
                "The card does not answer. Place it on the reader again.".into()
            }
            ReadError::Transport(_) | ReadError::Protocol(_) => {
                "The card could not be read. Place it again and retry.".into()
            }
            ReadError::NotMyNumberCard(_) => "This does not seem to be a My Number card.".into(),
            ReadError::NotLicence(_) => "This does not seem to be a driver's licence.".into(),
            ReadError::Locked(c) => format!(
                "The {} is locked; the municipal office must reset it. Type the details instead.",
                name(c)
            ),
            ReadError::WrongSecret { credential, left } => format!(
                "Wrong {}. {left} more wrong tries lock it.",
                name(credential)
            ),
            ReadError::TriesNotAsked(_) => "Check the tries left, then enter it again.".into(),
            ReadError::ConfirmLastTry(c) => format!(
                "One try left for the {}: a mistake locks it. Confirm before entering it.",
                name(c)
            ),
            ReadError::NotVerified => "Enter the PIN first.".into(),
            ReadError::Card { .. } | ReadError::BadRecord(_) => {
                "The card's data could not be read. Type the details instead.".into()
            }
        }
    }
}

/// Largest EF 0002 the reader accepts (the P1-P2 offset is 15 bits).
const MAX_RECORD: usize = 0x7FFF;
/// Bytes per READ BINARY after the head (short APDU; 255 keeps clear of `Le = 00`).
const CHUNK: usize = 255;

/// An open 券面事項入力補助AP.
#[derive(Debug)]
pub struct TextAp<T: Transport> {
    t: Ef0001Guard<T>,
    asked: Option<(Credential, Tries)>,
    verified: Option<Credential>,
}

impl<T: Transport> TextAp<T> {
    /// SELECTs the AP. Any status other than `90 00` means this is not a My Number card.
    pub async fn open(t: T) -> Result<Self, ReadError> {
        Self::try_open(t).await.map_err(|(e, _)| e)
    }

    /// [`TextAp::open`] that hands the transport back when it fails (to power the card off
    /// and keep the reader).
    pub async fn try_open(t: T) -> Result<Self, (ReadError, T)> {
        let mut t = Ef0001Guard(t);
        let select = Command::select_df_name(&TEXT_AP).expect("10-byte AID");
        match exchange(&mut t, &select).await {
            Ok(r) if r.status.is_ok() => Ok(Self {
                t,
                asked: None,
                verified: None,
            }),
            Ok(r) => Err((ReadError::NotMyNumberCard(r.status), t.0)),
            Err(e) => Err((e.into(), t.0)),
        }
    }

    /// SELECTs the key EF of `credential` and asks how many tries are left (empty VERIFY).
    pub async fn tries(&mut self, credential: Credential) -> Result<Tries, ReadError> {
        self.asked = None;
        let r = exchange(&mut self.t, &Command::select_ef(credential.key_ef())).await?;
        if !r.status.is_ok() {
            return Err(ReadError::Card {
                step: "SELECT key EF",
                status: r.status,
            });
        }
        let r = exchange(&mut self.t, &Command::verify_query()).await?;
        let tries = match r.status {
            Status::RemainingTries(0) | Status::Blocked => Tries::Blocked,
            Status::RemainingTries(n) => Tries::Left(n),
            Status::Ok => Tries::Verified,
            status => {
                return Err(ReadError::Card {
                    step: "VERIFY (tries query)",
                    status,
                });
            }
        };
        if tries == Tries::Verified {
            self.verified = Some(credential);
        }
        self.asked = Some((credential, tries));
        Ok(tries)
    }

    /// Sends one VERIFY with `secret`, which is wiped afterwards whatever happens.
    pub async fn verify(
        &mut self,
        secret: Secret,
        confirmed_last_try: bool,
    ) -> Result<(), ReadError> {
        let credential = secret.credential;
        match self.asked {
            Some((c, Tries::Left(n))) if c == credential => {
                if n == 1 && !confirmed_last_try {
                    return Err(ReadError::ConfirmLastTry(credential));
                }
            }
            Some((c, Tries::Blocked)) if c == credential => {
                return Err(ReadError::Locked(credential));
            }
            Some((c, Tries::Verified)) if c == credential => return Ok(()),
            _ => return Err(ReadError::TriesNotAsked(credential)),
        }
        // Spent: the next VERIFY needs a fresh count.
        self.asked = None;
        self.verified = None;
        let mut apdu = Zeroizing::new(Vec::with_capacity(5 + secret.digits.len()));
        apdu.extend([0x00, 0x20, 0x00, 0x80, secret.digits.len() as u8]);
        apdu.extend(secret.digits.iter());
        drop(secret);
        let mut answer = self.t.transmit(&apdu).await?;
        apdu.zeroize();
        let status = match answer.as_slice() {
            [.., sw1, sw2] => Status::from_sw(*sw1, *sw2),
            _ => {
                return Err(ReadError::Protocol(format!(
                    "VERIFY answer is {} bytes",
                    answer.len()
                )));
            }
        };
        answer.zeroize();
        match status {
            Status::Ok => {
                self.verified = Some(credential);
                Ok(())
            }
            Status::RemainingTries(0) | Status::Blocked => Err(ReadError::Locked(credential)),
            Status::RemainingTries(left) => Err(ReadError::WrongSecret { credential, left }),
            status => Err(ReadError::Card {
                step: "VERIFY",
                status,
            }),
        }
    }

    /// Reads and parses EF 0002.
    pub async fn read_basic4(&mut self) -> Result<Basic4, ReadError> {
        if self.verified.is_none() {
            return Err(ReadError::NotVerified);
        }
        let r = exchange(&mut self.t, &Command::select_ef(0x0002)).await?;
        if !r.status.is_ok() {
            return Err(ReadError::Card {
                step: "SELECT EF 0002",
                status: r.status,
            });
        }
        let mut file = self.read_at(0, 7).await?;
        let total = match tlv::total_len(&file) {
            Ok(Some(n)) => n,
            Ok(None) => {
                return Err(ReadError::BadRecord(format!(
                    "the first {} bytes do not hold a TLV header",
                    file.len()
                )));
            }
            Err(e) => return Err(ReadError::BadRecord(e.to_string())),
        };
        if total > MAX_RECORD {
            return Err(ReadError::BadRecord(format!(
                "the record says it is {total} bytes; at most {MAX_RECORD} can be read"
            )));
        }
        while file.len() < total {
            let want = (total - file.len()).min(CHUNK);
            let chunk = self.read_at(file.len(), want).await?;
            if chunk.is_empty() {
                return Err(ReadError::BadRecord(format!(
                    "the card gave no data at offset {}",
                    file.len()
                )));
            }
            file.extend(chunk);
        }
        file.truncate(total);
        Ok(basic4::parse(&file)?)
    }

    async fn read_at(&mut self, offset: usize, len: usize) -> Result<Vec<u8>, ReadError> {
        let cmd = Command::read_binary(offset as u16, len as u16)
            .map_err(|e| ReadError::Protocol(e.to_string()))?;
        let r = exchange(&mut self.t, &cmd).await?;
        match r.status {
            Status::Ok => Ok(r.data),
            Status::OffsetOutOfRange | Status::Unknown(0x6282) => Err(ReadError::BadRecord(
                format!("the file ends before offset {offset}, inside the record"),
            )),
            Status::SecurityNotSatisfied => Err(ReadError::NotVerified),
            status => Err(ReadError::Card {
                step: "READ BINARY",
                status,
            }),
        }
    }

    /// Gives the transport back (to power the card off).
    pub fn into_inner(self) -> T {
        self.t.0
    }
}
