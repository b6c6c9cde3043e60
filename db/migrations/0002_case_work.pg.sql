-- 0002_case_work: what a case carries from activation to closure —
-- assessment, cooperation plan, contact notes and text templates,
-- appointments, continuation reviews, closure and integrations, transfers,
-- deputies — and the local rules of each Jobcenter.
-- Same portable types as 0001. Every table that holds case content has the
-- Jobcenter and the case, so that every query can name the tenant.
--
-- The PostgreSQL form of 0002_case_work.sqlite.sql: the same tables, columns,
-- constraints and index names. What differs, and why:
--   * INTEGER columns are BIGINT (the C code binds and reads int64), as in
--     0001; ALTER TABLE … ADD COLUMN (with REFERENCES, NOT NULL DEFAULT) works
--     the same on both.
--   * The trigger that refuses UPDATE on note_versions is a PL/pgSQL trigger
--     function raising SQLSTATE 23000 (integrity_constraint_violation): SQLite's
--     RAISE(ABORT) is a constraint error (DB_CONSTRAINT) there, too. It is FOR
--     EACH ROW like SQLite's, and, like SQLite's, refuses UPDATE only.
--   * The search keys of the clients already stored are filled by the same
--     step in C after this script (store/db.c, db_clients_fill_keys).

-- A case re-opened later is a new case linked to the one before.
ALTER TABLE cases ADD COLUMN previous_case_id TEXT REFERENCES cases (id);
-- Closure: justification where the reason needs one (no_contact, other).
ALTER TABLE cases ADD COLUMN closure_justification TEXT;
-- The continuation review that allowed the case to go on past its limit.
ALTER TABLE cases ADD COLUMN limit_justified_on TEXT;
-- The last continuation review decided to close: the closure is due.
ALTER TABLE cases ADD COLUMN closure_due BIGINT NOT NULL DEFAULT 0;
-- Failed contact attempts and missed appointments since the client was last
-- reached, and the day they were last reached.
ALTER TABLE cases ADD COLUMN failed_contacts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN last_contact_on TEXT;

-- Search keys: names folded by util/text.c (lower case, ä→ae, ö→oe, ü→ue,
-- ß→ss, other Latin marks dropped, Cyrillic lowered) for prefix search; the
-- same rules with every store. Clients already stored get theirs from a step
-- in C right after this script, in the same transaction (store/db.c).
ALTER TABLE clients ADD COLUMN last_key TEXT;
ALTER TABLE clients ADD COLUMN first_key TEXT;
CREATE INDEX clients_last_key ON clients (jobcenter_id, last_key);

-- Local rules (POLICY in the domain rules) that a Jobcenter set differently
-- from the defaults in core/deadlines.c. A missing row means the default.
CREATE TABLE jobcenter_rules (
    jobcenter_id  TEXT NOT NULL REFERENCES jobcenters (id),
    rule          TEXT NOT NULL,
    value         BIGINT NOT NULL,
    changed_by    TEXT REFERENCES users (id),
    changed_at    BIGINT NOT NULL,
    PRIMARY KEY (jobcenter_id, rule)
);

-- Assessment (Potenzialanalyse): every version kept. The capacity area
-- (health, addiction) and the sensitive notes are special categories
-- (GDPR Art. 9): flagged, shown only on an explicit, logged action.
CREATE TABLE assessments (
    id               TEXT PRIMARY KEY,
    jobcenter_id     TEXT NOT NULL REFERENCES jobcenters (id),
    case_id          TEXT NOT NULL REFERENCES cases (id),
    version          BIGINT NOT NULL CHECK (version > 0),
    profile          TEXT CHECK (profile IN ('MP', 'AP', 'FP', 'EP', 'SP', 'UP')),
    profile_derived  TEXT CHECK (profile_derived IN ('MP', 'AP', 'FP', 'EP', 'SP', 'UP')),
    sensitive_notes  TEXT,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL,
    UNIQUE (case_id, version)
);

CREATE TABLE assessment_areas (
    assessment_id  TEXT NOT NULL REFERENCES assessments (id),
    area           TEXT NOT NULL CHECK (area IN ('qualification', 'capacity', 'motivation',
                                                 'framework', 'labour_market')),
    strengths      TEXT NOT NULL DEFAULT '',
    needs          TEXT NOT NULL DEFAULT '',
    severity       TEXT NOT NULL CHECK (severity IN ('none', 'low', 'medium', 'high')),
    topics         TEXT NOT NULL DEFAULT '',
    sensitive      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (assessment_id, area)
);

