-- Desk database, version 2: what the records page needs to stay fast on a million records
-- (measured with tests/bench/run-all.sh).

-- Status and due-state filters, newest first. The list orders by (received_at, local_id):
-- with (status, received_at, local_id) a status filter reads its first page straight from
-- the index instead of sorting every matching row (80,000 rows, ~170 ms, on every page), an
-- IN (…) list of statuses stops early in each status, and due_at / finished_at in the index
-- let the due-state filters and their counts run without reading the table.
-- It replaces (status, due_at): the planner preferred that one for due-state filters and
-- then sorted all the matching rows for each page.
DROP INDEX records_status_due;
CREATE INDEX records_status_received ON records (status, received_at, local_id, due_at, finished_at);

-- Prefix indexes up to 5 characters: without them typing the 4th or 5th digit of an ID
-- number ("0010", "00106") merged the posting lists of every ID number sharing that
-- prefix (up to 900,000 terms, 200 ms). The index grows by about a fifth.
CREATE VIRTUAL TABLE records_fts_v2 USING fts5 (text, prefix = '1 2 3 4 5');
INSERT INTO records_fts_v2 (rowid, text) SELECT rowid, text FROM records_fts;
DROP TABLE records_fts;
ALTER TABLE records_fts_v2 RENAME TO records_fts;
