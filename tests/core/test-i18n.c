/* test-i18n.c: the core strings come out in English from the build tree's catalogue
 * (po/en.po compiled by meson into <BUILD_DIR>/po/en/LC_MESSAGES/onestop.mo), and in
 * Vietnamese, the source language, when English is not asked for.
 *
 * Each language runs in a child process: glibc caches translations and GLib decides
 * once per process whether to translate at all, so switching in place proves little.
 *
 * Needs the en_US.UTF-8 locale (Debian: enable it in /etc/locale.gen and run locale-gen,
 * as .ci/setup does); without it the English tests are skipped, or fail when CI is set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <locale.h>

#include "os-cccd.h"
#include "os-error.h"
#include "os-types.h"

static char *localedir;   /* <BUILD_DIR>/po */
static char *mo_path;     /* <BUILD_DIR>/po/en/LC_MESSAGES/onestop.mo */

/* What the child asserts: one column per language. */
typedef struct
{
  const char *received;
  const char *overdue;
  const char *three_working_days;
  const char *one_working_day;
  const char *half_days;            /* 5 sessions */
  const char *one_calendar_day;
  const char *same_day;
  const char *in_person;
  const char *card_wrong_fields;    /* "not a card" has 1 field, 7 are needed */
  const char *card_bad_id;
} Expected;

static const Expected english = {
  .received = "Received",
  .overdue = "Overdue",
  .three_working_days = "3 working days",
  .one_working_day = "1 working day",
  .half_days = "2.5 working days",
  .one_calendar_day = "1 day",
  .same_day = "Same day",
  .in_person = "In person",
  .card_wrong_fields = "This QR code is not from a citizen ID card: expected 7 fields, read 1.",
  .card_bad_id = "The ID number in the QR code must have exactly 12 digits.",
};

static const Expected vietnamese = {
  .received = "Được tiếp nhận",
  .overdue = "Quá hạn",
  .three_working_days = "3 ngày làm việc",
  .one_working_day = "1 ngày làm việc",
  .half_days = "2,5 ngày làm việc",
  .one_calendar_day = "1 ngày",
  .same_day = "Trong ngày",
  .in_person = "Trực tiếp",
  .card_wrong_fields = "Mã QR không phải của thẻ căn cước công dân: cần 7 trường, đọc được 1.",
  .card_bad_id = "Số định danh trên mã QR phải có đúng 12 chữ số.",
};

/* The portal's status names (os-types.h) in the order of OsStatus. */
static const char *const english_statuses[] = {
  "Newly registered",
  "Received",
  "Not accepted",
  "In progress",
  "Supplement requested",
  "Payment requested",
  "Withdrawn by applicant",
  "Processing stopped",
  "Resolved",
  "Result handed over",
};

static gboolean
in_ci (void)
{
  const char *ci = g_getenv ("CI");

  return ci != NULL && *ci != '\0' && g_strcmp0 (ci, "0") != 0 && g_ascii_strcasecmp (ci, "false") != 0;
}

/* Skips (or, under CI, fails) the current test; returns FALSE then. */
static gboolean
require_locale (const char *locale)
{
  const char *previous = setlocale (LC_ALL, NULL);
  g_autofree char *saved = g_strdup (previous);

  if (setlocale (LC_ALL, locale) != NULL)
    {
      setlocale (LC_ALL, saved);
      return TRUE;
    }

  if (in_ci ())
    {
      g_test_message ("locale %s is missing: enable it in /etc/locale.gen and run locale-gen "
                      "(.ci/setup does)", locale);
      g_test_fail ();
    }
  else
    {
      g_autofree char *why = g_strdup_printf ("locale %s is not installed (locale-gen)", locale);
      g_test_skip (why);
    }
  return FALSE;
}

