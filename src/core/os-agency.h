/* os-agency.h: the receiving agency as printed on slips and used in record codes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  char *identifier;   /* mã định danh, e.g. 000.00.06.H56 */
  char *name;         /* e.g. UBND Phường Ba Đình */
  char *parent_name;  /* the body above it, printed over the name; may be empty */
  char *place;        /* place name printed before the date, e.g. Hà Nội */
  char *desk_name;    /* e.g. Bộ phận Một cửa */
} OsAgency;

#define OS_TYPE_AGENCY (os_agency_get_type ())
GType     os_agency_get_type (void) G_GNUC_CONST;
OsAgency *os_agency_new      (const char     *identifier,
                              const char     *name,
                              const char     *parent_name,
                              const char     *place,
                              const char     *desk_name);
OsAgency *os_agency_copy     (const OsAgency *agency);
void      os_agency_free     (OsAgency       *agency);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsAgency, os_agency_free)

G_END_DECLS
