//! The Notes example: an app on the page kit whose people sign in with openglip.
//!
//! Register it on your openglip as a REST API app (developer console or
//! `openglip admin app create`) with the authorization-code grant, the ReadAccounts permission
//! and the redirect URI `http://127.0.0.1:8090/auth/callback`, then:
//!
//! ```text
//! NOTES_PLATFORM_URL=http://127.0.0.1:8080 NOTES_CLIENT_ID=… NOTES_CLIENT_SECRET=… \
//!   cargo run -p openglip-webkit --example notes
//! ```
//!
//! and open <http://127.0.0.1:8090/>. `NOTES_LISTEN` and `NOTES_PUBLIC_URL` change where it
//! listens and the URL people reach it at.

mod app;

use openglip_webkit::Kit;
use openglip_webkit::signin::PlatformSignIn;

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set (see the example's doc)"))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let listen = std::env::var("NOTES_LISTEN").unwrap_or_else(|_| "127.0.0.1:8090".into());
    let public = std::env::var("NOTES_PUBLIC_URL").unwrap_or_else(|_| format!("http://{listen}"));
    let sign_in = PlatformSignIn::new(
        &var("NOTES_PLATFORM_URL")?,
        &var("NOTES_CLIENT_ID")?,
        std::env::var("NOTES_CLIENT_SECRET").ok(),
        &format!("{}/auth/callback", public.trim_end_matches('/')),
    )?;
    let kit = Kit::new("openglip Notes", "notes_").public_url(Some(&public));
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    println!("Notes on {public}");
    axum::serve(listener, app::router(app::Notes::new(kit, sign_in)))
        .await
        .map_err(|e| e.to_string())
}
