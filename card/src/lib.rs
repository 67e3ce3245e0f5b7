//! Mado's smart-card core: the bytes spoken to a My Number card and a driver's licence, and to
//! the readers between — APDUs and TLV ([`tlv`], [`basic4`]), CCID and T=1 ([`ccid`], [`t1`]),
//! the RC-S380 and ISO-DEP ([`rcs380`], [`typeb`]), the reading flows ([`mynumber`],
//! [`licence`]), which USB readers Mado drives ([`readers`]), recordings of real reads
//! ([`capture`]) and simulated cards and readers for tests ([`sim`]). Pure Rust, no I/O: the
//! same code runs natively in tests and in the browser, where `frontend/src/device/cardio.rs`
//! only moves the bytes.
//!
//! # Mental model
//!
//! A [`Command`] is an ISO/IEC 7816-4 short command APDU; [`Response::parse`] splits the bytes
//! a card sends back into data and a [`Status`]. Status words that carry a number, such as
//! `63 Cx` (x verification tries left), become variants with that number, and any status word
//! without a name is kept whole in [`Status::Unknown`].
//!
//! ```
//! use mado_card::{Command, Response, Status};
//!
//! // Ask how many PIN tries are left without using one (VERIFY with no data).
//! let query = Command::verify_query();
//! assert_eq!(query.to_bytes(), [0x00, 0x20, 0x00, 0x80]);
//! let answer = Response::parse(&[0x63, 0xC3]).unwrap();
//! assert_eq!(answer.status, Status::RemainingTries(3));
//! ```
//!
//! # Not handled
//!
//! - Extended-length APDUs: short APDUs only, as every CCID reader carries them (card.md §1.4).
//! - Secure messaging and logical channels other than 0.

mod apdu;
pub mod atr;
pub mod basic4;
#[cfg(feature = "bench")]
pub mod bench;
pub mod capture;
pub mod ccid;
pub mod licence;
pub mod mynumber;
pub mod rcs380;
pub mod readers;
#[cfg(any(test, feature = "sim"))]
pub mod sim;
mod status;
pub mod t1;
pub mod tlv;
pub mod transport;
pub mod typeb;

pub use apdu::{Command, CommandError, CommandParseError, Response, ResponseError};
pub use basic4::{Basic4, Basic4Error, Sex};
pub use mynumber::{Credential, ReadError, Secret, TextAp, Tries};
pub use status::Status;
pub use transport::{Transport, TransportError, UsbPipe};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
