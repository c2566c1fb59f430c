/* test-lunar.c: the Vietnamese lunar calendar against published dates.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>

#include "os-lunar.h"

/* Vietnamese Tết (lunar 1/1) and Giỗ Tổ Hùng Vương (lunar 10/3), as solar
 * dates, 2000–2050.
 *
 * Source: the holiday tables of the python "holidays" library
 * (github.com/vacanza/holidays, holidays/calendars/chinese.py: the
 * LUNAR_NEW_YEAR_DATES and HUNG_KINGS_DATES tables, with the
 * VIETNAMESE_CALENDAR_* corrections for the years where Vietnam (UTC+7)
 * differs from China (UTC+8): Tết 2007 and 2030, Giỗ Tổ 2009, 2037 and
 * 2038).  Cross-checked against timeanddate.com's list of "Tet Nguyen Dan /
 * Vietnamese New Year" 2022–2032 (2030: Saturday 2 February),
 * publicholidays.vn's Tết holiday ranges 2017–2024, and Vietnamese press
 * reports of the 2007 and 2030 differences (Tết on 17/02/2007 against
 * 18/02/2007 in China; 02/02/2030 against 03/02/2030).  Lists copied
 * from Chinese almanacs get exactly those years wrong. */
static const struct
{
  int year;
  int tet_month, tet_day;
  int hung_month, hung_day;
} published[] = {
  { 2000, 2,  5, 4, 14 },
  { 2001, 1, 24, 4,  3 },
  { 2002, 2, 12, 4, 22 },
  { 2003, 2,  1, 4, 11 },
  { 2004, 1, 22, 4, 28 },
  { 2005, 2,  9, 4, 18 },
  { 2006, 1, 29, 4,  7 },
  { 2007, 2, 17, 4, 26 },
  { 2008, 2,  7, 4, 15 },
  { 2009, 1, 26, 4,  4 },
  { 2010, 2, 14, 4, 23 },
  { 2011, 2,  3, 4, 12 },
  { 2012, 1, 23, 3, 31 },
  { 2013, 2, 10, 4, 19 },
  { 2014, 1, 31, 4,  9 },
  { 2015, 2, 19, 4, 28 },
  { 2016, 2,  8, 4, 16 },
  { 2017, 1, 28, 4,  6 },
  { 2018, 2, 16, 4, 25 },
  { 2019, 2,  5, 4, 14 },
  { 2020, 1, 25, 4,  2 },
  { 2021, 2, 12, 4, 21 },
  { 2022, 2,  1, 4, 10 },
  { 2023, 1, 22, 4, 29 },
  { 2024, 2, 10, 4, 18 },
  { 2025, 1, 29, 4,  7 },
  { 2026, 2, 17, 4, 26 },
  { 2027, 2,  6, 4, 16 },
  { 2028, 1, 26, 4,  4 },
  { 2029, 2, 13, 4, 23 },
  { 2030, 2,  2, 4, 12 },
  { 2031, 1, 23, 4,  1 },
  { 2032, 2, 11, 4, 19 },
  { 2033, 1, 31, 4,  9 },
  { 2034, 2, 19, 4, 28 },
  { 2035, 2,  8, 4, 17 },
  { 2036, 1, 28, 4,  6 },
  { 2037, 2, 15, 4, 24 },
  { 2038, 2,  4, 4, 13 },
  { 2039, 1, 24, 4,  3 },
  { 2040, 2, 12, 4, 20 },
  { 2041, 2,  1, 4, 10 },
  { 2042, 1, 22, 4, 29 },
  { 2043, 2, 10, 4, 19 },
  { 2044, 1, 30, 4,  7 },
  { 2045, 2, 17, 4, 26 },
  { 2046, 2,  6, 4, 15 },
  { 2047, 1, 26, 4,  4 },
  { 2048, 2, 14, 4, 22 },
  { 2049, 2,  2, 4, 11 },
  { 2050, 1, 23, 4,  1 },
};

static void
set_date (GDate *date,
          int    year,
          int    month,
          int    day)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
}

static char *
format_date (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d",
                          g_date_get_year (date),
                          g_date_get_month (date),
                          g_date_get_day (date));
}

static char *
format_lunar (const OsLunarDate *lunar)
{
  return g_strdup_printf ("%d/%d%s/%d", lunar->day, lunar->month,
                          lunar->leap ? "L" : "", lunar->year);
}

