-- 0001_init: tenants, staff, sign-in, clients, cases and the audit chain.
-- Portable types: ids TEXT, calendar dates TEXT 'YYYY-MM-DD', instants
-- INTEGER microseconds since 1970 UTC, booleans INTEGER 0/1.

CREATE TABLE jobcenters (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE teams (
    id            TEXT PRIMARY KEY,
    jobcenter_id  TEXT NOT NULL REFERENCES jobcenters (id),
    name          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
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
    roles          INTEGER NOT NULL CHECK (roles > 0 AND roles < 64),
    fte_milli      INTEGER NOT NULL DEFAULT 1000 CHECK (fte_milli BETWEEN 0 AND 1000),
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);
CREATE INDEX users_team ON users (jobcenter_id, team_id);

-- API tokens (kind 1) and browser sessions (kind 2), stored only as the
-- BLAKE2b digest of the secret.
CREATE TABLE tokens (
    digest        BLOB PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    kind          INTEGER NOT NULL CHECK (kind IN (1, 2)),
    csrf          TEXT,
    language      TEXT,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
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
    created_at       INTEGER NOT NULL,
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
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
-- at most one open case per client (domain rule, enforced by the store too)
CREATE UNIQUE INDEX cases_one_open ON cases (jobcenter_id, client_id) WHERE status <> 'closed';
CREATE INDEX cases_manager ON cases (jobcenter_id, case_manager_id, status);
CREATE INDEX cases_client ON cases (client_id);
CREATE INDEX cases_referrer ON cases (jobcenter_id, referred_by);

-- The audit chain, in its own file (schema audit_log, PATH-audit) so that its
-- constant commits do not invalidate the readers' cache of case data.
-- Append-only: each entry's hash is BLAKE2b-256 over its content and the
-- previous entry's hash (core/audit.c).
CREATE TABLE audit_log.audit (
    seq           INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
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
    hash          BLOB NOT NULL
);
CREATE INDEX audit_log.audit_case ON audit (case_id);
CREATE INDEX audit_log.audit_actor ON audit (actor_id, at);
CREATE INDEX audit_log.audit_client ON audit (client_id);

CREATE TRIGGER audit_log.audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_log.audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
