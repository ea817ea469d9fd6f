#!/usr/bin/env bash
# Installs what Assistid needs to build and test on a Debian machine, only what is missing.
# Safe to run again: it checks first and does nothing when everything is there.
set -euo pipefail

need_pkgs=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$1"); }

# Build tools and the C toolchain for the vendored OpenSSL behind SQLCipher.
want build-essential
want pkg-config
want perl
# Test tools: xmllint validates against FK's XSD and canonicalizes XML; the openssl program
# reads the fake BankID's OCSP answers back; pdftotext reads receipts back; sqlite3 is the
# yardstick in the import benchmark. The tests that use them fail (never skip) without them.
want libxml2-utils
want openssl
want poppler-utils
want sqlite3
want ca-certificates
# PostgreSQL: the relay (crates/relay) keeps its queue there, and its spec tests start a
# throwaway cluster of their own with initdb and pg_ctl (no server needs to be running).
command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir 2>/dev/null)/initdb" ] || \
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want postgresql
# The desktop shell (Tauri 2 on WebKitGTK) and its end-to-end test under a virtual display.
want libwebkit2gtk-4.1-dev
want xvfb
want xauth
want webkit2gtk-driver
# A D-Bus session for the e2e run (scripts/e2e.sh): the app's single-instance hand-over uses it.
want dbus-daemon
# The live e2e walk keeps certificate passwords in a keychain of its own: a private session bus
# with GNOME Keyring's secret service (tests/e2e, SessionKeyring).
want dbus
want gnome-keyring

# The web UI builds with Node.js 20.19 or newer (Vite 8).
command -v node >/dev/null 2>&1 || { want nodejs; want npm; }

if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: need root (or sudo) to install: ${need_pkgs[*]}" >&2; exit 1
    fi
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  for dir in "$HOME/.cargo/bin" /usr/local/cargo/bin; do
    [ -x "$dir/cargo" ] && export PATH="$dir:$PATH"
  done
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is not installed. Install it with rustup (https://rustup.rs), version 1.92 or newer." >&2
  exit 1
fi
# The Cargo tools (cargo-deny, cargo-fuzz, tauri-driver) are pinned and cached by
# scripts/tools.sh, built when a check first needs them.

rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

node_major=$(node -p 'process.versions.node.split(".").map(Number).reduce((a, v, i) => i === 0 ? v * 1000 : i === 1 ? a + v : a, 0)' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20019 ]; then
  echo "setup: the UI needs Node.js 20.19 or newer (found $(node --version 2>/dev/null || echo none))." >&2
  echo "setup: install it from your distribution's backports or nodejs.org, then run this again." >&2
  exit 1
fi
