#!/usr/bin/env bash
# The browser tests, in headless Chromium (Debian's `chromium`, driven by playwright-core from
# npm): the AI agent channel walkthrough (walkthrough.mjs: steps 1-3 through the console, the
# admin portal and the OAuth pages), the web client (client.mjs: two people in two browser
# contexts, live updates, a bot) and the OKR app's Glip integration (okr.mjs: the reference
# document walked against `serve --demo`). Each starts its own server on a free port with a fresh data
# folder provisioned with the CLI; screenshots go to ci-artifacts/screenshots/. Stops what it
# started. agents.mjs walks the AI agent channel guide's steps 1-4 with the agent app of
# `serve --demo` as the agent platform. Without /usr/bin/chromium it says so and skips
# (`.ci/run` installs chromium). files.mjs: files in the web client (attach, paste, drop,
# previews and the lightbox). cards.mjs: an Adaptive Card's button pressed in the web client,
# delivered signed to the bot's outbound URL and answered by the bot.
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
cargo build -q -p openglip -p smartfriend
shots=${OPENGLIP_SCREENSHOTS:-ci-artifacts/screenshots}
rm -rf "$shots" && mkdir -p "$shots"
# OPENGLIP_BIN / SMARTFRIEND_BIN: other builds (e.g. target/release/...) to test and measure.
bin=${OPENGLIP_BIN:-target/debug/openglip}
bot_bin=${SMARTFRIEND_BIN:-target/debug/smartfriend}
status=0

# Starts a server on a free port over the data folder $1; sets $port and $pid.
start_server() {
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  OPENGLIP_RATE_LIMITS=off "$bin" serve --data-dir "$1" --listen "127.0.0.1:$port" >"$1/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/restapi/v1.0', timeout=2)" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
}
pids=()
dirs=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  for d in "${dirs[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

# `run.sh client`, `run.sh walkthrough`, `run.sh okr`, `run.sh agents`, `run.sh files`,
# `run.sh teamwork`, `run.sh webhooks` or `run.sh cards` runs one of them.
only=${1:-all}

# 1. The AI agent channel walkthrough (developer console, admin portal, OAuth pages).
if [ "$only" = all ] || [ "$only" = walkthrough ]; then
data=$(mktemp -d); dirs+=("$data")
"$bin" admin account create --data-dir "$data" --name "Kore Labs" --admin-email dev@kore.example \
  --admin-password 'Dev-Pa55word' --admin-first-name Dana --admin-last-name Developer >/dev/null
start_server "$data"; pids+=("$pid")
OPENGLIP_SERVER="http://127.0.0.1:$port" OPENGLIP_DEV_EMAIL=dev@kore.example OPENGLIP_DEV_PASSWORD='Dev-Pa55word' \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/walkthrough.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi

# 2. The web client: Alice and Bob in two browser contexts, and SmartFriend (the real bot
#    binary, over the WebSocket gateway) to talk to.
if [ "$only" = all ] || [ "$only" = client ]; then
data=$(mktemp -d); dirs+=("$data")
pw='Chat-Pa55word'
account=$("$bin" admin account create --data-dir "$data" --name "Acme Rockets" --admin-email alice@acme.example \
  --admin-password "$pw" --admin-first-name Alice --admin-last-name Adams)
account_id=$(printf '%s' "$account" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])')
"$bin" admin user create --data-dir "$data" --account-id "$account_id" --email bob@acme.example \
  --first-name Bob --last-name Brown --password "$pw" >/dev/null
"$bin" admin user create --data-dir "$data" --account-id "$account_id" --email carol@acme.example \
  --first-name Carol --last-name Chen --password "$pw" >/dev/null
