//! Mounts the desk app (counter, resident guide, back office, admin).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(mado_frontend::DeskApp);
}
