-- wrk: redeem distinct tokens (the files create-tokens.lua wrote), one CSR for all,
-- the secret in the Authorization header. Needs: FD, OUT (folder with tokens-N.txt and csr.json).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  ok, used, other = 0, 0, 0
  tokens = {}
  for line in io.lines(os.getenv("OUT") .. "/tokens-" .. id .. ".txt") do tokens[#tokens + 1] = line end
  local f = io.open(os.getenv("OUT") .. "/csr.json")
  body = f:read("*a")
  f:close()
  i = 0
  wrk.method = "POST"
  wrk.path = "/frontdoor/" .. os.getenv("FD") .. "/client-certificates/token"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  i = i + 1
  -- Out of tokens: a malformed secret, counted apart (the run must be sized to avoid it).
  local token = tokens[i] or "crt_exhausted"
  return wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then ok = ok + 1 elseif status == 409 then used = used + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local ok_total, used_total, other_total = 0, 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    used_total = used_total + t:get("used")
    other_total = other_total + t:get("other")
  end
  io.write(string.format('{"ok":%d,"used":%d,"other":%d,"seconds":%.2f,"p50ms":%.1f,"p90ms":%.1f,"p99ms":%.1f,"errors":%d}\n',
    ok_total, used_total, other_total, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
