#!/usr/bin/env bash
#===- scripts/setup.sh - Install what Tessera needs to build ---------------===#
#
# Idempotent, step by step:
#   1. apt:      Debian's LLVM/MLIR 22 packages and the other build tools.
#   2. sources:  the MLIR Python sources (not packaged by Debian), taken from
#                the llvm-toolchain-22 orig tarball fetched with apt's own
#                client from the configured Debian mirror, checked by sha256,
#                and extracted into a cache outside the repository.
#   3. venv:     a virtual environment with the pinned Python dependencies.
#
# Every step checks whether its result is already there and complete before
# doing any work, and publishes its result atomically (temp dir + rename), so a
# run that fails or is killed half-way leaves nothing a re-run trips over.
#
# Environment: TESSERA_CACHE_ROOT (default ~/.cache/tessera), TESSERA_VENV
# (default <repo>/.venv), TESSERA_PYTHON (default /usr/bin/python3),
# TESSERA_DEBIAN_MIRROR (default: the first non-security mirror configured
# for apt).
#===------------------------------------------------------------------------===#
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${TESSERA_CACHE_ROOT:-$HOME/.cache/tessera}"
VENV="${TESSERA_VENV:-$REPO/.venv}"
PY="${TESSERA_PYTHON:-/usr/bin/python3}"

LLVM_VERSION=22.1.8
SRC_PKG=llvm-toolchain-22
TARBALL="${SRC_PKG}_${LLVM_VERSION}.orig.tar.xz"
TARBALL_SHA256=b49b9277aef97616320b2da259e1f8174c65b0ce2fbe2e8629644a97693402fe
SRC_DIR="$CACHE/llvm-$LLVM_VERSION"

APT_PACKAGES=(
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools lld-22 clang-22
  libzstd-dev ninja-build ccache rocm-device-libs
  python3-dev python3-venv xz-utils ca-certificates
)

step=""
trap 'rc=$?; if [ $rc -ne 0 ]; then echo "tessera setup: step \"$step\" failed (exit $rc); fix the cause above and re-run: finished steps are kept, unfinished ones restart cleanly" >&2; fi' EXIT

say() { echo "tessera setup [$step]: $*"; }
die() { echo "tessera setup [$step]: error: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "needs root for '$*' (run as root or install sudo)"; fi
}

#===--- 1. apt packages ---------------------------------------------------===#
step=apt
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  say "all ${#APT_PACKAGES[@]} packages present"
else
  say "installing: ${missing[*]}"
  as_root apt-get update -q || die "apt-get update failed: is the Debian mirror in /etc/apt/sources.list(.d) reachable?"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install of ${missing[*]} failed (see apt's message above)"
fi
for tool in /usr/lib/llvm-22/bin/clang++ /usr/lib/llvm-22/bin/mlir-tblgen /usr/lib/llvm-22/bin/FileCheck /usr/lib/llvm-22/bin/ld.lld; do
  [ -x "$tool" ] || die "$tool missing after install"
done

#===--- 2. MLIR Python sources --------------------------------------------===#
step=sources
if [ -f "$SRC_DIR/.complete" ]; then
  say "MLIR $LLVM_VERSION Python sources cached in $SRC_DIR"
else
  mkdir -p "$CACHE/apt/lists/partial" "$CACHE/downloads"
  tarball="$CACHE/downloads/$TARBALL"
  if [ ! -f "$tarball" ] || ! echo "$TARBALL_SHA256  $tarball" | sha256sum -c --status; then
    # A private deb-src list for the machine's configured mirror: the system's
    # apt configuration is left untouched.
    mirror="${TESSERA_DEBIAN_MIRROR:-}"
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -z "$mirror" ] && [ -f "$f" ] || continue
      mirror=$(awk '/^URIs:/ {print $2; exit}' "$f" | grep -v security || true)
      [ -n "$mirror" ] && break
    done
    if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
      mirror=$(awk '$1=="deb" && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
    fi
    [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list(.d)"
    say "fetching $TARBALL through apt from $mirror"
    printf 'deb-src %s trixie main\n' "$mirror" > "$CACHE/apt/sources.list"
    aptopts=(-o "Dir::Etc::SourceList=$CACHE/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
             -o "Dir::State::Lists=$CACHE/apt/lists" -o APT::Sandbox::User=root)
    apt-get "${aptopts[@]}" update -q --error-on=any >/dev/null \
      || die "apt-get update of the deb-src list failed: is $mirror reachable?"
    uri=$( (apt-get "${aptopts[@]}" --print-uris source "$SRC_PKG" 2>/dev/null || true) \
           | awk -v t="$TARBALL" '$2==t {gsub("\047","",$1); print $1}')
    [ -n "$uri" ] || die "the deb-src index of $mirror lists no $TARBALL"
    rm -f "$tarball.part"
    /usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "$uri" "$tarball.part" >/dev/null \
      || die "download of $uri failed"
    got=$(sha256sum "$tarball.part" | cut -d' ' -f1)
    if [ "$got" != "$TARBALL_SHA256" ]; then
      rm -f "$tarball.part"
      die "checksum mismatch for $TARBALL: expected $TARBALL_SHA256, got $got"
    fi
    mv "$tarball.part" "$tarball"
  fi
  say "extracting mlir/python, mlir/lib/Bindings/Python and mlir/include"
  rm -rf "$CACHE"/extract.*  # left by an interrupted run
  tmp=$(mktemp -d "$CACHE/extract.XXXXXX")
  top="${SRC_PKG}_${LLVM_VERSION}"
  tar -xJf "$tarball" -C "$tmp" --strip-components=1 \
    "$top/mlir/python" "$top/mlir/lib/Bindings/Python" "$top/mlir/include" \
    || { rm -rf "$tmp"; die "extracting $tarball failed"; }
  touch "$tmp/.complete"
  rm -rf "$SRC_DIR"
  mv "$tmp" "$SRC_DIR"
fi

#===--- 3. Python virtual environment -------------------------------------===#
step=venv
req="$REPO/requirements.txt"
stamp="$VENV/.tessera-requirements"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  say "venv up to date in $VENV"
else
  [ -x "$PY" ] || die "$PY not found (python3 from apt)"
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$PY" -m venv "$VENV" || { rm -rf "$VENV"; die "python3 -m venv failed"; }
  fi
  say "installing pinned requirements"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$req" \
    || die "pip install -r requirements.txt failed: is PyPI reachable?"
  cp "$req" "$stamp"
fi

step=done
say "ready: MLIR sources $SRC_DIR, venv $VENV"
