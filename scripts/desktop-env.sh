# Sourced by scripts/e2e.sh, screenshots.sh and bench-desktop.sh: checks the tools the desktop
# WebDriver runs need and installs tauri-driver when missing.
missing=()
for tool in xvfb-run xauth /usr/bin/WebKitWebDriver; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "error: missing ${missing[*]}: apt-get install -y --no-install-recommends libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver" >&2
  exit 1
fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "tauri-driver is missing: installing it (cargo install tauri-driver --locked)" >&2
  cargo install tauri-driver --locked
fi
