-- gongkai corpus database, SQLite dialect. Keep in step with 0001_init.postgres.sql:
-- the same tables, columns and meanings; only types differ.

CREATE TABLE agencies (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,      -- canonical name (model::agency::canonical + mapping)
    region     TEXT NOT NULL,             -- the places the name starts with, e.g. 淮安市洪泽区
    level      TEXT NOT NULL,             -- 省 市 县 区 乡镇 街道 部门
    placement  TEXT NOT NULL              -- inferred | mapping: where region and level came from
);

CREATE TABLE reports (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER REFERENCES agencies(id),
    year           INTEGER,
    version        INTEGER NOT NULL,      -- 1, 2, … per (agency, year), or per source without one
    is_current     BOOLEAN NOT NULL,      -- the newest version
    hash           TEXT NOT NULL UNIQUE,  -- SHA-256 of the file's bytes
    source         TEXT NOT NULL,
    format         TEXT NOT NULL,
    title          TEXT,
    printed_agency TEXT,
    edition        TEXT,
    ingested_at    INTEGER NOT NULL,      -- Unix seconds
    report         BLOB NOT NULL          -- deflated JSON of gongkai_model::Report, provenance included
);
CREATE INDEX reports_agency_year ON reports (agency_id, year);
CREATE INDEX reports_current ON reports (is_current);

CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    status      TEXT NOT NULL,            -- stored | failed
    error       TEXT,
    report_id   INTEGER REFERENCES reports(id),
    ingested_at INTEGER NOT NULL,
    UNIQUE (path, hash)
);

-- The bulk tables (cells, sections, metrics) carry no foreign keys: checking one per row
-- would dominate bulk loading on PostgreSQL. The store writes and deletes them with their report.
CREATE TABLE cells (
    report_id  INTEGER NOT NULL,
    tbl        TEXT NOT NULL,             -- active_disclosure | requests | review_litigation
    row_key    TEXT NOT NULL,
    col_key    TEXT NOT NULL,
    value      INTEGER,                   -- a count; NULL when blank, an amount or invalid
    amount     TEXT,                      -- an amount such as 12.5万元
    printed    TEXT,                      -- the text as printed, when it was not a clean number
    blank      BOOLEAN NOT NULL,
    origin     TEXT NOT NULL              -- printed | inferred | not_found
    -- Where each cell was printed is in reports.report (the full provenance); repeating
    -- it here would double the size of the largest table.
);
CREATE INDEX cells_report ON cells (report_id);
CREATE INDEX cells_row ON cells (tbl, row_key);

CREATE TABLE findings (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports(id),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,        -- document | extraction
    severity        TEXT NOT NULL,
    scope           TEXT NOT NULL,        -- report | corpus (recomputed after every ingest)
    other_report_id INTEGER REFERENCES reports(id),
    message         TEXT NOT NULL,
    detail          TEXT NOT NULL         -- JSON of model::Finding (labels, notes)
);
CREATE INDEX findings_report ON findings (report_id);
CREATE INDEX findings_scope ON findings (scope);

CREATE TABLE sections (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    heading    TEXT NOT NULL,
    body       TEXT NOT NULL,
    signature  BLOB                       -- MinHash signature for copied-text; NULL when too short
);
CREATE INDEX sections_report ON sections (report_id);

-- One row per report, one column per metric (keys of gongkai_model::metrics::MetricKey,
-- checked by a test); NULL when an input is blank or a denominator is 0. Rates are fractions.
CREATE TABLE metrics (
    report_id                  INTEGER PRIMARY KEY,
    received                   DOUBLE PRECISION,
    carried_over               DOUBLE PRECISION,
    carried_forward            DOUBLE PRECISION,
    processed                  DOUBLE PRECISION,
    disclosure_rate            DOUBLE PRECISION,
    refusal_rate               DOUBLE PRECISION,
    unavailable_rate           DOUBLE PRECISION,
    review_total               DOUBLE PRECISION,
    review_corrected           DOUBLE PRECISION,
    review_concluded           DOUBLE PRECISION,
    review_correction_rate     DOUBLE PRECISION,
    litigation_total           DOUBLE PRECISION,
    litigation_corrected       DOUBLE PRECISION,
    litigation_concluded       DOUBLE PRECISION,
    litigation_correction_rate DOUBLE PRECISION
);
