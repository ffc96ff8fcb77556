-- wrk script: POST the JSON body read from the file named by the first script argument, and
-- print one machine-readable summary line at the end.
--   wrk -t2 -c16 -d10s --latency -s post.lua http://127.0.0.1:PORT/v2/models/mlp/infer -- body.json

local request_bytes

function init(args)
  local path = args[1]
  if path == nil then
    error("usage: wrk ... -s post.lua URL -- <body.json>")
  end
  local file = assert(io.open(path, "rb"))
  local body = file:read("*a")
  file:close()
  request_bytes = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function request()
  return request_bytes
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d non2xx=%d"
      .. " connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, e.status,
    e.connect, e.read, e.write, e.timeout))
end
