/* os-lunar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "os-lunar.h"

/* How it works
 *
 * Days are handled as Julian day numbers (JDN, an integer per civil day).
 * Lunations are numbered as in Meeus, "Astronomical Algorithms" (2nd ed.),
 * chapter 49: lunation 0 is the new moon of 6 January 2000.
 *
 * - new_moon_jd() gives the instant of a new moon (Meeus ch. 49, with all
 *   periodic and planetary terms), converted from dynamical time to UT
 *   with an approximation of ΔT.
 * - The day a lunar month starts is the local civil day (UTC+7) holding
 *   that instant.
 * - sun_longitude() gives the sun's apparent longitude (Meeus ch. 25, the
 *   lower-accuracy method, about 0.01°, i.e. about a quarter of an hour).
 * - Month 11 is the month holding the winter solstice (longitude 270°).
 * - Between two months 11 there are 12 or 13 months.  With 13, the leap
 *   month is the first one after month 11 in which the sun's longitude does
 *   not cross a multiple of 30° (no major solar term); it takes the number
 *   of the month before it.
 *
 * Everything is recomputed on each call; a conversion costs a few dozen
 * new-moon evaluations, well under a microsecond each.
 */

#define TIME_ZONE_HOURS 7.0

/* Mean length of a lunation, in days. */
#define SYNODIC_MONTH 29.530588861

/* Julian day (dynamical time) of the mean new moon of lunation 0. */
#define LUNATION_0_JDE 2451550.09766

/* GDate counts days from 1 January of year 1 (= day 1); the Julian day
 * number of that day is 1721426. */
#define GDATE_TO_JDN 1721425

static inline double
deg_sin (double degrees)
{
  return sin (degrees * G_PI / 180.0);
}

static double
normalize_degrees (double degrees)
{
  degrees = fmod (degrees, 360.0);
  if (degrees < 0)
    degrees += 360.0;
  return degrees;
}

/* ΔT = TT − UT in seconds, for a decimal year.  Polynomial fits published
 * by Espenak and Meeus (NASA, "Five Millennium Canon of Solar Eclipses");
 * a few seconds of error do not matter here. */
static double
delta_t_seconds (double year)
{
  double t;

  if (year < 1860)
    {
      double u = (year - 1820) / 100;
      return -20 + 32 * u * u;
    }
  if (year < 1900)
    {
      t = year - 1860;
      return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * pow (t, 3)
             - 0.0004473624 * pow (t, 4) + pow (t, 5) / 233174;
    }
  if (year < 1920)
    {
      t = year - 1900;
      return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * pow (t, 3)
             - 0.000197 * pow (t, 4);
    }
  if (year < 1941)
    {
      t = year - 1920;
      return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * pow (t, 3);
    }
  if (year < 1961)
    {
      t = year - 1950;
      return 29.07 + 0.407 * t - t * t / 233 + pow (t, 3) / 2547;
    }
  if (year < 1986)
    {
      t = year - 1975;
      return 45.45 + 1.067 * t - t * t / 260 - pow (t, 3) / 718;
    }
  if (year < 2005)
    {
      t = year - 2000;
      return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * pow (t, 3)
             + 0.000651814 * pow (t, 4) + 0.00002373599 * pow (t, 5);
    }
  if (year < 2050)
    {
      t = year - 2000;
      return 62.92 + 0.32217 * t + 0.005589 * t * t;
    }
  if (year < 2150)
    {
      double u = (year - 1820) / 100;
      return -20 + 32 * u * u - 0.5628 * (2150 - year);
    }
  else
    {
      double u = (year - 1820) / 100;
      return -20 + 32 * u * u;
    }
}

static double
delta_t_days (double jd)
{
  double year = 2000.0 + (jd - 2451545.0) / 365.25;

  return delta_t_seconds (year) / 86400.0;
}

