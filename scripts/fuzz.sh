#!/usr/bin/env bash
# Fuzzes every target with cargo fuzz (libFuzzer, nightly), seeded from the fixtures.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30; the hardening runs used 600)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
seconds="${1:-30}"
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=(parse verify verifier roundtrip)
for target in "${targets[@]}"; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  cp tests/fixtures/*.json tests/fixtures/real/[0-9]*.json "$corpus/" 2>/dev/null || true
done
failed=()
for target in "${targets[@]}"; do
  echo "== fuzzing $target for ${seconds}s"
  # Every target runs even when one finds a crash; the script fails at the end.
  if ! (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tail -25); then
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "crashes in: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
