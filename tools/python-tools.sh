#!/usr/bin/env bash
# Installs the build's Python tools (moto server) into <repo>/.venv. The template tools (sam, cfn-lint, checkov)
# conflict with this set and live in venvs of their own: tools/template-tools.sh.
#
# Idempotent and cheap when nothing changed: the venv records a hash of the pinned requirement files
# (tools/requirements*.txt) and of the Python it was made with, and pip runs only when that hash differs.
# Safe to run concurrently (two test JVMs, two shells): the work happens under a lock.
#
# Usage: tools/python-tools.sh            install or update .venv if needed
#        PYTHON=python3.12 tools/...      use another interpreter (default: python3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

say() { printf '[python-tools] %s\n' "$*"; }
die() { printf '[python-tools] error: %s\n' "$*" >&2; exit 1; }

if ! command -v "$python" >/dev/null 2>&1; then
  die "'$python' not found on PATH. The build's Python tools (moto server for the integration tests)
  need Python 3.10 or newer with the venv module: install it (Debian/Ubuntu: apt-get install python3 python3-venv,
  macOS: brew install python) or point PYTHON at one, then run tools/python-tools.sh again."
fi
"$python" - <<'EOF' || die "$python is too old: Python 3.10 or newer is needed."
import sys
sys.exit(0 if sys.version_info >= (3, 10) else 1)
EOF

shopt -s nullglob
reqs=("$root"/tools/requirements*.txt)
shopt -u nullglob
[ "${#reqs[@]}" -gt 0 ] || die "no tools/requirements*.txt found under $root"

want="$( { "$python" -c 'import sys; print(sys.version)'; cat "${reqs[@]}"; } | sha256sum | cut -d' ' -f1)"

up_to_date() {
  [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && "$venv/bin/python" -c 'pass' >/dev/null 2>&1
}

if up_to_date; then
  say ".venv is up to date ($(basename -a "${reqs[@]}" | tr '\n' ' ')unchanged)"
  exit 0
fi

# The lock lives outside .venv, which may be wiped and rebuilt below.
lock="${TMPDIR:-/tmp}/llm-canary-python-tools-$(printf '%s' "$venv" | sha256sum | cut -c1-12).lock"
exec 9>"$lock"
if command -v flock >/dev/null 2>&1; then
  flock 9 || die "cannot lock $lock"
fi
# Another process may have finished the job while this one waited for the lock.
if up_to_date; then
  say ".venv was brought up to date by another process"
  exit 0
fi

started=$(date +%s)
pyver() { "$1" -c 'import sys; print(sys.version)' 2>/dev/null; }
if [ ! -x "$venv/bin/python" ] || [ "$(pyver "$venv/bin/python")" != "$(pyver "$python")" ]; then
  # Missing, half made, or made by another Python than the one asked for now: rebuild from scratch.
  say "creating $venv with $("$python" --version 2>&1)"
  "$python" -m venv --clear "$venv" || die "'$python -m venv' failed; on Debian/Ubuntu install python3-venv"
fi

rm -f "$stamp"
req_args=()
for r in "${reqs[@]}"; do req_args+=(-r "$r"); done
say "installing pinned tools from $(basename -a "${reqs[@]}" | tr '\n' ' ')into .venv (one-time; takes a minute)"
"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q "${req_args[@]}" \
  || die "pip install failed (see above). Needs access to PyPI; remove $venv and run again after fixing."
"$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null \
  || { "$venv/bin/python" -m pip check --disable-pip-version-check || true; die "installed tools have conflicting dependencies"; }

printf '%s\n' "$want" >"$stamp"
tools="$("$venv/bin/python" -m pip --disable-pip-version-check list --format=freeze 2>/dev/null \
  | grep -iE '^(moto|cfn-lint|aws-sam-cli|checkov)==' | tr '\n' ' ')"
say "done in $(( $(date +%s) - started ))s: ${tools:-(no tools listed)}"
