//! Followers: conversations that receive an entity's digests on a schedule (administrators
//! shape them), "send now", and the schedule's next runs.

use jiff::Timestamp;

use super::{Service, Viewer};
use crate::error::{Error, Result};
use crate::model::Entity;
use crate::schedule::{self, Schedule};
use crate::store::followers::{Follower, NewDigest, Trigger};

/// A follower to add, once its conversation is checked.
#[derive(Debug, Clone)]
pub struct NewFollower {
    pub entity: Entity,
    /// The caller checked a person entity against the directory.
    pub person_known: bool,
    pub chat_id: String,
    pub chat_name: Option<String>,
    pub schedule: Schedule,
    /// None: the time zone of the person who adds it.
    pub time_zone: Option<String>,
    pub status_changes: bool,
}

impl Service {
    /// A person's time zone: their own when known, else the company's default (UTC unless
    /// changed).
    pub async fn time_zone_of(&self, v: &Viewer) -> Result<String> {
        if let Some(tz) = &v.person.time_zone {
            return Ok(tz.clone());
        }
        let stored = self.store.person(&v.account_id, v.id()).await?;
        if let Some(tz) = stored.and_then(|p| p.time_zone) {
            return Ok(tz);
        }
        Ok(self
            .store
            .tenant(&v.account_id)
            .await?
            .map_or_else(|| "UTC".to_string(), |t| t.time_zone))
    }

    /// Checks a follower to add and returns it ready to be saved (administrators). Nothing is
    /// saved: the caller puts the bot into the conversation first, then saves it with
    /// `Store::create_follower`.
    pub async fn prepare_follower(&self, v: &Viewer, f: NewFollower) -> Result<Follower> {
        v.require_admin("choose which conversations follow OKRs")?;
        let model = self.model(v).await?;
        self.check_entity(&model, v, &f.entity, f.person_known, "entity.id")?;
        let tz_name = match f.time_zone {
            Some(tz) => tz,
            None => self.time_zone_of(v).await?,
        };
        let zone = schedule::zone(&tz_name).map_err(|m| Error::invalid("timeZone", m))?;
        let existing = self
            .store
            .followers(&v.account_id, Some(f.entity.clone()))
            .await?;
        if existing.iter().any(|e| e.chat_id == f.chat_id) {
            return Err(Error::Conflict(
                "This conversation already follows it".into(),
            ));
        }
        let now = self.now();
        Ok(Follower {
            id: 0,
            account_id: v.account_id.clone(),
            entity: f.entity,
            chat_id: f.chat_id,
            chat_name: f.chat_name,
            schedule: f.schedule,
            time_zone: tz_name,
            status_changes: f.status_changes,
            next_run_at: f.schedule.next_after(&zone, now),
            created_by: v.id().to_string(),
            created_at: now,
        })
    }

    /// A follower of the viewer's company.
    pub async fn follower(&self, v: &Viewer, id: &str) -> Result<Follower> {
        let found = match id.parse::<i64>() {
            Ok(n) => self.store.follower(&v.account_id, n).await?,
            Err(_) => None,
        };
        found.ok_or_else(|| Error::not_found("followerId", format!("There is no follower [{id}]")))
    }

    /// Changes a follower's schedule, zone or options (administrators); the next run is
    /// computed again from now.
    pub async fn update_follower(
        &self,
        v: &Viewer,
        id: &str,
        schedule: Option<Schedule>,
        time_zone: Option<String>,
        status_changes: Option<bool>,
    ) -> Result<Follower> {
        v.require_admin("change when conversations get updates")?;
        let mut f = self.follower(v, id).await?;
        if let Some(tz) = time_zone {
            schedule::zone(&tz).map_err(|m| Error::invalid("timeZone", m))?;
            f.time_zone = tz;
        }
        if let Some(s) = schedule {
            f.schedule = s;
        }
        if let Some(s) = status_changes {
            f.status_changes = s;
        }
        let zone = schedule::zone(&f.time_zone).map_err(Error::internal)?;
        f.next_run_at = f.schedule.next_after(&zone, self.now());
        self.store.update_follower(f.clone()).await?;
        Ok(f)
    }

    pub async fn delete_follower(&self, v: &Viewer, id: &str) -> Result<()> {
        v.require_admin("choose which conversations follow OKRs")?;
        let f = self.follower(v, id).await?;
        self.store.delete_follower(&v.account_id, f.id).await
    }

    /// Enqueues a digest now (administrators). Returns its outbox id.
    pub async fn send_now(&self, v: &Viewer, id: &str) -> Result<i64> {
        v.require_admin("send updates")?;
        let f = self.follower(v, id).await?;
        let now = self.now();
        let key = format!(
            "manual:{}:{}:{}",
            f.id,
            now.as_millisecond(),
            openglip_sdk::auth::random_token(6)
        );
        self.store
            .enqueue(NewDigest {
                account_id: v.account_id.clone(),
                follower_id: f.id,
                chat_id: f.chat_id,
                idem_key: key,
                trigger: Trigger::Manual,
                slot_at: None,
                late: false,
                created_at: now,
                card: None,
            })
            .await?
            .ok_or_else(|| Error::internal("a fresh idempotency key was taken"))
    }

    /// The next `count` runs of a follower after `after` (default: now).
    pub async fn runs(
        &self,
        v: &Viewer,
        id: &str,
        after: Option<Timestamp>,
        count: usize,
    ) -> Result<(Follower, Vec<Timestamp>)> {
        let f = self.follower(v, id).await?;
        let zone = schedule::zone(&f.time_zone).map_err(Error::internal)?;
        let runs = f
            .schedule
            .runs(&zone, after.unwrap_or_else(|| self.now()), count);
        Ok((f, runs))
    }
}