/* In the child: what main.c does, with the build tree's catalogue. */
static void
setup_gettext (const char *locale)
{
  const char *bound;

  g_assert_nonnull (setlocale (LC_ALL, locale));
  bound = bindtextdomain (GETTEXT_PACKAGE, localedir);
  g_assert_cmpstr (bound, ==, localedir);
  g_assert_cmpstr (bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8"), ==, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static char *
time_limit (OsTimeUnit unit,
            int        amount)
{
  OsTimeLimit limit = { .unit = unit, .amount = amount, .cutoff_minutes = -1 };

  return os_time_limit_to_string (&limit);
}

static void
assert_card_error (const char *line,
                   const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsCitizenCard) card = os_citizen_card_parse (line, &error);

  g_assert_null (card);
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
assert_strings (const Expected *e)
{
  g_autofree char *three = time_limit (OS_TIME_UNIT_SESSIONS, 6);
  g_autofree char *one = time_limit (OS_TIME_UNIT_SESSIONS, 2);
  g_autofree char *half = time_limit (OS_TIME_UNIT_SESSIONS, 5);
  g_autofree char *calendar = time_limit (OS_TIME_UNIT_CALENDAR_DAYS, 1);
  g_autofree char *same_day = time_limit (OS_TIME_UNIT_SAME_DAY, 0);

  g_assert_cmpstr (os_status_to_string (OS_STATUS_RECEIVED), ==, e->received);
  g_assert_cmpstr (os_due_state_to_string (OS_DUE_STATE_OVERDUE), ==, e->overdue);
  g_assert_cmpstr (three, ==, e->three_working_days);
  g_assert_cmpstr (one, ==, e->one_working_day);
  g_assert_cmpstr (half, ==, e->half_days);
  g_assert_cmpstr (calendar, ==, e->one_calendar_day);
  g_assert_cmpstr (same_day, ==, e->same_day);
  g_assert_cmpstr (os_channel_to_string (OS_CHANNEL_IN_PERSON), ==, e->in_person);
  assert_card_error ("not a card", e->card_wrong_fields);
  assert_card_error ("12345|123456789|Nguyễn Văn Ấn|01021990|Nam|Hà Nội|15082021",
                     e->card_bad_id);
}

/* Child bodies */

static void
child_english (void)
{
  const char *header;

  setup_gettext ("en_US.UTF-8");

  /* The catalogue was found: its header is English. */
  header = g_dgettext (GETTEXT_PACKAGE, "");
  g_assert_nonnull (strstr (header, "Language: en\n"));

  assert_strings (&english);
  for (OsStatus s = OS_STATUS_FIRST; s <= OS_STATUS_LAST; s++)
    g_assert_cmpstr (os_status_to_string (s), ==, english_statuses[s - OS_STATUS_FIRST]);
  /* Plural forms come from en.po's Plural-Forms, not from the source. */
  {
    g_autofree char *two = time_limit (OS_TIME_UNIT_CALENDAR_DAYS, 2);
    g_assert_cmpstr (two, ==, "2 days");
  }
}

static void
child_vietnamese (const char *locale)
{
  setup_gettext (locale);
  assert_strings (&vietnamese);
  for (OsStatus s = OS_STATUS_FIRST; s <= OS_STATUS_LAST; s++)
    g_assert_cmpstr (os_status_to_string (s), !=, english_statuses[s - OS_STATUS_FIRST]);
}

/* Parent side */

typedef enum
{
  RUN_ENGLISH_LANGUAGE,     /* LANGUAGE=en, en_US.UTF-8 */
  RUN_ENGLISH_LOCALE,       /* no LANGUAGE, en_US.UTF-8: "en" is found from the locale */
  RUN_VIETNAMESE_LANGUAGE,  /* LANGUAGE=vi, en_US.UTF-8: no vi catalogue, so the source */
  RUN_VIETNAMESE_LOCALE,    /* no LANGUAGE, vi_VN.UTF-8 */
  RUN_C_LOCALE,             /* no LANGUAGE, C.UTF-8 */
} Run;

static void
run_child (gconstpointer data)
{
  Run run = GPOINTER_TO_INT (data);

  if (g_test_subprocess ())
    {
      switch (run)
        {
        case RUN_ENGLISH_LANGUAGE:
        case RUN_ENGLISH_LOCALE:
          child_english ();
          break;
        case RUN_VIETNAMESE_LANGUAGE:
          child_vietnamese ("en_US.UTF-8");
          break;
        case RUN_VIETNAMESE_LOCALE:
          child_vietnamese ("vi_VN.UTF-8");
          break;
        case RUN_C_LOCALE:
        default:
          child_vietnamese ("C.UTF-8");
          break;
        }
      return;
    }

  switch (run)
    {
    case RUN_ENGLISH_LANGUAGE:
    case RUN_ENGLISH_LOCALE:
    case RUN_VIETNAMESE_LANGUAGE:
      if (!require_locale ("en_US.UTF-8"))
        return;
      break;
    case RUN_VIETNAMESE_LOCALE:
      if (!require_locale ("vi_VN.UTF-8"))
        return;
      break;
    case RUN_C_LOCALE:
    default:
      if (!require_locale ("C.UTF-8"))
        return;
      break;
    }

  /* The child inherits the environment; LC_ALL/LANG are overridden by its setlocale (). */
  if (run == RUN_ENGLISH_LANGUAGE)
    g_setenv ("LANGUAGE", "en", TRUE);
  else if (run == RUN_VIETNAMESE_LANGUAGE)
    g_setenv ("LANGUAGE", "vi", TRUE);
  else
    g_unsetenv ("LANGUAGE");

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The compiled catalogue is a build product (target onestop-gmo). `meson test` only
 * builds what tests declare, and tests/core/meson.build declares nothing for this test,
 * so build the catalogue here when it is missing or older than po/en.po. */
static gboolean
ensure_catalogue (GError **error)
{
  const char *build_dir = g_getenv ("BUILD_DIR");
  const char *source_dir = g_getenv ("SOURCE_DIR");
  g_autofree char *po = NULL;
  g_autofree char *ninja = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GStatBuf mo_stat, po_stat;
  gboolean stale;
  int status;

  if (source_dir != NULL)
    po = g_build_filename (source_dir, "po", "en.po", NULL);

  stale = g_stat (mo_path, &mo_stat) != 0 ||
          (po != NULL && g_stat (po, &po_stat) == 0 && po_stat.st_mtime > mo_stat.st_mtime);
  if (!stale)
    return TRUE;

  ninja = g_find_program_in_path ("ninja");
  if (ninja == NULL)
    ninja = g_find_program_in_path ("samu");
  if (ninja == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s is missing or out of date and ninja is not in PATH: "
                   "run `meson compile -C %s onestop-gmo`", mo_path, build_dir);
      return FALSE;
    }

  {
    const char *argv[] = { ninja, "-C", build_dir, "onestop-gmo", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                       &out, &err, &status, error))
      return FALSE;
  }
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "building onestop-gmo: %s%s: ", out, err);
      return FALSE;
    }
  if (!g_file_test (mo_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s was not built by target onestop-gmo", mo_path);
      return FALSE;
    }
  return TRUE;
}

