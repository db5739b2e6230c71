# Shared by the benchmark scripts (scripts/bench-posts, scripts/bench-synapse,
# scripts/bench/profile): start an openglip server on a fresh data folder, give it a user, an
# app, an access token and a team, run wrk against it, and read what the server spent from
# /proc. Source it; it defines functions and needs bash, curl, jq and wrk.
#
# The figures it reads are the server's own:
# - CPU: utime + stime of the server process (all its threads) from /proc/<pid>/stat, before and
#   after a run, divided by the run's 2xx answers: CPU per durable post. Clock ticks are 10 ms,
#   so a run needs a few seconds for the figure to mean anything.
# - Memory: VmHWM, the peak resident set, reset before each run (`5` into /proc/<pid>/clear_refs).
# - Group commit: the store writer's batches and jobs from /metrics, before and after, so each
#   run reports how many posts one commit carried on average.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BENCH_PASSWORD="bench-password-1"

bench_need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "needs $tool" >&2
      exit 2
    }
  done
}

# og_start BIN DATA [WRAPPER...]: provisions DATA (if new) and starts `BIN serve` on a free
# loopback port, rate limits off, logs at info (one access-log line per request, as served) into
# DATA/server.log. Sets OG_PID, OG_BASE, OG_URL (the team's posts) and OG_TOKEN. A WRAPPER
# (e.g. `valgrind --tool=callgrind`) runs the server under it.
og_start() {
  local bin="$1" data="$2"
  shift 2
  mkdir -p "$data"
  if [ ! -f "$data/bench-app.json" ]; then
    "$bin" admin account create --name "Bench Inc" --admin-email admin@bench.test \
      --admin-password "$BENCH_PASSWORD" --data-dir "$data" >"$data/bench-account.json"
    local account
    account="$(jq -r .accountId "$data/bench-account.json")"
    "$bin" admin app create --account-id "$account" --name bench --grant password \
      --permission TeamMessaging --data-dir "$data" >"$data/bench-app.json"
  fi
  : >"$data/server.out"
  RUST_LOG="${BENCH_RUST_LOG:-info}" "$@" "$bin" serve --listen 127.0.0.1:0 --rate-limits off \
    --data-dir "$data" >"$data/server.out" 2>"$data/server.log" &
  OG_PID=$!
  local i line=""
  for i in $(seq 1 1200); do
    line="$(grep -m1 '^openglip listening on ' "$data/server.out" || true)"
    [ -n "$line" ] && break
    kill -0 "$OG_PID" 2>/dev/null || {
      echo "the server exited; see $data/server.log" >&2
      return 1
    }
    sleep 0.1
  done
  [ -n "$line" ] || {
    echo "the server did not start" >&2
    return 1
  }
  OG_BASE="${line#openglip listening on }"
  local cid secret
  cid="$(jq -r .clientId "$data/bench-app.json")"
  secret="$(jq -r .clientSecret "$data/bench-app.json")"
  OG_TOKEN="$(curl -sf -u "$cid:$secret" "$OG_BASE/restapi/oauth/token" \
    -d grant_type=password -d username=admin@bench.test -d "password=$BENCH_PASSWORD" |
    jq -r .access_token)"
  local chat
  chat="$(curl -sf -H "Authorization: Bearer $OG_TOKEN" -H 'Content-Type: application/json' \
    "$OG_BASE/team-messaging/v1/teams" -d '{"name":"Bench","public":true}' | jq -r .id)"
  OG_URL="$OG_BASE/team-messaging/v1/chats/$chat/posts"
}

# og_stop: stops the server og_start started (SIGTERM, then waits).
og_stop() {
  [ -n "${OG_PID:-}" ] || return 0
  kill "$OG_PID" 2>/dev/null || true
  wait "$OG_PID" 2>/dev/null || true
  OG_PID=""
}

# proc_cpu_ticks PID: utime + stime of the process, in clock ticks.
proc_cpu_ticks() {
  # Fields after the command name (which is in parentheses and may hold spaces): utime is the
  # 12th, stime the 13th.
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# proc_peak_reset PID / proc_peak_kib PID: the peak resident set since the last reset.
proc_peak_reset() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
proc_peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# og_writer BASE: "batches jobs" of the store's writer, from /metrics.
og_writer() {
  curl -sf "$1/metrics" | awk '
    /^openglip_db_writer_batches_total / {b = $2}
    /^openglip_db_writer_jobs_total / {j = $2}
    END {print b + 0, j + 0}'
}

# bench_wrk PID URL TOKEN CONNECTIONS DURATION [LUA] [BASE]: runs wrk and prints one line of
# key=value pairs: rate, p50_ms, p99_ms, ok (2xx), errors, cpu_us_per_post, peak_mib and, with
# BASE (an openglip server), posts_per_commit.
bench_wrk() {
  local pid="$1" url="$2" token="$3" conns="$4" dur="$5" lua="${6:-$BENCH_DIR/post.lua}"
  local base="${7:-}"
  local threads=2 hz before after out wb="" wa=""
  [ "$conns" -lt 2 ] && threads=1
  hz="$(getconf CLK_TCK)"
  proc_peak_reset "$pid"
  [ -n "$base" ] && wb="$(og_writer "$base")"
  before="$(proc_cpu_ticks "$pid")"
  out="$(BENCH_TOKEN="$token" wrk -t"$threads" -c"$conns" -d"$dur" --timeout 10s --latency \
    -s "$lua" "$url" | grep '^BENCH ')"
  after="$(proc_cpu_ticks "$pid")"
  [ -n "$base" ] && wa="$(og_writer "$base")"
  local peak
  peak="$(proc_peak_kib "$pid")"
  # shellcheck disable=SC2086
  local requests non2xx socket_errors seconds p50_ms p99_ms
  eval "$(echo "${out#BENCH }" | tr ' ' '\n' | sed -n 's/^\([a-z0-9_]*\)=\([0-9.]*\)$/\1=\2/p')"
  local ok=$((requests - non2xx))
  awk -v ok="$ok" -v req="$requests" -v err="$((non2xx + socket_errors))" -v s="$seconds" \
    -v p50="$p50_ms" -v p99="$p99_ms" -v ticks="$((after - before))" -v hz="$hz" \
    -v peak="$peak" -v wb="$wb" -v wa="$wa" 'BEGIN {
      split(wb, b, " "); split(wa, a, " ");
      commits = a[1] - b[1]; jobs = a[2] - b[2];
      printf "rate=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d errors=%d cpu_us_per_post=%.1f peak_mib=%.1f",
        ok / s, p50, p99, ok, err, (ok > 0 ? ticks / hz * 1e6 / ok : 0), peak / 1024;
      if (commits > 0) printf " posts_per_commit=%.1f", jobs / commits;
      printf "\n" }'
}

# kv LINE KEY: the value of KEY in a line of key=value pairs.
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
