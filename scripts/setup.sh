#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there: the wasm32
# target, the wasm-bindgen CLI at exactly the version in Cargo.lock, and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The minimum supported Rust version (Cargo.toml's rust-version), which the test command checks
# the crate against.
msrv=$(awk -F'"' '/^rust-version/ { print $2; exit }' Cargo.toml)
if ! rustup toolchain list | grep -q "^$msrv"; then
  echo "installing Rust $msrv, the crate's minimum version (about 20 seconds)"
  rustup toolchain install "$msrv" --profile minimal
fi

wanted=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$wanted" ]; then
  echo "installing wasm-bindgen-cli $wanted (about 1.5 minutes)"
  # Not --locked: the CLI's own lockfile wants a crate version this registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$wanted" --quiet
fi

# cargo-deny, for the licence, ban and source check in the test command (a few minutes to build).
if [ "$(cargo deny --version 2>/dev/null | awk '{ print $2 }')" != "0.20.2" ]; then
  echo "installing cargo-deny 0.20.2 (a few minutes)"
  cargo install cargo-deny --version 0.20.2 --locked --quiet
fi

# Debian's Chromium for the inspector's browser tests (playwright-core drives it; its own
# browser download cannot reach its host from these machines).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium (about 30 seconds)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