static void
test_catalogue (void)
{
  g_autoptr(GError) error = NULL;

  if (!ensure_catalogue (&error))
    {
      g_test_message ("%s", error->message);
      g_test_fail ();
      return;
    }
  g_assert_true (g_file_test (mo_path, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char **argv)
{
  const char *build_dir;

  g_test_init (&argc, &argv, NULL);

  build_dir = g_getenv ("BUILD_DIR");
  if (build_dir == NULL)
    {
      g_printerr ("BUILD_DIR is not set: run this test with `meson test`\n");
      return 1;
    }
  localedir = g_build_filename (build_dir, "po", NULL);
  mo_path = g_build_filename (localedir, "en", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  /* Runs first: the others need the catalogue. */
  g_test_add_func ("/i18n/catalogue", test_catalogue);
  g_test_add_data_func ("/i18n/english/language", GINT_TO_POINTER (RUN_ENGLISH_LANGUAGE), run_child);
  g_test_add_data_func ("/i18n/english/locale", GINT_TO_POINTER (RUN_ENGLISH_LOCALE), run_child);
  g_test_add_data_func ("/i18n/vietnamese/language", GINT_TO_POINTER (RUN_VIETNAMESE_LANGUAGE),
                        run_child);
  g_test_add_data_func ("/i18n/vietnamese/locale", GINT_TO_POINTER (RUN_VIETNAMESE_LOCALE), run_child);
  g_test_add_data_func ("/i18n/vietnamese/c-locale", GINT_TO_POINTER (RUN_C_LOCALE), run_child);

  return g_test_run ();
}
