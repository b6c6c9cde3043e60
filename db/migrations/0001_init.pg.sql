-- 0001_init: tenants, staff, sign-in, clients, cases and the audit chain.
-- Portable types: ids TEXT, calendar dates TEXT 'YYYY-MM-DD', instants
-- INTEGER microseconds since 1970 UTC, booleans INTEGER 0/1.
--
-- The PostgreSQL form of 0001_init.sqlite.sql: the same tables, columns,
-- constraints and index names, so that the same SQL of store/*.c runs on
-- both. What differs, and why:
--   * INTEGER columns are BIGINT: the C code binds and reads int64 everywhere
--     (instants in microseconds do not fit PostgreSQL's 32-bit INTEGER).
--     BLOB is BYTEA. TEXT stays TEXT.
--   * audit.seq stays a plain BIGINT PRIMARY KEY without a sequence: SQLite's
--     INTEGER PRIMARY KEY is a rowid alias, but core/audit.c always supplies
--     seq (the chain head + 1), nothing relies on SQLite numbering rows.
--   * The audit chain lives in the schema audit_log (in SQLite an attached
--     file of that name). Its indexes live in their table's schema, so they
--     are created ON audit_log.audit without a schema prefix of their own.
--     Connections set search_path = public, audit_log, so the unqualified
--     `audit` of core/audit.c resolves to audit_log.audit; every other table
--     is created unqualified, in the first schema of the search_path (public).
--   * SQLite's triggers with RAISE(ABORT, …) become PL/pgSQL trigger
--     functions. RAISE(ABORT) surfaces in SQLite as SQLITE_CONSTRAINT
--     (DB_CONSTRAINT in store.h), so the functions raise SQLSTATE 23000
--     (integrity_constraint_violation, class 23) with the same message, for the
--     backend to map to DB_CONSTRAINT alike. The triggers are FOR EACH ROW as
--     SQLite's are (an UPDATE or DELETE that matches no row is not refused).
--     PostgreSQL also has TRUNCATE, which bypasses row triggers: a statement
--     trigger audit_no_truncate refuses it too (SQLite has no TRUNCATE, and
--     its DELETE without WHERE fires the row trigger).
--   * Foreign keys are always enforced (SQLite needs PRAGMA foreign_keys=ON,
--     which store/sqlite/conn.c sets); no PRAGMA is needed here.
--   * Text comparison and ORDER BY follow the database's collation; SQLite
--     compares bytes. Create the database with LC_COLLATE 'C' (or C.UTF-8)
--     to get the same order of names and ids as with SQLite.

CREATE TABLE jobcenters (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE teams (
    id            TEXT PRIMARY KEY,
    jobcenter_id  TEXT NOT NULL REFERENCES jobcenters (id),
    name          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE (jobcenter_id, name)
);

-- roles is a bit set: 1 case_manager, 2 team_lead, 4 placement_officer,
-- 8 dpo, 16 admin, 32 analyst.
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    jobcenter_id   TEXT NOT NULL REFERENCES jobcenters (id),
    team_id        TEXT REFERENCES teams (id),
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    roles          BIGINT NOT NULL CHECK (roles > 0 AND roles < 64),
    fte_milli      BIGINT NOT NULL DEFAULT 1000 CHECK (fte_milli BETWEEN 0 AND 1000),
    active         BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL
);
CREATE INDEX users_team ON users (jobcenter_id, team_id);

-- API tokens (kind 1) and browser sessions (kind 2), stored only as the
-- BLAKE2b digest of the secret.
CREATE TABLE tokens (
    digest        BYTEA PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    kind          BIGINT NOT NULL CHECK (kind IN (1, 2)),
    csrf          TEXT,
    language      TEXT,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE clients (
    id               TEXT PRIMARY KEY,
    jobcenter_id     TEXT NOT NULL REFERENCES jobcenters (id),
    customer_number  TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    street           TEXT NOT NULL,
    postcode         TEXT NOT NULL,
    city             TEXT NOT NULL,
    phone            TEXT,
    email            TEXT,
    language         TEXT,
    created_by       TEXT REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    UNIQUE (jobcenter_id, customer_number)
);
CREATE INDEX clients_name ON clients (jobcenter_id, last_name, first_name);

CREATE TABLE cases (
    id                TEXT PRIMARY KEY,
    jobcenter_id      TEXT NOT NULL REFERENCES jobcenters (id),
    client_id         TEXT NOT NULL REFERENCES clients (id),
    case_manager_id   TEXT REFERENCES users (id),
    status            TEXT NOT NULL CHECK (status IN ('referred', 'active', 'closed')),
    referral_source   TEXT NOT NULL CHECK (referral_source IN ('placement', 'self')),
    referral_date     TEXT NOT NULL,
    referral_reason   TEXT NOT NULL,
    referred_by       TEXT REFERENCES users (id),
    consent_date      TEXT,
    started_on        TEXT,
    next_review_due   TEXT,
    plan_review_due   TEXT,
    limit_date        TEXT,
    closed_on         TEXT,
    closure_reason    TEXT,
    profile           TEXT,
    override_reason   TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
-- at most one open case per client (domain rule, enforced by the store too)
CREATE UNIQUE INDEX cases_one_open ON cases (jobcenter_id, client_id) WHERE status <> 'closed';
CREATE INDEX cases_manager ON cases (jobcenter_id, case_manager_id, status);
CREATE INDEX cases_client ON cases (client_id);
CREATE INDEX cases_referrer ON cases (jobcenter_id, referred_by);

-- The audit chain, in its own schema audit_log (with SQLite a file of its
-- own, PATH-audit, so that its constant commits do not invalidate the
-- readers' cache of case data; PostgreSQL needs no such split, the schema
-- keeps the name so that the same SQL and the same grants apply).
-- Append-only: each entry's hash is BLAKE2b-256 over its content and the
-- previous entry's hash (core/audit.c).
CREATE SCHEMA IF NOT EXISTS audit_log;

CREATE TABLE audit_log.audit (
    seq           BIGINT PRIMARY KEY,  -- supplied by core/audit.c, no sequence
    at            BIGINT NOT NULL,
    actor_id      TEXT,
    jobcenter_id  TEXT,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT,
    case_id       TEXT,
    client_id     TEXT,
    purpose       TEXT NOT NULL,
    request_id    TEXT,
    detail        TEXT,
    hash          BYTEA NOT NULL
);
CREATE INDEX audit_case ON audit_log.audit (case_id);
CREATE INDEX audit_actor ON audit_log.audit (actor_id, at);
CREATE INDEX audit_client ON audit_log.audit (client_id);

-- SQLite: RAISE(ABORT, 'audit entries are append-only'), i.e. a constraint
-- error; here SQLSTATE 23000 (integrity_constraint_violation).
CREATE FUNCTION audit_log.audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log.audit
    FOR EACH ROW EXECUTE FUNCTION audit_log.audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log.audit
    FOR EACH ROW EXECUTE FUNCTION audit_log.audit_append_only();
-- PostgreSQL only: TRUNCATE skips row triggers, so refuse it as well.
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log.audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log.audit_append_only();