/* Instant (Julian day, UT) of the new moon of lunation @k. */
static double
new_moon_jd (int k)
{
  double t = k / 1236.85;
  double t2 = t * t;
  double t3 = t2 * t;
  double t4 = t3 * t;
  double jde, e, m, mp, f, om, corr, planets;
  static const double planet_coef[14] = {
    0.000325, 0.000165, 0.000164, 0.000126, 0.000110, 0.000062, 0.000060,
    0.000056, 0.000047, 0.000042, 0.000040, 0.000037, 0.000035, 0.000023,
  };
  double planet_arg[14];

  jde = LUNATION_0_JDE + SYNODIC_MONTH * k + 0.00015437 * t2
        - 0.000000150 * t3 + 0.00000000073 * t4;

  e = 1 - 0.002516 * t - 0.0000074 * t2;
  /* Sun's mean anomaly, moon's mean anomaly, moon's argument of latitude,
   * longitude of the ascending node. */
  m = 2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3;
  mp = 201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3
       - 0.000000058 * t4;
  f = 160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3
      + 0.000000011 * t4;
  om = 124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3;

  corr = -0.40720 * deg_sin (mp)
         + 0.17241 * e * deg_sin (m)
         + 0.01608 * deg_sin (2 * mp)
         + 0.01039 * deg_sin (2 * f)
         + 0.00739 * e * deg_sin (mp - m)
         - 0.00514 * e * deg_sin (mp + m)
         + 0.00208 * e * e * deg_sin (2 * m)
         - 0.00111 * deg_sin (mp - 2 * f)
         - 0.00057 * deg_sin (mp + 2 * f)
         + 0.00056 * e * deg_sin (2 * mp + m)
         - 0.00042 * deg_sin (3 * mp)
         + 0.00042 * e * deg_sin (m + 2 * f)
         + 0.00038 * e * deg_sin (m - 2 * f)
         - 0.00024 * e * deg_sin (2 * mp - m)
         - 0.00017 * deg_sin (om)
         - 0.00007 * deg_sin (mp + 2 * m)
         + 0.00004 * deg_sin (2 * mp - 2 * f)
         + 0.00004 * deg_sin (3 * m)
         + 0.00003 * deg_sin (mp + m - 2 * f)
         + 0.00003 * deg_sin (2 * mp + 2 * f)
         - 0.00003 * deg_sin (mp + m + 2 * f)
         + 0.00003 * deg_sin (mp - m + 2 * f)
         - 0.00002 * deg_sin (mp - m - 2 * f)
         - 0.00002 * deg_sin (3 * mp + m)
         + 0.00002 * deg_sin (4 * mp);

  planet_arg[0] = 299.77 + 0.107408 * k - 0.009173 * t2;
  planet_arg[1] = 251.88 + 0.016321 * k;
  planet_arg[2] = 251.83 + 26.651886 * k;
  planet_arg[3] = 349.42 + 36.412478 * k;
  planet_arg[4] = 84.66 + 18.206239 * k;
  planet_arg[5] = 141.74 + 53.303771 * k;
  planet_arg[6] = 207.14 + 2.453732 * k;
  planet_arg[7] = 154.84 + 7.306860 * k;
  planet_arg[8] = 34.52 + 27.261239 * k;
  planet_arg[9] = 207.19 + 0.121824 * k;
  planet_arg[10] = 291.34 + 1.844379 * k;
  planet_arg[11] = 161.72 + 24.198154 * k;
  planet_arg[12] = 239.56 + 25.513099 * k;
  planet_arg[13] = 331.55 + 3.592518 * k;

  planets = 0;
  for (guint i = 0; i < G_N_ELEMENTS (planet_coef); i++)
    planets += planet_coef[i] * deg_sin (planet_arg[i]);

  jde += corr + planets;

  return jde - delta_t_days (jde);
}

/* The local civil day (JDN) on which lunation @k begins. */
static int
new_moon_day (int k)
{
  return (int) floor (new_moon_jd (k) + 0.5 + TIME_ZONE_HOURS / 24.0);
}

/* The sun's apparent longitude, in degrees [0, 360), at the instant @jd (UT). */
static double
sun_longitude (double jd)
{
  double jde = jd + delta_t_days (jd);
  double t = (jde - 2451545.0) / 36525.0;
  double l0, m, c, om;

  l0 = 280.46646 + 36000.76983 * t + 0.0003032 * t * t;
  m = 357.52911 + 35999.05029 * t - 0.0001537 * t * t;
  c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * deg_sin (m)
      + (0.019993 - 0.000101 * t) * deg_sin (2 * m)
      + 0.000289 * deg_sin (3 * m);
  om = 125.04 - 1934.136 * t;

  return normalize_degrees (l0 + c - 0.00569 - 0.00478 * deg_sin (om));
}

/* The sun's longitude at the start (local midnight) of the day @jdn. */
static double
sun_longitude_at_day_start (int jdn)
{
  return sun_longitude (jdn - 0.5 - TIME_ZONE_HOURS / 24.0);
}

/* Which 30° sector (0–11) the sun is in when the day @jdn begins; a month
 * holds a major solar term when this changes between its first day and
 * the first day of the next month. */
static int
solar_sector_at_day_start (int jdn)
{
  return (int) floor (sun_longitude_at_day_start (jdn) / 30.0) % 12;
}

/* The lunation in which the local day @jdn falls. */
static int
lunation_of_day (int jdn)
{
  int k = (int) floor ((jdn - LUNATION_0_JDE) / SYNODIC_MONTH);

  while (new_moon_day (k + 1) <= jdn)
    k++;
  while (new_moon_day (k) > jdn)
    k--;

  return k;
}

static int
jdn_from_ymd (int year, int month, int day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);

  return (int) g_date_get_julian (&date) + GDATE_TO_JDN;
}

/* The lunation that is month 11 of the lunar year around the December
 * solstice of the solar year @year. */
static int
month_11_lunation (int year)
{
  int k = lunation_of_day (jdn_from_ymd (year, 12, 31));

  /* Go back until the month starts before the solstice day ends.  The
   * longitude in December stays between 240° and 290°, no wrap-around. */
  while (sun_longitude_at_day_start (new_moon_day (k)) >= 270.0)
    k--;

  return k;
}

