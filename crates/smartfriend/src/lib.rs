//! SmartFriend, the bot of RingCentral's Glip API overview, built on `openglip-bot`:
//!
//! - added to a private chat, it greets the person by first name ("Hi John, Nice to meet you!
//!   How can I help you?");
//! - it understands flight booking requests ("Please book me a flight New York – San Francisco
//!   05/06/17") and confirms the cities, airports and date it understood. **The booking is a
//!   simulation**: no airline is contacted and the flight number and ticket are made up; the
//!   reply says so. It asks for what is missing (where from, where to, when) and remembers the
//!   rest of the request in the chat's state;
//! - it answers "help";
//! - in group chats it answers only when @mentioned (the framework sees to that).

use jiff::civil::Date;
use openglip_bot::{Bot, ChatEvent, Context, HandlerResult, Installed, Message};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The greeting, as in the Glip API overview.
pub fn greeting(first_name: &str) -> String {
    format!("Hi {first_name}, Nice to meet you! How can I help you?")
}

pub const HELP: &str = "I'm SmartFriend. I can book flights for you (a simulation: no real ticket is issued).\n\
Try: \"Please book me a flight New York – San Francisco 05/06/17\" — tell me where from, where to and when (MM/DD/YY).\n\
In group chats, @mention me. Say \"help\" to see this again.";

pub const DIDNT_GET_IT: &str = "Sorry, I didn't get that. Say \"help\" to see what I can do.";

/// Cities SmartFriend knows, with their main airport.
pub const AIRPORTS: &[(&str, &str)] = &[
    ("New York", "JFK"),
    ("San Francisco", "SFO"),
    ("Los Angeles", "LAX"),
    ("Chicago", "ORD"),
    ("Boston", "BOS"),
    ("Seattle", "SEA"),
    ("Miami", "MIA"),
    ("Denver", "DEN"),
    ("Dallas", "DFW"),
    ("Atlanta", "ATL"),
    ("Washington", "IAD"),
    ("Las Vegas", "LAS"),
    ("Austin", "AUS"),
    ("Toronto", "YYZ"),
    ("Vancouver", "YVR"),
    ("London", "LHR"),
    ("Paris", "CDG"),
    ("Berlin", "BER"),
    ("Frankfurt", "FRA"),
    ("Amsterdam", "AMS"),
    ("Madrid", "MAD"),
    ("Tokyo", "HND"),
    ("Singapore", "SIN"),
    ("Sydney", "SYD"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub city: String,
    pub airport: String,
}

/// A booking request, as far as it was understood.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    pub from: Option<Place>,
    pub to: Option<Place>,
    pub date: Option<Date>,
}

/// What a message asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    Help,
    Greeting,
    /// A booking request (possibly incomplete).
    Book(Booking),
    /// Only parts of a booking (a date, cities): completes a pending request.
    Details(Booking),
    Unknown,
}

fn place_for(code_or_city: &str) -> Option<Place> {
    AIRPORTS
        .iter()
        .find(|(c, a)| c.eq_ignore_ascii_case(code_or_city) || a.eq_ignore_ascii_case(code_or_city))
        .map(|(c, a)| Place {
            city: (*c).to_string(),
            airport: (*a).to_string(),
        })
}

