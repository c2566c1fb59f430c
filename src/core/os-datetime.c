/* os-datetime.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "os-datetime.h"

GTimeZone *
os_datetime_zone (void)
{
  static GTimeZone *zone;

  if (g_once_init_enter (&zone))
    {
      GTimeZone *tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");

      /* Without tzdata, the fixed offset is the same: Vietnam keeps no summer time. */
      if (tz == NULL)
        tz = g_time_zone_new_offset (7 * 3600);
      g_once_init_leave (&zone, tz);
    }
  return zone;
}

/* What GDateTime holds in UTC (years 1 to 9999), less a margin at the end so that local
 * time (any offset up to +14 h) is still in year 9999. */
#define DATETIME_MIN G_GINT64_CONSTANT (-62135596800)
#define DATETIME_MAX (OS_INSTANT_MAX - 14 * 3600)

GDateTime *
os_datetime_local (gint64 instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (CLAMP (instant, DATETIME_MIN, DATETIME_MAX));

  return g_date_time_to_timezone (utc, os_datetime_zone ());
}

GDate
os_datetime_local_date (gint64 instant)
{
  g_autoptr(GDateTime) local = os_datetime_local (instant);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local), g_date_time_get_year (local));
  return date;
}

char *
os_datetime_format (gint64   instant,
                    gboolean with_time)
{
  g_autoptr(GDateTime) local = NULL;

  if (instant == 0)
    return g_strdup ("");
  local = os_datetime_local (instant);
  return g_date_time_format (local, with_time ? "%d/%m/%Y %H:%M" : "%d/%m/%Y");
}

char *
os_date_format (const GDate *date)
{
  g_return_val_if_fail (date != NULL && g_date_valid (date), g_strdup (""));

  return g_strdup_printf ("%02d/%02d/%04d", g_date_get_day (date),
                          g_date_get_month (date), g_date_get_year (date));
}

gboolean
os_date_parse (const char *text,
               GDate      *date)
{
  unsigned d, m, y;
  char sep1, sep2, extra;

  g_return_val_if_fail (date != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  if (sscanf (text, " %u%c%u%c%u %c", &d, &sep1, &m, &sep2, &y, &extra) != 5)
    return FALSE;
  if (sep1 != sep2 || (sep1 != '/' && sep1 != '-' && sep1 != '.'))
    return FALSE;
  if (y < 1900 || y > 2200 || !g_date_valid_dmy (d, m, y))
    return FALSE;

  g_date_clear (date, 1);
  g_date_set_dmy (date, d, m, y);
  return TRUE;
}

gint64
os_date_start_instant (const GDate *date)
{
  g_autoptr(GDateTime) dt = NULL;

  if (date == NULL || !g_date_valid (date))
    return 0;
  if (g_date_get_year (date) > 9999)
    dt = g_date_time_new (os_datetime_zone (), 9999, 12, 31, 0, 0, 0);
  else
    dt = g_date_time_new (os_datetime_zone (), g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date), 0, 0, 0);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}
