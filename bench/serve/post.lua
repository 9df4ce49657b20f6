-- wrk script of bench/serve-load.sh: every request POSTs the JSON body in the file given as the
-- first script argument; each wrk thread stops after the number of responses given as the second,
-- so a run is a fixed number of requests. Non-2xx answers are counted by wrk itself.
local limit, count = 0, 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  limit = tonumber(args[2])
end

function response(status, headers, body)
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end
