/* os-admin-unit.h: provinces and communes in force since 1 July 2025 (two local levels).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OS_TYPE_ADMIN_UNIT (os_admin_unit_get_type ())

G_DECLARE_FINAL_TYPE (OsAdminUnit, os_admin_unit, OS, ADMIN_UNIT, GObject)

/* A unit of one's own, e.g. a "choose…" entry at the top of a list (empty code). */
OsAdminUnit *os_admin_unit_new            (const char  *code,
                                           const char  *name);
const char *os_admin_unit_get_code        (OsAdminUnit *self);
/* The official name, e.g. "Phường Cầu Giấy", "Thành phố Hà Nội". */
const char *os_admin_unit_get_name        (OsAdminUnit *self);
/* The name without its kind ("Cầu Giấy"), what an officer types to find it. */
const char *os_admin_unit_get_short_name  (OsAdminUnit *self);

/* The 34 provinces and centrally-run cities, in the statistics office's order. */
GListModel *os_admin_unit_list_provinces  (void);
/* The communes, wards and special zones of a province (empty for an unknown code). */
GListModel *os_admin_unit_list_communes   (const char  *province_code);
/* The province that has a commune named @commune_name (or whose people's committee,
 * "UBND …", is named so), or NULL. */
OsAdminUnit *os_admin_unit_find_province_of (const char *commune_name);

G_END_DECLS
