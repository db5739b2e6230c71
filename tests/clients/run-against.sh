#!/usr/bin/env bash
# Runs both client scenarios (scenario.mjs with @ringcentral/sdk, scenario.py with PyPI
# ringcentral) against a fresh openglip: a new data dir with one account, two more users and an
# app made with `openglip admin`, the server on a free port with rate limits off, then stops it.
# (The Rust test crates/openglip/tests/api/clients.rs runs the same scenarios in the test suite.)
#   tests/clients/run-against.sh [path/to/openglip]   # default: cargo build, target/debug/openglip
# The data dir (with server.log) is kept when something fails.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${1:-}
if [ -z "$bin" ]; then
  cargo build -q -p openglip
  bin=target/debug/openglip
fi
bash tests/clients/install.sh

data=$(mktemp -d)
password='Scenario-Passw0rd'
admin() { "$bin" admin "$@" --data-dir "$data"; }
field() { python3 -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1]) or "")' "$1"; }

account=$(admin account create --name 'Scenario Inc' --admin-email admin@example.com --admin-password "$password")
account_id=$(field accountId <<<"$account")
alice=$(admin user create --account-id "$account_id" --email alice@example.com --first-name Alice \
  --last-name Adams --password "$password")
admin user create --account-id "$account_id" --email bob@example.com --first-name Bob \
  --last-name Brown --password "$password" >/dev/null
app=$(admin app create --account-id "$account_id" --name 'client scenarios' --grant password \
  --grant refresh_token --permission TeamMessaging --permission ReadAccounts)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
OPENGLIP_RATE_LIMITS=off "$bin" serve --data-dir "$data" --listen "127.0.0.1:$port" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT

export OPENGLIP_SERVER="http://127.0.0.1:$port"
export OPENGLIP_CLIENT_ID=$(field clientId <<<"$app")
export OPENGLIP_CLIENT_SECRET=$(field clientSecret <<<"$app")
export OPENGLIP_USER_EMAIL=admin@example.com OPENGLIP_USER_PASSWORD=$password
export OPENGLIP_MEMBER_EMAILS=alice@example.com,bob@example.com
export OPENGLIP_OTHER_PERSON_ID=$(field id <<<"$alice")
export OPENGLIP_MAIN_NUMBER=$(field mainNumber <<<"$account")
export OPENGLIP_USER_EXTENSION=$(field adminExtensionNumber <<<"$account")

python3 - "$OPENGLIP_SERVER/restapi/v1.0" <<'EOF'
import sys, time, urllib.request
for _ in range(120):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=5)
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(f"{sys.argv[1]} does not answer")
EOF
echo "openglip at $OPENGLIP_SERVER (data dir $data, main number $OPENGLIP_MAIN_NUMBER, extension $OPENGLIP_USER_EXTENSION)"

status=0
echo "--- JavaScript (@ringcentral/sdk)"
node tests/clients/js/scenario.mjs || status=1
echo "--- Python (ringcentral)"
python3 tests/clients/python/scenario.py || status=1

kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
trap - EXIT
if [ "$status" = 0 ]; then rm -rf "$data"; else echo "kept $data (server.log)"; fi
exit "$status"
