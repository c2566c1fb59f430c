/* os-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "os-store.h"

G_BEGIN_DECLS

#define OS_TYPE_PREFERENCES_WINDOW (os_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (OsPreferencesWindow, os_preferences_window, OS, PREFERENCES_WINDOW, AdwPreferencesWindow)

OsPreferencesWindow *os_preferences_window_new (OsStore   *store,
                                                GSettings *settings);

G_END_DECLS
