-- 0003_worklist: the worklist's read model. One row per open case with a
-- case manager: the client's name and everything the case has due, at any
-- date, packed by core/worklist.c. The worklist of a case manager is then one
-- range of this table instead of joins over cases, clients, appointments and
-- plan steps. Rows are derived data: every write job recomputes the rows of
-- the cases it touched (core/worklist.c, worklist_sync), in the same
-- transaction; `lotse worklist check` compares them with the case data and
-- `lotse worklist rebuild` writes them afresh. The rows of the cases already
-- stored are written by a step in C right after this script.
--
-- The PostgreSQL form of 0003_worklist.sqlite.sql: the same table, primary
-- key and index. What differs: SQLite stores the table WITHOUT ROWID, i.e.
-- the rows themselves are kept in primary-key order; PostgreSQL has no such
-- table kind, so this is an ordinary table with the same PRIMARY KEY, whose
-- index serves the worklist's range (jobcenter_id, case_manager_id). Nothing
-- in the SQL depends on the difference.
CREATE TABLE worklist_cases (
    jobcenter_id     TEXT NOT NULL,
    case_manager_id  TEXT NOT NULL,
    case_id          TEXT NOT NULL REFERENCES cases (id), -- the rest follows from the case
    client_id        TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    customer_number  TEXT NOT NULL,
    -- the earliest date anything of the case is due ('0000-00-00': due
    -- whenever the worklist is read), so that a window skips the rest
    first_due        TEXT NOT NULL,
    -- one line per item: kind TAB due TAB object id TAB number TAB detail
    items            TEXT NOT NULL,
    PRIMARY KEY (jobcenter_id, case_manager_id, case_id)
);
CREATE UNIQUE INDEX worklist_cases_case ON worklist_cases (case_id);
