//! The store's specification: every test runs against real SQLCipher database files in a
//! temporary folder. One module per topic.

mod support;

mod backup;
mod encryption_at_rest;
mod events;
mod keys;
mod migrations;
mod opening;
mod outbox;
mod owner_only;
mod privacy;
mod register;
mod report_versions;
mod sender_lock;
mod shifts;
mod signatures;
mod teams_and_grants;
mod texts;
mod transactions;