-- Cooperation plan (Kooperationsplan): versions are immutable; only the
-- status of a step of the current version moves (open, done, dropped).
CREATE TABLE plans (
    id              TEXT PRIMARY KEY,
    jobcenter_id    TEXT NOT NULL REFERENCES jobcenters (id),
    case_id         TEXT NOT NULL REFERENCES cases (id),
    version         BIGINT NOT NULL CHECK (version > 0),
    is_current      BIGINT NOT NULL DEFAULT 1,
    agreed_on       TEXT NOT NULL,
    review_due      TEXT NOT NULL,
    review_outcome  TEXT CHECK (review_outcome IN ('kept', 'changed', 'mediation_requested',
                                                   'demand_issued')),
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    UNIQUE (case_id, version)
);
CREATE UNIQUE INDEX plans_current ON plans (case_id) WHERE is_current = 1;

CREATE TABLE plan_goals (
    id        TEXT PRIMARY KEY,
    plan_id   TEXT NOT NULL REFERENCES plans (id),
    position  BIGINT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('job', 'health', 'language', 'childcare', 'housing',
                                            'finances', 'other')),
    title     TEXT NOT NULL,
    UNIQUE (plan_id, position)
);

CREATE TABLE plan_steps (
    id                 TEXT PRIMARY KEY,
    jobcenter_id       TEXT NOT NULL REFERENCES jobcenters (id),
    case_id            TEXT NOT NULL REFERENCES cases (id),
    plan_id            TEXT NOT NULL REFERENCES plans (id),
    goal_id            TEXT NOT NULL REFERENCES plan_goals (id),
    position           BIGINT NOT NULL,
    title              TEXT NOT NULL,
    responsible        TEXT NOT NULL CHECK (responsible IN ('client', 'case_manager', 'partner')),
    partner            TEXT,
    due                TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    note               TEXT,
    status_changed_at  BIGINT,
    status_changed_by  TEXT REFERENCES users (id),
    UNIQUE (goal_id, position)
);
CREATE INDEX plan_steps_plan ON plan_steps (plan_id);
CREATE INDEX plan_steps_case ON plan_steps (case_id, status, due);