/* For the 13-month span starting with month 11 at lunation @k11, the
 * offset (1–12) of the leap month from month 11. */
static int
leap_month_offset (int k11)
{
  int sector = solar_sector_at_day_start (new_moon_day (k11 + 1));

  for (int i = 1; i <= 12; i++)
    {
      int next_sector = solar_sector_at_day_start (new_moon_day (k11 + i + 1));

      if (next_sector == sector)
        return i;

      sector = next_sector;
    }

  g_assert_not_reached ();
  return 12;
}

/* Month number (1–12) of the month at offset @offset after month 11, in a
 * span without leap month. */
static inline int
month_number (int offset)
{
  return (offset + 10) % 12 + 1;
}

void
os_lunar_from_solar (const GDate *solar,
                     OsLunarDate *out)
{
  int jdn, year, k, k11, start, span, offset, base_year;
  gboolean leap = FALSE;

  g_return_if_fail (solar != NULL);
  g_return_if_fail (g_date_valid (solar));
  g_return_if_fail (out != NULL);

  jdn = (int) g_date_get_julian (solar) + GDATE_TO_JDN;
  year = g_date_get_year (solar);
  k = lunation_of_day (jdn);

  k11 = month_11_lunation (year);
  if (k >= k11)
    {
      base_year = year;
      start = k11;
      span = month_11_lunation (year + 1) - k11;
    }
  else
    {
      base_year = year - 1;
      start = month_11_lunation (year - 1);
      span = k11 - start;
    }

  offset = k - start;
  g_assert (offset >= 0 && offset < span);

  if (span == 13)
    {
      int leap_offset = leap_month_offset (start);

      if (offset == leap_offset)
        leap = TRUE;
      if (offset >= leap_offset)
        offset--;
    }

  out->month = month_number (offset);
  out->year = offset < 2 ? base_year : base_year + 1;
  out->day = jdn - new_moon_day (k) + 1;
  out->leap = leap;
}

/* Finds the lunation of a lunar month; FALSE if there is no such month. */
static gboolean
find_lunation (int       year,
               int       month,
               gboolean  leap,
               int      *lunation)
{
  int k11, span, offset;

  if (month < 1 || month > 12)
    return FALSE;

  /* Months 11 and 12 follow the solstice of their own solar year; months
   * 1–10 follow the solstice of the year before. */
  if (month >= 11)
    k11 = month_11_lunation (year);
  else
    k11 = month_11_lunation (year - 1);

  span = month_11_lunation (month >= 11 ? year + 1 : year) - k11;
  offset = (month + 12 - 11) % 12;

  if (span == 13)
    {
      int leap_offset = leap_month_offset (k11);

      if (leap && month != month_number (leap_offset - 1))
        return FALSE;
      if (leap || offset >= leap_offset)
        offset++;
    }
  else if (leap)
    {
      return FALSE;
    }

  *lunation = k11 + offset;
  return TRUE;
}

/* Years whose conversions stay inside what GDate can represent. */
static inline gboolean
year_in_range (int year)
{
  return year > 1 && year < 9999;
}

gboolean
os_lunar_to_solar (int       year,
                   int       month,
                   int       day,
                   gboolean  leap,
                   GDate    *out)
{
  int k, start, length;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!year_in_range (year) || day < 1 || day > 30)
    return FALSE;

  if (!find_lunation (year, month, leap, &k))
    return FALSE;

  start = new_moon_day (k);
  length = new_moon_day (k + 1) - start;
  if (day > length)
    return FALSE;

  g_date_clear (out, 1);
  g_date_set_julian (out, (guint32) (start + day - 1 - GDATE_TO_JDN));

  return TRUE;
}

/**
 * os_lunar_get_leap_month:
 * @year: a lunar year
 *
 * Returns: the number (1–12) of the month that lunar year @year repeats as
 *   a leap month, or 0 when the year has no leap month.
 */
int
os_lunar_get_leap_month (int year)
{
  int k11, span;

  if (!year_in_range (year))
    return 0;

  /* A leap month 1–10 lies in the span that starts in December of the
   * year before; a leap 11th or 12th month in the span starting in
   * December of @year itself. */
  k11 = month_11_lunation (year - 1);
  span = month_11_lunation (year) - k11;
  if (span == 13)
    {
      int offset = leap_month_offset (k11);

      if (offset >= 3)
        return month_number (offset - 1);
    }

  k11 = month_11_lunation (year);
  span = month_11_lunation (year + 1) - k11;
  if (span == 13)
    {
      int offset = leap_month_offset (k11);

      if (offset <= 2)
        return month_number (offset - 1);
    }

  return 0;
}

/**
 * os_lunar_get_month_length:
 * @year: a lunar year
 * @month: a lunar month, 1–12
 * @leap: whether the leap month is meant
 *
 * Returns: 29 or 30, or 0 when that month does not exist.
 */
int
os_lunar_get_month_length (int      year,
                           int      month,
                           gboolean leap)
{
  int k;

  if (!year_in_range (year) || !find_lunation (year, month, leap, &k))
    return 0;

  return new_moon_day (k + 1) - new_moon_day (k);
}
