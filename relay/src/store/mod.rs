//! What the relay keeps in its database, one module per resource, below the routes that use it.

pub(crate) mod devices;
pub(crate) mod events;
pub(crate) mod handovers;
pub(crate) mod offices;
pub(crate) mod records;
pub(crate) mod reservations;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod staff;
pub(crate) mod submissions;
pub(crate) mod tickets;
