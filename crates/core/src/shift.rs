//! A shift: one assistant working for one person from a start to an end time, of one kind.

use serde::{Deserialize, Serialize};

use crate::ids::{IdentityNumber, Personnummer};
use crate::model::TimeKind;
use crate::time::ShiftTime;

/// The longest note a shift may carry, in characters (Unicode scalar values). A note is the
/// coordinator's own remark, never sent to FK; anything longer is a pasted document or a broken
/// export, and is refused where the note enters (the import's `note_too_long`, the grid's
/// refusal) rather than stored.
pub const MAX_NOTE_CHARS: usize = 1_000;

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
