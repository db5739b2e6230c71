-- wrk script for Matrix Synapse: every request sends an `m.room.message` into one room
-- (`PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`, a fresh transaction id
-- each time, as clients do). The URL given to wrk is the room's `send/m.room.message` path;
-- BENCH_TOKEN is the user's access token. Prints the same BENCH line as post.lua.

local counter = 0

function setup(thread)
  counter = counter + 1
  -- Transaction ids are unique per access token: a run id (the clock) keeps runs apart.
  thread:set("prefix", "r" .. os.time() .. "t" .. counter .. "-")
end

function init(args)
  base = wrk.path
  n = 0
end

wrk.method = "PUT"
wrk.body = '{"msgtype":"m.text","body":"Hello from wrk: a benchmark post of a typical length, with a few words."}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "")

function request()
  n = n + 1
  return wrk.format(nil, base .. "/" .. prefix .. n)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d non2xx=%d socket_errors=%d seconds=%.3f p50_ms=%.3f p99_ms=%.3f\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
