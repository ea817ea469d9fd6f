//! The fake FK's durable journal: what FK itself would remember across its own restarts and
//! ours — every request's arrival (wall clock) and every answer (report id, tx-id, outcome).
//!
//! One JSON object per line, appended and flushed to disk (`fsync`) *before* the answer is
//! sent, so a client that got an answer can always find it here. A line cut off by a crash of
//! the process holding the fake (the demo runs it inside the `assistid` program) is dropped
//! when the journal is opened again.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, BufReader, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum JournalEntry {
    /// A request arrived (its headers were read).
    Received {
        /// 0-based arrival order over the whole journal.
        seq: usize,
        /// Arrival on the wall clock.
        at: DateTime<Utc>,
        /// Whether it came sooner than the minimum interval after the previous arrival
        /// (also across restarts of the fake).
        rate_violation: bool,
        /// True for the first arrival after the fake (re)started.
        #[serde(default)]
        first_since_start: bool,
    },
    /// The fake answered it (written before the answer leaves).
    Answered {
        /// The request's `seq`.
        seq: usize,
        /// The report's id, when the request carried a readable report.
        report_id: Option<Uuid>,
        /// What was answered: `accepted`, `xml_validation_error`, `signature_validation_error`,
        /// `bad_request`, `overloaded`, or a scripted behaviour's name.
        outcome: String,
        /// The tx-id answered, for `accepted`.
        tx_id: Option<Uuid>,
        /// True when this report had already been accepted before (a duplicate send).
        duplicate: bool,
    },
}

/// The journal as read back from its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FkJournal {
    /// Every complete line, in order.
    pub entries: Vec<JournalEntry>,
}

/// One acceptance in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acceptance {
    /// The request's `seq`.
    pub seq: usize,
    /// The tx-id answered.
    pub tx_id: Uuid,
}

impl FkJournal {
    /// Reads a journal file; a missing file is an empty journal, a cut-off last line is
    /// ignored.
    pub fn read(path: &Path) -> std::io::Result<FkJournal> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FkJournal::default()),
            Err(e) => return Err(e),
        };
        let mut entries = Vec::new();
        for line in BufReader::new(file).split(b'\n') {
            let line = line?;
            // A line without its newline (cut off) does not parse, or is the last one; either
            // way only complete JSON objects count.
            if let Ok(entry) = serde_json::from_slice::<JournalEntry>(&line) {
                entries.push(entry);
            }
        }
        Ok(FkJournal { entries })
    }

    /// Requests received.
    pub fn received(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e, JournalEntry::Received { .. }))
            .count()
    }

    /// Arrivals that came too soon after the previous one.
    pub fn rate_violations(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    JournalEntry::Received {
                        rate_violation: true,
                        ..
                    }
                )
            })
            .count()
    }

    /// Every acceptance, by report id, in order.
    pub fn acceptances(&self) -> HashMap<Uuid, Vec<Acceptance>> {
        let mut map: HashMap<Uuid, Vec<Acceptance>> = HashMap::new();
        for entry in &self.entries {
            if let JournalEntry::Answered {
                seq,
                report_id: Some(report_id),
                tx_id: Some(tx_id),
                ..
            } = entry
            {
                map.entry(*report_id).or_default().push(Acceptance {
                    seq: *seq,
                    tx_id: *tx_id,
                });
            }
        }
        map
    }

    /// Acceptances of a report that had been accepted before.
    pub fn duplicates(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    JournalEntry::Answered {
                        duplicate: true,
                        ..
                    }
                )
            })
            .count()
    }

    /// How many answered requests carried this report (any outcome).
    pub fn answered_for(&self, report_id: Uuid) -> usize {
        self.entries
            .iter()
            .filter(|e| {
                matches!(e, JournalEntry::Answered { report_id: Some(r), .. } if *r == report_id)
            })
            .count()
    }

    /// The wall-clock arrival of the last request.
    pub fn last_arrival(&self) -> Option<DateTime<Utc>> {
        self.entries.iter().rev().find_map(|e| match e {
            JournalEntry::Received { at, .. } => Some(*at),
            JournalEntry::Answered { .. } => None,
        })
    }
}

/// The open journal of a running fake.
#[derive(Debug)]
pub(crate) struct JournalFile {
    path: PathBuf,
    file: File,
}

impl JournalFile {
    /// Opens (or creates) the journal, dropping a cut-off last line, and returns it with what
    /// it held.
    pub(crate) fn open(path: &Path) -> std::io::Result<(JournalFile, FkJournal)> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let bytes = std::fs::read(path)?;
        // Keep everything up to the last newline: a line without one was cut off mid-write.
        let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        if keep != bytes.len() {
            file.set_len(keep as u64)?;
            file.sync_all()?;
        }
        file.seek(SeekFrom::End(0))?;
        let journal = FkJournal::read(path)?;
        Ok((
            JournalFile {
                path: path.to_path_buf(),
                file,
            },
            journal,
        ))
    }

    /// Appends one entry and makes it durable before returning.
    pub(crate) fn append(&mut self, entry: &JournalEntry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// The file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}
