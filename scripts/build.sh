#!/usr/bin/env bash
# Builds the npm package in pkg/ from the binding crates: the full module (wasm/) with its
# wasm-bindgen glue, and the verify-only module (wasm-verify/) behind flagsmith-webhooks/verify,
# into pkg/dist/ (gitignored), with the Node bundles for import and require. Run
# scripts/setup.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# The binding crate (wasm/) over the core crate; the glue keeps the package's file names.
cargo build --release --target wasm32-unknown-unknown --locked --quiet \
  -p flagsmith-webhooks-wasm -p flagsmith-webhooks-wasm-verify
out=pkg/dist
rm -rf "$out"
wasm-bindgen target/wasm32-unknown-unknown/release/flagsmith_webhooks_wasm.wasm \
  --out-dir "$out" --out-name flagsmith_webhooks --target web --no-typescript
bash scripts/optimize-wasm.sh "$out/flagsmith_webhooks_bg.wasm"
# The verify-only module needs no glue: its binding is pkg/lib/verify-binding.js.
install -m 644 target/wasm32-unknown-unknown/release/flagsmith_webhooks_wasm_verify.wasm "$out/flagsmith_webhooks_verify.wasm"
bash scripts/optimize-wasm.sh "$out/flagsmith_webhooks_verify.wasm"
# Node gets each entry bundled twice from one source: dist/node.mjs and dist/verify.mjs for
# import, dist/node.cjs and dist/verify.cjs for require. The full entry reads the .wasm beside
# it; the verify entry carries its module inlined (see pkg/lib/verify-node.js).
for entry in node:node-init verify:verify-node; do
  for format in esm cjs; do
    node_modules/.bin/esbuild "pkg/lib/${entry#*:}.js" --bundle --format=$format --platform=node \
      --target=node20 --log-level=warning --log-override:empty-import-meta=silent --loader:.wasm=binary \
      --outfile="$out/${entry%%:*}.$([ $format = esm ] && echo mjs || echo cjs)"
  done
done
# CommonJS twins of the declarations: .d.cts files importing .cjs specifiers, so that `require`
# users get declarations TypeScript reads as CommonJS all the way down.
mkdir -p "$out/types"
sed "s#'./types/\(.*\)\.js'#'./types/\1.cjs'#" pkg/index.d.ts > "$out/index.d.cts"
for file in pkg/types/*.d.ts; do
  sed "s#'\./\(.*\)\.js'#'./\1.cjs'#" "$file" > "$out/types/$(basename "$file" .d.ts).d.cts"
done
sed "s#'\.\./types/\(.*\)\.js'#'./types/\1.cjs'#" pkg/verify/index.d.ts > "$out/verify.d.cts"
# pkg/README.md is the npm page (written for users); the project README ships beside it as the
# full guide (copied, not kept twice in git).
cp README.md pkg/GUIDE.md
cp LICENSE pkg/LICENSE
for wasm in "$out"/*.wasm; do
  printf 'built %s: %s bytes, %s gzip -9\n' "$wasm" "$(wc -c < "$wasm")" "$(gzip -9c "$wasm" | wc -c)"
done
