//! The routes, one module per resource: thin handlers named `<resource>_<verb>` that read the
//! request, check it, take the write lock, call the store and answer. The route table
//! (`crate::routes`) names each handler; every query is in `crate::store`.
//!
//! Lowest first (`cargo xtask layers`): `auth` (staff sessions and their extractors) and
//! `stream` (the event stream); `devices` (kiosks, displays, `KioskAccess`); `reservations`,
//! `records`, `handovers`, `staff`, `submissions`, `audit`; `tickets`, `stats`, `settings`; `offices`, `web`.

pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod devices;
pub(crate) mod handovers;
pub(crate) mod offices;
pub(crate) mod records;
pub(crate) mod reservations;
pub(crate) mod settings;
pub(crate) mod staff;
pub(crate) mod stats;
pub(crate) mod stream;
pub(crate) mod submissions;
pub(crate) mod tickets;
pub(crate) mod web;
