-- wrk script of bench/serve-load.sh: every request POSTs the JSON body in the file given as the
-- first script argument; a thread stops sending after the number of responses given as the second
-- (wrk still reports over its whole -d duration, so the script gives a number larger than a run needs).
-- Non-2xx answers are counted by wrk itself.
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