bot=$("$bin" admin bot create --data-dir "$data" --account-id "$account_id" --name SmartFriend)
bot_token=$(printf '%s' "$bot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
start_server "$data"; pids+=("$pid")
OPENGLIP_SERVER="http://127.0.0.1:$port" BOT_TOKEN="$bot_token" BOT_DATA_DIR="$data/bot" BOT_TRANSPORT=websocket \
  "$bot_bin" >"$data/bot.log" 2>&1 &
pids+=("$!")
OPENGLIP_SERVER="http://127.0.0.1:$port" ALICE_EMAIL=alice@acme.example BOB_EMAIL=bob@acme.example PASSWORD="$pw" \
  BOT_NAME=SmartFriend OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/client.mjs || {
    status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; echo "--- bot log" >&2; tail -20 "$data/bot.log" >&2; }
fi
# 3. The OKR app: `serve --demo` starts it on the port after the platform's, with the reference
#    document's example; okr.mjs walks the document's steps.
if [ "$only" = all ] || [ "$only" = okr ]; then
data=$(mktemp -d); dirs+=("$data")
# Two free ports in a row: the platform's, and the OKR app's after it.
port=$(python3 -c '
import socket
for _ in range(200):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
')
OPENGLIP_RATE_LIMITS=off "$bin" serve --demo --data-dir "$data" --listen "127.0.0.1:$port" >"$data/demo.out" 2>"$data/server.log" &
pids+=("$!")
for _ in $(seq 1 150); do
  grep -q 'OKR app ready' "$data/demo.out" 2>/dev/null && break
  sleep 0.2
done
grep -q 'OKR app ready' "$data/demo.out" || { status=1; echo "the demo's OKR app did not start" >&2; cat "$data/demo.out" >&2; tail -50 "$data/server.log" >&2; }
OKR_URL="http://127.0.0.1:$((port + 1))" PLATFORM_URL="http://127.0.0.1:$port" DEMO_DIR="$data" \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/okr.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi
# 4. The AI agent channel guide, steps 1-4, with the agent app of `serve --demo` (two ports after
#    the platform's, or another free one, which the demo prints) as the agent platform.
if [ "$only" = all ] || [ "$only" = agents ]; then
data=$(mktemp -d); dirs+=("$data")
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OPENGLIP_RATE_LIMITS=off "$bin" serve --demo --data-dir "$data" --listen "127.0.0.1:$port" >"$data/demo.out" 2>"$data/server.log" &
pids+=("$!")
for _ in $(seq 1 150); do
  grep -q 'openglip listening' "$data/demo.out" 2>/dev/null && break
  sleep 0.2
done
agents_url=$(sed -n 's/^Agent app: \(http[^ ]*\)\/ .*/\1/p' "$data/demo.out")
if [ -z "$agents_url" ]; then
  status=1; echo "the demo's agent app did not start" >&2; cat "$data/demo.out" >&2; tail -50 "$data/server.log" >&2
else
  PLATFORM_URL="http://127.0.0.1:$port" AGENTS_URL="$agents_url" OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
    timeout 300 node tests/browser/agents.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi
fi

# 5. Files in the web client: attach, paste, drop, previews, the lightbox (files.mjs).
if [ "$only" = all ] || [ "$only" = files ]; then
data=$(mktemp -d); dirs+=("$data")
pw='Files-Pa55word'
account=$("$bin" admin account create --data-dir "$data" --name "Acme Files" --admin-email alice@files.example \
  --admin-password "$pw" --admin-first-name Alice --admin-last-name Adams)
account_id=$(printf '%s' "$account" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])')
"$bin" admin user create --data-dir "$data" --account-id "$account_id" --email bob@files.example \
  --first-name Bob --last-name Brown --password "$pw" >/dev/null
start_server "$data"; pids+=("$pid")
OPENGLIP_SERVER="http://127.0.0.1:$port" ALICE_EMAIL=alice@files.example BOB_EMAIL=bob@files.example PASSWORD="$pw" \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/files.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi

# 6. A chat's Tasks, Notes and Events tabs: Alice and Bob in two browser contexts.
if [ "$only" = all ] || [ "$only" = teamwork ]; then
data=$(mktemp -d); dirs+=("$data")
pw='Chat-Pa55word'
account=$("$bin" admin account create --data-dir "$data" --name "Acme Rockets" --admin-email alice@acme.example \
  --admin-password "$pw" --admin-first-name Alice --admin-last-name Adams)
account_id=$(printf '%s' "$account" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])')
"$bin" admin user create --data-dir "$data" --account-id "$account_id" --email bob@acme.example \
  --first-name Bob --last-name Brown --password "$pw" >/dev/null
start_server "$data"; pids+=("$pid")
OPENGLIP_SERVER="http://127.0.0.1:$port" ALICE_EMAIL=alice@acme.example BOB_EMAIL=bob@acme.example PASSWORD="$pw" \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/teamwork.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi

# A team's incoming webhooks on its details page: made, copied, posted through, suspended, deleted.
if [ "$only" = all ] || [ "$only" = webhooks ]; then
data=$(mktemp -d); dirs+=("$data")
pw='Chat-Pa55word'
account=$("$bin" admin account create --data-dir "$data" --name "Acme Rockets" --admin-email alice@acme.example \
  --admin-password "$pw" --admin-first-name Alice --admin-last-name Adams)
account_id=$(printf '%s' "$account" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])')
"$bin" admin user create --data-dir "$data" --account-id "$account_id" --email bob@acme.example \
  --first-name Bob --last-name Brown --password "$pw" >/dev/null
start_server "$data"; pids+=("$pid")
OPENGLIP_SERVER="http://127.0.0.1:$port" ALICE_EMAIL=alice@acme.example BOB_EMAIL=bob@acme.example PASSWORD="$pw" \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/webhooks.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi

# Adaptive Card buttons: a bot's poll card answered in the web client, delivered to the bot.
if [ "$only" = all ] || [ "$only" = cards ]; then
data=$(mktemp -d); dirs+=("$data")
pw='Chat-Pa55word'
account=$("$bin" admin account create --data-dir "$data" --name "Acme Rockets" --admin-email alice@acme.example \
  --admin-password "$pw" --admin-first-name Alice --admin-last-name Adams)
account_id=$(printf '%s' "$account" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])')
"$bin" admin user create --data-dir "$data" --account-id "$account_id" --email bob@acme.example \
  --first-name Bob --last-name Brown --password "$pw" >/dev/null
bot_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bot=$("$bin" admin bot create --data-dir "$data" --account-id "$account_id" --name "Lunch Bot" \
  --interactive-url "http://127.0.0.1:$bot_port/bot/submit")
bot_token=$(printf '%s' "$bot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
bot_secret=$(printf '%s' "$bot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["interactiveSecret"])')
start_server "$data"; pids+=("$pid")
OPENGLIP_SERVER="http://127.0.0.1:$port" ALICE_EMAIL=alice@acme.example BOB_EMAIL=bob@acme.example PASSWORD="$pw" \
  BOT_TOKEN="$bot_token" BOT_SECRET="$bot_secret" BOT_PORT="$bot_port" \
  OPENGLIP_SCREENSHOTS="$shots" CHROMIUM="$chromium" \
  timeout 300 node tests/browser/cards.mjs || { status=1; echo "--- server log" >&2; tail -50 "$data/server.log" >&2; }
fi

exit "$status"
