//! A turn of a conversation, kept: the conversation's state is read, the agent answers, and the
//! new state, the transcript's line and (for a channel's post) the post's id are written in one
//! transaction — one turn at a time per conversation, so answers keep their order.

use jiff::Timestamp;

use crate::agent::Agent;
use crate::app::App;
use crate::engine::{Reply, Turn};
use crate::error::Result;
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
        let reply = agent.respond(&mut session, text, &turn).await;
        self.store()
            .record_turn(key, &session, text, &reply.text(), version, event_id)
            .await?;
        Ok(Some(reply))
    }
}
