//! What the browser does besides drawing: the card reader's bytes ([`cardio`]), QR codes
//! drawn ([`qr`]) and read from the camera ([`qrscan`]), the lobby's chime and voice
//! ([`sound`]), the relay's live event stream ([`live`]) and PDF forms ([`printing`]). Imports
//! only [`crate::api`] and [`crate::i18n`].

pub mod cardio;
pub mod live;
pub mod printing;
pub mod qr;
pub mod qrscan;
pub mod sound;