/* Lunar date of a solar date, as "day/month[L]/year". */
static char *
lunar_of (int year,
          int month,
          int day)
{
  OsLunarDate lunar;
  GDate date;

  set_date (&date, year, month, day);
  os_lunar_from_solar (&date, &lunar);

  return format_lunar (&lunar);
}

/* Solar date of a lunar date as "yyyy-mm-dd", or "none". */
static char *
solar_of (int      year,
          int      month,
          int      day,
          gboolean leap)
{
  GDate date;

  if (!os_lunar_to_solar (year, month, day, leap, &date))
    return g_strdup ("none");

  return format_date (&date);
}

/* Every day from @first_year to @last_year converts to a lunar date and
 * back to itself, and consecutive days make a consistent lunar calendar. */
static void
check_round_trip (int first_year,
                  int last_year)
{
  OsLunarDate previous = { 0 };
  GDate date;
  guint days = 0;

  set_date (&date, first_year, 1, 1);

  while (g_date_get_year (&date) <= last_year)
    {
      OsLunarDate lunar;
      GDate back;

      os_lunar_from_solar (&date, &lunar);

      g_assert_cmpint (lunar.month, >=, 1);
      g_assert_cmpint (lunar.month, <=, 12);
      g_assert_cmpint (lunar.day, >=, 1);
      g_assert_cmpint (lunar.day, <=, 30);

      if (!os_lunar_to_solar (lunar.year, lunar.month, lunar.day, lunar.leap, &back) ||
          g_date_compare (&back, &date) != 0)
        {
          g_autofree char *solar = format_date (&date);
          g_autofree char *text = format_lunar (&lunar);

          g_error ("%s → %s does not convert back", solar, text);
        }

      if (days > 0)
        {
          if (lunar.day == 1)
            {
              /* A month begins: the previous one had 29 or 30 days, and
               * the month number moves on (or repeats as a leap month). */
              g_assert_cmpint (previous.day, >=, 29);
              g_assert_cmpint (previous.day, ==,
                               os_lunar_get_month_length (previous.year,
                                                          previous.month,
                                                          previous.leap));
              if (lunar.leap)
                {
                  g_assert_cmpint (lunar.month, ==, previous.month);
                  g_assert_cmpint (lunar.year, ==, previous.year);
                }
              else if (previous.month == 12)
                {
                  g_assert_cmpint (lunar.month, ==, 1);
                  g_assert_cmpint (lunar.year, ==, previous.year + 1);
                }
              else
                {
                  g_assert_cmpint (lunar.month, ==, previous.month + 1);
                  g_assert_cmpint (lunar.year, ==, previous.year);
                }
            }
          else
            {
              g_assert_cmpint (lunar.day, ==, previous.day + 1);
              g_assert_cmpint (lunar.month, ==, previous.month);
              g_assert_cmpint (lunar.year, ==, previous.year);
              g_assert_cmpint (lunar.leap, ==, previous.leap);
            }
        }

      previous = lunar;
      days++;
      g_date_add_days (&date, 1);
    }

  g_test_message ("%u days checked", days);
}

static void
test_round_trip_2000_2050 (void)
{
  check_round_trip (2000, 2050);
}

static void
test_round_trip_1900_2100 (void)
{
  check_round_trip (1900, 2100);
}

static void
test_tet (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (published); i++)
    {
      int year = published[i].year;
      g_autofree char *expected = g_strdup_printf ("%04d-%02d-%02d", year,
                                                   published[i].tet_month,
                                                   published[i].tet_day);
      g_autofree char *solar = solar_of (year, 1, 1, FALSE);
      g_autofree char *lunar = lunar_of (year, published[i].tet_month,
                                         published[i].tet_day);
      g_autofree char *lunar_expected = g_strdup_printf ("1/1/%d", year);

      g_assert_cmpstr (solar, ==, expected);
      g_assert_cmpstr (lunar, ==, lunar_expected);
    }

  /* The table covers every year 2000–2050. */
  g_assert_cmpint (G_N_ELEMENTS (published), ==, 51);
  g_assert_cmpint (published[0].year, ==, 2000);
  g_assert_cmpint (published[G_N_ELEMENTS (published) - 1].year, ==, 2050);
}

