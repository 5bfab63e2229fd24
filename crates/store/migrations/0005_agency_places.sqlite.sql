-- Where each agency is, from the gazetteer (gongkai_gazetteer::place_agency) or a
-- mapping file: the unit's statistical code (NULL unless resolved to one unit), what
-- kind of body it is, whether the place is resolved / ambiguous / unresolved, the
-- candidates' codes (space-separated) when ambiguous, and the evidence (one line each).
-- `region` now holds the unit's path (河南省新乡市辉县市). Filled for agencies stored
-- before this migration when the store is opened for writing.
-- And when a report was published: the crawl's date (manifest column `published`) and
-- the date it was signed, read from its end; both YYYY-MM-DD or NULL.
-- Keep in step with 0005_agency_places.postgres.sql.
ALTER TABLE agencies ADD COLUMN region_code TEXT;
ALTER TABLE agencies ADD COLUMN body_kind TEXT;
ALTER TABLE agencies ADD COLUMN place_status TEXT;
ALTER TABLE agencies ADD COLUMN candidates TEXT;
ALTER TABLE agencies ADD COLUMN evidence TEXT;
CREATE INDEX agencies_region_code ON agencies (region_code);
ALTER TABLE reports ADD COLUMN published TEXT;
ALTER TABLE reports ADD COLUMN signed TEXT;
