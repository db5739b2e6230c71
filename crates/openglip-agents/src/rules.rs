//! The app's rules, over the store: who may sign up and sign in, what makes an agent, a draft,
//! a publication. Pages, the API and the binary call these; none of them holds a rule.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::agent::Agent;
use crate::app::App;
use crate::dialog::{self, AgentDef, IntentDef, NodeDef, Settings, TaskDef};
use crate::error::{Error, FieldError, Result};
use crate::store::accounts::Account;
use crate::store::agents::AgentRow;

/// The sample agent, also the "Travel Assistant" template.
pub const TRAVEL_ASSISTANT: &str = include_str!("../../../examples/agents/travel-assistant.yaml");

/// What a new agent starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    Blank,
    TravelAssistant,
}

fn check_account(email: &str, name: &str, password: &str) -> Result<()> {
    let mut errors = Vec::new();
    let e = email.trim();
    if e.len() < 3 || !e.contains('@') || e.starts_with('@') || e.ends_with('@') {
        errors.push(FieldError {
            field: "email".into(),
            message: "Enter an e-mail address.".into(),
        });
    }
    if name.trim().is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            message: "Enter your name.".into(),
        });
    }
    if password.chars().count() < 8 {
        errors.push(FieldError {
            field: "password".into(),
            message: "A password has at least 8 characters.".into(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

async fn hash_password(password: &str) -> Result<String> {
    let p = password.to_string();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).expect("the system random source works");
        let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Store(e.to_string()))?;
        Argon2::default()
            .hash_password(p.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Store(e.to_string()))
    })
    .await
    .map_err(|e| Error::Store(e.to_string()))?
}

async fn password_matches(password: &str, hash: &str) -> bool {
    let (p, h) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&h).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(p.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

impl App {
    /// The first account, which owns the app. Refused once an account exists.
    pub async fn sign_up(&self, email: &str, name: &str, password: &str) -> Result<Account> {
        if self.store().has_accounts().await? {
            return Err(Error::Forbidden(
                "This agent app has an owner: ask them for an account.".into(),
            ));
        }
        self.create_account(email, name, password).await
    }

    /// An account (the owner's `openglip agents admin user create`, and sign-up).
    pub async fn create_account(&self, email: &str, name: &str, password: &str) -> Result<Account> {
        check_account(email, name, password)?;
        let hash = hash_password(password).await?;
        self.store()
            .create_account(email.trim(), name.trim(), &hash)
            .await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Account> {
        let wrong = || Error::invalid("password", "The e-mail address or the password is wrong.");
        let Some((account, hash)) = self.store().account_by_email(email.trim()).await? else {
            // The same work as a real check, so that timing does not tell which e-mails exist.
            password_matches(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc").await;
            return Err(wrong());
        };
        if password_matches(password, &hash).await {
            Ok(account)
        } else {
            Err(wrong())
        }
    }

    /// A new agent from a template.
    pub async fn create_agent(&self, name: &str, template: Template) -> Result<AgentRow> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "Give the agent a name."));
        }
        let source = match template {
            Template::TravelAssistant => TRAVEL_ASSISTANT.replacen(
                "agent: Travel Assistant",
                &format!("agent: {}", serde_json::Value::from(name)),
                1,
            ),
            Template::Blank => blank(name)?,
        };
        dialog::load(&source).map_err(Error::Dialog)?;
        self.store().create_agent(name, &source).await
    }

    /// Saves a draft that loads without errors (with errors: nothing saved, the errors at their
    /// lines).
    pub async fn save_draft(&self, id: i64, source: &str) -> Result<Agent> {
        let agent = dialog::load(source).map_err(Error::Dialog)?;
        self.store().save_draft(id, agent.name(), source).await?;
        Ok(agent)
    }

    /// Publishes the draft: from now on it answers people in the channel.
    pub async fn publish(&self, id: i64, by: Option<i64>) -> Result<i64> {
        let row = self.store().agent(id).await?;
        let agent = dialog::load(&row.draft).map_err(Error::Dialog)?;
        let version = self.store().publish(id, &row.draft, by).await?;
        // Semantic matching: the examples are embedded now, not at the first message.
        self.prepare(agent).await?;
        Ok(version)
    }

    /// The draft, loaded (what the Talk to agent panel and utterance testing use).
    pub async fn draft(&self, id: i64) -> Result<(AgentRow, Agent)> {
        let row = self.store().agent(id).await?;
        let agent = dialog::load(&row.draft).map_err(Error::Dialog)?;
        Ok((row, self.prepare(agent).await?))
    }

    /// The published version, loaded (what answers in the channel).
    pub async fn published(&self, id: i64) -> Result<Option<(i64, Agent)>> {
        match self.store().published(id).await? {
            None => Ok(None),
            Some(v) => {
                let agent = dialog::load(&v.source).map_err(Error::Dialog)?;
                Ok(Some((v.version, self.prepare(agent).await?)))
            }
        }
    }
}

