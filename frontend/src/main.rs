//! Mounts the lobby app (home, kiosk, display); everything else is in the library.

fn main() {
    // A panic's message in the browser's console (the lobby's own hook: the message without
    // the JavaScript stack, which keeps this bundle under its budget).
    std::panic::set_hook(Box::new(|info| {
        leptos::logging::error!("{info}");
    }));
    leptos::mount::mount_to_body(mado_frontend::LobbyApp);
}
