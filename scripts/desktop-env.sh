# Sourced by scripts/e2e.sh, screenshots.sh and bench-desktop.sh: checks the tools the desktop
# WebDriver runs need and puts tauri-driver (pinned, built once into the tool cache:
# scripts/tools.sh) on PATH.
missing=()
for tool in xvfb-run xauth /usr/bin/WebKitWebDriver; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "error: missing ${missing[*]}: apt-get install -y --no-install-recommends libwebkit2gtk-4.1-dev xvfb xauth webkit2gtk-driver" >&2
  exit 1
fi
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
tool_need tauri-driver
