-- The reviewers' workspace (gongkai serve): users with a role and a scope, login
-- sessions and API tokens (stored only as SHA-256 digests), decisions on findings,
-- the audit log of every change, and background jobs.
-- Keep in step with 0006_workspace.postgres.sql.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    role          TEXT NOT NULL,          -- gongkai_model::access::Role key
    scope         TEXT NOT NULL,          -- Scope::to_stored: everywhere | regions:4107,… | agency:12
    active        INTEGER NOT NULL,       -- 0: may not log in (users are never deleted: the audit names them)
    created_at    INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_digest TEXT PRIMARY KEY,        -- SHA-256 of the cookie's token
    user_id      INTEGER NOT NULL REFERENCES users(id),
    csrf         TEXT NOT NULL,           -- the token every form and mutating request carries
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_digest TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    label        TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    year        INTEGER NOT NULL,
    finding_key TEXT NOT NULL,            -- gongkai_server::decisions::FindingKey
    rule        TEXT NOT NULL,            -- the finding's rule code, for lists and history
    report_id   INTEGER NOT NULL,         -- the report (version) the decision was made on
    verdict     TEXT NOT NULL,            -- confirmed | dismissed
    comment     TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    decided_at  INTEGER NOT NULL
);
CREATE INDEX decisions_finding ON decisions (agency_id, year, finding_key);
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_id   INTEGER,                    -- NULL: the system (the first administrator, a job)
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,              -- e.g. user.create, decision.record, upload
    target    TEXT NOT NULL,
    before    TEXT,                       -- JSON, NULL for a creation
    after     TEXT                        -- JSON, NULL for a removal
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL,             -- queued | running | done | failed
    user_id    INTEGER REFERENCES users(id),
    payload    TEXT NOT NULL,             -- JSON
    done       INTEGER NOT NULL,
    total      INTEGER NOT NULL,
    message    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
