#!/usr/bin/env bash
# Builds CRIU (checkpoint/restore in userspace) for the cold-start benchmark's snapshot runs, and prints the path of
# the binary on the last line. SnapStart snapshots a function after its init and beforeCheckpoint hooks and starts
# later environments from the snapshot; CRIU does the same to a process here, so restored-proxy vs restored-bare
# can be measured (docs/PERFORMANCE.md, section 3).
#
# Source: Debian's orig tarball of CRIU 4.1.1 (Debian 12's own criu 3.17 fails its vDSO check on recent kernels),
# checked against its SHA-256; built into .tools/criu-4.1.1 (not in git). Build dependencies come from the
# distribution's packages (apt-get, as root). Running CRIU needs root (CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE).
# Exit codes: 0 built or already there, and `criu check` passes; 3 cannot build here (not root, no apt-get, no
# network); 4 built, but this kernel lacks what CRIU needs. Either way run.sh goes on without the snapshot runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=4.1.1
SHA256=f80a66cb3726bb2116266d4759ce3bcbfab7abdb6b6d430bf20dd41911717afe
URL="http://deb.debian.org/debian/pool/main/c/criu/criu_${VERSION}.orig.tar.xz"
DIR="$ROOT/.tools/criu-$VERSION"
BIN="$DIR/criu/criu"
DEPS=(gcc make pkgconf libbsd-dev libcap-dev libnet1-dev libnl-3-dev libprotobuf-c-dev libprotobuf-dev
  protobuf-c-compiler protobuf-compiler uuid-dev libnftables-dev libgnutls28-dev)

say() { echo "criu.sh: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
  say "CRIU needs root to checkpoint and restore; not root, so no snapshot runs."
  exit 3
fi

if [ ! -x "$BIN" ]; then
  missing=()
  for p in "${DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
      say "no apt-get to install the build dependencies (${missing[*]})"
      exit 3
    fi
    say "installing build dependencies: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; } \
      || { say "apt-get could not install ${missing[*]}"; exit 3; }
  fi
  mkdir -p "$ROOT/.tools"
  tarball="$ROOT/.tools/criu_${VERSION}.orig.tar.xz"
  if [ ! -f "$tarball" ] || ! echo "$SHA256  $tarball" | sha256sum -c --status; then
    say "downloading $URL"
    curl -fsSL --retry 3 -o "$tarball.part" "$URL" || { say "download failed"; exit 3; }
    mv "$tarball.part" "$tarball"
  fi
  echo "$SHA256  $tarball" | sha256sum -c --status || { say "checksum mismatch for $tarball"; rm -f "$tarball"; exit 3; }
  rm -rf "$DIR"
  tar -xJf "$tarball" -C "$ROOT/.tools"
  say "building CRIU $VERSION (about 30 s on 2 cores)"
  make -C "$DIR" -j"$(nproc)" criu >"$DIR/build.log" 2>&1 || { say "build failed; see $DIR/build.log"; tail -n 20 "$DIR/build.log" >&2; exit 3; }
fi

if ! "$BIN" check >"$DIR/check.log" 2>&1; then
  say "this kernel lacks what CRIU needs (see $DIR/check.log):"
  tail -n 5 "$DIR/check.log" >&2
  exit 4
fi
echo "$BIN"
