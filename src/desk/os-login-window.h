/* os-login-window.h: an officer logs in on a desk that works with a server.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-account.h"

G_BEGIN_DECLS

#define OS_TYPE_LOGIN_WINDOW (os_login_window_get_type ())

G_DECLARE_FINAL_TYPE (OsLoginWindow, os_login_window, OS, LOGIN_WINDOW, AdwApplicationWindow)

/* Emits ::logged-in once @account holds a session (online or unlocked offline). */
OsLoginWindow *os_login_window_new         (GtkApplication *application,
                                            OsAccount      *account,
                                            const char     *username);
OsAccount     *os_login_window_get_account (OsLoginWindow  *self);
/* A line under the fields: a reason, or what happened before (logged out). */
void           os_login_window_set_message (OsLoginWindow  *self,
                                            const char     *message,
                                            gboolean        is_error);

G_END_DECLS
