-- Indexes for the queries that must not read the whole corpus at national scale
-- (issue #12):
-- - an agency's history lists each report's sources (files by report_id); without an
--   index every file row is read (3 ms at 20,000 files, ~150 ms at a million);
-- - a region's coverage looks at every agency not placed in one unit (it may be in the
--   region): the partial index holds only those (the query says the same condition,
--   with the same literal, so that both backends use it).
-- Keep in step with 0009_scale_indexes.postgres.sql.
CREATE INDEX files_report ON files (report_id);
CREATE INDEX agencies_unplaced ON agencies (id)
    WHERE place_status IS NULL OR place_status <> 'resolved';
