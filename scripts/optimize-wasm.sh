#!/usr/bin/env bash
# Optimises a wasm-bindgen output module in place: scripts/optimize-wasm.sh FILE.wasm
# npm binaryen, never Debian's (version 108 writes modules that fail at instantiation).
# -O3 rather than -Oz: the hashing code was compiled for speed and -Oz would undo part of it.
set -euo pipefail
"$(dirname "$0")/../node_modules/.bin/wasm-opt" -O3 --enable-simd --enable-bulk-memory \
  --enable-reference-types --enable-multivalue --enable-nontrapping-float-to-int \
  --enable-sign-ext "$1" -o "$1"
