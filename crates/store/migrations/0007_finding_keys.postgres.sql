-- The identity of each finding for reviewers' decisions (gongkai_store::finding_key:
-- SHA-256 over the rule, the cells and the messages, not the place in the source), so
-- that lists can tell decided from undecided findings with a join on
-- decisions (agency_id, year, finding_key) instead of decoding every finding. Filled
-- for findings stored before this migration when the store is opened for writing.
-- And indexes that cover what the reviewers' lists filter, count and sort by, so that
-- listing 10,000 reports reads index entries, not rows (a report's later columns are
-- stored after its reading's blob, a finding's row carries its JSON).
-- Keep in step with 0007_finding_keys.sqlite.sql.
ALTER TABLE findings ADD COLUMN finding_key TEXT;
CREATE INDEX findings_key ON findings (finding_key);
CREATE INDEX findings_review ON findings (report_id, severity, code, kind, scope, finding_key);
CREATE INDEX reports_review ON reports (is_current, agency_id, year, version, reading, ingested_at);
