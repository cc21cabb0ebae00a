#!/usr/bin/env bash
# Prints the shipped sizes: each .wasm (raw and gzip -9) and the npm tarball. Builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh > /dev/null
for wasm in pkg/dist/*.wasm; do
  printf '%s: %s bytes, %s gzip -9\n' "$(basename "$wasm")" "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd pkg && npm pack --pack-destination "$dir" --silent > /dev/null)
tarball=$(ls "$dir"/*.tgz)
printf 'npm tarball: %s, %s bytes, %s files\n' "$(basename "$tarball")" "$(wc -c < "$tarball")" "$(tar -tzf "$tarball" | wc -l)"
