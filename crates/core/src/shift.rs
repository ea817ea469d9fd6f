//! A shift: one assistant working for one person from a start to an end time, of one kind.

use serde::{Deserialize, Serialize};

use crate::ids::{IdentityNumber, Personnummer};
use crate::model::TimeKind;
use crate::time::ShiftTime;

/// A worked shift, as entered or imported. Times are resolved Europe/Stockholm local times.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shift {
    /// The assistant who worked.
    pub assistant: IdentityNumber,
    /// The person who received the assistance.
    pub person: Personnummer,
    /// When the shift started.
    pub start: ShiftTime,
    /// When the shift ended (must be after `start`).
    pub end: ShiftTime,
    /// The kind of time.
    pub kind: TimeKind,
    /// A free-text note (not sent to FK).
    pub note: Option<String>,
}

impl Shift {
    /// Real elapsed minutes between start and end (negative if the end is not after the start).
    pub fn real_minutes(&self) -> i64 {
        self.end.utc_minutes() - self.start.utc_minutes()
    }
}
