-- The request ledger of each agency (issue #13): requests, and the records behind
-- tables 二 and 四 (cases, documents, decision counts, fees collected). Each record is
-- kept whole as JSON (gongkai_ledger's types, the one definition of what a record
-- holds); the columns beside it are what queries select and sort by, written from the
-- same record in the same statement. Keep in step with 0010_ledger.sqlite.sql.
CREATE TABLE ledger_requests (
    agency         TEXT NOT NULL,
    id             TEXT NOT NULL,
    received       TEXT NOT NULL,      -- YYYY-MM-DD, day 0
    closed         TEXT,               -- YYYY-MM-DD; NULL while open
    outcome        TEXT,               -- table 三 row key; NULL while open
    applicant_kind TEXT NOT NULL,      -- table 三 column key
    data           TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (agency, id)
);
CREATE INDEX ledger_requests_open ON ledger_requests (agency, closed, received);
CREATE TABLE ledger_records (
    agency     TEXT NOT NULL,
    kind       TEXT NOT NULL,          -- case | document | decision | fees
    id         TEXT NOT NULL,          -- a case's or document's number; YEAR:kind; YEAR
    data       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (agency, kind, id)
);
