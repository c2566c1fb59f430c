/* os-store.h: the desk's local SQLite database.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-agency.h"
#include "os-calendar.h"
#include "os-procedure.h"
#include "os-record.h"

G_BEGIN_DECLS

/* One line of a record's history. */
typedef struct
{
  gint64    at;
  char     *actor;
  char     *action;   /* "receive", "refuse", "request-supplement", … */
  OsStatus  status;
  char     *note;
} OsRecordEvent;

void os_record_event_free (OsRecordEvent *event);

#define OS_TYPE_STORE (os_store_get_type ())

G_DECLARE_FINAL_TYPE (OsStore, os_store, OS, STORE, GObject)

/* Opens (creating and upgrading as needed) the database at @path. A database written by a
 * newer version gives OS_ERROR_DATABASE_TOO_NEW, an unreadable one OS_ERROR_DATABASE_CORRUPT. */
OsStore      *os_store_open                 (const char         *path,
                                             GError            **error);
const char   *os_store_get_path             (OsStore            *self);
int           os_store_get_schema_version   (OsStore            *self);
int           os_store_get_latest_version   (void);

/* Settings */
char         *os_store_dup_setting          (OsStore            *self,
                                             const char         *key);
gboolean      os_store_set_setting          (OsStore            *self,
                                             const char         *key,
                                             const char         *value,
                                             GError            **error);
OsAgency     *os_store_dup_agency           (OsStore            *self);
gboolean      os_store_set_agency           (OsStore            *self,
                                             const OsAgency     *agency,
                                             GError            **error);
int           os_store_get_near_due_days    (OsStore            *self);
gboolean      os_store_set_near_due_days    (OsStore            *self,
                                             int                 days,
                                             GError            **error);
char         *os_store_dup_officer          (OsStore            *self);

/* Calendar: office hours and the admin's declared days. */
OsCalendar   *os_store_get_calendar         (OsStore            *self);
gboolean      os_store_set_office_hours     (OsStore            *self,
                                             int                 morning_start,
                                             int                 morning_end,
                                             int                 afternoon_start,
                                             int                 afternoon_end,
                                             GError            **error);
gboolean      os_store_declare_day          (OsStore            *self,
                                             const GDate        *date,
                                             OsCalendarEntryKind kind,
                                             const char         *label,
                                             GError            **error);
gboolean      os_store_undeclare_day        (OsStore            *self,
                                             const GDate        *date,
                                             GError            **error);
/* The instant up to which a due moment counts as near due at @now. */
gint64        os_store_near_due_at          (OsStore            *self,
                                             gint64              now);

/* Procedure catalogue, as a list model of OsProcedure in catalogue order. */
GListModel   *os_store_get_procedures       (OsStore            *self);
OsProcedure  *os_store_find_procedure       (OsStore            *self,
                                             const char         *id);
gboolean      os_store_add_procedure        (OsStore            *self,
                                             OsProcedure        *procedure,
                                             const char         *result,
                                             GError            **error);

/* Records */
gboolean      os_store_receive              (OsStore            *self,
                                             OsRecord           *record,
                                             gint64              now,
                                             GError            **error);
OsRecord     *os_store_load_record          (OsStore            *self,
                                             gint64              local_id,
                                             GError            **error);
OsRecord     *os_store_find_record_by_code  (OsStore            *self,
                                             const char         *code,
                                             GError            **error);
GPtrArray    *os_store_list_events          (OsStore            *self,
                                             gint64              local_id,
                                             GError            **error);
gint64        os_store_count_records        (OsStore            *self);
gint64        os_store_count_outbox         (OsStore            *self);
/* Inserts records that already carry their code, status and instants (demo data, the
 * benchmark generator) in one transaction, keeping the code counters ahead of them. */
gboolean      os_store_insert_prepared      (OsStore            *self,
                                             GPtrArray          *records,
                                             gboolean            demo,
                                             GError            **error);

/* Attachments: files of a record, kept in the blob store (os-blob-store.h) by SHA-256. */
typedef struct
{
  char   *id;             /* UUID v7 */
  gint64  record_id;      /* the record's local id */
  char   *document_name;  /* the document of the record it belongs to, or "" */
  char   *file_name;
  char   *mime_type;
  char   *sha256;
  gint64  size;
  int     pages;
  gint64  created_at;
} OsAttachment;

#define OS_TYPE_ATTACHMENT (os_attachment_get_type ())

GType         os_attachment_get_type        (void) G_GNUC_CONST;
OsAttachment *os_attachment_copy            (const OsAttachment *attachment);
void          os_attachment_free            (OsAttachment       *attachment);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsAttachment, os_attachment_free)

/* Adds a row for a file already in the blob store, with an outbox entry "attach", in one
 * transaction. Returns the new attachment's id, or NULL (OS_ERROR_NOT_FOUND for a record
 * that does not exist, OS_ERROR_INVALID_INPUT for a bad SHA-256, name or type). */
char         *os_store_add_attachment       (OsStore            *self,
                                             gint64              local_id,
                                             const char         *document_name,
                                             const char         *file_name,
                                             const char         *mime_type,
                                             const char         *sha256,
                                             gint64              size,
                                             int                 pages,
                                             gint64              now,
                                             GError            **error);