/// The places named in `text`, in order of appearance (cities by name, or airport codes in
/// capitals).
fn places(text: &str) -> Vec<(usize, Place)> {
    let lower = text.to_lowercase();
    let mut found: Vec<(usize, Place)> = Vec::new();
    for (city, airport) in AIRPORTS {
        let c = city.to_lowercase();
        let mut from = 0;
        while let Some(i) = lower[from..].find(&c) {
            let at = from + i;
            let before_ok = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphanumeric();
            let end = at + c.len();
            let after_ok = end >= lower.len() || !lower.as_bytes()[end].is_ascii_alphanumeric();
            if before_ok && after_ok {
                found.push((at, place_for(city).expect("a known city")));
            }
            from = end;
        }
        // Airport codes, written in capitals as a word of their own.
        let mut from = 0;
        while let Some(i) = text[from..].find(airport) {
            let at = from + i;
            let end = at + airport.len();
            let b = text.as_bytes();
            let before_ok = at == 0 || !b[at - 1].is_ascii_alphanumeric();
            let after_ok = end >= b.len() || !b[end].is_ascii_alphanumeric();
            if before_ok && after_ok {
                found.push((at, place_for(airport).expect("a known airport")));
            }
            from = end;
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found.dedup_by(|a, b| a.1 == b.1);
    found
}

/// A date in `text`: `MM/DD/YY`, `MM/DD/YYYY` (spaces around the slashes are forgiven, as in
/// the overview's "05/  06/17") or `YYYY-MM-DD`.
pub fn find_date(text: &str) -> Option<Date> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // Read number, separator, number, separator, number (spaces allowed around separators).
        let mut nums: Vec<(String, usize)> = Vec::new();
        let mut seps: Vec<char> = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < n && chars[j].is_ascii_digit() {
                j += 1;
            }
            nums.push((chars[start..j].iter().collect(), j - start));
            if nums.len() == 3 {
                break;
            }
            let mut k = j;
            while k < n && chars[k] == ' ' {
                k += 1;
            }
            if k < n && (chars[k] == '/' || chars[k] == '-') {
                seps.push(chars[k]);
                k += 1;
                while k < n && chars[k] == ' ' {
                    k += 1;
                }
                if k < n && chars[k].is_ascii_digit() {
                    j = k;
                    continue;
                }
            }
            break;
        }
        if nums.len() == 3 && seps[0] == seps[1] {
            let v: Vec<i32> = nums.iter().map(|(s, _)| s.parse().unwrap_or(-1)).collect();
            let date = if seps[0] == '-' && nums[0].1 == 4 {
                Date::new(v[0] as i16, v[1] as i8, v[2] as i8).ok()
            } else if seps[0] == '/' {
                let year = match nums[2].1 {
                    2 => 2000 + v[2],
                    4 => v[2],
                    _ => -1,
                };
                (year > 0)
                    .then(|| Date::new(year as i16, v[0] as i8, v[1] as i8).ok())
                    .flatten()
            } else {
                None
            };
            if date.is_some() {
                return date;
            }
        }
        i += 1;
    }
    None
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Understands a message.
pub fn understand(text: &str) -> Intent {
    let w = words(text);
    let has = |x: &str| w.iter().any(|y| y == x);
    if w.is_empty() {
        return Intent::Unknown;
    }
    if has("help") || w == ["what", "can", "you", "do"] {
        return Intent::Help;
    }
    let mut booking = Booking::default();
    let found = places(text);
    // "to X from Y": the place after "from" is the origin.
    let lower = text.to_lowercase();
    let after_from = lower.find("from ").map(|i| i + 5);
    let (mut origin, mut destination) = (None, None);
    match found.as_slice() {
        [] => {}
        [(at, p)] => {
            let before = &lower[..*at];
            if before.trim_end().ends_with("to") {
                destination = Some(p.clone());
            } else {
                origin = Some(p.clone());
            }
        }
        [(a, p), (_, q), ..] => {
            if after_from.is_some_and(|f| f > *a && lower[..f].contains(" to ")) {
                origin = Some(q.clone());
                destination = Some(p.clone());
            } else {
                origin = Some(p.clone());
                destination = Some(q.clone());
            }
        }
    }
    booking.from = origin;
    booking.to = destination;
    booking.date = find_date(text);
    let wants = has("book") || has("flight") || has("fly") || has("ticket");
    if wants {
        return Intent::Book(booking);
    }
    if booking != Booking::default() {
        return Intent::Details(booking);
    }
    if ["hi", "hello", "hey"].iter().any(|g| has(g)) {
        return Intent::Greeting;
    }
    Intent::Unknown
}

