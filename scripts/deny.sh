#!/usr/bin/env bash
# cargo-deny as CI runs it (scripts/test.sh): licences, sources, bans and known advisories
# (deny.toml), offline.
#
# The advisories come from the RustSec database snapshot beside the repository
# (../shared/advisory-db, read-only, plain files; its SNAPSHOT.md says when it was taken).
# cargo-deny reads a database only from a git checkout in a folder named after the database URL,
# so the snapshot is copied into a scratch folder, committed there, and cargo-deny is pointed at
# it (ASSISTID_ADVISORY_DBS, read by deny.toml's db-path) and run with --offline: nothing is
# fetched. The checkout is dated with the snapshot's own date, so cargo-deny's staleness limit
# (deny.toml, maximum-db-staleness) measures the snapshot, not this copy.
#
# Needs cargo-deny on PATH (scripts/test.sh: tool_need cargo-deny), git and GNU date.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

snapshot="$root/../shared/advisory-db"
if [ ! -f "$snapshot/SNAPSHOT.md" ] || [ ! -d "$snapshot/crates" ]; then
  echo "deny: the RustSec advisory database snapshot is missing: expected it in" >&2
  echo "deny: $(cd "$root/.." && pwd)/shared/advisory-db (beside the repository, with SNAPSHOT.md" >&2
  echo "deny: and crates/). Without it the known advisories cannot be checked; get the snapshot" >&2
  echo "deny: there (see docs/SECURITY.md, \"Advisories\") and run this again." >&2
  exit 1
fi
# The snapshot's date: the first (YYYY-MM-DD) in SNAPSHOT.md.
snapshot_date=$(grep -oE '\(20[0-9]{2}-[0-9]{2}-[0-9]{2}\)' "$snapshot/SNAPSHOT.md" | head -n 1 | tr -d '()' || true)
if [ -z "$snapshot_date" ] || ! date -u -d "$snapshot_date" >/dev/null 2>&1; then
  echo "deny: $snapshot/SNAPSHOT.md does not say when the snapshot was taken (no (YYYY-MM-DD))" >&2
  exit 1
fi

# The folder cargo-deny derives from deny.toml's db-urls (its name plus a hash of the URL).
db_folder="advisory-db-3157b0e258782691"
dbs="${CARGO_TARGET_DIR:-$root/target}/advisory-dbs"
rm -rf "$dbs"
mkdir -p "$dbs/$db_folder"
cp -R "$snapshot/." "$dbs/$db_folder/"
rm -rf "$dbs/$db_folder/.git"
stamp="${snapshot_date}T00:00:00Z"
(
  cd "$dbs/$db_folder"
  git init -q
  git add -A
  GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" \
    git -c user.name="advisory-db snapshot" -c user.email="snapshot@assistid.invalid" \
      -c commit.gpgsign=false commit -q -m "RustSec advisory-db snapshot of $snapshot_date"
  # cargo-deny takes the newer of the commit time and the time HEAD was written.
  touch -d "$stamp" .git/HEAD
)
echo "deny: advisories from the snapshot of $snapshot_date ($dbs/$db_folder)"

export ASSISTID_ADVISORY_DBS="$dbs"
cargo deny --locked --offline check licenses sources bans advisories
