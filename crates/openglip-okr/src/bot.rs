//! The app's bot in one company: answers the chat commands of [`crate::commands`] in direct
//! messages and when @mentioned, through the same [`crate::service`] rules as the API (a
//! check-in from chat is in the database, and on the pages, as soon as the bot answers).

use std::collections::HashMap;

use openglip_bot::{Bot, Context, HandlerResult, Message};

use crate::app::App;
use crate::commands::{self, ChatCheckIn, Command, ScheduleRequest};
use crate::error::{Error, Result};
use crate::model::{Entity, EntityType, Model, Source, fmt_number};
use crate::platform;
use crate::schedule::{self, local_label};
use crate::service::followers::NewFollower;
use crate::service::{NewCheckIn, Value, Viewer};

/// The bot of one company.
pub struct OkrBot {
    pub app: App,
    pub account_id: String,
}

impl Bot for OkrBot {
    async fn on_message(&self, ctx: &Context, msg: &Message) -> HandlerResult {
        let answer = match self.answer(ctx, msg).await {
            Ok(text) => text,
            Err(Error::Internal(e)) => {
                tracing::error!(error = %e, "a chat command failed");
                "Sorry, something went wrong on my side; please try again.".to_string()
            }
            Err(e) => format!("Sorry: {e}"),
        };
        ctx.reply(&msg.chat_id, &answer).await?;
        Ok(())
    }

    async fn on_removed(&self, _ctx: &Context) -> HandlerResult {
        tracing::info!(
            account = self.account_id,
            "the OKR bot was removed from the platform"
        );
        self.app
            .store()
            .mark_removed(
                &self.account_id,
                "the bot was removed from the company on the platform",
                self.app.now(),
            )
            .await?;
        Ok(())
    }
}

impl OkrBot {
    /// The person who wrote, as the directory has them now.
    async fn viewer(&self, ctx: &Context, person_id: &str) -> Result<Viewer> {
        let person = platform::lookup_person(ctx.client(), person_id)
            .await?
            .ok_or_else(|| Error::forbidden("I answer people of this company only"))?;
        let store = self.app.store();
        store
            .upsert_people(&self.account_id, vec![person.clone()], self.app.now())
            .await?;
        let time_zone = store
            .people(&self.account_id)
            .await?
            .into_iter()
            .find(|p| p.id == person.id)
            .and_then(|p| p.time_zone);
        Ok(Viewer {
            account_id: self.account_id.clone(),
            person: crate::model::Person {
                time_zone,
                ..person
            },
        })
    }

    async fn names(&self) -> Result<(String, HashMap<String, String>, Vec<crate::model::Person>)> {
        let store = self.app.store();
        let company = store
            .tenant(&self.account_id)
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        let people = store.people(&self.account_id).await?;
        let names = people.iter().map(|p| (p.id.clone(), p.name())).collect();
        Ok((company, names, people))
    }

    async fn answer(&self, ctx: &Context, msg: &Message) -> Result<String> {
        let v = self.viewer(ctx, &msg.creator_id).await?;
        let service = self.app.service();
        let now = self.app.now();
        let model = service.model(&v).await?;
        let (company, names, people) = self.names().await?;
        Ok(match commands::parse(&msg.text) {
            Command::Help => commands::HELP.to_string(),
            Command::Okrs => commands::overview(
                &model,
                &company,
                &names,
                &Entity::company(&self.account_id),
                now,
            ),
            Command::Mine => self.mine(&model, &company, &names, &v, now),
            Command::Team(name) => {
                match commands::resolve_entity(&model, &company, &[], v.id(), &name) {
                    Ok(e) if e.kind == EntityType::Team => {
                        commands::overview(&model, &company, &names, &e, now)
                    }
                    Ok(_) | Err(_) => format!("I know no team called [{name}]."),
                }
            }
            Command::AtRisk => commands::at_risk(&model, &company, &names, now),
            Command::CheckIn(rest) => match commands::resolve_check_in(&model, now, &rest) {
                Ok(c) => self.check_in(&v, c).await?,
                Err(why) => why,
            },
            Command::Follow(what) => {
                match commands::resolve_entity(&model, &company, &people, v.id(), &what) {
                    Ok(e) => self.follow(ctx, &v, &msg.chat_id, e).await?,
                    Err(why) => why,
                }
            }
            Command::Unfollow(what) => {
                match commands::resolve_entity(&model, &company, &people, v.id(), &what) {
                    Ok(e) => {
                        self.unfollow(&v, &msg.chat_id, &e, &model, &company, &names)
                            .await?
                    }
                    Err(why) => why,
                }
            }
            Command::Schedule(rest) => match commands::parse_schedule(&rest) {
                Ok(r) => {
                    self.schedule(&v, &msg.chat_id, r, &model, &company, &names)
                        .await?
                }
                Err(why) => why,
            },
            Command::Unknown(text) => {
                format!("I did not understand [{text}]. Write help to see what I can do.")
            }
        })
    }

