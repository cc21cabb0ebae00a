#!/usr/bin/env bash
# Builds the npm package in pkg/ from the binding crate in wasm/: one wasm module, its
# generated glue in pkg/dist/ (gitignored), and the CommonJS bundle for require(). Run
# scripts/setup.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The binding crate (wasm/) over the core crate; the glue keeps the package's file names.
cargo build --release --target wasm32-unknown-unknown --locked --quiet -p flagsmith-webhooks-wasm
out=pkg/dist
rm -rf "$out"
wasm-bindgen target/wasm32-unknown-unknown/release/flagsmith_webhooks_wasm.wasm \
  --out-dir "$out" --out-name flagsmith_webhooks --target web --no-typescript
bash scripts/optimize-wasm.sh "$out/flagsmith_webhooks_bg.wasm"
# Node gets the glue and the API bundled twice from one source, beside the one .wasm file:
# dist/node.mjs for import, dist/node.cjs for require.
for format in esm cjs; do
  node_modules/.bin/esbuild pkg/lib/node-init.js --bundle --format=$format --platform=node \
    --target=node20 --log-level=warning --log-override:empty-import-meta=silent \
    --outfile="$out/node.$([ $format = esm ] && echo mjs || echo cjs)"
done
# CommonJS consumers get the same declarations as a .d.cts (TypeScript reads the module kind
# from the extension).
# CommonJS twins of the declarations: .d.cts files importing .cjs specifiers, so that `require`
# users get declarations TypeScript reads as CommonJS all the way down.
mkdir -p "$out/types"
sed "s#'./types/\(.*\)\.js'#'./types/\1.cjs'#" pkg/index.d.ts > "$out/index.d.cts"
for file in pkg/types/*.d.ts; do
  sed "s#'\./\(.*\)\.js'#'./\1.cjs'#" "$file" > "$out/types/$(basename "$file" .d.ts).d.cts"
done
# pkg/README.md is the npm page (written for users); the project README ships beside it as the
# full guide (copied, not kept twice in git).
cp README.md pkg/GUIDE.md
cp LICENSE pkg/LICENSE
printf 'built %s: %s bytes, %s gzip -9\n' "$out/flagsmith_webhooks_bg.wasm" \
  "$(wc -c < "$out/flagsmith_webhooks_bg.wasm")" "$(gzip -9c "$out/flagsmith_webhooks_bg.wasm" | wc -c)"
