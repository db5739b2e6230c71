#!/usr/bin/env bash
# The browser test: walks the AI agent channel guide (steps 1-3) through openglip's pages in
# headless Chromium (Debian's `chromium`, driven by playwright-core from npm), saving a
# screenshot of every page into ci-artifacts/screenshots/. Starts its own server on a free port
# with a fresh data folder, provisions the developer with the CLI, and stops what it started.
# Without /usr/bin/chromium it says so and skips (`.ci/run` installs chromium).
set -euo pipefail
cd "$(dirname "$0")/../.."
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "SKIPPED browser test (tests/browser): $chromium not found; install it with: apt-get install chromium"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "tests/browser: npm is required (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
if ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.installed-from; then
  echo "installing playwright-core into tests/browser/node_modules"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  cp tests/browser/package-lock.json tests/browser/node_modules/.installed-from
fi
cargo build -q -p openglip
shots=${OPENGLIP_SCREENSHOTS:-ci-artifacts/screenshots}
rm -rf "$shots" && mkdir -p "$shots"
data=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bin=target/debug/openglip
"$bin" admin account create --data-dir "$data" --name "Kore Labs" --admin-email dev@kore.example \
  --admin-password 'Dev-Pa55word' --admin-first-name Dana --admin-last-name Developer >/dev/null
OPENGLIP_RATE_LIMITS=off "$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/restapi/v1.0', timeout=2)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
status=0
OPENGLIP_SERVER="http://127.0.0.1:$port" OPENGLIP_DEV_EMAIL=dev@kore.example OPENGLIP_DEV_PASSWORD='Dev-Pa55word' \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/walkthrough.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log" >&2
  tail -50 "$data/server.log" >&2
fi
exit "$status"
