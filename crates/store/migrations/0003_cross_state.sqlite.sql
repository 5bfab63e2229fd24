-- Whether the cross-report findings (scope 'corpus') belong to the reports now stored.
-- `changes` goes up in the transaction of every change to the reports and when a
-- cross-report step starts; the transaction that replaces the findings records the value
-- the step started from in `computed`. The findings are stale while computed < changes:
-- after a process killed in between, and after reports written by another process while
-- a step was running. Keep in step with 0003_cross_state.postgres.sql.
CREATE TABLE cross_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),  -- one row
    changes     BIGINT NOT NULL,
    computed    BIGINT NOT NULL,
    marked_at   BIGINT,                  -- Unix seconds: when `changes` last went up
    computed_at BIGINT                   -- Unix seconds: when the findings were last replaced
);
-- A database made before this table may hold reports whose cross-report step never
-- finished, and nothing says whether it did: stale if it holds any report.
INSERT INTO cross_state (id, changes, computed)
SELECT 1, 1, CASE WHEN EXISTS (SELECT 1 FROM reports) THEN 0 ELSE 1 END;
