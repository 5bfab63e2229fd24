-- What the choice of a report's current version rests on, so that it is the same
-- whatever order files arrive in: the reading status (whole | with_doubts | partial),
-- and a digest of the tables, so that the same tables published in two formats are one
-- report with two sources. Filled for reports stored before this migration when the
-- store is opened.
-- And why a file gave no report (gongkai_store::FailureKind), NULL for older failures.
-- Keep in step with 0003_version_choice_and_failure_kind.sqlite.sql.
ALTER TABLE reports ADD COLUMN reading TEXT;
ALTER TABLE reports ADD COLUMN tables_digest TEXT;
ALTER TABLE files ADD COLUMN failure TEXT;
CREATE INDEX reports_tables_digest ON reports (agency_id, year, tables_digest);
