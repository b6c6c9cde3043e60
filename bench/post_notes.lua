-- bench/post_notes.lua — wrk script: POST /api/v1/cases/{id}/notes, a new
-- contact note (a phone consultation) on every request, over a list of cases
-- in turn, so that no one case collects all the notes.
--
--   wrk -t2 -c16 -d10s -H 'Authorization: Bearer TOKEN' -s bench/post_notes.lua \
--       http://HOST:PORT/api/v1/cases/FIRST/notes -- AT CASE_ID...
--
-- AT is the note's time (RFC 3339, UTC): not in the future, and not before
-- the start of any of the cases (bench/run.sh takes a minute ago and fm1's
-- active cases that started before). Each thread starts at another case.

local next_thread = 0

function setup(thread)
  thread:set("thread_no", next_thread)   -- a global in that thread's Lua state
  next_thread = next_thread + 1
end

function init(args)
  at = args[1]
  cases = {}
  for i = 2, #args do cases[#cases + 1] = args[i] end
  counter = (thread_no or 0) * 7
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  body = string.format(
    '{"at":"%s","channel":"phone","kind":"consultation",' ..
    '"text":"Telefonat: Stand der Bewerbungen besprochen, naechster Termin vereinbart.",' ..
    '"minutes_consultation":15,"minutes_documentation":5}', at)
end

function request()
  counter = counter + 1
  local id = cases[(counter % #cases) + 1]
  return wrk.format(nil, "/api/v1/cases/" .. id .. "/notes", nil, body)
end
