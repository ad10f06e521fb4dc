-- wrk script of the consentproxy benchmark: replays the generated hit mix.
--
-- wrk -t2 -c64 -d10s -s mix.lua URL -- DATA.lua
--
-- Visitor v (one per address in the data) always sends template
-- (v mod #templates): its user agent, cookies, page and events. Thread k of n
-- walks the visitors k, k+n, k+2n, … so the threads never share a hit.
-- Every thread counts what it sent and what consentproxy must forward;
-- done() prints one JSON line that the harness reads.

local head, body, ev, fwd, ips
local nt, nv
local n = 0

-- Read by done() through thread:get.
sent, events, forwarded = 0, 0, 0

function setup(thread)
  threads = threads or {}
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local d = dofile(args[1])
  head, body, ev, fwd, ips = d.head, d.body, d.ev, d.fwd, d.ips
  nt, nv = #head, #ips
  nthreads = tonumber(args[2]) or 1
end

function request()
  local v = (n * nthreads + tid) % nv
  n = n + 1
  local t = v % nt + 1
  sent = sent + 1
  events = events + ev[t]
  forwarded = forwarded + fwd[t]
  return head[t] .. ips[v + 1] .. "\r\n\r\n" .. body[t]
end

function done(summary, latency, requests)
  local s, e, f = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    e = e + t:get("events")
    f = f + t:get("forwarded")
  end
  local er = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,' ..
    '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d,' ..
    '"sent":%d,"events":%d,"forwarded":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    er.connect, er.read, er.write, er.status, er.timeout, s, e, f))
end
