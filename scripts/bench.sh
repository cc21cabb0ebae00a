#!/usr/bin/env bash
# Benchmarks (not part of the tests): throughput against node:crypto, WebCrypto, @noble/hashes
# and hash-wasm in Node and inside workerd, then cold start. Pass --quick for a shorter, noisier run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
bash scripts/setup.sh
bash scripts/build.sh
# The cold-start floor (bench/floor): an HMAC-only module, built like the package's.
floor=target/floor
cargo build --release --target wasm32-unknown-unknown --locked --quiet \
  --manifest-path bench/floor/Cargo.toml --target-dir "$floor"
wasm-bindgen "$floor/wasm32-unknown-unknown/release/hmac_floor.wasm" --out-dir "$floor/pkg" \
  --target web --no-typescript
bash scripts/optimize-wasm.sh "$floor/pkg/hmac_floor_bg.wasm"
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
node bench/node.mjs "$@"
echo
node bench/workerd.mjs "$@"
echo
node bench/coldstart.mjs "$@"
echo
# Cold start differs much between Node lines (on Node 20, resolving any package's exports map
# costs about a quarter of node:crypto's whole import): the same measurement in Node 22 and 26.
for other in node22 node26; do
  "node_modules/$other/bin/node" bench/coldstart.mjs "$@"
  echo
done
# Native: the crate's Verifier beside ring and the hmac-sha256 crate.
cargo run --release --locked --quiet --manifest-path bench/native/Cargo.toml --target-dir target/native -- "$@"
