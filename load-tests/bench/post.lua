-- wrk script: POST the body read from the file named by the first script argument, and print one
-- machine-readable summary line at the end. Further arguments are request headers, "Name: value";
-- they replace the default Content-Type: application/json when they name one.
--   wrk -t2 -c16 -d10s --latency -s post.lua http://127.0.0.1:PORT/v2/models/mlp/infer -- body.json
--   wrk ... -s post.lua URL -- body.bin "Content-Type: application/octet-stream" \
--       "Inference-Header-Content-Length: 104"

local request_bytes

function init(args)
  local path = args[1]
  if path == nil then
    error("usage: wrk ... -s post.lua URL -- <body file> [\"Name: value\" ...]")
  end
  local file = assert(io.open(path, "rb"))
  local body = file:read("*a")
  file:close()
  local headers = { ["Content-Type"] = "application/json" }
  for i = 2, #args do
    local name, value = string.match(args[i], "^([^:]+):%s*(.*)$")
    if name == nil then
      error("not a header, \"Name: value\": " .. args[i])
    end
    if string.lower(name) == "content-type" then
      headers["Content-Type"] = nil
    end
    headers[name] = value
  end
  request_bytes = wrk.format("POST", nil, headers, body)
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