static void
test_hung_kings (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (published); i++)
    {
      int year = published[i].year;
      g_autofree char *expected = g_strdup_printf ("%04d-%02d-%02d", year,
                                                   published[i].hung_month,
                                                   published[i].hung_day);
      g_autofree char *solar = solar_of (year, 3, 10, FALSE);
      g_autofree char *lunar = lunar_of (year, published[i].hung_month,
                                         published[i].hung_day);
      g_autofree char *lunar_expected = g_strdup_printf ("10/3/%d", year);

      g_assert_cmpstr (solar, ==, expected);
      g_assert_cmpstr (lunar, ==, lunar_expected);
    }
}

/* Years where a Chinese (UTC+8) table would be wrong for Vietnam. */
static void
test_differs_from_china (void)
{
  g_autofree char *tet_2007 = solar_of (2007, 1, 1, FALSE);
  g_autofree char *cn_tet_2007 = lunar_of (2007, 2, 18);
  g_autofree char *eve_2007 = lunar_of (2007, 2, 16);
  g_autofree char *tet_2030 = solar_of (2030, 1, 1, FALSE);
  g_autofree char *cn_tet_2030 = lunar_of (2030, 2, 3);
  g_autofree char *hung_2009 = solar_of (2009, 3, 10, FALSE);
  g_autofree char *hung_2037 = solar_of (2037, 3, 10, FALSE);
  g_autofree char *hung_2038 = solar_of (2038, 3, 10, FALSE);
  g_autofree char *tet_1985 = solar_of (1985, 1, 1, FALSE);
  g_autofree char *tet_2053 = solar_of (2053, 1, 1, FALSE);

  /* Tết 2007: 17 February in Vietnam, 18 February in China, where 18
   * February is already the second day of the year in Vietnam. */
  g_assert_cmpstr (tet_2007, ==, "2007-02-17");
  g_assert_cmpstr (cn_tet_2007, ==, "2/1/2007");
  g_assert_cmpstr (eve_2007, ==, "29/12/2006");

  /* Tết 2030: 2 February in Vietnam, 3 February in China. */
  g_assert_cmpstr (tet_2030, ==, "2030-02-02");
  g_assert_cmpstr (cn_tet_2030, ==, "2/1/2030");

  /* Giỗ Tổ Hùng Vương one day earlier than lunar 10/3 in China. */
  g_assert_cmpstr (hung_2009, ==, "2009-04-04");
  g_assert_cmpstr (hung_2037, ==, "2037-04-24");
  g_assert_cmpstr (hung_2038, ==, "2038-04-13");

  /* 1985: Vietnam's leap month fell in 1985 instead of 1984, and Tết came
   * a whole month before China's (20 February). */
  g_assert_cmpstr (tet_1985, ==, "1985-01-21");
  g_assert_cmpint (os_lunar_get_leap_month (1984), ==, 0);
  g_assert_cmpint (os_lunar_get_leap_month (1985), ==, 2);

  /* The next difference after 2030. */
  g_assert_cmpstr (tet_2053, ==, "2053-02-18");
}

