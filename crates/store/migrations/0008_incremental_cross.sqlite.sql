-- National scale (issue #12): the cross-report rules kept up to date incrementally.
-- Keep in step with 0008_incremental_cross.postgres.sql.
--
-- The per-cell table goes: it was two thirds of the database and of the time to store a
-- report, and only the cross-year rules read it (every cell stays in reports.report, and
-- the exports give them as tables). What those rules need is one small record per report.
DROP INDEX cells_row;
DROP INDEX cells_report;
DROP TABLE cells;
CREATE TABLE year_facts (
    report_id INTEGER PRIMARY KEY,
    facts     TEXT NOT NULL               -- JSON of gongkai_model::year_facts::YearFacts
);
-- Filled for reports stored before this migration when the store is opened for writing.

-- Which reports the cross-report state has taken in: NULL never (or its reading was
-- replaced), else whether it was current then. A report whose value differs from
-- is_current is what the next cross-report step must take in (new, no longer current,
-- read from another source, moved to another agency); the partial index finds them
-- without a scan.
ALTER TABLE reports ADD COLUMN cross_seen BOOLEAN;
CREATE INDEX reports_cross_pending ON reports (id) WHERE cross_seen IS DISTINCT FROM is_current;

-- Copied text (Y003), kept between steps:
-- the distinct texts (sections of one kind with the same shingle set) of the current
-- reports; a section's text; which texts each text is largely found in; the LSH band
-- index of the texts' signatures in pages of sorted (band key, text id) pairs; and the
-- snapshot of the stock-phrase statistics every step judges against.
CREATE TABLE cross_texts (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    content   BIGINT NOT NULL,            -- hash of the kind and the shingle set
    signature BLOB                        -- MinHash signature; NULL: not indexed
);
CREATE INDEX cross_texts_content ON cross_texts (content);
-- A section's text is kept beside it, not in it: a section row carries its body, and
-- giving 200,000 of them a text would rewrite them all.
CREATE TABLE section_texts (
    section_id BIGINT PRIMARY KEY,
    text_id    BIGINT NOT NULL
);
CREATE INDEX section_texts_text ON section_texts (text_id);
CREATE TABLE cross_edges (
    text_id     BIGINT NOT NULL,
    source_id   BIGINT NOT NULL,
    containment DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (text_id, source_id)
);
CREATE INDEX cross_edges_source ON cross_edges (source_id);
CREATE TABLE cross_bands (
    page    INTEGER PRIMARY KEY,          -- the band key's top 16 bits
    entries BLOB NOT NULL                 -- (key u64, text id u64) little-endian, sorted
);
-- Texts whose members changed outside a cross-report step (a report read again from
-- another source loses its sections): the next step takes them in.
CREATE TABLE cross_touched (
    text_id BIGINT NOT NULL
);
CREATE TABLE cross_stock (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    agencies    BIGINT NOT NULL,          -- agencies counted
    threshold   INTEGER NOT NULL,         -- agencies from which a phrase is stock
    computed_at BIGINT NOT NULL,          -- Unix seconds
    sketch      BLOB NOT NULL             -- count-min sketch of agencies per shingle
);
-- Which reports' findings name a report as the one compared with: a step that takes a
-- report in re-checks them.
CREATE INDEX findings_other ON findings (other_report_id) WHERE other_report_id IS NOT NULL;