/// A made-up but stable flight for a request (the same request gives the same answer).
fn simulated_flight(
    b: &Booking,
    from: &Place,
    to: &Place,
    date: Date,
) -> (String, String, String, String) {
    let _ = b;
    let d = Sha256::digest(format!("{}{}{}", from.airport, to.airport, date).as_bytes());
    let n = |i: usize| u64::from(d[i]);
    let flight = format!("DL{}", 100 + (n(0) * 256 + n(1)) % 900);
    let dep_h = 6 + n(2) % 12;
    let dep_m = (n(3) % 12) * 5;
    let dur = 90 + (n(4) % 48) * 5;
    let arr = (dep_h * 60 + dep_m + dur) % (24 * 60);
    let ticket: String = (0..12)
        .map(|i| char::from(b'0' + (d[5 + i] % 10)))
        .collect();
    (
        flight,
        format!("{dep_h:02}{dep_m:02}"),
        format!("{:02}{:02}", arr / 60, arr % 60),
        ticket,
    )
}

fn month_abbrev(date: Date) -> &'static str {
    [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ][(date.month() - 1) as usize]
}

/// The answer to a complete booking.
pub fn confirmation(b: &Booking) -> Option<String> {
    let (from, to, date) = (b.from.as_ref()?, b.to.as_ref()?, b.date?);
    let (flight, dep, arr, ticket) = simulated_flight(b, from, to, date);
    Some(format!(
        "Absolutely! Your flight is booked – {flight} {:02}{} {}-{} {dep} {arr}, ticket number {ticket}. Have a safe trip!\n\
         I understood: from {} ({}) to {} ({}) on {}.\n\
         (This booking is a simulation by SmartFriend: no airline was contacted and no ticket was issued.)",
        date.day(),
        month_abbrev(date),
        from.airport,
        to.airport,
        from.city,
        from.airport,
        to.city,
        to.airport,
        date.strftime("%A, %B %-d, %Y"),
    ))
}

/// The question for what a booking still lacks.
pub fn question(b: &Booking) -> String {
    match (&b.from, &b.to, b.date) {
        (None, None, _) => "Sure! Where are you flying from, and to? For example: \"New York – San Francisco 05/06/17\".".into(),
        (None, Some(to), _) => format!("Sure! Where are you flying to {} ({}) from?", to.city, to.airport),
        (Some(from), None, _) => format!("Sure! Where are you flying from {} ({}) to?", from.city, from.airport),
        (Some(from), Some(to), None) => format!(
            "When would you like to fly from {} ({}) to {} ({})? Give me a date like 05/06/17.",
            from.city, from.airport, to.city, to.airport
        ),
        _ => DIDNT_GET_IT.into(),
    }
}

/// Merges what a follow-up message adds to a pending request.
fn merge(pending: Booking, new: Booking) -> Booking {
    let mut b = pending;
    match (&b.from, &b.to, new.from, new.to) {
        // A single place answers whichever side is missing.
        (None, Some(_), Some(p), None) | (None, Some(_), None, Some(p)) => b.from = Some(p),
        (Some(_), None, Some(p), None) | (Some(_), None, None, Some(p)) => b.to = Some(p),
        (_, _, f, t) => {
            if f.is_some() {
                b.from = f;
            }
            if t.is_some() {
                b.to = t;
            }
        }
    }
    if new.date.is_some() {
        b.date = new.date;
    }
    b
}

/// The answer to a message in a chat with `pending` (a request waiting for details). Returns the
/// reply and the request still pending afterwards.
pub fn answer(text: &str, pending: Option<Booking>) -> (String, Option<Booking>) {
    let (booking, explicit) = match (understand(text), pending) {
        (Intent::Help, p) => return (HELP.into(), p),
        (Intent::Greeting, p) => {
            return (
                "Hi! How can I help you? Say \"help\" to see what I can do.".into(),
                p,
            );
        }
        (Intent::Book(b), _) => (b, true),
        (Intent::Details(b), Some(p)) => (merge(p, b), true),
        (Intent::Details(_), None) | (Intent::Unknown, None) => return (DIDNT_GET_IT.into(), None),
        (Intent::Unknown, Some(p)) => {
            return (format!("{} {}", DIDNT_GET_IT, question(&p)), Some(p));
        }
    };
    let _ = explicit;
    match confirmation(&booking) {
        Some(c) => (c, None),
        None => (question(&booking), Some(booking)),
    }
}

/// The bot.
pub struct SmartFriend;

const PENDING: &str = "pending_booking";

impl Bot for SmartFriend {
    async fn on_installed(&self, ctx: &Context, ev: &Installed) -> HandlerResult {
        tracing::info!(bot_id = ctx.bot_id(), flow = ?ev.flow, "SmartFriend installed");
        Ok(())
    }

