/* os-inbox-page.h: "Việc cần xử lý", the records waiting for the store's actor (or their
 * unit), most urgent first, with each step's deadline and state beside the due date.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_INBOX_PAGE (os_inbox_page_get_type ())

G_DECLARE_FINAL_TYPE (OsInboxPage, os_inbox_page, OS, INBOX_PAGE, GtkWidget)

void        os_inbox_page_set_store (OsInboxPage *self,
                                     OsStore     *store);
/* Reads the inbox again (os_store_list_inbox). */
void        os_inbox_page_reload    (OsInboxPage *self);
/* The records shown (OsRecord items). */
GListModel *os_inbox_page_get_model (OsInboxPage *self);
/* How many records wait (property "count"). */
guint       os_inbox_page_get_count (OsInboxPage *self);
void        os_inbox_page_focus     (OsInboxPage *self);

G_END_DECLS
