//! Rows in transit between two stores (`openglip admin migrate`: SQLite → PostgreSQL): a
//! table's rows as plain values, so that one store can export and another import without
//! either knowing the other. Both stores keep the same table and column names; the importing
//! store converts each value to its column's type (an integer 0/1 to a boolean, …).

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Some rows of one table, with its column names in the order of each row's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// What the copy does with a table of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyRule {
    /// Copied row for row, ids kept.
    Copy,
    /// Left out, for the reason given (the target keeps its own: schema versions).
    Skip(&'static str),
}