static void
test_leap_months (void)
{
  /* Leap months of the Vietnamese calendar, and the first day of the leap
   * month where it was widely reported (2020, 2023, 2025). */
  static const struct
  {
    int year;
    int leap_month;
    const char *leap_start;
  } leaps[] = {
    { 2001, 4, NULL },
    { 2004, 2, NULL },
    { 2006, 7, NULL },
    { 2009, 5, NULL },
    { 2012, 4, NULL },
    { 2014, 9, NULL },
    { 2017, 6, NULL },
    { 2020, 4, "2020-05-23" },
    { 2023, 2, "2023-03-22" },
    { 2025, 6, "2025-07-25" },
    { 2028, 5, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (leaps); i++)
    {
      g_autofree char *start = solar_of (leaps[i].year, leaps[i].leap_month, 1, TRUE);
      g_autofree char *lunar = NULL;
      g_autofree char *expected_lunar = NULL;
      int y, m, d;

      g_assert_cmpint (os_lunar_get_leap_month (leaps[i].year), ==, leaps[i].leap_month);
      g_assert_cmpstr (start, !=, "none");
      if (leaps[i].leap_start != NULL)
        g_assert_cmpstr (start, ==, leaps[i].leap_start);

      /* The first day of the leap month converts back to it. */
      g_assert_cmpint (sscanf (start, "%d-%d-%d", &y, &m, &d), ==, 3);
      lunar = lunar_of (y, m, d);
      expected_lunar = g_strdup_printf ("1/%dL/%d", leaps[i].leap_month, leaps[i].year);
      g_assert_cmpstr (lunar, ==, expected_lunar);
    }

  /* The ordinary month comes first, the leap month right after it. */
  {
    g_autofree char *fourth_2020 = solar_of (2020, 4, 1, FALSE);
    g_autofree char *fifth_2020 = solar_of (2020, 5, 1, FALSE);
    g_autofree char *second_2023 = solar_of (2023, 2, 1, FALSE);
    g_autofree char *third_2023 = solar_of (2023, 3, 1, FALSE);
    g_autofree char *sixth_2025 = solar_of (2025, 6, 1, FALSE);
    g_autofree char *seventh_2025 = solar_of (2025, 7, 1, FALSE);

    g_assert_cmpstr (fourth_2020, ==, "2020-04-23");
    g_assert_cmpstr (fifth_2020, ==, "2020-06-21");
    g_assert_cmpstr (second_2023, ==, "2023-02-20");
    g_assert_cmpstr (third_2023, ==, "2023-04-20");
    g_assert_cmpstr (sixth_2025, ==, "2025-06-25");
    g_assert_cmpstr (seventh_2025, ==, "2025-08-23");
  }

  /* Years without a leap month. */
  g_assert_cmpint (os_lunar_get_leap_month (2022), ==, 0);
  g_assert_cmpint (os_lunar_get_leap_month (2024), ==, 0);
  g_assert_cmpint (os_lunar_get_leap_month (2026), ==, 0);
}

static void
test_nonexistent_dates (void)
{
  GDate date;

  /* No leap month that year, or not that one. */
  g_assert_false (os_lunar_to_solar (2024, 4, 1, TRUE, &date));
  g_assert_false (os_lunar_to_solar (2020, 5, 1, TRUE, &date));
  g_assert_false (os_lunar_to_solar (2025, 5, 1, TRUE, &date));
  g_assert_true (os_lunar_to_solar (2025, 6, 29, TRUE, &date));

  /* Day 30 of a 29-day month: the last month of 2024 (Tết 2025 had no
   * "30 Tết"), against the 30-day last month of 2023. */
  g_assert_cmpint (os_lunar_get_month_length (2024, 12, FALSE), ==, 29);
  g_assert_false (os_lunar_to_solar (2024, 12, 30, FALSE, &date));
  g_assert_cmpint (os_lunar_get_month_length (2023, 12, FALSE), ==, 30);
  g_assert_true (os_lunar_to_solar (2023, 12, 30, FALSE, &date));
  g_assert_cmpint (g_date_get_day (&date), ==, 9);
  g_assert_cmpint (g_date_get_month (&date), ==, 2);
  g_assert_cmpint (g_date_get_year (&date), ==, 2024);

  /* Out of range. */
  g_assert_false (os_lunar_to_solar (2024, 0, 1, FALSE, &date));
  g_assert_false (os_lunar_to_solar (2024, 13, 1, FALSE, &date));
  g_assert_false (os_lunar_to_solar (2024, 1, 0, FALSE, &date));
  g_assert_false (os_lunar_to_solar (2024, 1, 31, FALSE, &date));
  g_assert_cmpint (os_lunar_get_month_length (2024, 4, TRUE), ==, 0);
}

static void
test_range_ends (void)
{
  g_autofree char *first = lunar_of (1900, 1, 1);
  g_autofree char *tet_1900 = solar_of (1900, 1, 1, FALSE);
  g_autofree char *last = lunar_of (2100, 12, 31);
  g_autofree char *tet_2100 = solar_of (2100, 1, 1, FALSE);

  g_assert_cmpstr (first, ==, "1/12/1899");
  g_assert_cmpstr (tet_1900, ==, "1900-01-31");
  g_assert_cmpstr (last, ==, "1/12/2100");
  g_assert_cmpstr (tet_2100, ==, "2100-02-09");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lunar/round-trip/2000-2050", test_round_trip_2000_2050);
  g_test_add_func ("/lunar/round-trip/1900-2100", test_round_trip_1900_2100);
  g_test_add_func ("/lunar/tet", test_tet);
  g_test_add_func ("/lunar/hung-kings", test_hung_kings);
  g_test_add_func ("/lunar/differs-from-china", test_differs_from_china);
  g_test_add_func ("/lunar/leap-months", test_leap_months);
  g_test_add_func ("/lunar/nonexistent-dates", test_nonexistent_dates);
  g_test_add_func ("/lunar/range-ends", test_range_ends);

  return g_test_run ();
}
