/* os-store-private.h: what OsRecordList needs of the store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_STORE_RECORD_COLUMNS \
  "r.local_id, r.id, r.code, r.procedure_id, r.procedure_code, r.procedure_name, r.field, " \
  "r.time_unit, r.time_amount, r.cutoff_minutes, r.applicant_name, r.id_number, r.birth_date, " \
  "r.phone, r.email, r.address, r.sets, r.delivery, r.channel, r.notes, r.officer, r.reason, " \
  "r.book_volume, r.book_number, r.status, r.received_at, r.due_at, r.finished_at, r.returned_at"

sqlite3  *os_store_get_db              (OsStore      *self);
OsRecord *os_store_record_from_stmt    (sqlite3_stmt *stmt);
gboolean  os_store_set_sqlite_error    (OsStore      *self,
                                        int           rc,
                                        GError      **error);
/* Fills @error from the last SQLite error of @db; always returns FALSE. */
gboolean  os_store_fail                (sqlite3      *db,
                                        int           rc,
                                        GError      **error);

/* Sync: what os-sync-engine needs of the store. ---------------------------------- */

#include <json-glib/json-glib.h>

/* A pending outbox row, as pushed. */
typedef struct
{
  gint64  seq;
  char   *id;
  char   *record_id;
  char   *kind;
  char   *payload;        /* the JSON text as stored (its hash is payload_hash) */
  char   *payload_hash;
  gint64  base_version;
  gint64  created_at;
} OsOutboxEntry;

void       os_outbox_entry_free       (OsOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsOutboxEntry, os_outbox_entry_free)

/* Up to @max pending entries, oldest first, skipping those behind a quarantined entry of
 * their record and every record whose id is in @held_back (a set of record ids, may be
 * NULL). */
GPtrArray *os_store_next_push_batch   (OsStore       *self,
                                       guint          max,
                                       GHashTable    *held_back,
                                       GError       **error);

typedef enum
{
  OS_PUSH_APPLIED,
  OS_PUSH_DUPLICATE,
  OS_PUSH_REFUSED,     /* final: to the quarantine */
  OS_PUSH_RETRY,       /* retryable: stays pending */
} OsPushStatus;

typedef struct
{
  const char   *id;
  const char   *record_id;
  OsPushStatus  status;
  gint64        version;
  const char   *error_code;
  const char   *error_message;
} OsPushResult;

/* Saves the server's answers to one push in one transaction: applied and duplicate
 * entries leave the outbox (the record takes the server's version and, with nothing left
 * to send, is synced); refused ones go to the quarantine. */
gboolean   os_store_save_push_results (OsStore             *self,
                                       const OsPushResult  *results,
                                       guint                n_results,
                                       gint64               now,
                                       GError             **error);

/* An entry at the head of its record's line (nothing of the record before it in the
 * outbox) that got `out_of_order` this many times is quarantined with a local reason. */
#define OS_STORE_MAX_OUT_OF_ORDER 5

/* Quarantines one pending entry for a reason found on the desk (its file is damaged…):
 * @code is a local error code ("blob_corrupt"), @message a sentence for the officer. */
gboolean   os_store_quarantine_entry  (OsStore       *self,
                                       const char    *mutation_id,
                                       const char    *code,
                                       const char    *message,
                                       GError       **error);
/* Changes of the feed kept because the desk could not apply them yet. */
gint64     os_store_count_parked      (OsStore       *self);
/* Tries the parked changes again (done after each page pulled and each discard or
 * resend); *n_applied gets how many went in. */
gboolean   os_store_retry_parked      (OsStore       *self,
                                       guint         *n_applied,
                                       GError       **error);

/* A block the server leased to this desk client. */
gboolean   os_store_add_code_block    (OsStore       *self,
                                       const char    *agency,
                                       const char    *day,     /* YYYY-MM-DD */
                                       gint64         first,
                                       gint64         last,
                                       GError       **error);

/* The change feed's cursor ("" at the beginning). */
char      *os_store_dup_sync_cursor   (OsStore       *self);
/* Applies one page of the change feed (an array of the API's Change objects) and saves
 * @next_cursor in the same transaction. A page that does not follow the API changes
 * nothing (OS_ERROR_PROTOCOL). Attachment changes become attachment rows of the records
 * this desk keeps (their files are fetched on demand, os_sync_engine_fetch_blob_async());
 * one the officer removed here, with the removal still waiting, is not brought back.
 * *n_records_changed: records and attachments inserted, updated or removed. */
gboolean   os_store_apply_changes     (OsStore       *self,
                                       JsonArray     *changes,
                                       const char    *next_cursor,
                                       guint         *n_records_changed,
                                       GError       **error);
/* Replaces the procedure catalogue with the server's (a ProcedureCatalogue object) and
 * keeps its ETag, in one transaction. */
gboolean   os_store_apply_catalogue   (OsStore       *self,
                                       JsonNode      *catalogue,
                                       const char    *etag,
                                       GError       **error);

/* Shared by os-store.c and os-store-process.c (issue 5). ---------------------------- */

#include "os-process-engine.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* The columns os_store_read_records() reads: OS_STORE_RECORD_COLUMNS then r.process. */
#define OS_STORE_RECORD_SELECT "SELECT " OS_STORE_RECORD_COLUMNS ", r.process FROM records r "

/* Statements and transactions: see os-store.c. */
gboolean      os_store_exec               (OsStore       *self,
                                           const char    *sql,
                                           GError       **error);
void          os_store_rollback           (OsStore       *self);
/* A new statement, to be finalized by the caller. */
sqlite3_stmt *os_store_prepare            (OsStore       *self,
                                           const char    *sql,
                                           GError       **error);
