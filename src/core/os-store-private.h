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

G_END_DECLS
