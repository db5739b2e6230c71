-- wrk script: every request posts a small message into one chat with a bearer token.
--
--   BENCH_TOKEN=<access token> wrk -t2 -c64 -d10s --latency -s scripts/bench/post.lua \
--       http://127.0.0.1:8080/team-messaging/v1/chats/<chatId>/posts
--
-- The body is the same for every request, so the client spends nothing building it (on two
-- shared cores the client's CPU is the server's loss). At the end it prints one line that the
-- runners read:
--   BENCH requests=<n> non2xx=<n> socket_errors=<n> seconds=<s> p50_ms=<ms> p99_ms=<ms>

wrk.method = "POST"
wrk.body = '{"text":"Hello from wrk: a benchmark post of a typical length, with a few words."}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d non2xx=%d socket_errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
