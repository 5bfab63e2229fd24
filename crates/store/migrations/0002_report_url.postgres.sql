-- The report's source URL (a crawl's metadata: `--manifest`), NULL when unknown.
-- Keep in step with 0002_report_url.sqlite.sql.
ALTER TABLE reports ADD COLUMN url TEXT;
