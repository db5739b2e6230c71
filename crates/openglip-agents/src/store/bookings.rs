//! The sample airline's bookings (`crate::flights`), one row each.

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, now};
use crate::error::Result;
use crate::flights::Booking;

fn booking(r: &Row<'_>) -> rusqlite::Result<Booking> {
    Ok(Booking {
        reference: r.get(0)?,
        from: r.get(1)?,
        to: r.get(2)?,
        date: r.get(3)?,
        passengers: r.get(4)?,
        status: r.get(5)?,
    })
}

const COLUMNS: &str = "reference, origin, destination, date, passengers, status";

impl Store {
    /// Keeps a new booking (its reference is fresh: a clash is an error, not an overwrite).
    pub async fn insert_booking(&self, b: Booking) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO bookings (reference, origin, destination, date, passengers, status, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![b.reference, b.from, b.to, b.date, b.passengers, b.status, now()],
            )?;
            Ok(())
        })
        .await
    }

    /// The booking with this reference, if any.
    pub async fn booking(&self, reference: String) -> Result<Option<Booking>> {
        self.read(move |c| {
            Ok(c.query_row(
                &format!("SELECT {COLUMNS} FROM bookings WHERE reference = ?1"),
                [reference],
                booking,
            )
            .optional()?)
        })
        .await
    }

    /// Marks the booking cancelled; it, as it is now, or `None` if there is none.
    pub async fn cancel_booking(&self, reference: String) -> Result<Option<Booking>> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE bookings SET status = 'cancelled' WHERE reference = ?1",
                [&reference],
            )?;
            Ok(tx
                .query_row(
                    &format!("SELECT {COLUMNS} FROM bookings WHERE reference = ?1"),
                    [&reference],
                    booking,
                )
                .optional()?)
        })
        .await
    }
}