/* The record's attachments (OsAttachment), oldest first. */
GPtrArray    *os_store_list_attachments     (OsStore            *self,
                                             gint64              local_id,
                                             GError            **error);
/* Removes one attachment row, with an outbox entry "detach", in one transaction. If no
 * other attachment names the same file any more, @unreferenced_sha256_out gets its
 * SHA-256 and the caller removes it from the blob store; otherwise it gets NULL. */
gboolean      os_store_remove_attachment    (OsStore            *self,
                                             const char         *id,
                                             char              **unreferenced_sha256_out,
                                             GError            **error);
/* How many attachments name @sha256 (for collecting the files left over when records are
 * deleted), or -1 on error. */
gint64        os_store_count_blob_references (OsStore           *self,
                                              const char        *sha256,
                                              GError           **error);

/* Sync (used by os-sync-engine and the window). A store becomes "enrolled" when a server
 * session is bound to it (os_store_set_server); from then on record codes come only from
 * blocks the server leased (OS_ERROR_NO_CODE_BLOCK when none is left for the day), never
 * from the local counter. */
gboolean      os_store_set_server           (OsStore            *self,
                                             const char         *base_url,
                                             const char         *desk_id,
                                             GError            **error);
gboolean      os_store_is_enrolled          (OsStore            *self);
/* The desk client's id (UUID v7, made once per database), sent as client_id. */
char         *os_store_dup_client_id        (OsStore            *self);
/* Numbers still free in the leased blocks of @agency on @date (for the header). */
gint64        os_store_count_free_codes     (OsStore            *self,
                                             const char         *agency,
                                             const GDate        *date);

typedef enum
{
  OS_RECORD_SYNC_SYNCED,      /* the server has every change of the record */
  OS_RECORD_SYNC_PENDING,     /* changes wait in the outbox */
  OS_RECORD_SYNC_REFUSED,     /* a change was refused for good: see the quarantine */
} OsRecordSyncState;

OsRecordSyncState os_store_get_record_sync_state (OsStore       *self,
                                             const char         *record_uuid);

/* A mutation the server refused for good, kept for the officer to fix and resend or to
 * discard. */
typedef struct
{
  char   *id;              /* the mutation's id */
  char   *record_id;       /* the record's UUID */
  char   *record_code;     /* "" if the record is gone */
  char   *applicant_name;
  char   *kind;
  char   *error_code;      /* the server's MutationError.code */
  char   *error_message;   /* the server's message */
  gint64  created_at;
  gint64  refused_at;
  /* The server's side, so the officer decides knowingly (e.g. after `stale_version`:
   * "máy chủ đã có bản sửa khác"). */
  gint64  server_version;  /* the record's version on the server as far as the desk knows */
  gboolean held;           /* the server's copy of the record (another desk's edit) came
                            * while this waited and is kept aside, not shown in the record */
  char   *held_data;       /* that copy: the Change.data JSON object as text, or NULL */
} OsQuarantined;

void          os_quarantined_free           (OsQuarantined      *q);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsQuarantined, os_quarantined_free)

/* Oldest first. */
GPtrArray    *os_store_list_quarantined     (OsStore            *self,
                                             GError            **error);
/* Puts the record's current state back in the outbox as a new mutation (new id) made
 * against the version the server has (OsQuarantined.server_version), and removes the
 * quarantined one. This is the officer's explicit choice to overwrite: when the server
 * has another desk's edit (OsQuarantined.held), the desk's copy replaces it once the
 * resend is applied, and the held server copy is dropped then. Nothing is overwritten
 * without this call: a refused change and a held server copy wait as they are. */
gboolean      os_store_resend_quarantined   (OsStore            *self,
                                             const char         *mutation_id,
                                             GError            **error);
/* Drops it for good, with a line in the record's history. With nothing of the record
 * left to send, the record takes the server's copy if one is held and its version goes
 * back to the server's, so the next edit is made against it. */
gboolean      os_store_discard_quarantined  (OsStore            *self,
                                             const char         *mutation_id,
                                             GError            **error);
/* Outbox entries waiting to be pushed (not counting quarantined ones), and quarantined. */
gint64        os_store_count_pending        (OsStore            *self);
gint64        os_store_count_quarantined    (OsStore            *self);

/* Saves an edit of a record already in the store (@record as loaded with
 * os_store_load_record and changed: applicant, contact, procedure, documents, notes,
 * status, reason, instants; not its id, code or receive time) with an outbox entry
 * "update" made against the record's current version, in one transaction. A record that
 * follows a process keeps its status, due, finished and returned instants: those move by
 * its actions only (os-store-process.h). */
gboolean      os_store_update_record        (OsStore            *self,
                                             OsRecord           *record,
                                             gint64              now,
                                             GError            **error);
/* The record's local id by its UUID, or 0. */
gint64        os_store_lookup_record        (OsStore            *self,
                                             const char         *record_uuid);

/* Emitted (on the store) whenever the outbox or the quarantine changed:
 * signal "sync-changed". Records changed by a pull emit "records-changed". */

G_END_DECLS
