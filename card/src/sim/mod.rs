//! Simulated cards and readers, used by the tests, the benchmark and the browser e2e fixtures:
//! they speak the same bytes as the real devices (card.md §6.2 gives the vectors they are
//! checked against), so every flow can run end to end without hardware.

mod card;
mod ccid;
mod licence;
mod rcs380;

pub use card::{MyNumberCard, Quirks};
pub use ccid::{CONTACT_ATR, CONTACTLESS_ATR, CcidDevice, Mode};
pub use licence::LicenceCard;
pub use rcs380::Rcs380Device;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future over simulated transports to completion. Simulators answer at once, so the
/// future never waits; a future that does is a bug in the caller, reported as an error.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("block_on: the future waits on something a simulator never provides");
}
