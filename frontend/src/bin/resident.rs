//! Mounts the resident app (guide, booking, pre-application status, waiting ticket, check-in).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(mado_frontend::ResidentApp);
}
