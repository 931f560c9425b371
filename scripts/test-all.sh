#!/usr/bin/env bash
# Every test, in the order that fails fastest: types, unit tests, the production dependency audit,
# both browser builds (Firefox's also packed as the .xpi a practice deploys), the size budgets, the
# end-to-end tests in Chromium, the paths that matter in Chromium and in Firefox ESR, then the
# security suite (attacks on the built extension in Chromium, golden manifests, fuzzing). Needs
# /usr/bin/chromium and /usr/bin/firefox-esr.
set -euo pipefail
cd "$(dirname "$0")/.."

npx wxt prepare
npx tsc --noEmit
mkdir -p .test-output
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=.test-output/unit.json
npx vitest run --project receiver --reporter=default --reporter=json --outputFile.json=.test-output/receiver.json
node scripts/audit-dependencies.mjs
npx wxt build
npx wxt zip -b firefox
npx vitest run --project budget --reporter=default --reporter=json --outputFile.json=.test-output/budget.json
npx vitest run --project e2e --reporter=default --reporter=json --outputFile.json=.test-output/e2e.json
npx vitest run --project browsers --reporter=default --reporter=json --outputFile.json=.test-output/browsers.json
npx vitest run --project security --reporter=default --reporter=json --outputFile.json=.test-output/security.json
node scripts/summarize-tests.mjs .test-output/unit.json .test-output/receiver.json .test-output/budget.json .test-output/e2e.json .test-output/browsers.json .test-output/security.json
