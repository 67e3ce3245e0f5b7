//! One module per route (a folder where the surface has parts of its own). A surface imports
//! [`crate::shell`], [`crate::device`], [`crate::guide`], [`crate::api`] and [`crate::i18n`],
//! never another surface (checked by `cargo xtask layers`).

mod admin;
mod apply;
mod checkin;
mod counter;
mod display;
mod home;
mod kiosk;
mod office;
mod pair;
mod queue;
mod ticket;

pub use admin::Admin;
pub use apply::{Apply, MyReservation, PreApplicationStatus};
pub use checkin::CheckIn;
pub use counter::Counter;
pub use display::Display;
pub use home::Home;
pub use kiosk::Kiosk;
pub use office::Office;
pub use pair::Pair;
pub use queue::Queue;
pub use ticket::TicketStatusPage;