-- Contact notes (Gesprächsvermerke). A note is never changed in place: a
-- correction adds a version, and notes.version names the current one.
CREATE TABLE notes (
    id            TEXT PRIMARY KEY,
    jobcenter_id  TEXT NOT NULL REFERENCES jobcenters (id),
    case_id       TEXT NOT NULL REFERENCES cases (id),
    version       BIGINT NOT NULL DEFAULT 1 CHECK (version > 0),
    at            BIGINT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX notes_case ON notes (case_id, at);

CREATE TABLE note_versions (
    note_id                TEXT NOT NULL REFERENCES notes (id),
    version                BIGINT NOT NULL CHECK (version > 0),
    at                     BIGINT NOT NULL,
    channel                TEXT NOT NULL CHECK (channel IN ('in_person', 'phone', 'video',
                                                            'letter', 'email')),
    kind                   TEXT NOT NULL CHECK (kind IN ('consultation', 'contact_attempt',
                                                         'other')),
    text                   TEXT NOT NULL,
    sensitive              BIGINT NOT NULL DEFAULT 0,
    minutes_consultation   BIGINT CHECK (minutes_consultation BETWEEN 0 AND 600),
    minutes_documentation  BIGINT CHECK (minutes_documentation BETWEEN 0 AND 600),
    correction_reason      TEXT,
    created_by             TEXT NOT NULL REFERENCES users (id),
    created_at             BIGINT NOT NULL,
    PRIMARY KEY (note_id, version)
);
-- SQLite: RAISE(ABORT, …), i.e. a constraint error; here SQLSTATE 23000
-- (integrity_constraint_violation).
CREATE FUNCTION note_versions_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'note versions are never changed; a correction is a new version'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER note_versions_no_update BEFORE UPDATE ON note_versions
    FOR EACH ROW EXECUTE FUNCTION note_versions_refuse_update();

-- Text templates (Textbausteine): personal (owner_id) or shared in the
-- Jobcenter (owner_id NULL).
CREATE TABLE text_templates (
    id            TEXT PRIMARY KEY,
    jobcenter_id  TEXT NOT NULL REFERENCES jobcenters (id),
    owner_id      TEXT REFERENCES users (id),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    deleted_at    BIGINT
);
CREATE INDEX text_templates_owner ON text_templates (jobcenter_id, owner_id);

-- Appointments; attendance is recorded afterwards.
CREATE TABLE appointments (
    id             TEXT PRIMARY KEY,
    jobcenter_id   TEXT NOT NULL REFERENCES jobcenters (id),
    case_id        TEXT NOT NULL REFERENCES cases (id),
    start_at       BIGINT NOT NULL,
    minutes        BIGINT NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    channel        TEXT NOT NULL CHECK (channel IN ('in_person', 'phone', 'video')),
    topics         TEXT NOT NULL DEFAULT '',
    legal_notice   BIGINT NOT NULL DEFAULT 0,
    purpose        TEXT CHECK (purpose IN ('vocational_guidance', 'placement', 'measures',
                                           'benefit_decision', 'entitlement_check')),
    location       TEXT,
    attendance     TEXT CHECK (attendance IN ('attended', 'excused', 'missed', 'cancelled')),
    attendance_at  BIGINT,
    attendance_by  TEXT REFERENCES users (id),
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     BIGINT NOT NULL
);
CREATE INDEX appointments_case ON appointments (case_id, start_at);

-- Continuation reviews (Fortführungsprüfung).
CREATE TABLE case_reviews (
    id               TEXT PRIMARY KEY,
    jobcenter_id     TEXT NOT NULL REFERENCES jobcenters (id),
    case_id          TEXT NOT NULL REFERENCES cases (id),
    review_date      TEXT NOT NULL,
    decision         TEXT NOT NULL CHECK (decision IN ('continue', 'close')),
    justification    TEXT NOT NULL,
    beyond_limit     BIGINT NOT NULL DEFAULT 0,
    next_review_due  TEXT,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL
);
CREATE INDEX case_reviews_case ON case_reviews (case_id, review_date);

-- Integrations into work, for the integration rate.
CREATE TABLE integrations (
    id               TEXT PRIMARY KEY,
    jobcenter_id     TEXT NOT NULL REFERENCES jobcenters (id),
    case_id          TEXT NOT NULL REFERENCES cases (id),
    client_id        TEXT NOT NULL REFERENCES clients (id),
    start_date       TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('employment', 'apprenticeship',
                                                   'self_employment')),
    subsidy          TEXT NOT NULL DEFAULT 'none' CHECK (subsidy IN ('none',
                         'integration_subsidy', 'start_up_grant', 'sgb2_16e', 'sgb2_16i')),
    aftercare_until  TEXT,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL
);
CREATE INDEX integrations_case ON integrations (case_id);
CREATE INDEX integrations_date ON integrations (jobcenter_id, start_date);

-- Transfers of a case between case managers (by a team lead).
CREATE TABLE case_transfers (
    id               TEXT PRIMARY KEY,
    jobcenter_id     TEXT NOT NULL REFERENCES jobcenters (id),
    case_id          TEXT NOT NULL REFERENCES cases (id),
    from_user_id     TEXT REFERENCES users (id),
    to_user_id       TEXT NOT NULL REFERENCES users (id),
    reason           TEXT NOT NULL,
    override_reason  TEXT,
    created_by       TEXT NOT NULL REFERENCES users (id),
    created_at       BIGINT NOT NULL
);
CREATE INDEX case_transfers_case ON case_transfers (case_id, created_at);

-- Deputies (Vertretung): DEPUTY_ID sees USER_ID's cases from FROM_DATE to
-- UNTIL_DATE (calendar dates, both included).
CREATE TABLE deputies (
    id            TEXT PRIMARY KEY,
    jobcenter_id  TEXT NOT NULL REFERENCES jobcenters (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    deputy_id     TEXT NOT NULL REFERENCES users (id),
    from_date     TEXT NOT NULL,
    until_date    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    CHECK (from_date <= until_date),
    CHECK (user_id <> deputy_id)
);
CREATE INDEX deputies_deputy ON deputies (jobcenter_id, deputy_id, until_date);
CREATE INDEX deputies_user ON deputies (jobcenter_id, user_id, until_date);
