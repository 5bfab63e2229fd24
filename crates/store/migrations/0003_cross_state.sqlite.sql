-- Whether the cross-report findings (scope 'corpus') belong to the reports now stored.
-- Marked stale in the transaction of every change to the reports and when the
-- cross-report step starts; cleared only in the transaction that replaces the findings.
-- A process killed in between leaves it stale, and the next command sees it.
-- Keep in step with 0003_cross_state.postgres.sql.
CREATE TABLE cross_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),  -- one row
    stale       BOOLEAN NOT NULL,
    marked_at   BIGINT,                  -- Unix seconds: when last marked stale
    computed_at BIGINT                   -- Unix seconds: when the findings were last replaced
);
-- A database made before this table may hold reports whose cross-report step never
-- finished, and nothing says whether it did: stale if it holds any report.
INSERT INTO cross_state (id, stale) SELECT 1, EXISTS (SELECT 1 FROM reports);
