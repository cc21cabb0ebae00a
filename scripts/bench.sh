#!/usr/bin/env bash
# Benchmarks (not part of the tests): throughput against node:crypto, WebCrypto, @noble/hashes
# and hash-wasm in Node and inside workerd, then cold start. Pass --quick for a shorter, noisier run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
node bench/node.mjs "$@"
echo
node bench/workerd.mjs "$@"
echo
node bench/coldstart.mjs "$@"
