# Sourced by scripts/test.sh, e2e.sh, fuzz.sh, screenshots.sh and bench-desktop.sh: the Cargo
# tools Assistid's checks run, each at a pinned version, built once with `--locked` into a cache
# that every later run (and `.ci/run` on the same machine) reuses.
#
#   tool_start NAME   start building NAME in the background when it is not in the cache yet
#                     (its log: $ASSISTID_TOOLS_DIR/NAME-VERSION.log); returns at once
#   tool_need NAME    wait for NAME (building it now if nobody started it), put it on PATH;
#                     fails with the build log's end when it cannot be built
#
# The cache: $ASSISTID_TOOLS_DIR, by default ~/.cache/assistid-tools, one folder per tool and
# version (<name>-<version>/bin), so raising a version below builds the new one beside the old.
# Background builds run at a lower CPU priority (nice), so they use what the checks leave idle;
# each has a build folder of its own (never the workspace's target folder, whose lock would make
# the checks wait).

ASSISTID_TOOLS_DIR="${ASSISTID_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/assistid-tools}"
export ASSISTID_TOOLS_DIR

# name → version. Keep these in step with docs/PERFORMANCE.md ("CI time") when raising them.
tool_version() {
  case "$1" in
    cargo-deny) echo 0.20.2 ;;   # licences, sources, bans, advisories (deny.toml)
    cargo-fuzz) echo 0.13.2 ;;   # scripts/fuzz.sh
    tauri-driver) echo 2.1.0 ;;  # the desktop WebDriver walk (scripts/e2e.sh); 3.x is an alpha
    *) echo "tools: unknown tool $1" >&2; return 1 ;;
  esac
}

declare -A _tool_pid=()

_tool_root() { echo "$ASSISTID_TOOLS_DIR/$1-$(tool_version "$1")"; }

# Builds NAME into its cache folder: into a temporary folder first, moved into place only when
# complete, so an interrupted build never leaves a half-installed tool that looks finished.
_tool_build() {
  local name="$1" version root
  version=$(tool_version "$name") || return 1
  root=$(_tool_root "$name")
  rm -rf "$root.partial" "$root.build"
  # The tools are built for this machine, not with the workspace's settings.
  env -u CARGO_TARGET_DIR -u RUSTFLAGS -u RUSTC_BOOTSTRAP -u CARGO_INCREMENTAL \
    cargo install --locked --quiet --version "=$version" --root "$root.partial" \
      --target-dir "$root.build" "$name" || return 1
  rm -rf "$root.build" "$root"
  mv "$root.partial" "$root"
}

_tool_failed() {
  local log
  log="$(_tool_root "$1").log"
  echo "tools: building $1 failed; the end of $log:" >&2
  tail -n 20 "$log" >&2
}

tool_start() {
  local name="$1" root
  root=$(_tool_root "$name") || return 1
  [ -x "$root/bin/$name" ] && return 0
  [ -n "${_tool_pid[$name]:-}" ] && return 0
  mkdir -p "$ASSISTID_TOOLS_DIR"
  echo "tools: building $name $(tool_version "$name") in the background (log: $root.log)"
  nice -n 10 bash -c "$(declare -f tool_version _tool_root _tool_build); _tool_build $name" \
    >"$root.log" 2>&1 &
  _tool_pid[$name]=$!
}

tool_need() {
  local name="$1" root started waited
  root=$(_tool_root "$name") || return 1
  if [ ! -x "$root/bin/$name" ]; then
    if [ -z "${_tool_pid[$name]:-}" ]; then
      mkdir -p "$ASSISTID_TOOLS_DIR"
      echo "tools: building $name $(tool_version "$name") (log: $root.log)"
      _tool_build "$name" >"$root.log" 2>&1 || { _tool_failed "$name"; return 1; }
    else
      started=$(date +%s)
      wait "${_tool_pid[$name]}" || { _tool_failed "$name"; return 1; }
      waited=$(( $(date +%s) - started ))
      [ "$waited" -gt 0 ] && echo "tools: waited ${waited} s for $name to finish building"
    fi
    unset "_tool_pid[$name]"
  fi
  case ":$PATH:" in
    *":$root/bin:"*) ;;
    *) export PATH="$root/bin:$PATH" ;;
  esac
}
