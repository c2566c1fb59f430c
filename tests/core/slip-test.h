/* slip-test.h: what the slip tests share (header only): the agency and instants they
 * print, and reading a PDF back with poppler-utils (through os-test-util.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "os-agency.h"
#include "os-test-util.h"

/* An instant of Vietnam's local time. */
static inline gint64
slip_test_instant (int year,
                   int month,
                   int day,
                   int hour,
                   int minute)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Ho_Chi_Minh");
  g_autoptr(GDateTime) time = NULL;

  g_assert_nonnull (tz);
  time = g_date_time_new (tz, year, month, day, hour, minute, 0);
  return g_date_time_to_unix (time);
}

static inline OsAgency *
slip_test_agency (void)
{
  return os_agency_new ("000.00.06.H56", "UBND Phường Ba Đình", "UBND Thành phố Hà Nội",
                        "Hà Nội", "Bộ phận Một cửa");
}

/* Text of page @page (from 1; 0 for all) of the PDF at @path, NFC, every run of white
 * space one space; @layout keeps pdftotext's physical layout (-layout). */
static inline char *
slip_test_pdf_text (const char *path,
                    int         page,
                    gboolean    layout)
{
  g_autofree char *first = g_strdup_printf ("%d", page > 0 ? page : 1);
  g_autofree char *last = g_strdup_printf ("%d", page > 0 ? page : 9999);
  const char *argv[] = { "pdftotext", "-layout", "-f", first, "-l", last, path, "-", NULL };
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;
  GString *joined = g_string_new (NULL);

  /* Without -layout: the same words from "pdftotext" on. */
  if (!layout)
    argv[1] = "pdftotext";
  raw = os_test_run_tool (layout ? argv : argv + 1);
  text = g_utf8_normalize (raw, -1, G_NORMALIZE_NFC);
  words = g_strsplit_set (text, " \t\r\n\f", -1);
  for (int i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (joined->len > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, words[i]);
    }

  return g_string_free (joined, FALSE);
}

static inline int
slip_test_pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = os_test_run_tool (argv);
  const char *pages = strstr (info, "\nPages:");

  g_assert_nonnull (pages);
  return atoi (pages + strlen ("\nPages:"));
}

/* How many times @needle stands in @haystack (overlaps counted). */
static inline guint
slip_test_count (const char *haystack,
                 const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}
