/* os-record-list.h: a GListModel of records that pages from SQLite.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "os-store.h"

G_BEGIN_DECLS

/* Type-to-search shows at most this many records, newest first. */
#define OS_RECORD_LIST_SEARCH_LIMIT 1000

#define OS_TYPE_RECORD_LIST (os_record_list_get_type ())

G_DECLARE_FINAL_TYPE (OsRecordList, os_record_list, OS, RECORD_LIST, GObject)

OsRecordList *os_record_list_new           (OsStore      *store);
/* @text: searched in code, applicant name and ID number, ignoring case and diacritics;
 * @status: 0 for any; @due_state: OS_DUE_STATE_NONE for any; @from/@to: received
 * between these instants (0 for open). */
void          os_record_list_set_query     (OsRecordList *self,
                                            const char   *text,
                                            OsStatus      status,
                                            OsDueState    due_state,
                                            gint64        from,
                                            gint64        to);
/* Runs the query again (after a save, or when the time has moved on). */
void          os_record_list_reload        (OsRecordList *self);
/* TRUE when a search found more than OS_RECORD_LIST_SEARCH_LIMIT records. */
gboolean      os_record_list_is_truncated  (OsRecordList *self);
/* How many rows were read from the database since the list was made (to show that
 * scrolling reads pages, never the whole table). */
guint64       os_record_list_get_rows_loaded (OsRecordList *self);
/* The instants the due states of the current items were computed against. */
gint64        os_record_list_get_now       (OsRecordList *self);
gint64        os_record_list_get_near_due_at (OsRecordList *self);
/* TRUE when the store was enrolled (os_store_is_enrolled) at the last reload: the items
 * then carry their sync state, read in the same query as their fields. */
gboolean      os_record_list_get_with_sync_state (OsRecordList *self);
/* The sync state read with @record, an item of a list over an enrolled store;
 * OS_RECORD_SYNC_SYNCED for any other record. */
OsRecordSyncState os_record_list_item_get_sync_state (OsRecord *record);
/* Reads @record's sync state again and keeps it with the item (after the store's
 * "sync-changed"); OS_RECORD_SYNC_SYNCED when the list does not show sync states. */
OsRecordSyncState os_record_list_refresh_sync_state (OsRecordList *self,
                                                     OsRecord     *record);
/* Tells the list that the outbox changed (the store's "sync-changed"): states read before
 * are read again, one by one, when next asked for with os_record_list_get_sync_state(). */
void          os_record_list_sync_changed  (OsRecordList *self);
/* @record's sync state (an item of this list), read again if the outbox changed since. */
OsRecordSyncState os_record_list_get_sync_state (OsRecordList *self,
                                                 OsRecord     *record);
/* Builds the FTS5 query for @text (NULL when it holds nothing to search). */
char         *os_record_list_build_match   (const char   *text);

G_END_DECLS
