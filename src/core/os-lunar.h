/* os-lunar.h: the Vietnamese lunisolar calendar (âm lịch).
 *
 * The calendar is computed, not looked up: new moons and the sun's
 * longitude are worked out astronomically for the time zone UTC+7, the
 * 11th month is the one holding the winter solstice, and a year with 13
 * months takes as its leap month the first month after the 11th without a
 * major solar term (trung khí).  This is why Vietnamese dates differ from
 * Chinese tables (computed for UTC+8) in some years, e.g. Tết 2007 and
 * Tết 2030 fall one day earlier in Vietnam.
 *
 * Supported range: solar years 1900–2100 are tested; nearby centuries
 * work, with the precision of the formulas used (a few minutes), which is
 * only ever decisive when a new moon or a solar term falls within minutes
 * of local midnight.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int      year;   /* lunar year, numbered like the solar year its Tết falls in */
  int      month;  /* 1–12 */
  int      day;    /* 1–30 */
  gboolean leap;   /* TRUE for the leap month (tháng nhuận) that repeats @month */
} OsLunarDate;

void     os_lunar_from_solar      (const GDate *solar,
                                   OsLunarDate *out);
gboolean os_lunar_to_solar        (int          year,
                                   int          month,
                                   int          day,
                                   gboolean     leap,
                                   GDate       *out);
int      os_lunar_get_leap_month  (int          year);
int      os_lunar_get_month_length (int         year,
                                    int         month,
                                    gboolean    leap);

G_END_DECLS
