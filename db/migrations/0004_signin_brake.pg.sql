-- 0004_signin_brake: the guessing brake of sign-in (core/auth.c) in the
-- store, so that every server of one store counts the same attempts, and an
-- index for deleting expired sessions and API tokens (core/jobs.c).
--
-- The PostgreSQL form of 0004_signin_brake.sqlite.sql: the same tables,
-- constraints and index names; INTEGER is BIGINT, BLOB is BYTEA (and its
-- length octet_length). Comments on the columns are in the SQLite form.
CREATE TABLE signin_brake_key (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    secret      BYTEA NOT NULL CHECK (octet_length(secret) = 32),
    created_at  BIGINT NOT NULL
);

CREATE TABLE signin_brake (
    digest        BYTEA PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    attempts      BIGINT NOT NULL CHECK (attempts >= 0),
    in_flight     BIGINT NOT NULL CHECK (in_flight >= 0)
);
CREATE INDEX signin_brake_window ON signin_brake (window_start);

CREATE INDEX tokens_expires ON tokens (expires_at);