/// A blank agent: a greeting and one task to start from.
fn blank(name: &str) -> Result<String> {
    let def = AgentDef {
        agent: name.to_string(),
        description: String::new(),
        greeting: format!("Hello! I'm {name}. Say \"help\" to see what I can do."),
        settings: Settings::default(),
        lists: Default::default(),
        tasks: vec![TaskDef {
            name: "say_hello".into(),
            title: "Say hello".into(),
            priority: 0,
            hidden: false,
            intent: IntentDef {
                commands: vec!["/hello".into()],
                patterns: vec![],
                examples: vec!["say hello".into()],
            },
            start: None,
            nodes: vec![NodeDef {
                id: "hello".into(),
                entity: None,
                confirm: None,
                message: Some("Hello there!".into()),
                service: None,
                dialog: None,
                transitions: vec![],
                next: None,
            }],
        }],
    };
    serde_norway::to_string(&def).map_err(|e| Error::Store(e.to_string()))
}

impl App {
    /// Saves the channel's Configurations: the app's credentials and the environment.
    pub async fn save_channel(
        &self,
        agent_id: i64,
        app_key: &str,
        app_secret: &str,
        environment: &str,
        sandbox_url: &str,
        production_url: &str,
    ) -> Result<()> {
        // An empty secret keeps the one saved (the page never shows it back).
        let saved = self.store().channel(agent_id).await?.app_secret;
        let app_secret = if app_secret.trim().is_empty() {
            saved.as_str()
        } else {
            app_secret
        };
        let mut errors = Vec::new();
        let mut bad = |field: &str, message: &str| {
            errors.push(FieldError {
                field: field.into(),
                message: message.into(),
            })
        };
        if app_key.trim().is_empty() {
            bad(
                "app_key",
                "Paste the app's Client ID as the Application Key.",
            );
        }
        if app_secret.trim().is_empty() {
            bad(
                "app_secret",
                "Paste the app's Client Secret as the Application Secret.",
            );
        }
        if !matches!(environment, "sandbox" | "production") {
            bad("environment", "Choose Sandbox or Production.");
        }
        let url = |v: &str| {
            let v = v.trim().trim_end_matches('/');
            (!v.is_empty()).then(|| v.to_string())
        };
        for (field, v) in [
            ("sandbox_url", sandbox_url),
            ("production_url", production_url),
        ] {
            if let Some(u) = url(v)
                && !(u.starts_with("http://") || u.starts_with("https://"))
            {
                bad(field, "A platform URL starts with http:// or https://.");
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.store().agent(agent_id).await?;
        self.store()
            .save_channel_config(
                agent_id,
                app_key.trim(),
                app_secret.trim(),
                environment,
                url(sandbox_url).as_deref(),
                url(production_url).as_deref(),
            )
            .await
    }
}
