#!/usr/bin/env bash
# Installs the template tools (SAM CLI + cfn-lint, checkov) into their own venvs under <repo>/.tools/:
#   .tools/sam/bin/{sam,cfn-lint}    from tools/template-tools/sam.txt
#   .tools/checkov/bin/checkov       from tools/template-tools/checkov.txt
# Two venvs, not one and not the emulator's .venv: the three pinned sets conflict (see sam.txt).
#
# Idempotent and cheap when nothing changed: each venv records a hash of its requirement file and of the Python it
# was made with, and pip runs only when that hash differs. Both venvs install in parallel; each under its own lock,
# so concurrent callers (two test JVMs, two shells) wait for one another instead of racing.
#
# Usage: tools/template-tools.sh            install or update both venvs if needed
#        tools/template-tools.sh sam        only the SAM one (or: checkov)
#        PYTHON=python3.12 tools/...        another interpreter (default: python3, 3.10 or newer)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"

say() { printf '[template-tools] %s\n' "$*"; }
die() { printf '[template-tools] error: %s\n' "$*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 || die "'$python' not found on PATH. The template checks need Python 3.10 or
  newer with the venv module (Debian/Ubuntu: apt-get install python3 python3-venv; macOS: brew install python), or
  PYTHON pointing at one."
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$python is too old: Python 3.10 or newer is needed."

install_one() {
  local name="$1"
  local req="$root/tools/template-tools/$name.txt"
  local venv="$root/.tools/$name"
  local stamp="$venv/.requirements.sha256"
  [ -f "$req" ] || die "no $req"
  local want
  want="$( { "$python" -c 'import sys; print(sys.version)'; cat "$req"; } | sha256sum | cut -d' ' -f1)"
  up_to_date() { [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && "$venv/bin/python" -c 'pass' >/dev/null 2>&1; }
  if up_to_date; then
    say "$name: up to date"
    return 0
  fi
  mkdir -p "$root/.tools"
  # The lock sits beside the venv, which may be wiped and rebuilt below.
  exec {lock_fd}>"$root/.tools/.$name.lock"
  if command -v flock >/dev/null 2>&1; then flock "$lock_fd" || die "cannot lock $root/.tools/.$name.lock"; fi
  if up_to_date; then
    say "$name: brought up to date by another process"
    return 0
  fi
  local started
  started=$(date +%s)
  say "$name: creating $venv with $("$python" --version 2>&1) and installing the pinned set (one-time; 2-3 min)"
  "$python" -m venv --clear "$venv" || die "'$python -m venv' failed; on Debian/Ubuntu install python3-venv"
  rm -f "$stamp"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q -r "$req" \
    || die "$name: pip install failed (see above). Needs PyPI; remove $venv and run again after fixing."
  "$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null \
    || { "$venv/bin/python" -m pip check --disable-pip-version-check || true; die "$name: conflicting dependencies"; }
  printf '%s\n' "$want" >"$stamp"
  say "$name: done in $(( $(date +%s) - started ))s"
}

names=("$@")
[ "${#names[@]}" -gt 0 ] || names=(sam checkov)
pids=()
for n in "${names[@]}"; do
  case "$n" in sam|checkov) ;; *) die "unknown tool set '$n' (expected sam or checkov)";; esac
  install_one "$n" & pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit "$status"
