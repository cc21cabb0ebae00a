#!/usr/bin/env bash
# Every test: lints, the Rust tests, then the built package in Node, under workerd, and the
# main job's demo. Installs and builds what it needs first.
#
#   bash scripts/test.sh          everything (what CI runs)
#   bash scripts/test.sh --fast   the inner loop: Rust lints and tests, then the Node tests that
#                                 need no workerd, Chromium, npm pack or other runtimes
set -euo pipefail
cd "$(dirname "$0")/.."
fast=false
[ "${1:-}" = "--fast" ] && fast=true
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false

bash scripts/setup.sh
bash scripts/build.sh

if $fast; then
  echo "== fast: lints, Rust tests, Node tests"
  cargo fmt --check
  cargo clippy --locked --workspace --all-targets --all-features --quiet -- -D warnings
  cargo test --locked --workspace --all-features --quiet
  # The tests that start workerd, Chromium, other runtimes or pack the package are left out.
  slow='bundlers|durable|inspector|matrix|package|queue|readme|workerd'
  node --test --test-concurrency=1 $(ls tests/js/*.test.mjs tests/js/*.test.cjs | grep -Ev "/($slow)\.test\.")
  exit 0
fi

echo "== lints"
cargo fmt --check
cargo clippy --locked --workspace --all-targets --quiet -- -D warnings
cargo clippy --locked --workspace --all-targets --all-features --quiet -- -D warnings
cargo clippy --locked --workspace --lib --target wasm32-unknown-unknown --quiet -- -D warnings
# The core crate is an rlib with no wasm-bindgen in its dependency graph, for any target.
if cargo tree --locked -p flagsmith-webhooks -e normal --target all | grep -q wasm-bindgen; then
  echo "wasm-bindgen is in the flagsmith-webhooks crate's dependency graph" >&2
  exit 1
fi

# The minimum Rust version the crate claims (rust-version), with every feature.
msrv=$(awk -F'"' '/^rust-version/ { print $2; exit }' Cargo.toml)
cargo "+$msrv" check --locked -p flagsmith-webhooks --all-features --lib --quiet --target-dir target/msrv
# What crates.io would receive: the crate with its examples and tests, built on its own.
cargo publish --dry-run --locked -p flagsmith-webhooks --allow-dirty --quiet

RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --locked --all-features --quiet
cargo deny --log-level error check licenses bans sources

echo "== Rust tests"
cargo test --locked --workspace --all-features --quiet

echo "== a consumer crate: depending on this one changes nothing in its serde_json"
(cd tests/consumer && cargo test --locked --workspace --quiet --target-dir ../../target/consumer)
if (cd tests/consumer && cargo tree --locked -e features -i serde_json) | grep arbitrary_precision; then
  echo "serde_json's arbitrary_precision reaches programs that depend on this crate" >&2
  exit 1
fi

echo "== TypeScript declarations (tsc --noEmit on a usage file)"
node_modules/.bin/tsc -p tests/types

echo "== the built package: Node (ESM and CommonJS), workerd, the demo"
# One file at a time: several start workerd, Chromium or npm, and two cores are shared.
node --test --test-concurrency=1 tests/js/*.test.mjs tests/js/*.test.cjs
