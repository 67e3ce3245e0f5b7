//! What the browser does besides drawing: the card reader's bytes ([`cardio`]), QR codes
//! drawn ([`qr`]) and read from the camera ([`qrscan`]), the lobby's chime and voice
//! ([`sound`]), the relay's live event stream ([`live`]), PDF forms ([`printing`]) and what the
//! counter keeps in IndexedDB ([`keep`]: open visits, the outbox of records). Imports
//! only [`crate::api`] and [`crate::i18n`].

pub mod cardio;
pub mod keep;
pub mod live;
pub mod printing;
pub mod qr;
pub mod qrscan;
pub mod sound;