/* A statement kept for the life of the store (@sql a string constant), reset. */
sqlite3_stmt *os_store_cached             (OsStore       *self,
                                           const char    *sql,
                                           GError       **error);
void          os_store_bind_text          (sqlite3_stmt  *stmt,
                                           int            index,
                                           const char    *text);
/* Steps @stmt, which returns no rows. */
gboolean      os_store_step_done          (OsStore       *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
/* Steps @stmt, which returns at most one row: *found says whether it did (the caller
 * reads it, then resets @stmt). FALSE, @stmt reset, when SQLite fails. */
gboolean      os_store_step_row           (OsStore       *self,
                                           sqlite3_stmt  *stmt,
                                           gboolean      *found,
                                           GError       **error);
/* Runs the cached statement @sql, which returns no rows, with ?1 (and ?2) bound. */
gboolean      os_store_run_int            (OsStore       *self,
                                           const char    *sql,
                                           gint64         value,
                                           GError       **error);
gboolean      os_store_run_text           (OsStore       *self,
                                           const char    *sql,
                                           const char    *value,
                                           GError       **error);
gboolean      os_store_run_text_int       (OsStore       *self,
                                           const char    *sql,
                                           const char    *text,
                                           gint64         value,
                                           GError       **error);
/* The records of @stmt (OS_STORE_RECORD_SELECT …), stepped to its end, with their process
 * state and, with @documents, their documents. */
GPtrArray    *os_store_read_records       (OsStore       *self,
                                           sqlite3_stmt  *stmt,
                                           gboolean       documents,
                                           GError       **error);
/* In the caller's transaction: the record with its documents and process state. */
OsRecord     *os_store_load_record_in_tx  (OsStore       *self,
                                           gint64         local_id,
                                           GError       **error);

/* What the records row of a record id says of where it stands. */
typedef struct
{
  gint64  local_id;        /* 0: no such record on this desk */
  gint64  version;
  gint64  server_version;
  char   *agency;
  char   *unit_id;
  char   *code;
} OsRecordRow;

void          os_record_row_clear         (OsRecordRow   *row);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OsRecordRow, os_record_row_clear)
/* Fills @row from the records row of @record_id (row->local_id 0 when there is none);
 * FALSE only when SQLite fails. */
gboolean      os_store_find_record_row    (OsStore       *self,
                                           const char    *record_id,
                                           OsRecordRow   *row,
                                           GError       **error);
/* The server's copy of @record_id held while the desk had changes waiting: *data (NULL
 * when none is held) with its version and unit. */
gboolean      os_store_read_held_copy     (OsStore       *self,
                                           const char    *record_id,
                                           gint64        *version,
                                           char         **data,
                                           char         **unit_id,
                                           GError       **error);
/* A new version of the row @local_id the server has not seen (version + 1, not synced). */
gboolean      os_store_mark_record_changed (OsStore      *self,
                                           gint64         local_id,
                                           GError       **error);
/* The changeable fields, documents and search text of the row @local_id. */
gboolean      os_store_write_record_fields (OsStore      *self,
                                           gint64         local_id,
                                           OsRecord      *record,
                                           gint64         now,
                                           GError       **error);
gboolean      os_store_insert_event       (OsStore       *self,
                                           gint64         local_id,
                                           gint64         at,
                                           const char    *actor,
                                           const char    *action,
                                           OsStatus       status,
                                           const char    *note,
                                           GError       **error);
/* One outbox row (@seq 0: the next position); @before (nullable): the record's JSON
 * before an `action`. */
gboolean      os_store_insert_outbox_row  (OsStore       *self,
                                           gint64         seq,
                                           const char    *record_id,
                                           const char    *kind,
                                           const char    *payload,
                                           gint64         base_version,
                                           const char    *before,
                                           gint64         now,
                                           GError       **error);
/* The Record JSON text the outbox sends (os_record_to_json). */
char         *os_store_record_payload     (OsRecord      *record,
                                           const char    *agency,
                                           const char    *unit_id);
void          os_store_emit_changed       (OsStore       *self,
                                           gboolean       sync,
                                           gboolean       records);

/* os-store-process.c, used by os-store.c. In the caller's transaction: */
/* The process columns and record_steps of the row @local_id from @record's process
 * state (cleared when it has none). */
gboolean      os_store_write_process      (OsStore       *self,
                                           gint64         local_id,
                                           OsRecord      *record,
                                           GError       **error);
/* Gives @record the process state stored as @text (records.process; "" = none). */
void          os_store_record_set_process_text (OsRecord *record,
                                           const char    *text);
/* "Gửi lại" of a quarantined `action` row @mutation_id: the action and the later actions
 * of the record, re-run on the server's copy (held, or the record before the action when
 * the server refused it at that version). Refused as `stale_version` with no copy held
 * yet, it asks to sync first (OS_ERROR_NOT_FOUND) and changes nothing. */
gboolean      os_store_resend_action      (OsStore       *self,
                                           gint64         seq,
                                           const char    *mutation_id,
                                           const char    *record_id,
                                           gint64         now,
                                           GError       **error);
/* "Bỏ": drops it and the record's later actions; the record goes back to the server's
 * copy (held, or the record before the action). *changed is set when it did. */
gboolean      os_store_discard_action     (OsStore       *self,
                                           gint64         seq,
                                           const char    *record_id,
                                           gboolean      *changed,
                                           GError       **error);

/* The definitions feed (GET /definitions/processes: {version, processes}) stored with
 * its ETag ("processes-etag"), in one transaction; idempotent. */
gboolean      os_store_apply_processes    (OsStore       *self,
                                           JsonNode      *feed,
                                           const char    *etag,
                                           GError       **error);

G_END_DECLS
