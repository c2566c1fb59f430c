/* os-refused-item.h: one mutation the server refused for good, as a list item.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_REFUSED_ITEM (os_refused_item_get_type ())

G_DECLARE_FINAL_TYPE (OsRefusedItem, os_refused_item, OS, REFUSED_ITEM, GObject)

/* Takes @quarantined. */
OsRefusedItem       *os_refused_item_new  (OsQuarantined *quarantined);
const OsQuarantined *os_refused_item_get  (OsRefusedItem *self);
/* The kind of change in words ("Tiếp nhận hồ sơ", …). */
const char          *os_refused_item_kind_label (const char *kind);

/* When the record was last edited after the change @q was made (the fix that waits for
 * "Gửi lại"), from the record's history; 0 when it was not. */
gint64               os_refused_item_fixed_at   (OsStore             *store,
                                                 const OsQuarantined *q);

G_END_DECLS
