//! The addresses of the app's pages, in one place: digests link to them, and the pages are
//! served at them.

use crate::model::{Entity, EntityType, ObjectiveId};

/// Builds page URLs under the app's public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    pub fn new(public_url: &str) -> Links {
        Links {
            base: public_url.trim_end_matches('/').to_string(),
        }
    }

    /// The dashboard of a company, team or person.
    pub fn entity(&self, e: &Entity) -> String {
        match e.kind {
            EntityType::Company => format!("{}/company", self.base),
            EntityType::Team => format!("{}/teams/{}", self.base, e.id),
            EntityType::Person => format!("{}/people/{}", self.base, e.id),
        }
    }

    pub fn objective(&self, id: ObjectiveId) -> String {
        format!("{}/objectives/{id}", self.base)
    }

    /// Admin > Integrations.
    pub fn integrations(&self) -> String {
        format!("{}/admin/integrations", self.base)
    }

    /// Where the platform sends the browser back after "Add to Glip".
    pub fn install_callback(&self) -> String {
        format!("{}/integrations/glip/callback", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_addresses() {
        let l = Links::new("https://okr.example/");
        assert_eq!(l.entity(&Entity::team(3)), "https://okr.example/teams/3");
        assert_eq!(
            l.entity(&Entity::company("1")),
            "https://okr.example/company"
        );
        assert_eq!(
            l.entity(&Entity::person("7")),
            "https://okr.example/people/7"
        );
        assert_eq!(l.objective(9), "https://okr.example/objectives/9");
        assert_eq!(
            l.install_callback(),
            "https://okr.example/integrations/glip/callback"
        );
    }
}
