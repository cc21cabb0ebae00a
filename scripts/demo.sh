#!/usr/bin/env bash
# The main job: install what is missing, build the package, verify and parse the sample
# webhooks through it, then serve the inspector on 127.0.0.1 (--once: exit after the demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/demo.mjs "$@"
