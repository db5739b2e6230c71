//! `smartfriend`: runs SmartFriend against a server. Configured by environment:
//!
//! - `OPENGLIP_SERVER`: the server, e.g. `http://127.0.0.1:8080`;
//! - `BOT_TOKEN` (a token from `openglip admin bot create`), or `BOT_CLIENT_ID` +
//!   `BOT_CLIENT_SECRET` to be installed through the OAuth flows (`BOT_LISTEN` needed);
//! - `BOT_LISTEN` (the bot's own HTTP endpoint: install redirect `/bot/oauth`, WebHook
//!   deliveries `/bot/webhook`) and `BOT_PUBLIC_URL` (how the server reaches it; with it the bot
//!   receives notifications by WebHook, without it by WebSocket);
//! - `BOT_DATA_DIR` (default `$XDG_STATE_HOME/smartfriend` or `~/.local/state/smartfriend`: the
//!   bot's state is bound to its server and token, see `openglip_bot::binding`), `BOT_TRANSPORT`
//!   (`auto`, `websocket`, `webhook`), `RUST_LOG`.

use openglip_bot::BotConfig;

fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = match BotConfig::from_env() {
        Ok(mut c) => {
            if std::env::var_os("BOT_DATA_DIR").is_none() {
                c.data_dir = BotConfig::default_data_dir("smartfriend");
            }
            c
        }
        Err(e) => {
            eprintln!("smartfriend: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    if let Err(e) = rt.block_on(openglip_bot::run(smartfriend::SmartFriend, config)) {
        eprintln!("smartfriend: {e}");
        std::process::exit(1);
    }
}
