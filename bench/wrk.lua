-- bench/load.py drives each page with wrk and this script: it counts every answer other
-- than 200 (a redirect to the login page is an error here) and prints one JSON line.
-- With WRK_PLAN naming a file of "path<TAB>cookie" lines, each request takes the next
-- line (the mixed load of many users over the main pages).
local threads = {}
local plan = nil

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_ok = 0
  local file = os.getenv("WRK_PLAN")
  if file then
    plan = {}
    for line in io.lines(file) do
      local path, cookie = line:match("^([^\t]+)\t(.*)$")
      table.insert(plan, {path = path, cookie = cookie})
    end
    turn = math.random(#plan)
  end
end

function request()
  if plan == nil then
    return wrk.format()
  end
  turn = turn % #plan + 1
  return wrk.format("GET", plan[turn].path, {Cookie = plan[turn].cookie})
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "not_ok": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, not_ok_total,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency.max))
end
