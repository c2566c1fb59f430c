/* os-records-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_RECORDS_PAGE (os_records_page_get_type ())

G_DECLARE_FINAL_TYPE (OsRecordsPage, os_records_page, OS, RECORDS_PAGE, GtkWidget)

void os_records_page_set_store    (OsRecordsPage *self,
                                   OsStore       *store);
void os_records_page_reload       (OsRecordsPage *self);
void os_records_page_focus_search (OsRecordsPage *self);
/* The narrow sync-state column (visible only over an enrolled store; for tests). */
GtkColumnViewColumn *os_records_page_get_sync_column (OsRecordsPage *self);

G_END_DECLS
