//! Identifier newtypes. On the team-messaging wire every id is a JSON string of digits; the
//! account/extension endpoints carry extension and account ids as JSON integers.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ();
            /// Only positive decimal integers are ids.
            fn from_str(s: &str) -> Result<Self, ()> {
                if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(());
                }
                s.parse::<i64>().ok().filter(|v| *v > 0).map($name).ok_or(())
            }
        }
    };
}

id_type!(
    /// A company (RingCentral "account").
    AccountId
);
id_type!(
    /// A person or bot (RingCentral "extension"; Glip "person").
    ExtensionId
);
id_type!(
    /// A chat of any type (Glip "group").
    ChatId
);
id_type!(
    /// A post in a chat.
    PostId
);
id_type!(
    /// A registered OAuth application.
    AppId
);
id_type!(
    /// An uploaded file's record (its bytes are a blob, named by their content hash).
    FileId
);
id_type!(
    /// A task of a chat.
    TaskId
);
id_type!(
    /// A note of a chat.
    NoteId
);
id_type!(
    /// A calendar event (of a person, or of a chat).
    EventId
);
