#!/usr/bin/env bash
# Sets up whatever is missing to build and test scaleplan, and nothing else: idempotent, quick when all is there.
# Every step prints what it checks and what it does. Nothing is downloaded from outside the package registries
# (crates.io, npm, Debian).
#
#   scripts/bootstrap.sh          what building and serving the app needs
#   scripts/bootstrap.sh --test   also what the tests need (cargo-deny, cargo-fuzz, Chromium, Playwright's library)
#
# SCALEPLAN_WASM_ROUTE=debian forces the offline route for the wasm32 standard library (to test it where rustup works).
#
# It writes target/wasm-env.sh: the environment wasm builds need (empty when rustup has the wasm32 target).
# Source it in a subshell around wasm builds only; native builds keep the default toolchain.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WANT_TEST=0
[ "${1:-}" = "--test" ] && WANT_TEST=1

TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1
CARGO_DENY_VERSION=0.20.2
CARGO_FUZZ_VERSION=0.13.2
WASM_TARGET=wasm32-unknown-unknown
ENV_FILE="$ROOT/target/wasm-env.sh"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/scaleplan"
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '==> %s\n' "$*"; }
have() { printf '    ok: %s\n' "$*"; }
doing() { printf '    %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them; install them by hand"
  if [ "$APT_UPDATED" -eq 0 ]; then
    doing "apt-get update"
    timeout 300 $SUDO apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  doing "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive timeout 900 $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# --- native toolchain ------------------------------------------------------------------------------------------
step "Rust toolchain"
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (https://rustup.rs) and run again"
have "$(cargo --version)"

# --- wasm32 standard library -----------------------------------------------------------------------------------
step "wasm32 standard library"
mkdir -p "$ROOT/target"
rustup_has_wasm() {
  local sysroot
  sysroot=$(rustc --print sysroot 2>/dev/null) || return 1
  ls "$sysroot/lib/rustlib/$WASM_TARGET/lib"/libstd-*.rlib >/dev/null 2>&1
}
ROUTE=${SCALEPLAN_WASM_ROUTE:-auto}
if [ "$ROUTE" != debian ] && rustup_has_wasm; then
  have "rustup's toolchain has $WASM_TARGET"
  : > "$ENV_FILE"
elif [ "$ROUTE" != debian ] && command -v rustup >/dev/null 2>&1 && [ ! -e "$CACHE/rustup-target-failed" ] \
  && { doing "rustup target add $WASM_TARGET (60 s at most)"; timeout 60 rustup target add "$WASM_TARGET" >/dev/null 2>&1; } \
  && rustup_has_wasm; then
  have "added $WASM_TARGET with rustup"
  : > "$ENV_FILE"
else
  # Offline route: Debian's rustc with its standard-library sources; build std for wasm32 once as a sysroot.
  mkdir -p "$CACHE"
  [ "$ROUTE" = debian ] || touch "$CACHE/rustup-target-failed"
  doing "rustup cannot provide $WASM_TARGET here; using Debian's rustc-web with a locally built standard library"
  apt_install rustc-web cargo-web rust-web-src lld-22
  DEB_SYSROOT=$(/usr/bin/rustc --print sysroot)
  LIBDIR="$DEB_SYSROOT/lib/rustlib/$WASM_TARGET/lib"
  STAMP="$LIBDIR/.scaleplan-std-stamp"
  RUSTC_ID=$(/usr/bin/rustc --version)
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$RUSTC_ID" ]; then
    have "standard library for $WASM_TARGET built for $RUSTC_ID"
  else
    doing "building the $WASM_TARGET standard library with $RUSTC_ID (about a minute)"
    SCRATCH="$CACHE/wasm-std"
    rm -rf "$SCRATCH" && mkdir -p "$SCRATCH/src"
    printf '[package]\nname = "wasm_std_scratch"\nversion = "0.0.0"\nedition = "2021"\n[lib]\npath = "src/lib.rs"\n[workspace]\n' \
      > "$SCRATCH/Cargo.toml"
    : > "$SCRATCH/src/lib.rs"
    (cd "$SCRATCH" && CARGO_TARGET_DIR="$SCRATCH/target" RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes RUSTC=/usr/bin/rustc \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 \
      /usr/bin/cargo build -q --release --target "$WASM_TARGET" -Zbuild-std=std,panic_abort,test) \
      || die "building the wasm32 standard library failed"
    $SUDO mkdir -p "$LIBDIR"
    $SUDO rm -f "$LIBDIR"/*.rlib
    find "$SCRATCH/target/$WASM_TARGET/release/deps" -name '*.rlib' ! -name 'libwasm_std_scratch-*' \
      -exec $SUDO cp {} "$LIBDIR/" \;
    echo "$RUSTC_ID" | $SUDO tee "$STAMP" >/dev/null
    # Artifacts built against the old sysroot would not link with the new one.
    TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    rm -rf "$TARGET_DIR/$WASM_TARGET" "$TARGET_DIR/wasm-bindgen" "$TARGET_DIR/wasm-pack"
    have "installed into $LIBDIR"
  fi
  cat > "$ENV_FILE" <<EOF
# Written by scripts/bootstrap.sh: wasm builds use Debian's rustc and its locally built wasm32 sysroot.
export PATH="/usr/bin:\$PATH"
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22
EOF
fi

# --- cargo-installed tools, at exact versions -------------------------------------------------------------------
cargo_tool() { # binary, crate, version, extra args...
  local bin=$1 crate=$2 version=$3
  shift 3
  local have_version=""
  command -v "$bin" >/dev/null 2>&1 && have_version=$("$bin" --version 2>/dev/null | awk '{print $2}' | sed 's/^v//')
  if [ "$have_version" = "$version" ]; then
    have "$bin $version"
  else
    doing "cargo install $crate --version $version $* (several minutes, once)${have_version:+; found $have_version}"
    cargo install -q "$crate" --version "$version" "$@" || die "cargo install $crate $version failed"
    have "$bin $version"
  fi
}
step "wasm-bindgen-cli (must equal the wasm-bindgen in Cargo.lock)"
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")
[ -n "$WBG_VERSION" ] || die "no wasm-bindgen in Cargo.lock"
# Not --locked: one of its locked dependencies is no longer on the registry.
cargo_tool wasm-bindgen wasm-bindgen-cli "$WBG_VERSION"
step "trunk"
cargo_tool trunk trunk "$TRUNK_VERSION" --locked
step "wasm-pack"
cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked

# --- npm-installed tools -----------------------------------------------------------------------------------------
npm_install() { # folder
  local dir=$1 stamp="$1/node_modules/.scaleplan-lock"
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then
    have "npm packages of ${dir#"$ROOT"/}"
  else
    doing "npm ci in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci in $dir failed"
    cp "$dir/package-lock.json" "$stamp"
  fi
}
step "wasm-opt (npm binaryen)"
npm_install "$ROOT/scripts/tools"
have "$("$ROOT/scripts/tools/node_modules/.bin/wasm-opt" --version)"

if [ "$WANT_TEST" -eq 1 ]; then
  # The licence, ban and source check of the dependency graph (deny.toml); about 3 minutes to compile on 2 cores.
  step "cargo-deny"
  cargo_tool cargo-deny cargo-deny "$CARGO_DENY_VERSION" --locked
  # The fuzz targets (fuzz/, scripts/fuzz): cargo-fuzz, about 1.5 minutes to compile on 2 cores, and a C++
  # compiler, since libfuzzer-sys builds libFuzzer from its sources. No nightly toolchain: scripts/fuzz gives the
  # stable one RUSTC_BOOTSTRAP=1 for the sanitizer and coverage flags, and stable ships the sanitizer runtimes.
  step "cargo-fuzz and a C++ compiler (fuzz targets)"
  command -v c++ >/dev/null 2>&1 || apt_install g++
  have "$(c++ --version | head -1)"
  cargo_tool cargo-fuzz cargo-fuzz "$CARGO_FUZZ_VERSION" --locked
  step "Chromium for browser tests (Debian's)"
  apt_install chromium
  have "$(/usr/bin/chromium --version 2>/dev/null)"
  step "Playwright's library"
  npm_install "$ROOT/tests"
fi
step "ready"
