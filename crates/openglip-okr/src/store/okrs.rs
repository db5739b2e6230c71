//! Tenants, people, teams, objectives, key results and check-ins.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Store, corrupt, ms, ts};
use crate::error::{Error, Result};
use crate::model::document::{ImportPlan, PlanOwner};
use crate::model::*;

/// A tenant's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub account_id: String,
    pub name: String,
    /// For people whose own zone is not known.
    pub time_zone: String,
    /// Whether people with stale key results are reminded.
    pub nudges: bool,
}

/// What import created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub teams: usize,
    pub objectives: usize,
    pub key_results: usize,
    pub check_ins: usize,
}

fn dup_name(e: rusqlite::Error, name: &str) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::Conflict(format!("there is already a team named [{name}]"))
        }
        _ => e.into(),
    }
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Store {
    // ---------- tenants and people ----------

    /// Records the company (its name as the platform has it now).
    pub async fn upsert_tenant(&self, account_id: &str, name: &str, now: Timestamp) -> Result<()> {
        let (a, n) = (account_id.to_string(), name.to_string());
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO tenants (account_id, name, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
                params![a, n, ms(now)],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn tenant(&self, account_id: &str) -> Result<Option<Tenant>> {
        let a = account_id.to_string();
        self.read(move |c| {
            Ok(c.query_row(
                "SELECT account_id, name, time_zone, nudges FROM tenants WHERE account_id = ?1",
                [a],
                |r| {
                    Ok(Tenant {
                        account_id: r.get(0)?,
                        name: r.get(1)?,
                        time_zone: r.get(2)?,
                        nudges: r.get(3)?,
                    })
                },
            )
            .optional()?)
        })
        .await
    }

    /// Changes a tenant's settings (`None`: unchanged).
    pub async fn update_tenant(
        &self,
        account_id: &str,
        time_zone: Option<String>,
        nudges: Option<bool>,
    ) -> Result<()> {
        let a = account_id.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE tenants SET time_zone = COALESCE(?2, time_zone), nudges = COALESCE(?3, nudges)
                 WHERE account_id = ?1",
                params![a, time_zone, nudges],
            )?;
            Ok(())
        })
        .await
    }

    /// Records people as the platform describes them (the time zone is kept when not given).
    pub async fn upsert_people(
        &self,
        account_id: &str,
        people: Vec<Person>,
        now: Timestamp,
    ) -> Result<()> {
        let a = account_id.to_string();
        self.write(move |tx| {
            let mut st = tx.prepare(
                "INSERT INTO people (account_id, id, first_name, last_name, email, is_admin, time_zone, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (account_id, id) DO UPDATE SET first_name = excluded.first_name,
                   last_name = excluded.last_name, email = excluded.email, is_admin = excluded.is_admin,
                   time_zone = COALESCE(excluded.time_zone, people.time_zone), updated_at = excluded.updated_at",
            )?;
            for p in people {
                st.execute(params![a, p.id, p.first_name, p.last_name, p.email, p.is_admin, p.time_zone, ms(now)])?;
            }
            Ok(())
        })
        .await
    }

    /// Everyone the app knows in a company.
    pub async fn people(&self, account_id: &str) -> Result<Vec<Person>> {
        self.people_where(account_id, None).await
    }

    /// One person of a company, if known.
    pub async fn person(&self, account_id: &str, id: &str) -> Result<Option<Person>> {
        Ok(self
            .people_where(account_id, Some(id.to_string()))
            .await?
            .pop())
    }

    async fn people_where(&self, account_id: &str, id: Option<String>) -> Result<Vec<Person>> {
        let a = account_id.to_string();
        self.read(move |c| {
            let mut st = c.prepare(
                "SELECT id, first_name, last_name, email, is_admin, time_zone FROM people
                 WHERE account_id = ?1 AND (?2 IS NULL OR id = ?2) ORDER BY first_name, last_name, id",
            )?;
            let rows = st.query_map(params![a, id], |r| {
                Ok(Person {
                    id: r.get(0)?,
                    first_name: r.get(1)?,
                    last_name: r.get(2)?,
                    email: r.get(3)?,
                    is_admin: r.get(4)?,
                    time_zone: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    // ---------- the model ----------

    /// A tenant's whole model.
    pub async fn model(&self, account_id: &str) -> Result<Model> {
        let a = account_id.to_string();
        self.read(move |c| load_model(c, &a)).await
    }

    /// Creates a team; its name is unique in the company (any case).
    pub async fn create_team(
        &self,
        account_id: &str,
        name: &str,
        parent_id: Option<TeamId>,
        member_ids: Vec<String>,
        now: Timestamp,
    ) -> Result<TeamId> {
        let (a, n) = (account_id.to_string(), name.to_string());
        self.write(move |tx| insert_team(tx, &a, &n, parent_id, &member_ids, now))
            .await
    }

    /// Changes a team: `None` leaves a field as it is; `parent_id: Some(None)` makes it a top team.
    pub async fn update_team(
        &self,
        team_id: TeamId,
        name: Option<String>,
        parent_id: Option<Option<TeamId>>,
        member_ids: Option<Vec<String>>,
    ) -> Result<()> {
        self.write(move |tx| {
            if let Some(n) = &name {
                tx.execute(
                    "UPDATE teams SET name = ?2, name_key = ?3 WHERE id = ?1",
                    params![team_id, n, name_key(n)],
                )
                .map_err(|e| dup_name(e, n))?;
            }
            if let Some(p) = parent_id {
                tx.execute(
                    "UPDATE teams SET parent_id = ?2 WHERE id = ?1",
                    params![team_id, p],
                )?;
            }
            if let Some(members) = member_ids {
                tx.execute("DELETE FROM team_members WHERE team_id = ?1", [team_id])?;
                let mut st = tx.prepare(
                    "INSERT OR IGNORE INTO team_members (team_id, person_id) VALUES (?1, ?2)",
                )?;
                for m in members {
                    st.execute(params![team_id, m])?;
                }
            }
            Ok(())
        })
        .await
    }

    /// Deletes a team that nothing refers to.
    pub async fn delete_team(&self, account_id: &str, team_id: TeamId) -> Result<()> {
        let a = account_id.to_string();
        self.write(move |tx| {
            let used: Option<String> = tx
                .query_row(
                    "SELECT CASE
                       WHEN EXISTS (SELECT 1 FROM teams WHERE parent_id = ?1) THEN 'it has sub-teams'
                       WHEN EXISTS (SELECT 1 FROM objectives WHERE owner_type = 'team' AND owner_id = ?2 AND account_id = ?3)
                         THEN 'it owns objectives'
                       WHEN EXISTS (SELECT 1 FROM followers WHERE entity_type = 'team' AND entity_id = ?2 AND account_id = ?3)
                         THEN 'conversations follow it'
                     END",
                    params![team_id, team_id.to_string(), a],
                    |r| r.get(0),
                )?;
            if let Some(why) = used {
                return Err(Error::Conflict(format!("the team cannot be deleted: {why}")));
            }
            tx.execute("DELETE FROM teams WHERE id = ?1 AND account_id = ?2", params![team_id, a])?;
            Ok(())
        })
        .await
    }

    pub async fn create_objective(&self, account_id: &str, o: Objective) -> Result<ObjectiveId> {
        let a = account_id.to_string();
        self.write(move |tx| insert_objective(tx, &a, &o)).await
    }

    pub async fn create_key_result(&self, account_id: &str, k: KeyResult) -> Result<KeyResultId> {
        let a = account_id.to_string();
        self.write(move |tx| insert_key_result(tx, &a, &k)).await
    }

    /// Adds a check-in and, in the same transaction, the posts it causes (status changes), so
    /// neither exists without the other.
    pub async fn add_check_in(
        &self,
        account_id: &str,
        c: CheckIn,
        posts: Vec<super::followers::NewDigest>,
    ) -> Result<CheckInId> {
        let a = account_id.to_string();
        self.write(move |tx| {
            let id = insert_check_in(tx, &a, &c)?;
            for mut p in posts {
                p.idem_key = p.idem_key.replace("{checkIn}", &id.to_string());
                p.card = p.card.map(|c| c.replace("{checkIn}", &id.to_string()));
                super::followers::insert_digest(tx, &p)?;
            }
            Ok(id)
        })
        .await
    }

    /// Creates everything an import plan holds, in one transaction, into a company that has no
    /// teams and no objectives yet.
    pub async fn import(
        &self,
        account_id: &str,
        plan: ImportPlan,
        now: Timestamp,
    ) -> Result<Imported> {
        let a = account_id.to_string();
        self.write(move |tx| {
            let existing: i64 = tx.query_row(
                "SELECT (SELECT COUNT(*) FROM teams WHERE account_id = ?1) + (SELECT COUNT(*) FROM objectives WHERE account_id = ?1)",
                [&a],
                |r| r.get(0),
            )?;
            if existing > 0 {
                return Err(Error::Conflict(
                    "import goes into a company without teams or objectives; this one has some".into(),
                ));
            }
            let mut team_ids = Vec::new();
            for t in &plan.teams {
                let parent = t.parent.map(|i| team_ids[i]);
                team_ids.push(insert_team(tx, &a, &t.name, parent, &t.member_ids, now)?);
            }
            let mut out = Imported { teams: team_ids.len(), objectives: 0, key_results: 0, check_ins: 0 };
            let mut objective_ids = Vec::new();
            for o in &plan.objectives {
                let owner = match &o.owner {
                    PlanOwner::Company => Entity::company(&a),
                    PlanOwner::Team(i) => Entity::team(team_ids[*i]),
                    PlanOwner::Person(p) => Entity::person(p),
                };
                let id = insert_objective(
                    tx,
                    &a,
                    &Objective {
                        id: 0,
                        title: o.title.clone(),
                        owner,
                        period: o.period.clone(),
                        parent_id: o.parent.map(|i| objective_ids[i]),
                        created_by: o.created_by.clone(),
                        created_at: o.created_at,
                    },
                )?;
                objective_ids.push(id);
                out.objectives += 1;
                for (kr, check_ins) in &o.key_results {
                    let kr_id = insert_key_result(tx, &a, &KeyResult { objective_id: id, ..kr.clone() })?;
                    out.key_results += 1;
                    for c in check_ins {
                        insert_check_in(tx, &a, &CheckIn { key_result_id: kr_id, ..c.clone() })?;
                        out.check_ins += 1;
                    }
                }
            }
            Ok(out)
        })
        .await
    }
}

fn insert_team(
    tx: &Transaction<'_>,
    account: &str,
    name: &str,
    parent: Option<TeamId>,
    members: &[String],
    now: Timestamp,
) -> Result<TeamId> {
    tx.execute(
        "INSERT INTO teams (account_id, name, name_key, parent_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![account, name, name_key(name), parent, ms(now)],
    )
    .map_err(|e| dup_name(e, name))?;
    let id = tx.last_insert_rowid();
    let mut st =
        tx.prepare("INSERT OR IGNORE INTO team_members (team_id, person_id) VALUES (?1, ?2)")?;
    for m in members {
        st.execute(params![id, m])?;
    }
    Ok(id)
}

fn insert_objective(tx: &Transaction<'_>, account: &str, o: &Objective) -> Result<ObjectiveId> {
    tx.execute(
        "INSERT INTO objectives (account_id, title, owner_type, owner_id, period_name, period_start,
           period_end, parent_id, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            account,
            o.title,
            o.owner.kind.as_str(),
            o.owner.id,
            o.period.name,
            o.period.start.to_string(),
            o.period.end.to_string(),
            o.parent_id,
            o.created_by,
            ms(o.created_at)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_key_result(tx: &Transaction<'_>, account: &str, k: &KeyResult) -> Result<KeyResultId> {
    tx.execute(
        "INSERT INTO key_results (objective_id, account_id, title, kind, start_value, target_value,
           unit, weight, owner_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            k.objective_id,
            account,
            k.title,
            k.kind.as_str(),
            k.start,
            k.target,
            k.unit,
            k.weight,
            k.owner_id,
            ms(k.created_at)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_check_in(tx: &Transaction<'_>, account: &str, c: &CheckIn) -> Result<CheckInId> {
    tx.execute(
        "INSERT INTO check_ins (key_result_id, account_id, value, status, confidence, note, author_id,
           source, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            c.key_result_id,
            account,
            c.value,
            c.status.map(|s| s.as_str()),
            c.confidence,
            c.note,
            c.author_id,
            c.source.as_str(),
            ms(c.created_at)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn load_model(c: &Connection, account: &str) -> Result<Model> {
    let mut m = Model::new(account);
    let mut st = c.prepare("SELECT id, name, parent_id FROM teams WHERE account_id = ?1")?;
    let rows = st.query_map([account], |r| {
        Ok(Team {
            id: r.get(0)?,
            name: r.get(1)?,
            parent_id: r.get(2)?,
            member_ids: vec![],
        })
    })?;
    for t in rows {
        let t = t?;
        m.teams.insert(t.id, t);
    }
    let mut st = c.prepare(
        "SELECT tm.team_id, tm.person_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
         WHERE t.account_id = ?1 ORDER BY tm.team_id, tm.person_id",
    )?;
    let rows = st.query_map([account], |r| {
        Ok((r.get::<_, TeamId>(0)?, r.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (team, person) = row?;
        if let Some(t) = m.teams.get_mut(&team) {
            t.member_ids.push(person);
        }
    }
    let mut st = c.prepare(
        "SELECT id, title, owner_type, owner_id, period_name, period_start, period_end, parent_id,
           created_by, created_at FROM objectives WHERE account_id = ?1",
    )?;
    let rows = st.query_map([account], |r| {
        let kind: String = r.get(2)?;
        let (start, end): (String, String) = (r.get(5)?, r.get(6)?);
        Ok(Objective {
            id: r.get(0)?,
            title: r.get(1)?,
            owner: Entity {
                kind: EntityType::parse(&kind).ok_or_else(|| corrupt("owner type", &kind))?,
                id: r.get(3)?,
            },
            period: Period {
                name: r.get(4)?,
                start: start.parse().map_err(|_| corrupt("date", &start))?,
                end: end.parse().map_err(|_| corrupt("date", &end))?,
            },
            parent_id: r.get(7)?,
            created_by: r.get(8)?,
            created_at: ts(r.get(9)?),
        })
    })?;
    for o in rows {
        let o = o?;
        m.objectives.insert(o.id, o);
    }
    let mut st = c.prepare(
        "SELECT id, objective_id, title, kind, start_value, target_value, unit, weight, owner_id,
           created_at FROM key_results WHERE account_id = ?1",
    )?;
    let rows = st.query_map([account], |r| {
        let kind: String = r.get(3)?;
        Ok(KeyResult {
            id: r.get(0)?,
            objective_id: r.get(1)?,
            title: r.get(2)?,
            kind: KrKind::parse(&kind).ok_or_else(|| corrupt("key result kind", &kind))?,
            start: r.get(4)?,
            target: r.get(5)?,
            unit: r.get(6)?,
            weight: r.get(7)?,
            owner_id: r.get(8)?,
            created_at: ts(r.get(9)?),
        })
    })?;
    for k in rows {
        let k = k?;
        m.key_results.insert(k.id, k);
    }
    let mut st = c.prepare(
        "SELECT id, key_result_id, value, status, confidence, note, author_id, source, created_at
         FROM check_ins WHERE account_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = st.query_map([account], |r| {
        let status: Option<String> = r.get(3)?;
        let source: String = r.get(7)?;
        Ok(CheckIn {
            id: r.get(0)?,
            key_result_id: r.get(1)?,
            value: r.get(2)?,
            status: match status {
                Some(s) => Some(Status::parse(&s).ok_or_else(|| corrupt("status", &s))?),
                None => None,
            },
            confidence: r.get(4)?,
            note: r.get(5)?,
            author_id: r.get(6)?,
            source: Source::parse(&source).ok_or_else(|| corrupt("source", &source))?,
            created_at: ts(r.get(8)?),
        })
    })?;
    for c in rows {
        let c = c?;
        m.check_ins.entry(c.key_result_id).or_default().push(c);
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-08-01T10:00:00Z".parse().unwrap()
    }

    #[tokio::test]
    async fn teams_objectives_and_check_ins_round_trip() {
        let s = Store::in_memory().unwrap();
        s.upsert_tenant("1", "Acme", now()).await.unwrap();
        let sales = s
            .create_team("1", "Sales", None, vec!["10".into()], now())
            .await
            .unwrap();
        let us = s
            .create_team(
                "1",
                "US",
                Some(sales),
                vec!["20".into(), "21".into()],
                now(),
            )
            .await
            .unwrap();
        let dup = s
            .create_team("1", "sales ", None, vec![], now())
            .await
            .unwrap_err();
        assert!(matches!(dup, Error::Conflict(_)), "{dup:?}");
        let o = s
            .create_objective(
                "1",
                Objective {
                    id: 0,
                    title: "Grow".into(),
                    owner: Entity::team(us),
                    period: Period::quarter_of(jiff::civil::date(2026, 8, 1)),
                    parent_id: None,
                    created_by: "1".into(),
                    created_at: now(),
                },
            )
            .await
            .unwrap();
        let kr = s
            .create_key_result(
                "1",
                KeyResult {
                    id: 0,
                    objective_id: o,
                    title: "Deals".into(),
                    kind: KrKind::Number,
                    start: 0.0,
                    target: 40.0,
                    unit: Some("deals".into()),
                    weight: 1.0,
                    owner_id: None,
                    created_at: now(),
                },
            )
            .await
            .unwrap();
        s.add_check_in(
            "1",
            CheckIn {
                id: 0,
                key_result_id: kr,
                value: 10.0,
                status: Some(Status::Behind),
                confidence: Some(6),
                note: Some("slow start".into()),
                author_id: "20".into(),
                source: Source::Chat,
                created_at: now(),
            },
            vec![],
        )
        .await
        .unwrap();
        let m = s.model("1").await.unwrap();
        assert_eq!(m.teams[&us].member_ids, ["20", "21"]);
        assert_eq!(m.teams[&us].parent_id, Some(sales));
        assert_eq!(m.objectives[&o].owner, Entity::team(us));
        assert_eq!(m.key_results[&kr].unit.as_deref(), Some("deals"));
        let c = m.latest(kr).unwrap();
        assert_eq!(
            (c.value, c.status, c.source),
            (10.0, Some(Status::Behind), Source::Chat)
        );
        // Another company sees none of it.
        assert!(s.model("2").await.unwrap().teams.is_empty());
        // Check-ins are history.
        let e = s
            .write(|tx| Ok(tx.execute("UPDATE check_ins SET value = 1", [])?))
            .await
            .unwrap_err();
        assert!(e.to_string().contains("immutable"), "{e}");
        // A team in use is not deleted; an unused one is.
        assert!(matches!(
            s.delete_team("1", us).await,
            Err(Error::Conflict(_))
        ));
        let spare = s
            .create_team("1", "Spare", None, vec![], now())
            .await
            .unwrap();
        s.delete_team("1", spare).await.unwrap();
        s.update_team(
            us,
            Some("Americas".into()),
            Some(None),
            Some(vec!["22".into()]),
        )
        .await
        .unwrap();
        let m = s.model("1").await.unwrap();
        assert_eq!(
            (m.teams[&us].name.as_str(), m.teams[&us].parent_id),
            ("Americas", None)
        );
        assert_eq!(m.teams[&us].member_ids, ["22"]);
    }

    #[tokio::test]
    async fn people_are_recorded_once_and_keep_their_zone() {
        let s = Store::in_memory().unwrap();
        s.upsert_tenant("1", "Acme", now()).await.unwrap();
        let p = |name: &str, tz: Option<&str>| Person {
            id: "7".into(),
            first_name: name.into(),
            last_name: "Lee".into(),
            email: None,
            is_admin: false,
            time_zone: tz.map(str::to_string),
        };
        s.upsert_people("1", vec![p("Dana", Some("Asia/Tokyo"))], now())
            .await
            .unwrap();
        s.upsert_people("1", vec![p("Dana-Marie", None)], now())
            .await
            .unwrap();
        let people = s.people("1").await.unwrap();
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].first_name, "Dana-Marie");
        assert_eq!(people[0].time_zone.as_deref(), Some("Asia/Tokyo"));
    }
}
