/* os-calendar.h: working days, days off and due dates (DOMAIN.md, "Due dates").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "os-types.h"

G_BEGIN_DECLS

/* What an administrator declares for one date; declarations beat every
 * computed default. */
typedef enum
{
  OS_CALENDAR_ENTRY_DAY_OFF,      /* ngày nghỉ: Tết days fixed by the Prime Minister, swapped days, … */
  OS_CALENDAR_ENTRY_WORKING_DAY,  /* ngày làm việc: a Saturday worked (ngày làm bù), a cancelled holiday */
} OsCalendarEntryKind;

/* What a date is, and why. */
typedef enum
{
  OS_DAY_WORKING,
  OS_DAY_WEEKEND,
  OS_DAY_HOLIDAY,            /* public holiday of Labour Code 2019 art. 112, computed */
  OS_DAY_COMPENSATORY,       /* a holiday fell on a weekend and is made up on this day */
  OS_DAY_DECLARED_OFF,
  OS_DAY_DECLARED_WORKING,
} OsDayKind;

/* One row of os_calendar_list_special_days(). */
typedef struct
{
  GDate     date;
  OsDayKind kind;
  char     *label;     /* translated name of a computed day, or the admin's label */
  gboolean  declared;  /* TRUE when an administrator declared this day */
} OsCalendarDay;

#define OS_TYPE_CALENDAR_DAY (os_calendar_day_get_type ())
GType          os_calendar_day_get_type (void) G_GNUC_CONST;
OsCalendarDay *os_calendar_day_copy     (const OsCalendarDay *day);
void           os_calendar_day_free     (OsCalendarDay       *day);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsCalendarDay, os_calendar_day_free)

#define OS_TYPE_CALENDAR (os_calendar_get_type ())
G_DECLARE_FINAL_TYPE (OsCalendar, os_calendar, OS, CALENDAR, GObject)

OsCalendar *os_calendar_new               (void);

void        os_calendar_set_office_hours  (OsCalendar          *self,
                                           int                  morning_start,
                                           int                  morning_end,
                                           int                  afternoon_start,
                                           int                  afternoon_end);
void        os_calendar_get_office_hours  (OsCalendar          *self,
                                           int                 *morning_start,
                                           int                 *morning_end,
                                           int                 *afternoon_start,
                                           int                 *afternoon_end);

void        os_calendar_declare           (OsCalendar          *self,
                                           const GDate         *date,
                                           OsCalendarEntryKind  kind,
                                           const char          *label);
void        os_calendar_undeclare         (OsCalendar          *self,
                                           const GDate         *date);

OsDayKind   os_calendar_get_day_kind      (OsCalendar          *self,
                                           const GDate         *date,
                                           char               **label);
gboolean    os_calendar_is_working_day    (OsCalendar          *self,
                                           const GDate         *date);
GPtrArray  *os_calendar_list_special_days (OsCalendar          *self,
                                           int                  year);

gint64      os_calendar_compute_due       (OsCalendar          *self,
                                           gint64               received_utc,
                                           const OsTimeLimit   *limit);

/* Office-hours seconds on working days between two instants (0 when @to ≤ @from). */
gint64      os_calendar_working_seconds   (OsCalendar          *self,
                                           gint64               from,
                                           gint64               to);
/* The instant at which @seconds of office time have passed after @from. */
gint64      os_calendar_add_working_seconds (OsCalendar        *self,
                                           gint64               from,
                                           gint64               seconds);

G_END_DECLS
