-- wrk: create tokens through the API, each thread writing the secrets it got to its own
-- file for the redemption run. Needs: KEY (API key), FD (Frontdoor id), OUT (folder).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  ok, other, n = 0, 0, 0
  out = io.open(os.getenv("OUT") .. "/tokens-" .. id .. ".txt", "w")
  wrk.method = "POST"
  wrk.path = "/frontdoor/" .. os.getenv("FD") .. "/certificate-request-tokens"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"name":"scale ' .. id .. "-" .. n .. '","commonName":"device-' .. id .. "-" .. n .. '.example.com","validDays":30}')
end

function response(status, headers, body)
  if status == 201 then
    ok = ok + 1
    local token = body:match('"token":"(crt_[%w]+)"')
    if token then out:write(token, "\n") end
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local ok_total, other_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    other_total = other_total + t:get("other")
  end
  io.write(string.format('{"ok":%d,"other":%d,"seconds":%.2f,"p50ms":%.1f,"p90ms":%.1f,"p99ms":%.1f,"errors":%d}\n',
    ok_total, other_total, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
