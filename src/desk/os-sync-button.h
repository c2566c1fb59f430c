/* os-sync-button.h: the header's sync status at a glance, with details in a popover.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-account.h"

G_BEGIN_DECLS

#define OS_TYPE_SYNC_BUTTON (os_sync_button_get_type ())

G_DECLARE_FINAL_TYPE (OsSyncButton, os_sync_button, OS, SYNC_BUTTON, GtkWidget)

void        os_sync_button_set_account     (OsSyncButton *self,
                                            OsAccount    *account);
/* What the button says now ("Đã đồng bộ", "Còn 2 hồ sơ chờ gửi", …), for tests. */
const char *os_sync_button_get_status_text (OsSyncButton *self);
/* Opens the popover. */
void        os_sync_button_popup           (OsSyncButton *self);

G_END_DECLS