    fn mine(
        &self,
        model: &Model,
        company: &str,
        names: &HashMap<String, String>,
        v: &Viewer,
        now: jiff::Timestamp,
    ) -> String {
        let mut text = commands::overview(model, company, names, &Entity::person(v.id()), now);
        let today = crate::model::period::utc_date(now);
        let theirs: Vec<String> = model
            .key_results
            .values()
            .filter(|k| model.objectives[&k.objective_id].owner != Entity::person(v.id()))
            .filter(|k| model.objectives[&k.objective_id].period.contains(today))
            .filter(|k| model.responsible_for(k).iter().any(|p| p == v.id()))
            .map(|k| {
                let s = model.key_result_state_at(k, now);
                format!(
                    "• {} [#{}]: {} ({})",
                    k.title,
                    k.id,
                    fmt_number(s.value),
                    s.figures.status.label()
                )
            })
            .collect();
        if !theirs.is_empty() {
            text.push_str("\nKey results you check in on:\n");
            text.push_str(&theirs.join("\n"));
        }
        text
    }

    async fn check_in(&self, v: &Viewer, c: ChatCheckIn) -> Result<String> {
        let made = self
            .app
            .check_in(
                v,
                &c.key_result.to_string(),
                NewCheckIn {
                    value: Value::Text(c.value),
                    status: c.status.map(|s| s.as_str().to_string()),
                    confidence: None,
                    note: c.note,
                    source: Source::Chat,
                },
            )
            .await?;
        let model = self.app.service().model(v).await?;
        let kr = &model.key_results[&made.key_result_id];
        let s = model.key_result_state_at(kr, made.created_at);
        Ok(format!(
            "Checked in: {} is at {} ({}) · {}",
            kr.title,
            fmt_number(made.value),
            crate::digest::pct(s.figures.progress),
            s.figures.status.label()
        ))
    }

    async fn follow(&self, ctx: &Context, v: &Viewer, chat_id: &str, e: Entity) -> Result<String> {
        let person_known = match e.kind {
            EntityType::Person => platform::lookup_person(ctx.client(), &e.id)
                .await?
                .is_some(),
            _ => false,
        };
        let chat = platform::chat(ctx.client(), chat_id).await?;
        let f = self
            .app
            .service()
            .prepare_follower(
                v,
                NewFollower {
                    entity: e,
                    person_known,
                    chat_id: chat_id.to_string(),
                    chat_name: chat.name,
                    schedule: schedule::Schedule::Default,
                    time_zone: None,
                    status_changes: false,
                },
            )
            .await?;
        let f = self.app.store().create_follower(f).await?;
        let zone = schedule::zone(&f.time_zone).map_err(Error::internal)?;
        let model = self.app.service().model(v).await?;
        let (company, names, _) = self.names().await?;
        Ok(format!(
            "This conversation now follows {}: {} ({}). Next update: {}.",
            crate::digest::entity_name(&model, &company, &names, &f.entity),
            f.schedule.describe(),
            f.time_zone,
            local_label(f.next_run_at, &zone)
        ))
    }

    async fn unfollow(
        &self,
        v: &Viewer,
        chat_id: &str,
        e: &Entity,
        model: &Model,
        company: &str,
        names: &HashMap<String, String>,
    ) -> Result<String> {
        let name = crate::digest::entity_name(model, company, names, e);
        let followers = self
            .app
            .store()
            .followers_in_chat(&self.account_id, chat_id)
            .await?;
        let Some(f) = followers.iter().find(|f| &f.entity == e) else {
            return Ok(format!("This conversation does not follow {name}."));
        };
        self.app
            .service()
            .delete_follower(v, &f.id.to_string())
            .await?;
        Ok(format!("This conversation no longer follows {name}."))
    }

    async fn schedule(
        &self,
        v: &Viewer,
        chat_id: &str,
        r: ScheduleRequest,
        model: &Model,
        company: &str,
        names: &HashMap<String, String>,
    ) -> Result<String> {
        let followers = self
            .app
            .store()
            .followers_in_chat(&self.account_id, chat_id)
            .await?;
        if followers.is_empty() {
            return Ok(
                "This conversation follows nothing yet: write follow <company|team|person>.".into(),
            );
        }
        let mut lines = vec![];
        for f in followers {
            let f = match &r {
                ScheduleRequest::Show => f,
                ScheduleRequest::Set {
                    schedule,
                    time_zone,
                } => {
                    self.app
                        .service()
                        .update_follower(
                            v,
                            &f.id.to_string(),
                            Some(*schedule),
                            time_zone.clone(),
                            None,
                        )
                        .await?
                }
            };
            let zone = schedule::zone(&f.time_zone).map_err(Error::internal)?;
            lines.push(format!(
                "• {}: {} ({}), next {}",
                crate::digest::entity_name(model, company, names, &f.entity),
                f.schedule.describe(),
                f.time_zone,
                local_label(f.next_run_at, &zone)
            ));
        }
        let head = match r {
            ScheduleRequest::Show => "Updates in this conversation:",
            ScheduleRequest::Set { .. } => "Done. Updates in this conversation:",
        };
        Ok(format!("{head}\n{}", lines.join("\n")))
    }
}
