//! How APDUs reach a card. A [`Transport`] carries one short command APDU and brings back the
//! response; the browser glue (Web Smart Card API, WebUSB readers) and the simulator implement
//! it. Readers on USB are built on a [`UsbPipe`], which only moves bulk transfers.
//!
//! [`exchange`] adds what every flow needs on top: `61xx` (fetch the rest with GET RESPONSE)
//! and `6Cxx` (send again with the right length), bounded so a faulty card cannot loop us.
//!
//! [`Ef0001Guard`] wraps a transport and refuses, before anything is sent, every APDU that
//! would select or read EF 0001 (the 個人番号): no code path can reach it through the guard.

use crate::{Command, Response, ResponseError, Status};

/// Why bytes did not make it to the card and back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No card in the reader's field or slot (or it does not answer).
    #[error("no card in the reader")]
    NoCard,
    /// The reader was unplugged or the browser closed the device.
    #[error("the reader is gone: {0}")]
    Disconnected(String),
    /// The reader or card broke the protocol: what was expected and what came.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The reader reported an error code.
    #[error("reader error: {0}")]
    Reader(String),
    /// The browser refused (WebUSB / Web Smart Card exception name and message).
    #[error("the browser refused: {name}: {message}")]
    Browser { name: String, message: String },
    /// The card did not answer in time (after the time extensions the card asked for).
    #[error("the card did not answer in time")]
    Timeout,
    /// [`Ef0001Guard`] stopped an APDU that would reach EF 0001.
    #[error("refused to send an APDU that selects or reads EF 0001 (the individual number)")]
    Ef0001Refused,
}

/// Sends one short command APDU and returns the response bytes (data then SW1 SW2).
///
/// Browser transports are single-threaded futures, so no `Send` bound is promised.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError>;
}

/// Bulk transfers to a USB reader (WebUSB `transferOut` / `transferIn` in the browser, a
/// simulated device in tests).
#[allow(async_fn_in_trait)]
pub trait UsbPipe {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError>;
    /// Reads one bulk-IN transfer of at most `max` bytes.
    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError>;
    /// How long the next bulk-IN reads may wait, in ms, before the host gives up with
    /// [`TransportError::Timeout`] (pcsc-lite's `readTimeout`). A pipe that cannot time out
    /// keeps waiting.
    fn set_read_timeout(&mut self, _ms: u32) {}
}

impl<T: Transport + ?Sized> Transport for &mut T {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        (**self).transmit(apdu).await
    }
}

impl<P: UsbPipe + ?Sized> UsbPipe for &mut P {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        (**self).bulk_out(data).await
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        (**self).bulk_in(max).await
    }

    fn set_read_timeout(&mut self, ms: u32) {
        (**self).set_read_timeout(ms)
    }
}

/// A card-level failure in an [`exchange`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExchangeError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error("the card's answer is not a response APDU: {0}")]
    BadResponse(#[from] ResponseError),
    #[error("the card kept answering {0:?} to GET RESPONSE or a corrected length")]
    Loop(Status),
}

/// Sends `cmd`, then follows `61xx` with GET RESPONSE (up to 16 times, appending the data)
/// and answers one `6Cxx` by sending the same command with `Le = xx`.
pub async fn exchange<T: Transport + ?Sized>(
    t: &mut T,
    cmd: &Command,
) -> Result<Response, ExchangeError> {
    let mut resp = Response::parse(&t.transmit(&cmd.to_bytes()).await?)?;
    if let Status::WrongLe(n) = resp.status {
        let le = if n == 0 { 256 } else { u16::from(n) };
        let again = cmd.with_le(le);
        resp = Response::parse(&t.transmit(&again.to_bytes()).await?)?;
        if let Status::WrongLe(_) = resp.status {
            return Err(ExchangeError::Loop(resp.status));
        }
    }
    let mut data = std::mem::take(&mut resp.data);
    let mut rounds = 0;
    while let Status::MoreAvailable(n) = resp.status {
        rounds += 1;
        if rounds > 16 {
            return Err(ExchangeError::Loop(resp.status));
        }
        let le = if n == 0 { 256 } else { u16::from(n) };
        resp = Response::parse(&t.transmit(&Command::get_response(le).to_bytes()).await?)?;
        data.append(&mut resp.data);
    }
    Ok(Response {
        data,
        status: resp.status,
    })
}

