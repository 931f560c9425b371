#!/usr/bin/env bash
# Every test, in the order that fails fastest: types, unit tests, both browser builds, then the
# end-to-end tests against the freshly built Chromium extension. Needs /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

npx wxt prepare
npx tsc --noEmit
mkdir -p .test-output
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=.test-output/unit.json
npx wxt build
npx wxt build -b firefox
npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json=.test-output/e2e.json
node scripts/summarize-tests.mjs .test-output/unit.json .test-output/e2e.json
