//! A turn of a conversation, kept: the conversation's state is read, the agent answers, and the
//! new state, the transcript's line and (for a channel's post) the post's id are written in one
//! transaction — one turn at a time per conversation, so answers keep their order. Where the
//! fallback answered, the agent's optional generative step ([`crate::generative`]) may answer
//! instead.

use jiff::Timestamp;

use crate::agent::Agent;
use crate::app::App;
use crate::engine::{Reply, Session, Turn};
use crate::error::Result;
use crate::generative::{Generated, generate};
use crate::store::conversations::ConversationKey;

impl App {
    /// `text` said in the conversation `key` to `agent` (`version`: the published version, or
    /// `None` for the draft). With `event_id` (a post), a post already answered gets `None`.
    pub async fn converse(
        &self,
        agent: &Agent,
        version: Option<i64>,
        key: &ConversationKey,
        text: &str,
        event_id: Option<&str>,
    ) -> Result<Option<Reply>> {
        let lock = self.turn_lock(&format!(
            "{}/{}/{}/{}",
            key.agent_id, key.channel, key.chat_id, key.person_id
        ));
        let _turn = lock.lock().await;
        if let Some(e) = event_id
            && self.store().processed(key.agent_id, e).await?
        {
            return Ok(None);
        }
        let mut session = self.store().session(key).await?;
        let now = Timestamp::now();
        let turn = Turn {
            now,
            today: now.to_zoned(jiff::tz::TimeZone::UTC).date(),
            services: &self.inner.services,
        };
        let mut reply = agent.respond(&mut session, text, &turn).await;
        if reply.fallback && !reply.handoff {
            self.generate_instead(agent, key.agent_id, &mut session, text, &mut reply)
                .await?;
        }
        self.store()
            .record_turn(key, &session, text, &reply, version, event_id)
            .await?;
        Ok(Some(reply))
    }

    /// Where the fallback answered: the agent's generative step, when it is on, answers instead
    /// (and the turn is no misunderstanding); when it fails, the fallback's answer stays.
    async fn generate_instead(
        &self,
        agent: &Agent,
        agent_id: i64,
        session: &mut Session,
        text: &str,
        reply: &mut Reply,
    ) -> Result<()> {
        let settings = self.store().generative(agent_id).await?;
        if !settings.enabled {
            return Ok(());
        }
        match generate(&self.inner.chat, &settings, agent, text).await {
            Generated::Answer(answer) => {
                reply.messages = vec![answer];
                session.failures = session.failures.saturating_sub(1);
                let what = format!("answered by {}", settings.model);
                reply.notes.push(format!("generative: {what}"));
                reply.generative = Some(what);
            }
            Generated::Failed(why) => {
                tracing::warn!(agent_id, reason = %why, "the generative step failed; the fallback answered");
                let what = format!("failed: {why}; the fallback answered");
                reply.notes.push(format!("generative: {what}"));
                reply.generative = Some(what);
            }
        }
        Ok(())
    }
}
