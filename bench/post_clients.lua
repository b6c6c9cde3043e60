-- bench/post_clients.lua — wrk script: POST /api/v1/clients, each request with
-- a new customer number, so that every request creates a client (201) instead
-- of meeting the duplicate check.
--
--   wrk -t2 -c16 -d10s -H 'Authorization: Bearer TOKEN' \
--       -s bench/post_clients.lua http://HOST:PORT/api/v1/clients -- RUN [LETTER]
--
-- A customer number is 3 digits, one capital letter, 6 digits. Here: "9", the
-- run number RUN (0..9, one per wrk run on the same store), the thread number,
-- then a letter and a per-thread counter. The letter is the LETTER-th of the
-- alphabet (0 = A, the default; bench/run.sh takes one that no earlier
-- benchmark on the same store used). The demo data's numbers start with "0",
-- so they never collide with these.

local next_thread = 0

function setup(thread)
  thread:set("thread_no", next_thread)   -- a global in that thread's Lua state
  next_thread = next_thread + 1
end

function init(args)
  run = tonumber(args[1] or "0") % 10
  letter0 = tonumber(args[2] or "0") % 26
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local letter = string.char(65 + (letter0 + math.floor(counter / 1000000)) % 26)
  local number = string.format("9%d%d%s%06d", run, (thread_no or 0) % 10, letter,
                               counter % 1000000)
  local body = string.format(
    '{"customer_number":"%s","first_name":"Berta","last_name":"Benchmark",' ..
    '"birth_date":"1980-05-05",' ..
    '"address":{"street":"Teststrasse 1","postcode":"12345","city":"Kiel"}}',
    number)
  return wrk.format(nil, nil, nil, body)
end