/// True when `apdu` would select EF 0001 by file identifier or path, or read/update it by its
/// short EF identifier (SFI 1) — the only ways a command can reach the file.
pub fn touches_ef0001(apdu: &[u8]) -> bool {
    let [cla, ins, p1, p2, rest @ ..] = apdu else {
        return false;
    };
    if cla & 0x80 != 0 {
        return false; // proprietary class: not an ISO file command
    }
    let data = match rest {
        [lc, data @ ..] if *lc != 0 && data.len() >= usize::from(*lc) => &data[..usize::from(*lc)],
        _ => &[][..],
    };
    match ins {
        // SELECT by file id (P1 00/01/02), or by path (08/09): any path ending in 0001.
        0xA4 => match p1 {
            0x00..=0x02 => data == [0x00, 0x01],
            0x08 | 0x09 => data.len() >= 2 && data[data.len() - 2..] == [0x00, 0x01],
            _ => false,
        },
        // READ/UPDATE/WRITE/ERASE BINARY with an SFI in P1 (bit 8 set, bits 5–1 = SFI).
        0xB0 | 0xB1 | 0xD6 | 0xD0 | 0x0E => *p1 & 0x80 != 0 && *p1 & 0x1F == 1,
        // READ RECORD etc. with an SFI in P2 bits 8–4.
        0xB2 | 0xB3 | 0xDC | 0xE2 => *p2 >> 3 == 1,
        _ => false,
    }
}

/// Wraps a transport and refuses any APDU for which [`touches_ef0001`] is true.
#[derive(Debug)]
pub struct Ef0001Guard<T>(pub T);

impl<T: Transport> Transport for Ef0001Guard<T> {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        if touches_ef0001(apdu) {
            return Err(TransportError::Ef0001Refused);
        }
        self.0.transmit(apdu).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::block_on;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Replays a fixed list of (expected command, answer) pairs and fails on anything else.
    struct Script(Vec<(&'static [u8], &'static [u8])>);

    impl Transport for Script {
        async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
            assert!(!self.0.is_empty(), "unexpected command {apdu:02X?}");
            let (want, answer) = self.0.remove(0);
            assert_eq!(apdu, want, "command");
            Ok(answer.to_vec())
        }
    }

    #[test]
    fn t16_wrong_le_is_sent_again_with_the_length_the_card_named() {
        let mut card = Script(vec![
            (&[0x00, 0xB0, 0x00, 0x00, 0x10], &[0x6C, 0x5C]),
            (&[0x00, 0xB0, 0x00, 0x00, 0x5C], &[0xAA, 0x90, 0x00]),
        ]);
        let r = block_on(exchange(&mut card, &Command::read_binary(0, 0x10).unwrap())).unwrap();
        assert_eq!((r.data, r.status), (vec![0xAA], Status::Ok));
        assert!(card.0.is_empty());
    }

    #[test]
    fn t17_more_data_is_fetched_with_get_response_and_joined() {
        let mut card = Script(vec![
            (&[0x00, 0xB0, 0x00, 0x00, 0x07], &[0x01, 0x61, 0x10]),
            (&[0x00, 0xC0, 0x00, 0x00, 0x10], &[0x02, 0x03, 0x61, 0x00]),
            (&[0x00, 0xC0, 0x00, 0x00, 0x00], &[0x04, 0x90, 0x00]),
        ]);
        let r = block_on(exchange(&mut card, &Command::read_binary(0, 7).unwrap())).unwrap();
        assert_eq!((r.data, r.status), (vec![1, 2, 3, 4], Status::Ok));
    }

    #[test]
    fn a_card_that_keeps_asking_for_another_length_is_an_error_not_a_loop() {
        let mut card = Script(vec![
            (&[0x00, 0xB0, 0x00, 0x00, 0x10], &[0x6C, 0x05]),
            (&[0x00, 0xB0, 0x00, 0x00, 0x05], &[0x6C, 0x06]),
        ]);
        let r = block_on(exchange(&mut card, &Command::read_binary(0, 0x10).unwrap()));
        assert_eq!(r, Err(ExchangeError::Loop(Status::WrongLe(6))));
    }

    #[test]
    fn every_way_to_reach_ef0001_is_recognised() {
        let hits: [&[u8]; 6] = [
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01],
            &[0x00, 0xA4, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00],
            &[0x00, 0xA4, 0x08, 0x0C, 0x04, 0x3F, 0x00, 0x00, 0x01],
            &[0x00, 0xB0, 0x81, 0x00, 0x11],
            &[0x00, 0xB2, 0x01, 0x0C, 0x00],
            &[0x00, 0xD6, 0x81, 0x00, 0x01, 0x00],
        ];
        for apdu in hits {
            assert!(touches_ef0001(apdu), "{apdu:02X?}");
        }
        let fine: [&[u8]; 6] = [
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x02],
            &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x11],
            &[0x00, 0xB0, 0x00, 0x01, 0x07],
            &[0x00, 0xB0, 0x82, 0x00, 0x07],
            &[0x00, 0x20, 0x00, 0x80],
            &[0x00],
        ];
        for apdu in fine {
            assert!(!touches_ef0001(apdu), "{apdu:02X?}");
        }
    }

    #[test]
    fn the_guard_refuses_before_anything_is_sent() {
        let mut guarded = Ef0001Guard(Script(vec![]));
        assert_eq!(
            block_on(guarded.transmit(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01])),
            Err(TransportError::Ef0001Refused)
        );
    }
}
