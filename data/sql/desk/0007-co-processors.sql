-- Desk database, version 7: co-processors see the records they work on in their inbox.
-- records.co_processors holds the state's co-processors as ",a,b," ("" = none), written with
-- the rest of the process columns (os_store_write_process).
ALTER TABLE records ADD COLUMN co_processors TEXT NOT NULL DEFAULT '';

UPDATE records
   SET co_processors = COALESCE ((SELECT ',' || group_concat (value, ',') || ','
                                    FROM json_each (records.process, '$.co_processors')), '')
 WHERE process <> '' AND json_valid (process);
