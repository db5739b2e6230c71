//! Sandbox and production. A developer builds against a sandbox account of their own; an app
//! registered in the console starts in the sandbox, where only sandbox accounts may use it,
//! and is admitted to production once its sandbox usage shows it works ("Apply for
//! production"). Accounts and apps the operator provisions are production.

use openglip_domain::platform::*;
use openglip_domain::store::NewExtension;
use openglip_domain::*;

use crate::accounts::check_password;
use crate::{Platform, secrets};

/// Graduation: every throttling group the app uses needs this many sandbox calls…
pub const MIN_CALLS_PER_GROUP: i64 = 5;
/// …and errors (responses of 400 and above) must stay below this share of the calls, in percent.
pub const MAX_ERROR_PERCENT: i64 = 5;

/// Whether an app in its stage may be used by an account of this environment.
pub fn admitted(stage: Environment, account: Environment) -> bool {
    stage == Environment::Production || account == Environment::Sandbox
}

/// One requirement of the production graduation, and whether it is met.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub text: String,
    pub met: bool,
}

/// What stands between an app and production, from its usage.
pub fn graduation(usage: &[UsageRow]) -> Vec<Requirement> {
    let calls: i64 = usage.iter().map(|u| u.calls).sum();
    let errors: i64 = usage.iter().map(|u| u.errors).sum();
    let mut out = vec![Requirement {
        text: if calls == 0 {
            "Call the API from the sandbox (no calls yet)".into()
        } else {
            format!("Call the API from the sandbox ({calls} calls so far)")
        },
        met: calls > 0,
    }];
    for u in usage.iter().filter(|u| u.calls > 0) {
        out.push(Requirement {
            text: format!(
                "Call each API group you use at least {MIN_CALLS_PER_GROUP} times: {} group, {} call{}",
                u.group,
                u.calls,
                if u.calls == 1 { "" } else { "s" }
            ),
            met: u.calls >= MIN_CALLS_PER_GROUP,
        });
    }
    out.push(Requirement {
        text: format!(
            "Keep the error rate below {MAX_ERROR_PERCENT}% ({errors} of {calls} calls failed)"
        ),
        met: calls > 0 && errors * 100 < MAX_ERROR_PERCENT * calls,
    });
    out
}

/// An app's usage and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Graduation {
    /// Calls per throttling group.
    pub usage: Vec<UsageRow>,
    pub requirements: Vec<Requirement>,
}

impl Graduation {
    pub fn all_met(&self) -> bool {
        self.requirements.iter().all(|r| r.met)
    }
}

impl Platform {
    /// The environment of an account.
    pub async fn account_environment(&self, account: AccountId) -> Result<Environment> {
        self.store.platform().account_environment(account).await
    }

    /// An account and its environment.
    pub async fn account(&self, id: AccountId) -> Result<(Account, Environment)> {
        let account = self.existing_account(id).await?;
        Ok((account, self.account_environment(id).await?))
    }

    /// Checks that the app may act for people of this account: a sandbox app only for sandbox
    /// accounts (`OAuthFailure::SandboxApp` otherwise).
    pub async fn check_environment(&self, app: &App, account: AccountId) -> Result<()> {
        let stage = match self.store.platform().app_record_by_id(app.id).await? {
            Some(r) => r.details.stage,
            None => Environment::Production,
        };
        if admitted(stage, self.account_environment(account).await?) {
            Ok(())
        } else {
            Err(Error::OAuth(OAuthFailure::SandboxApp))
        }
    }

    /// The developer's sandbox account, if they have one.
    pub async fn sandbox_of(&self, developer: &Extension) -> Result<Option<Account>> {
        self.store.platform().sandbox_of(developer.id).await
    }

    /// Creates the developer's sandbox account ("`<company> (sandbox)`"), its administrator being
    /// the developer: no e-mail, they sign in with the account's main number and extension 101.
    /// One per developer.
    pub async fn create_sandbox(
        &self,
        developer: &Extension,
        password: &str,
    ) -> Result<(Account, Extension)> {
        check_password("password", password)?;
        let company = self.existing_account(developer.account_id).await?.name;
        let hash = secrets::hash_password_async(password.to_string()).await;
        self.store
            .platform()
            .create_sandbox_account(
                developer.id,
                format!("{company} (sandbox)"),
                NewExtension {
                    kind: ExtensionType::User,
                    status: ExtensionStatus::Enabled,
                    first_name: developer.first_name.clone(),
                    last_name: developer.last_name.clone(),
                    email: None,
                    extension_number: None,
                    password_hash: Some(hash),
                    is_admin: true,
                },
            )
            .await
    }

    /// The app's usage so far (counts not yet written are written first) and the graduation
    /// requirements it meets or not.
    pub async fn graduation(&self, record: &AppRecord) -> Result<Graduation> {
        self.flush_usage().await?;
        let usage = self.store.platform().usage(record.app.id).await?;
        let requirements = graduation(&usage);
        Ok(Graduation {
            usage,
            requirements,
        })
    }

    /// "Apply for production": admits a sandbox app to production when it meets every
    /// requirement. Returns where it stands (`stage` is the app's stage afterwards).
    pub async fn apply_for_production(
        &self,
        record: &AppRecord,
    ) -> Result<(Environment, Graduation)> {
        let g = self.graduation(record).await?;
        let stage = match record.details.stage {
            Environment::Sandbox if g.all_met() => {
                self.store
                    .platform()
                    .set_app_stage(record.app.id, Environment::Production)
                    .await?;
                Environment::Production
            }
            stage => stage,
        };
        Ok((stage, g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(group: &str, calls: i64, errors: i64) -> UsageRow {
        UsageRow {
            group: group.into(),
            calls,
            errors,
            last_call: Timestamp(0),
        }
    }

    #[test]
    fn graduation_needs_calls_in_every_group_and_few_errors() {
        assert!(graduation(&[]).iter().any(|r| !r.met));
        assert!(
            graduation(&[row("Light", 5, 0), row("Medium", 7, 0)])
                .iter()
                .all(|r| r.met)
        );
        assert!(
            graduation(&[row("Light", 5, 0), row("Medium", 4, 0)])
                .iter()
                .any(|r| !r.met)
        );
        assert!(graduation(&[row("Light", 20, 1)]).iter().any(|r| !r.met));
        assert!(graduation(&[row("Light", 100, 4)]).iter().all(|r| r.met));
    }

    #[test]
    fn sandbox_apps_are_for_sandbox_accounts() {
        assert!(admitted(Environment::Sandbox, Environment::Sandbox));
        assert!(!admitted(Environment::Sandbox, Environment::Production));
        assert!(admitted(Environment::Production, Environment::Production));
        assert!(admitted(Environment::Production, Environment::Sandbox));
    }
}
