//! The OKR app (work in progress).

pub mod clock;
pub mod error;
pub mod model;
pub mod schedule;
pub mod store;

pub use error::{Error, Result};
