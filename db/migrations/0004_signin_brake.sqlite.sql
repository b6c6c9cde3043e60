-- 0004_signin_brake: the guessing brake of sign-in (core/auth.c) in the
-- store, so that every server of one store counts the same attempts, and an
-- index for deleting expired sessions and API tokens (core/jobs.c).
--
-- No user name and no address is stored. A counter is found by a keyed
-- BLAKE2b digest (16 bytes) of its kind ("user" or "addr") and the user name
-- or the address (IPv6 per /64). The key is one random row of its own,
-- made by the first server that needs it, so that all servers of one store
-- compute the same digests; without it a digest names nobody, and nobody
-- can pick names whose digests collide with someone else's counter.
-- docs/operations.md says what this protects and what it does not.
CREATE TABLE signin_brake_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    secret      BLOB NOT NULL CHECK (length(secret) = 32),
    created_at  INTEGER NOT NULL
);

-- One counter per user name and per address, for one window of
-- session.login_window_seconds from window_start (microseconds). ATTEMPTS
-- counts the failed attempts of the window and those still being checked
-- (IN_FLIGHT of them): an attempt is counted when it starts, so that
-- parallel guesses cannot slip past the limit. A row whose window has ended
-- means nothing any more; the job loop deletes such rows.
CREATE TABLE signin_brake (
    digest        BLOB PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    attempts      INTEGER NOT NULL CHECK (attempts >= 0),
    in_flight     INTEGER NOT NULL CHECK (in_flight >= 0)
);
CREATE INDEX signin_brake_window ON signin_brake (window_start);

CREATE INDEX tokens_expires ON tokens (expires_at);
