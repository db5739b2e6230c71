//! Your first bot (docs/first-bot.md): it greets whoever starts a chat with it, repeats what it
//! is told, counts the messages of each chat, and sends reminders ("remind me in 5 seconds").

use openglip_bot::{Bot, BotConfig, CardSubmit, ChatEvent, Context, HandlerResult, Message};

/// What `on_card_submit` answers: JSON for the answer's body, if any.
type SubmitResult = Result<Option<serde_json::Value>, Box<dyn std::error::Error + Send + Sync>>;

struct EchoBot;

impl Bot for EchoBot {
    /// Someone started a chat with the bot, or added it to a team.
    async fn on_joined_chat(&self, ctx: &Context, chat: &ChatEvent) -> HandlerResult {
        if chat.kind == "Direct" {
            let hello = "Hello! I repeat what you say. Try: remind me in 5 seconds";
            ctx.reply(&chat.id, hello).await?;
        }
        Ok(())
    }

    /// A direct message, or a post that @mentions the bot (the mention is removed).
    async fn on_message(&self, ctx: &Context, msg: &Message) -> HandlerResult {
        let person = ctx.client().person(&msg.creator_id).await?;
        let state = ctx.state(&msg.chat_id);
        let count: u32 = state.get("count").await?.unwrap_or(0) + 1;
        state.set("count", &count).await?;

        let seconds = msg
            .text
            .strip_prefix("remind me in ")
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<i64>().ok());
        let reply = match seconds {
            Some(s) => {
                let at = jiff::Zoned::now().checked_add(jiff::SignedDuration::from_secs(s))?;
                let text = format!("Reminder for {}!", person.first_name);
                ctx.scheduler().once(&msg.chat_id, &at, &text).await?;
                format!("OK, I will remind you in {s} seconds.")
            }
            None => format!(
                "{}, you said: {} (message {count} in this chat)",
                person.first_name, msg.text
            ),
        };
        ctx.reply(&msg.chat_id, &reply).await?;
        Ok(())
    }

    /// Someone pressed a button of one of the bot's Adaptive Cards (with BOT_SUBMIT_SECRET set to
    /// the app's shared secret): say in the chat what the card sent.
    async fn on_card_submit(&self, ctx: &Context, submit: &CardSubmit) -> SubmitResult {
        if let Some(chat) = &submit.chat_id {
            let text = format!("Thanks! The card sent: {}", submit.data);
            ctx.reply(chat, &text).await?;
        }
        Ok(None)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    // OPENGLIP_SERVER, BOT_TOKEN, BOT_DATA_DIR, … (see BotConfig::from_env)
    openglip_bot::run(EchoBot, BotConfig::from_env()?).await?;
    Ok(())
}
