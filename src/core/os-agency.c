/* os-agency.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-agency.h"

G_DEFINE_BOXED_TYPE (OsAgency, os_agency, os_agency_copy, os_agency_free)

OsAgency *
os_agency_new (const char *identifier,
               const char *name,
               const char *parent_name,
               const char *place,
               const char *desk_name)
{
  OsAgency *self = g_new0 (OsAgency, 1);

  self->identifier = g_strdup (identifier ? identifier : "");
  self->name = g_strdup (name ? name : "");
  self->parent_name = g_strdup (parent_name ? parent_name : "");
  self->place = g_strdup (place ? place : "");
  self->desk_name = g_strdup (desk_name ? desk_name : "");

  return self;
}

OsAgency *
os_agency_copy (const OsAgency *agency)
{
  g_return_val_if_fail (agency != NULL, NULL);

  return os_agency_new (agency->identifier, agency->name, agency->parent_name,
                        agency->place, agency->desk_name);
}

void
os_agency_free (OsAgency *agency)
{
  if (agency == NULL)
    return;

  g_free (agency->identifier);
  g_free (agency->name);
  g_free (agency->parent_name);
  g_free (agency->place);
  g_free (agency->desk_name);
  g_free (agency);
}