    async fn on_joined_chat(&self, ctx: &Context, chat: &ChatEvent) -> HandlerResult {
        // Greet the person who added us to a private chat.
        let private = matches!(chat.kind.as_str(), "Direct" | "PrivateChat");
        if !private {
            return Ok(());
        }
        let Some(person) = chat.members.iter().find(|m| *m != ctx.bot_id()) else {
            return Ok(());
        };
        let first = ctx
            .client()
            .person(person)
            .await
            .map(|p| p.first_name)
            .unwrap_or_else(|_| "there".into());
        ctx.reply(&chat.id, &greeting(&first)).await?;
        Ok(())
    }

    async fn on_message(&self, ctx: &Context, msg: &Message) -> HandlerResult {
        let state = ctx.state(&msg.chat_id);
        let pending: Option<Booking> = state.get(PENDING).await?;
        let (reply, pending) = answer(&msg.text, pending);
        match &pending {
            Some(p) => state.set(PENDING, p).await?,
            None => state.remove(PENDING).await?,
        }
        ctx.reply(&msg.chat_id, &reply).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_overviews_request_is_understood() {
        let t = "Hi SmartFriend! Please book me a flight New York – San Francisco 05/  06/17, ID #5674028947";
        let Intent::Book(b) = understand(t) else {
            panic!()
        };
        assert_eq!(b.from.as_ref().unwrap().airport, "JFK");
        assert_eq!(b.to.as_ref().unwrap().airport, "SFO");
        assert_eq!(b.date, Some(date(2017, 5, 6)));
        let c = confirmation(&b).unwrap();
        assert!(
            c.starts_with("Absolutely! Your flight is booked – DL"),
            "{c}"
        );
        assert!(c.contains(" 06MAY JFK-SFO "), "{c}");
        assert!(
            c.contains("from New York (JFK) to San Francisco (SFO) on Saturday, May 6, 2017"),
            "{c}"
        );
        assert!(c.contains("simulation"));
        assert_eq!(c, confirmation(&b).unwrap(), "stable");
    }

    #[test]
    fn other_phrasings_and_dates() {
        let Intent::Book(b) = understand("book a flight to Boston from Chicago on 2026-12-24")
        else {
            panic!()
        };
        assert_eq!(
            (b.from.unwrap().city.as_str(), b.to.unwrap().city.as_str()),
            ("Chicago", "Boston")
        );
        assert_eq!(b.date, Some(date(2026, 12, 24)));
        let Intent::Book(b) = understand("I need a flight from LAX to SEA 12/31/2026") else {
            panic!()
        };
        assert_eq!(
            (
                b.from.unwrap().airport.as_str(),
                b.to.unwrap().airport.as_str()
            ),
            ("LAX", "SEA")
        );
        assert_eq!(b.date, Some(date(2026, 12, 31)));
        assert_eq!(find_date("on 13/45/17"), None);
        assert_eq!(find_date("no date"), None);
        assert_eq!(understand("help"), Intent::Help);
        assert_eq!(understand("Can you HELP me?"), Intent::Help);
        assert_eq!(understand("what's the weather"), Intent::Unknown);
    }

    #[test]
    fn missing_parts_are_asked_for_and_remembered() {
        let (r, p) = answer("please book me a flight", None);
        assert!(r.contains("Where are you flying from"), "{r}");
        let (r, p) = answer("New York – San Francisco", p);
        assert!(
            r.contains("When would you like to fly from New York (JFK) to San Francisco (SFO)"),
            "{r}"
        );
        let (r, p) = answer("05/06/17", p);
        assert!(r.contains("06MAY JFK-SFO"), "{r}");
        assert_eq!(p, None);
        let (r, p) = answer("book a flight to Paris on 01/02/27", None);
        assert!(r.contains("flying to Paris (CDG) from"), "{r}");
        let (r, _) = answer("London", p);
        assert!(r.contains("LHR-CDG") && r.contains("02JAN"), "{r}");
        let (r, p) = answer("blah", None);
        assert_eq!((r.as_str(), p), (DIDNT_GET_IT, None));
    }
}
