//! Mado's browser app: Leptos client-side apps with a route per surface, in three bundles:
//! the lobby (kiosk, display: public screens, small), the resident's (guide, booking,
//! pre-application status, waiting ticket, kiosk check-in: small, for phones) and the desk
//! (counter, staff queue, office, admin).
//!
//! # Mental model
//!
//! Each surface (kiosk, display, staff queue, …) is a route. Components are thin: queue state
//! comes from [`mado_wire`]'s reducers, fed by a snapshot from the relay ([`api`]) and then
//! by live events (`device::live`); what a visit makes of the guide's result (the counter
//! record, the forms and their data, the handout) is plain data in [`visit`], tested
//! natively. Every visible string comes from [`i18n`]. ARCHITECTURE.md has the layers.
//!
//! # Not handled
//!
//! - Offline use of the desk beyond the built-in rules and forms (a visit in progress is not
//!   kept in the browser yet).

pub mod api;
pub mod device;
pub mod guide;
pub mod i18n;
pub mod shell;
mod surfaces;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::shell::{NotFound, setup_lang};

/// The lobby bundle: home, kiosk and display (public screens; kept under 200 KB).
#[component]
pub fn LobbyApp() -> impl IntoView {
    setup_lang(true);
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=surfaces::Home/>
                <Route path=path!("/kiosk") view=surfaces::Kiosk/>
                <Route path=path!("/display") view=surfaces::Display/>
            </Routes>
        </Router>
    }
}

/// The desk bundle (served under `/desk/`): the counter with the procedure guide, the
/// resident guide, back office and administration.
#[component]
pub fn DeskApp() -> impl IntoView {
    setup_lang(false);
    if let Err(e) = guide::embed_japanese() {
        leptos::logging::error!("the embedded rule packs cannot be read: {e}");
    }
    shell::keep_offline();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/counter") view=surfaces::Counter/>
                <Route path=path!("/queue") view=surfaces::Queue/>
                <Route path=path!("/office") view=surfaces::Office/>
                <Route path=path!("/admin") view=surfaces::Admin/>
                <Route path=path!("/pair") view=surfaces::Pair/>
            </Routes>
        </Router>
    }
}

/// The resident bundle (served under `/resident/`): what a resident opens on a phone (the
/// guide, booking, a pre-application's status, the waiting ticket) and the kiosk's check-in.
/// Small, with no PDF writer, card code or staff screens; the rule packs and the texts of a
/// language other than Japanese and English are fetched for the language in use (issue 22).
#[component]
pub fn ResidentApp() -> impl IntoView {
    setup_lang(true);
    shell::boot_done();
    shell::keep_offline();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/apply") view=surfaces::Apply/>
                <Route path=path!("/r") view=surfaces::MyReservation/>
                <Route path=path!("/s") view=surfaces::PreApplicationStatus/>
                <Route path=path!("/t") view=surfaces::TicketStatusPage/>
                <Route path=path!("/checkin") view=surfaces::CheckIn/>
            </Routes>
        </Router>
    }
}
