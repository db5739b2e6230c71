//! The built-in cities and their airports: a city is recognised by its name, a common short
//! name, or the code of one of its airports ("JFK" is New York). Codes that are also English
//! words ("sea", "den", "mad", "sin") are left out so that ordinary sentences do not turn into
//! cities. An agent adds its own in `lists: { city: [...] }`.

use crate::text::Token;

/// (name, other spellings and airport codes).
const CITIES: &[(&str, &[&str])] = &[
    (
        "New York",
        &["nyc", "new york city", "jfk", "lga", "ewr", "newark"],
    ),
    ("Los Angeles", &["la", "lax"]),
    ("Chicago", &["ord", "mdw", "o'hare"]),
    ("Denver", &[]),
    ("Boston", &["bos", "logan"]),
    ("San Francisco", &["sf", "sfo"]),
    ("Seattle", &[]),
    ("Miami", &[]),
    ("Atlanta", &["atl"]),
    ("Dallas", &["dfw"]),
    ("Houston", &["iah"]),
    ("Las Vegas", &["vegas"]),
    ("Phoenix", &["phx"]),
    ("Washington", &["dc", "washington dc", "iad", "dca"]),
    ("Orlando", &["mco"]),
    ("Austin", &["aus"]),
    ("Portland", &["pdx"]),
    ("San Diego", &[]),
    ("Philadelphia", &["philly", "phl"]),
    ("London", &["lhr", "lgw", "heathrow", "gatwick"]),
    ("Paris", &["cdg"]),
    ("Berlin", &["ber"]),
    ("Frankfurt", &["fra"]),
    ("Amsterdam", &["ams", "schiphol"]),
    ("Madrid", &[]),
    ("Rome", &["fco"]),
    ("Tokyo", &["hnd", "nrt"]),
    ("Singapore", &[]),
    ("Sydney", &["syd"]),
    ("Toronto", &["yyz"]),
    ("Vancouver", &["yvr"]),
    ("Mexico City", &["mex"]),
    ("Dubai", &["dxb"]),
    ("Hong Kong", &["hkg"]),
    ("Mumbai", &["bom"]),
    ("Delhi", &["new delhi"]),
    ("Sao Paulo", &["são paulo", "gru"]),
];

/// The longest city spelling starting at token `i`: (tokens used, the city's name).
pub fn city_at(tokens: &[Token], i: usize) -> Option<(usize, String)> {
    let mut best: Option<(usize, &str)> = None;
    for (name, others) in CITIES {
        for spelling in std::iter::once(*name).chain(others.iter().copied()) {
            let words: Vec<String> = spelling.split(' ').map(str::to_lowercase).collect();
            let n = words.len();
            if i + n > tokens.len() {
                continue;
            }
            let hit = words
                .iter()
                .zip(&tokens[i..i + n])
                .all(|(w, t)| *w == t.norm);
            if hit && best.is_none_or(|(len, _)| n > len) {
                best = Some((n, name));
            }
        }
    }
    best.map(|(n, name)| (n, name.to_string()))
}
