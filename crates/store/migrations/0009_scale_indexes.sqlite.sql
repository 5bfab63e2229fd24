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
-- And what every write command asks when it opens the database, or after each ingest,
-- answered from an index instead of a pass over every report or file (at 100,000
-- reports these took 200 ms and 20 ms of each added report's time):
-- - reports stored before their reading status was kept (filled at open): none, mostly;
--   `reading` is stored after the report's blob, so without the index every blob is read;
-- - failed files not stored since (the count `ingest` prints).
CREATE INDEX reports_reading_missing ON reports (id) WHERE reading IS NULL;
CREATE INDEX files_status ON files (status, path);
-- Fills the program does once after a migration, by name; a fill deletes its row when
-- done, so that opening the database does not look for work each time.
CREATE TABLE pending_fills (
    what TEXT PRIMARY KEY
);
INSERT INTO pending_fills (what) SELECT 'year_facts' WHERE EXISTS (SELECT 1 FROM reports);
