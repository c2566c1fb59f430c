/* test-calendar.c: working days, holidays and due dates.
 *
 * Every expected value was worked out by hand from a printed calendar;
 * times are local (Asia/Ho_Chi_Minh, UTC+7) and written as
 * "yyyy-mm-dd hh:mm" so the cases read like a reception register.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "os-calendar.h"

#define NO_CUTOFF (-1)
#define CUTOFF_15H (15 * 60)

static GTimeZone *
local_zone (void)
{
  static GTimeZone *zone;

  if (zone == NULL)
    {
      zone = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
      if (zone == NULL)
        zone = g_time_zone_new_offset (7 * 3600);
    }

  return zone;
}

/* "yyyy-mm-dd hh:mm[:ss]" local time → UTC unix seconds. */
static gint64
local_to_utc (const char *text)
{
  g_autoptr(GDateTime) time = NULL;
  int year, month, day, hour, minute, second = 0;
  int n;

  n = sscanf (text, "%d-%d-%d %d:%d:%d", &year, &month, &day, &hour, &minute, &second);
  g_assert_cmpint (n, >=, 5);

  time = g_date_time_new (local_zone (), year, month, day, hour, minute, second);
  g_assert_nonnull (time);

  return g_date_time_to_unix (time);
}

/* UTC unix seconds → "yyyy-mm-dd hh:mm" local time. */
static char *
utc_to_local (gint64 utc)
{
  g_autoptr(GDateTime) time_utc = g_date_time_new_from_unix_utc (utc);
  g_autoptr(GDateTime) time = g_date_time_to_timezone (time_utc, local_zone ());

  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

static GDate *
make_date (int year,
           int month,
           int day)
{
  return g_date_new_dmy (day, month, year);
}

static void
declare (OsCalendar          *calendar,
         int                  year,
         int                  month,
         int                  day,
         OsCalendarEntryKind  kind,
         const char          *label)
{
  g_autoptr(GDate) date = make_date (year, month, day);

  os_calendar_declare (calendar, date, kind, label);
}

static OsDayKind
day_kind (OsCalendar  *calendar,
          int          year,
          int          month,
          int          day,
          char       **label)
{
  g_autoptr(GDate) date = make_date (year, month, day);

  return os_calendar_get_day_kind (calendar, date, label);
}

static void
assert_day (OsCalendar *calendar,
            int         year,
            int         month,
            int         day,
            OsDayKind   expected_kind,
            const char *expected_label)
{
  g_autofree char *label = NULL;
  OsDayKind kind = day_kind (calendar, year, month, day, &label);

  if (kind != expected_kind)
    g_error ("%04d-%02d-%02d: kind %d, expected %d", year, month, day, kind, expected_kind);
  g_assert_cmpstr (label, ==, expected_label);
}

/* Calendar set-ups used by the due-date cases. */

typedef void (*SetupFunc) (OsCalendar *calendar);

/* An illustrative Tết 2026 notice (not the real one): Friday 13 February
 * is given off as well, and made up on Saturday 28 February. */
static void
setup_declared_tet_2026 (OsCalendar *calendar)
{
  declare (calendar, 2026, 2, 13, OS_CALENDAR_ENTRY_DAY_OFF, "Nghỉ Tết (hoán đổi)");
  declare (calendar, 2026, 2, 28, OS_CALENDAR_ENTRY_WORKING_DAY, "Làm bù ngày 13/02");
}

static void
setup_working_saturday (OsCalendar *calendar)
{
  declare (calendar, 2026, 3, 14, OS_CALENDAR_ENTRY_WORKING_DAY, "Làm bù");
}

static void
setup_extra_day_off (OsCalendar *calendar)
{
  declare (calendar, 2026, 3, 10, OS_CALENDAR_ENTRY_DAY_OFF, "Nghỉ đột xuất");
}

static void
setup_working_1_september_2026 (OsCalendar *calendar)
{
  declare (calendar, 2026, 9, 1, OS_CALENDAR_ENTRY_WORKING_DAY, NULL);
}

/* 08:00–12:00 and 13:00–17:30. */
static void
setup_custom_hours (OsCalendar *calendar)
{
  os_calendar_set_office_hours (calendar, 8 * 60, 12 * 60, 13 * 60, 17 * 60 + 30);
}

typedef struct
{
  const char *path;
  const char *received;
  OsTimeUnit  unit;
  int         amount;
  int         cutoff;
  SetupFunc   setup;
  const char *expected;
} DueCase;

#define S OS_TIME_UNIT_SESSIONS
#define D OS_TIME_UNIT_CALENDAR_DAYS
#define T OS_TIME_UNIT_SAME_DAY

/* March 2026 has no holiday: Monday 9 to Friday 13, weekend 14–15,
 * Monday 16.  Computed holidays 2026: Thu 1/1; Tết Mon 16/2 – Fri 20/2
 * (lunar 29/12 to 4/1; Tết is Tuesday 17/2); Giỗ Tổ Sun 26/4, made up
 * Mon 27/4; Thu 30/4; Fri 1/5; Tue 1/9 and Wed 2/9. */
static const DueCase due_cases[] = {
  /* Same session (amount 0). */
  { "same-session/morning",             "2026-03-09 09:00",    S, 0, NO_CUTOFF, NULL, "2026-03-09 11:30" },
  { "same-session/afternoon",           "2026-03-09 14:00",    S, 0, NO_CUTOFF, NULL, "2026-03-09 17:00" },
  { "same-session/before-hours",        "2026-03-09 06:45",    S, 0, NO_CUTOFF, NULL, "2026-03-09 11:30" },
  { "same-session/lunch",               "2026-03-09 12:15",    S, 0, NO_CUTOFF, NULL, "2026-03-09 17:00" },
  { "same-session/after-hours",         "2026-03-09 17:30",    S, 0, NO_CUTOFF, NULL, "2026-03-10 11:30" },
  { "same-session/last-second-morning", "2026-03-09 11:29:59", S, 0, NO_CUTOFF, NULL, "2026-03-09 11:30" },
  { "same-session/end-of-morning",      "2026-03-09 11:30:00", S, 0, NO_CUTOFF, NULL, "2026-03-09 17:00" },
  { "same-session/end-of-afternoon",    "2026-03-09 17:00:00", S, 0, NO_CUTOFF, NULL, "2026-03-10 11:30" },

  /* Half a working day (1 session). */
  { "half-day/morning",                 "2026-03-09 09:00",    S, 1, NO_CUTOFF, NULL, "2026-03-09 17:00" },
  { "half-day/afternoon",               "2026-03-09 14:00",    S, 1, NO_CUTOFF, NULL, "2026-03-10 11:30" },

  /* One working day (2 sessions). */
  { "one-day/morning",                  "2026-03-09 09:00",    S, 2, NO_CUTOFF, NULL, "2026-03-10 11:30" },
  { "one-day/afternoon",                "2026-03-09 14:00",    S, 2, NO_CUTOFF, NULL, "2026-03-10 17:00" },
  { "one-day/before-hours",             "2026-03-09 07:00",    S, 2, NO_CUTOFF, NULL, "2026-03-10 11:30" },
  { "one-day/lunch",                    "2026-03-09 12:00",    S, 2, NO_CUTOFF, NULL, "2026-03-10 17:00" },
  { "one-day/after-hours",              "2026-03-09 18:30",    S, 2, NO_CUTOFF, NULL, "2026-03-11 11:30" },

  /* 3, 5 and 15 working days. */
  { "three-days/morning",               "2026-03-09 09:00",    S, 6, NO_CUTOFF, NULL, "2026-03-12 11:30" },
  { "three-days/across-weekend",        "2026-03-11 15:00",    S, 6, NO_CUTOFF, NULL, "2026-03-16 17:00" },
  { "five-days/morning",                "2026-03-09 09:00",    S, 10, NO_CUTOFF, NULL, "2026-03-16 11:30" },
  { "five-days/afternoon",              "2026-03-09 14:00",    S, 10, NO_CUTOFF, NULL, "2026-03-16 17:00" },
  { "fifteen-days/morning",             "2026-03-09 09:00",    S, 30, NO_CUTOFF, NULL, "2026-03-30 11:30" },
  { "fifteen-days/friday-afternoon",    "2026-03-13 16:00",    S, 30, NO_CUTOFF, NULL, "2026-04-03 17:00" },

  /* Received on a day off or late on Friday. */
  { "weekend/saturday",                 "2026-03-14 10:00",    S, 2, NO_CUTOFF, NULL, "2026-03-17 11:30" },
  { "weekend/sunday-evening",           "2026-03-15 20:00",    S, 0, NO_CUTOFF, NULL, "2026-03-16 11:30" },
  { "weekend/friday-afternoon",         "2026-03-13 16:00",    S, 2, NO_CUTOFF, NULL, "2026-03-16 17:00" },
  { "weekend/friday-after-hours",       "2026-03-13 17:05",    S, 1, NO_CUTOFF, NULL, "2026-03-16 17:00" },

  /* A 15:00 cut-off. */
  { "cutoff/just-before",               "2026-03-09 14:59",    S, 2, CUTOFF_15H, NULL, "2026-03-10 17:00" },
  { "cutoff/at",                        "2026-03-09 15:00",    S, 2, CUTOFF_15H, NULL, "2026-03-11 11:30" },
  { "cutoff/same-session",              "2026-03-09 16:00",    S, 0, CUTOFF_15H, NULL, "2026-03-10 11:30" },
  { "cutoff/friday",                    "2026-03-13 15:30",    S, 2, CUTOFF_15H, NULL, "2026-03-17 11:30" },

  /* "Ngay trong ngày": by the end of the working day; after 15:00, the next one. */
  { "same-day/morning",                 "2026-03-09 09:00",    T, 0, CUTOFF_15H, NULL, "2026-03-09 17:00" },
  { "same-day/afternoon",               "2026-03-09 14:30",    T, 0, CUTOFF_15H, NULL, "2026-03-09 17:00" },
  { "same-day/after-cutoff",            "2026-03-09 15:10",    T, 0, CUTOFF_15H, NULL, "2026-03-10 17:00" },
  { "same-day/friday-after-cutoff",     "2026-03-13 15:10",    T, 0, CUTOFF_15H, NULL, "2026-03-16 17:00" },
  { "same-day/saturday",                "2026-03-14 09:00",    T, 0, CUTOFF_15H, NULL, "2026-03-16 17:00" },
  { "same-day/before-hours",             "2026-03-09 06:30",    T, 0, NO_CUTOFF, NULL, "2026-03-09 17:00" },
  { "cutoff/morning-unaffected",        "2026-03-09 09:00",    S, 2, CUTOFF_15H, NULL, "2026-03-10 11:30" },
  { "cutoff/saturday",                  "2026-03-14 16:00",    S, 2, CUTOFF_15H, NULL, "2026-03-17 11:30" },

  /* New Year 2026: Thursday 1 January off. */
  { "new-year-2026",                    "2025-12-31 14:00",    S, 2, NO_CUTOFF, NULL, "2026-01-02 17:00" },

  /* Tết 2026 as computed: Mon 16 – Fri 20 February off. */
  { "tet-2026/computed/friday-before",  "2026-02-13 09:00",    S, 2, NO_CUTOFF, NULL, "2026-02-23 11:30" },
  { "tet-2026/computed/three-days",     "2026-02-12 14:00",    S, 6, NO_CUTOFF, NULL, "2026-02-24 17:00" },
  { "tet-2026/computed/received-during","2026-02-18 10:00",    S, 0, NO_CUTOFF, NULL, "2026-02-23 11:30" },
  /* Tết 2026 with a declared extra day off and a make-up Saturday. */
  { "tet-2026/declared/three-days",     "2026-02-12 14:00",    S, 6, NO_CUTOFF, setup_declared_tet_2026, "2026-02-25 17:00" },
  { "tet-2026/declared/make-up-saturday","2026-02-26 14:00",   S, 4, NO_CUTOFF, setup_declared_tet_2026, "2026-02-28 17:00" },
  { "tet-2026/declared/received-on-day-off","2026-02-13 09:00",S, 1, NO_CUTOFF, setup_declared_tet_2026, "2026-02-23 17:00" },

  /* Tết 2024 as computed: Fri 9 – Tue 13 February, Saturday 10 and Sunday
   * 11 made up on Wednesday 14 and Thursday 15. */
  { "tet-2024/computed/two-make-up-days","2024-02-08 09:00",   S, 2, NO_CUTOFF, NULL, "2024-02-16 11:30" },

  /* Giỗ Tổ 2026 on Sunday 26 April, made up on Monday 27; then 30/4–1/5. */
  { "hung-kings-2026/made-up-monday",   "2026-04-24 14:00",    S, 2, NO_CUTOFF, NULL, "2026-04-28 17:00" },
  { "hung-kings-2026/received-on-make-up-day","2026-04-27 09:00",S,0, NO_CUTOFF, NULL, "2026-04-28 11:30" },
  { "reunification-2026",               "2026-04-29 09:00",    S, 2, NO_CUTOFF, NULL, "2026-05-04 11:30" },

  /* 2027: Friday 30 April and Saturday 1 May off, 1 May made up on
   * Monday 3 May. */
  { "labour-day-2027/saturday",         "2027-04-29 09:00",    S, 2, NO_CUTOFF, NULL, "2027-05-04 11:30" },
  /* 2022: Saturday 30 April and Sunday 1 May, made up on Monday 2 and
   * Tuesday 3 May (as the 2022 notice did). */
  { "reunification-2022/weekend",       "2022-04-29 14:00",    S, 2, NO_CUTOFF, NULL, "2022-05-04 17:00" },

  /* 2 September 2026 (Wednesday) with Tuesday 1 September. */
  { "national-day-2026",                "2026-08-31 09:00",    S, 4, NO_CUTOFF, NULL, "2026-09-04 11:30" },
  { "national-day-2026/1-sept-declared-working","2026-08-31 09:00",S,4,NO_CUTOFF, setup_working_1_september_2026, "2026-09-03 11:30" },
  /* 2 September 2029 is a Sunday: Monday 3 off, Sunday made up Tuesday 4. */
  { "national-day-2029/sunday",         "2029-08-31 14:00",    S, 1, NO_CUTOFF, NULL, "2029-09-05 11:30" },

  /* Declared working Saturday 14 March 2026. */
  { "working-saturday/friday-afternoon","2026-03-13 14:00",    S, 2, NO_CUTOFF, setup_working_saturday, "2026-03-14 17:00" },
  { "working-saturday/received-saturday","2026-03-14 08:00",   S, 0, NO_CUTOFF, setup_working_saturday, "2026-03-14 11:30" },
  { "working-saturday/sunday-still-off","2026-03-15 08:00",    S, 0, NO_CUTOFF, setup_working_saturday, "2026-03-16 11:30" },

  /* Declared extra day off Tuesday 10 March 2026. */
  { "extra-day-off/skipped",            "2026-03-09 09:00",    S, 2, NO_CUTOFF, setup_extra_day_off, "2026-03-11 11:30" },
  { "extra-day-off/received-that-day",  "2026-03-10 09:00",    S, 0, NO_CUTOFF, setup_extra_day_off, "2026-03-11 11:30" },

  /* Calendar days: only the final date moves off a day off. */
  { "calendar-days/fifteen",            "2026-03-09 10:00",    D, 15, NO_CUTOFF, NULL, "2026-03-24 17:00" },
  { "calendar-days/lands-on-saturday",  "2026-03-09 10:00",    D, 5, NO_CUTOFF, NULL, "2026-03-16 17:00" },
  { "calendar-days/lands-on-sunday",    "2026-03-09 10:00",    D, 6, NO_CUTOFF, NULL, "2026-03-16 17:00" },
  { "calendar-days/lands-on-30-april",  "2026-03-26 10:00",    D, 35, NO_CUTOFF, NULL, "2026-05-04 17:00" },
  { "calendar-days/lands-on-tet",       "2026-02-06 10:00",    D, 10, NO_CUTOFF, NULL, "2026-02-23 17:00" },
  { "calendar-days/lands-on-make-up-day","2026-04-17 10:00",   D, 10, NO_CUTOFF, NULL, "2026-04-28 17:00" },
  { "calendar-days/received-saturday",  "2026-03-14 10:00",    D, 2, NO_CUTOFF, NULL, "2026-03-16 17:00" },
  { "calendar-days/after-cutoff",       "2026-03-13 16:00",    D, 3, CUTOFF_15H, NULL, "2026-03-19 17:00" },
  { "calendar-days/before-cutoff",      "2026-03-13 14:00",    D, 3, CUTOFF_15H, NULL, "2026-03-16 17:00" },
  { "calendar-days/zero-after-hours",   "2026-03-09 18:00",    D, 0, NO_CUTOFF, NULL, "2026-03-10 17:00" },
  { "calendar-days/lands-on-declared-off","2026-03-09 10:00",  D, 1, NO_CUTOFF, setup_extra_day_off, "2026-03-11 17:00" },
  { "calendar-days/lands-on-working-saturday","2026-03-09 10:00",D,5,NO_CUTOFF, setup_working_saturday, "2026-03-14 17:00" },

  /* Office hours 08:00–12:00 and 13:00–17:30. */
  { "custom-hours/lunch",               "2026-03-09 12:30",    S, 0, NO_CUTOFF, setup_custom_hours, "2026-03-09 17:30" },
  { "custom-hours/late-morning",        "2026-03-09 11:45",    S, 0, NO_CUTOFF, setup_custom_hours, "2026-03-09 12:00" },
  { "custom-hours/half-day",            "2026-03-09 11:45",    S, 1, NO_CUTOFF, setup_custom_hours, "2026-03-09 17:30" },
  { "custom-hours/before-hours",        "2026-03-09 07:45",    S, 2, NO_CUTOFF, setup_custom_hours, "2026-03-10 12:00" },
  { "custom-hours/after-default-close", "2026-03-09 17:15",    S, 0, NO_CUTOFF, setup_custom_hours, "2026-03-09 17:30" },
  { "custom-hours/calendar-days",       "2026-03-09 10:00",    D, 1, NO_CUTOFF, setup_custom_hours, "2026-03-10 17:30" },
};

#undef S
#undef D

static void
test_due (gconstpointer data)
{
  const DueCase *c = data;
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  OsTimeLimit limit = { c->unit, c->amount, c->cutoff };
  g_autofree char *due = NULL;

  if (c->setup != NULL)
    c->setup (calendar);

  due = utc_to_local (os_calendar_compute_due (calendar, local_to_utc (c->received), &limit));
  g_assert_cmpstr (due, ==, c->expected);
}

static void
test_office_hours (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  int ms, me, as, ae;

  os_calendar_get_office_hours (calendar, &ms, &me, &as, &ae);
  g_assert_cmpint (ms, ==, 7 * 60 + 30);
  g_assert_cmpint (me, ==, 11 * 60 + 30);
  g_assert_cmpint (as, ==, 13 * 60 + 30);
  g_assert_cmpint (ae, ==, 17 * 60);

  os_calendar_set_office_hours (calendar, 8 * 60, 12 * 60, 13 * 60, 17 * 60 + 30);
  os_calendar_get_office_hours (calendar, &ms, &me, &as, &ae);
  g_assert_cmpint (ms, ==, 8 * 60);
  g_assert_cmpint (me, ==, 12 * 60);
  g_assert_cmpint (as, ==, 13 * 60);
  g_assert_cmpint (ae, ==, 17 * 60 + 30);

  /* Optional outs. */
  os_calendar_get_office_hours (calendar, NULL, NULL, NULL, &ae);
  g_assert_cmpint (ae, ==, 17 * 60 + 30);

  /* Hours out of order are refused and change nothing. */
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  os_calendar_set_office_hours (calendar, 12 * 60, 8 * 60, 13 * 60, 17 * 60);
  g_test_assert_expected_messages ();

  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*assertion*failed*");
  os_calendar_set_office_hours (calendar, 8 * 60, 12 * 60, 13 * 60, 25 * 60);
  g_test_assert_expected_messages ();

  os_calendar_get_office_hours (calendar, &ms, &me, &as, &ae);
  g_assert_cmpint (ms, ==, 8 * 60);
  g_assert_cmpint (me, ==, 12 * 60);
  g_assert_cmpint (as, ==, 13 * 60);
  g_assert_cmpint (ae, ==, 17 * 60 + 30);
}

static void
test_day_kinds_2026 (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();

  assert_day (calendar, 2026, 1, 1, OS_DAY_HOLIDAY, "Tết Dương lịch");
  assert_day (calendar, 2026, 1, 2, OS_DAY_WORKING, NULL);
  assert_day (calendar, 2026, 1, 3, OS_DAY_WEEKEND, "Thứ Bảy");
  assert_day (calendar, 2026, 1, 4, OS_DAY_WEEKEND, "Chủ nhật");

  /* Tết 2026: lunar 1/1 is Tuesday 17 February. */
  assert_day (calendar, 2026, 2, 13, OS_DAY_WORKING, NULL);
  assert_day (calendar, 2026, 2, 15, OS_DAY_WEEKEND, "Chủ nhật");
  for (int day = 16; day <= 20; day++)
    assert_day (calendar, 2026, 2, day, OS_DAY_HOLIDAY, "Tết Nguyên đán");
  assert_day (calendar, 2026, 2, 21, OS_DAY_WEEKEND, "Thứ Bảy");
  assert_day (calendar, 2026, 2, 23, OS_DAY_WORKING, NULL);

  assert_day (calendar, 2026, 4, 26, OS_DAY_HOLIDAY, "Giỗ Tổ Hùng Vương");
  assert_day (calendar, 2026, 4, 27, OS_DAY_COMPENSATORY, "Nghỉ bù Giỗ Tổ Hùng Vương");
  assert_day (calendar, 2026, 4, 28, OS_DAY_WORKING, NULL);
  assert_day (calendar, 2026, 4, 30, OS_DAY_HOLIDAY, "Ngày Chiến thắng");
  assert_day (calendar, 2026, 5, 1, OS_DAY_HOLIDAY, "Ngày Quốc tế lao động");
  assert_day (calendar, 2026, 5, 4, OS_DAY_WORKING, NULL);

  assert_day (calendar, 2026, 8, 31, OS_DAY_WORKING, NULL);
  assert_day (calendar, 2026, 9, 1, OS_DAY_HOLIDAY, "Quốc khánh");
  assert_day (calendar, 2026, 9, 2, OS_DAY_HOLIDAY, "Quốc khánh");
  assert_day (calendar, 2026, 9, 3, OS_DAY_WORKING, NULL);

  {
    g_autoptr(GDate) monday = make_date (2026, 3, 9);
    g_autoptr(GDate) saturday = make_date (2026, 3, 14);
    g_autoptr(GDate) holiday = make_date (2026, 4, 30);
    g_autoptr(GDate) make_up = make_date (2026, 4, 27);

    g_assert_true (os_calendar_is_working_day (calendar, monday));
    g_assert_false (os_calendar_is_working_day (calendar, saturday));
    g_assert_false (os_calendar_is_working_day (calendar, holiday));
    g_assert_false (os_calendar_is_working_day (calendar, make_up));
  }
}

/* Holidays on weekends in real years, made up as the official notices did. */
static void
test_compensatory_days (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();

  /* 2022: Giỗ Tổ on Sunday 10 April, made up Monday 11; 30/4 and 1/5 on
   * the weekend, made up Monday 2 and Tuesday 3 May. */
  assert_day (calendar, 2022, 4, 10, OS_DAY_HOLIDAY, "Giỗ Tổ Hùng Vương");
  assert_day (calendar, 2022, 4, 11, OS_DAY_COMPENSATORY, "Nghỉ bù Giỗ Tổ Hùng Vương");
  assert_day (calendar, 2022, 4, 30, OS_DAY_HOLIDAY, "Ngày Chiến thắng");
  assert_day (calendar, 2022, 5, 1, OS_DAY_HOLIDAY, "Ngày Quốc tế lao động");
  assert_day (calendar, 2022, 5, 2, OS_DAY_COMPENSATORY, "Nghỉ bù Ngày Chiến thắng");
  assert_day (calendar, 2022, 5, 3, OS_DAY_COMPENSATORY, "Nghỉ bù Ngày Quốc tế lao động");
  assert_day (calendar, 2022, 5, 4, OS_DAY_WORKING, NULL);

  /* 2023: 2 September on Saturday with Friday 1, made up Monday 4. */
  assert_day (calendar, 2023, 9, 1, OS_DAY_HOLIDAY, "Quốc khánh");
  assert_day (calendar, 2023, 9, 2, OS_DAY_HOLIDAY, "Quốc khánh");
  assert_day (calendar, 2023, 9, 3, OS_DAY_WEEKEND, "Chủ nhật");
  assert_day (calendar, 2023, 9, 4, OS_DAY_COMPENSATORY, "Nghỉ bù Quốc khánh");
  assert_day (calendar, 2023, 9, 5, OS_DAY_WORKING, NULL);

  /* Tết 2024 computed: lunar 1/1 Saturday 10 February; Fri 9 – Tue 13,
   * the Saturday and Sunday made up after the block, Wed 14 and Thu 15. */
  assert_day (calendar, 2024, 2, 8, OS_DAY_WORKING, NULL);
  for (int day = 9; day <= 13; day++)
    assert_day (calendar, 2024, 2, day, OS_DAY_HOLIDAY, "Tết Nguyên đán");
  assert_day (calendar, 2024, 2, 14, OS_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán");
  assert_day (calendar, 2024, 2, 15, OS_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán");
  assert_day (calendar, 2024, 2, 16, OS_DAY_WORKING, NULL);

  /* 2027: Saturday 1 May made up Monday 3; Tết (Saturday 6 February)
   * Fri 5 – Tue 9, made up Wed 10 and Thu 11. */
  assert_day (calendar, 2027, 4, 30, OS_DAY_HOLIDAY, "Ngày Chiến thắng");
  assert_day (calendar, 2027, 5, 1, OS_DAY_HOLIDAY, "Ngày Quốc tế lao động");
  assert_day (calendar, 2027, 5, 3, OS_DAY_COMPENSATORY, "Nghỉ bù Ngày Quốc tế lao động");
  assert_day (calendar, 2027, 2, 5, OS_DAY_HOLIDAY, "Tết Nguyên đán");
  assert_day (calendar, 2027, 2, 9, OS_DAY_HOLIDAY, "Tết Nguyên đán");
  assert_day (calendar, 2027, 2, 10, OS_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán");
  assert_day (calendar, 2027, 2, 11, OS_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán");
  assert_day (calendar, 2027, 2, 12, OS_DAY_WORKING, NULL);

  /* 2029: 2 September on Sunday, Monday 3 is the adjacent day, so the
   * Sunday is made up on Tuesday 4, not on the holiday. */
  assert_day (calendar, 2029, 9, 1, OS_DAY_WEEKEND, "Thứ Bảy");
  assert_day (calendar, 2029, 9, 3, OS_DAY_HOLIDAY, "Quốc khánh");
  assert_day (calendar, 2029, 9, 4, OS_DAY_COMPENSATORY, "Nghỉ bù Quốc khánh");
  assert_day (calendar, 2029, 9, 5, OS_DAY_WORKING, NULL);

  /* 2021: 1 January on Friday, nothing to make up. */
  assert_day (calendar, 2021, 1, 1, OS_DAY_HOLIDAY, "Tết Dương lịch");
  assert_day (calendar, 2021, 1, 4, OS_DAY_WORKING, NULL);
}

/* The default day next to 2 September follows the weekday. */
static void
test_national_day_adjacent (void)
{
  static const struct
  {
    int year;
    int adjacent;  /* 1 or 3 September */
  } years[] = {
    { 2021, 3 },  /* Thursday: 3 (Friday) */
    { 2022, 1 },  /* Friday: 1 (Thursday) */
    { 2023, 1 },  /* Saturday: 1 (Friday) */
    { 2024, 3 },  /* Monday: 3 (Tuesday) */
    { 2025, 1 },  /* Tuesday: 1 (Monday) */
    { 2026, 1 },  /* Wednesday: 1 (Tuesday) */
    { 2027, 3 },  /* Thursday: 3 (Friday) */
    { 2029, 3 },  /* Sunday: 3 (Monday) */
  };
  g_autoptr(OsCalendar) calendar = os_calendar_new ();

  for (guint i = 0; i < G_N_ELEMENTS (years); i++)
    {
      int other = years[i].adjacent == 1 ? 3 : 1;

      g_assert_cmpint (day_kind (calendar, years[i].year, 9, 2, NULL), ==, OS_DAY_HOLIDAY);
      g_assert_cmpint (day_kind (calendar, years[i].year, 9, years[i].adjacent, NULL), ==, OS_DAY_HOLIDAY);
      g_assert_cmpint (day_kind (calendar, years[i].year, 9, other, NULL), !=, OS_DAY_HOLIDAY);
    }
}

static void
test_declarations (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  g_autoptr(GDate) saturday = make_date (2026, 3, 14);

  /* A declared working Saturday. */
  declare (calendar, 2026, 3, 14, OS_CALENDAR_ENTRY_WORKING_DAY, "Làm bù");
  assert_day (calendar, 2026, 3, 14, OS_DAY_DECLARED_WORKING, "Làm bù");
  g_assert_true (os_calendar_is_working_day (calendar, saturday));

  /* Declaring it again replaces the first declaration. */
  declare (calendar, 2026, 3, 14, OS_CALENDAR_ENTRY_DAY_OFF, "Nghỉ");
  assert_day (calendar, 2026, 3, 14, OS_DAY_DECLARED_OFF, "Nghỉ");
  g_assert_false (os_calendar_is_working_day (calendar, saturday));

  /* Undeclaring restores the computed default. */
  os_calendar_undeclare (calendar, saturday);
  assert_day (calendar, 2026, 3, 14, OS_DAY_WEEKEND, "Thứ Bảy");
  /* Undeclaring a date that was never declared is harmless. */
  os_calendar_undeclare (calendar, saturday);
  assert_day (calendar, 2026, 3, 14, OS_DAY_WEEKEND, "Thứ Bảy");

  /* A declared working day cancels a computed holiday, and a declared
   * day off overrides a computed make-up day; labels default when the
   * administrator gave none. */
  declare (calendar, 2026, 9, 1, OS_CALENDAR_ENTRY_WORKING_DAY, NULL);
  assert_day (calendar, 2026, 9, 1, OS_DAY_DECLARED_WORKING, "Ngày làm việc");
  declare (calendar, 2026, 4, 27, OS_CALENDAR_ENTRY_DAY_OFF, "");
  assert_day (calendar, 2026, 4, 27, OS_DAY_DECLARED_OFF, "Ngày nghỉ");
  /* A declared day off on an ordinary weekday. */
  declare (calendar, 2026, 3, 10, OS_CALENDAR_ENTRY_DAY_OFF, "Nghỉ đột xuất");
  assert_day (calendar, 2026, 3, 10, OS_DAY_DECLARED_OFF, "Nghỉ đột xuất");

  /* Declarations do not move computed days: Giỗ Tổ 2026 is still made up
   * on the 27th (now declared), not pushed to the 28th. */
  assert_day (calendar, 2026, 4, 28, OS_DAY_WORKING, NULL);

  /* The holiday comes back once the declaration goes. */
  {
    g_autoptr(GDate) september_1 = make_date (2026, 9, 1);

    os_calendar_undeclare (calendar, september_1);
    assert_day (calendar, 2026, 9, 1, OS_DAY_HOLIDAY, "Quốc khánh");
  }
}

static void
assert_special (GPtrArray  *days,
                guint       index,
                int         year,
                int         month,
                int         day,
                OsDayKind   kind,
                const char *label,
                gboolean    declared)
{
  const OsCalendarDay *special;

  g_assert_cmpuint (index, <, days->len);
  special = g_ptr_array_index (days, index);

  g_assert_cmpint (g_date_get_year (&special->date), ==, year);
  g_assert_cmpint (g_date_get_month (&special->date), ==, month);
  g_assert_cmpint (g_date_get_day (&special->date), ==, day);
  g_assert_cmpint (special->kind, ==, kind);
  g_assert_cmpstr (special->label, ==, label);
  g_assert_cmpint (special->declared, ==, declared);
}

static void
test_list_special_days (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  g_autoptr(GPtrArray) days = NULL;
  guint i = 0;

  days = os_calendar_list_special_days (calendar, 2026);
  g_assert_cmpuint (days->len, ==, 12);
  assert_special (days, i++, 2026, 1, 1, OS_DAY_HOLIDAY, "Tết Dương lịch", FALSE);
  for (int day = 16; day <= 20; day++)
    assert_special (days, i++, 2026, 2, day, OS_DAY_HOLIDAY, "Tết Nguyên đán", FALSE);
  assert_special (days, i++, 2026, 4, 26, OS_DAY_HOLIDAY, "Giỗ Tổ Hùng Vương", FALSE);
  assert_special (days, i++, 2026, 4, 27, OS_DAY_COMPENSATORY, "Nghỉ bù Giỗ Tổ Hùng Vương", FALSE);
  assert_special (days, i++, 2026, 4, 30, OS_DAY_HOLIDAY, "Ngày Chiến thắng", FALSE);
  assert_special (days, i++, 2026, 5, 1, OS_DAY_HOLIDAY, "Ngày Quốc tế lao động", FALSE);
  assert_special (days, i++, 2026, 9, 1, OS_DAY_HOLIDAY, "Quốc khánh", FALSE);
  assert_special (days, i++, 2026, 9, 2, OS_DAY_HOLIDAY, "Quốc khánh", FALSE);
  g_clear_pointer (&days, g_ptr_array_unref);

  /* With declarations: listed in date order, flagged as declared, and
   * replacing the computed entry of the same date. */
  setup_declared_tet_2026 (calendar);
  setup_working_1_september_2026 (calendar);
  declare (calendar, 2026, 12, 31, OS_CALENDAR_ENTRY_DAY_OFF, "Tổng kết năm");
  declare (calendar, 2027, 1, 4, OS_CALENDAR_ENTRY_DAY_OFF, "Năm sau");

  days = os_calendar_list_special_days (calendar, 2026);
  g_assert_cmpuint (days->len, ==, 15);
  i = 0;
  assert_special (days, i++, 2026, 1, 1, OS_DAY_HOLIDAY, "Tết Dương lịch", FALSE);
  assert_special (days, i++, 2026, 2, 13, OS_DAY_DECLARED_OFF, "Nghỉ Tết (hoán đổi)", TRUE);
  for (int day = 16; day <= 20; day++)
    assert_special (days, i++, 2026, 2, day, OS_DAY_HOLIDAY, "Tết Nguyên đán", FALSE);
  assert_special (days, i++, 2026, 2, 28, OS_DAY_DECLARED_WORKING, "Làm bù ngày 13/02", TRUE);
  assert_special (days, i++, 2026, 4, 26, OS_DAY_HOLIDAY, "Giỗ Tổ Hùng Vương", FALSE);
  assert_special (days, i++, 2026, 4, 27, OS_DAY_COMPENSATORY, "Nghỉ bù Giỗ Tổ Hùng Vương", FALSE);
  assert_special (days, i++, 2026, 4, 30, OS_DAY_HOLIDAY, "Ngày Chiến thắng", FALSE);
  assert_special (days, i++, 2026, 5, 1, OS_DAY_HOLIDAY, "Ngày Quốc tế lao động", FALSE);
  assert_special (days, i++, 2026, 9, 1, OS_DAY_DECLARED_WORKING, "Ngày làm việc", TRUE);
  assert_special (days, i++, 2026, 9, 2, OS_DAY_HOLIDAY, "Quốc khánh", FALSE);
  assert_special (days, i++, 2026, 12, 31, OS_DAY_DECLARED_OFF, "Tổng kết năm", TRUE);
  g_assert_cmpuint (i, ==, days->len);

  /* The boxed type copies deeply. */
  {
    g_autoptr(OsCalendarDay) copy = os_calendar_day_copy (g_ptr_array_index (days, 1));

    g_assert_true (copy->label != ((OsCalendarDay *) g_ptr_array_index (days, 1))->label);
    g_assert_cmpstr (copy->label, ==, "Nghỉ Tết (hoán đổi)");
    g_assert_cmpint (copy->kind, ==, OS_DAY_DECLARED_OFF);
    g_assert_true (copy->declared);
    g_assert_cmpint (g_date_get_day (&copy->date), ==, 13);
    g_assert_true (G_TYPE_IS_BOXED (OS_TYPE_CALENDAR_DAY));
  }
}

/* Lists of other years: 2024 has two make-up days for Tết. */
static void
test_list_special_days_2024 (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  g_autoptr(GPtrArray) days = os_calendar_list_special_days (calendar, 2024);
  guint i = 0;

  /* 1/1 Mon; Tết 9–13/2 + make-up 14, 15/2; Giỗ Tổ Thu 18/4; 30/4 Tue;
   * 1/5 Wed; 2/9 Mon with 3/9. */
  g_assert_cmpuint (days->len, ==, 13);
  assert_special (days, i++, 2024, 1, 1, OS_DAY_HOLIDAY, "Tết Dương lịch", FALSE);
  for (int day = 9; day <= 13; day++)
    assert_special (days, i++, 2024, 2, day, OS_DAY_HOLIDAY, "Tết Nguyên đán", FALSE);
  assert_special (days, i++, 2024, 2, 14, OS_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán", FALSE);
  assert_special (days, i++, 2024, 2, 15, OS_DAY_COMPENSATORY, "Nghỉ bù Tết Nguyên đán", FALSE);
  assert_special (days, i++, 2024, 4, 18, OS_DAY_HOLIDAY, "Giỗ Tổ Hùng Vương", FALSE);
  assert_special (days, i++, 2024, 4, 30, OS_DAY_HOLIDAY, "Ngày Chiến thắng", FALSE);
  assert_special (days, i++, 2024, 5, 1, OS_DAY_HOLIDAY, "Ngày Quốc tế lao động", FALSE);
  assert_special (days, i++, 2024, 9, 2, OS_DAY_HOLIDAY, "Quốc khánh", FALSE);
  assert_special (days, i++, 2024, 9, 3, OS_DAY_HOLIDAY, "Quốc khánh", FALSE);
}

static void
test_negative_amount (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  OsTimeLimit negative = { OS_TIME_UNIT_SESSIONS, -3, NO_CUTOFF };
  OsTimeLimit zero = { OS_TIME_UNIT_SESSIONS, 0, NO_CUTOFF };
  gint64 received = local_to_utc ("2026-03-09 09:00");
  g_autofree char *due = NULL;
  gint64 result;

  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*limit->amount >= 0*");
  result = os_calendar_compute_due (calendar, received, &negative);
  g_test_assert_expected_messages ();

  g_assert_cmpint (result, ==, os_calendar_compute_due (calendar, received, &zero));
  due = utc_to_local (result);
  g_assert_cmpstr (due, ==, "2026-03-09 11:30");
}

/* The due moment is an instant: the same whatever the process's TZ. */
static void
test_time_zone_independent (void)
{
  g_autoptr(OsCalendar) calendar = os_calendar_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 2, NO_CUTOFF };
  /* Monday 9 March 2026 09:00 in Hanoi is 02:00 UTC. */
  gint64 received = 1773021600;
  gint64 due;

  g_assert_cmpint (received, ==, local_to_utc ("2026-03-09 09:00"));
  due = os_calendar_compute_due (calendar, received, &limit);
  /* Tuesday 10 March 11:30 in Hanoi is 04:30 UTC. */
  g_assert_cmpint (due, ==, 1773117000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (due_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/calendar/due/", due_cases[i].path, NULL);

      g_test_add_data_func (path, &due_cases[i], test_due);
    }

  g_test_add_func ("/calendar/office-hours", test_office_hours);
  g_test_add_func ("/calendar/day-kinds/2026", test_day_kinds_2026);
  g_test_add_func ("/calendar/compensatory-days", test_compensatory_days);
  g_test_add_func ("/calendar/national-day-adjacent", test_national_day_adjacent);
  g_test_add_func ("/calendar/declarations", test_declarations);
  g_test_add_func ("/calendar/list-special-days/2026", test_list_special_days);
  g_test_add_func ("/calendar/list-special-days/2024", test_list_special_days_2024);
  g_test_add_func ("/calendar/negative-amount", test_negative_amount);
  g_test_add_func ("/calendar/time-zone-independent", test_time_zone_independent);

  return g_test_run ();
}
