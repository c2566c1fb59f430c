/* os-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-account.h"
#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_APPLICATION (os_application_get_type ())

G_DECLARE_FINAL_TYPE (OsApplication, os_application, OS, APPLICATION, AdwApplication)

OsApplication *os_application_new          (void);
OsStore       *os_application_get_store    (OsApplication *self);
GSettings     *os_application_get_settings (OsApplication *self);
/* The officer's session when a server is configured and someone logged in, or NULL. */
OsAccount     *os_application_get_account  (OsApplication *self);
/* The server's API address (ONESTOP_SERVER_URL, else GSettings "server-url"); "" standalone. */
char          *os_application_dup_server_url (OsApplication *self);
/* Monotonic time at which the application object was created. */
gint64         os_application_get_start_time (OsApplication *self);

G_END_DECLS
