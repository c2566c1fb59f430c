/* test-record-code.c: AGENCY-YYMMDD-NNNN (os-record-code).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-error.h"
#include "os-record-code.h"

static void
set_date (GDate *date,
          guint  day,
          guint  month,
          guint  year)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
}

static void
test_agency_identifier (void)
{
  static const char * const valid[] = {
    "000.00.06.H56", "000.17.22.H56", "000.00.14.H56", "38.98.H29", "000.30.27.H29",
    "H29.01", "1.2", "A.B", "G01.000.000.000.000.000.000.000.000", /* 35 characters */
  };
  static const char * const invalid[] = {
    "", "H56", "000", "000.00.06.h56", "000..06.H56", ".000.06.H56", "000.06.H56.",
    "000.00.06 .H56", " 000.00.06.H56", "000.00.06.H56 ", "000.00.06.H56\n", "000-00-06-H56",
    "000.00.06.Đ56", "000.00.06.H5_6", "G01.000.000.000.000.000.000.000.0000", /* 36 */
    "..", ".", "000.00.06.H56\t",
  };

  g_assert_cmpuint (strlen (valid[G_N_ELEMENTS (valid) - 1]), ==, OS_AGENCY_IDENTIFIER_MAX_LENGTH);
  g_assert_cmpuint (strlen (invalid[G_N_ELEMENTS (invalid) - 4]), ==, OS_AGENCY_IDENTIFIER_MAX_LENGTH + 1);

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    if (!os_agency_identifier_is_valid (valid[i]))
      g_error ("refused the agency identifier “%s”", valid[i]);
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    if (os_agency_identifier_is_valid (invalid[i]))
      g_error ("accepted the agency identifier “%s”", invalid[i]);
  g_assert_false (os_agency_identifier_is_valid (NULL));
}

static void
test_format (void)
{
  GDate date;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL, *f = NULL;

  set_date (&date, 27, 10, 2023);
  a = os_record_code_format ("000.00.06.H56", &date, 361);
  g_assert_cmpstr (a, ==, "000.00.06.H56-231027-0361");
  b = os_record_code_format ("38.98.H29", &date, 1);
  g_assert_cmpstr (b, ==, "38.98.H29-231027-0001");

  set_date (&date, 5, 1, 2009);
  c = os_record_code_format ("000.00.06.H56", &date, 9999);
  g_assert_cmpstr (c, ==, "000.00.06.H56-090105-9999");
  d = os_record_code_format ("000.00.06.H56", &date, 10000);
  g_assert_cmpstr (d, ==, "000.00.06.H56-090105-10000");
  e = os_record_code_format ("000.00.06.H56", &date, OS_RECORD_CODE_MAX_NUMBER);
  g_assert_cmpstr (e, ==, "000.00.06.H56-090105-99999");
  g_assert_cmpint (OS_RECORD_CODE_MAX_NUMBER, ==, 99999);

  set_date (&date, 31, 12, 2099);
  f = os_record_code_format ("000.00.06.H56", &date, 10);
  g_assert_cmpstr (f, ==, "000.00.06.H56-991231-0010");
}

static void
test_format_refuses (void)
{
  GDate date, invalid_date;

  set_date (&date, 27, 10, 2023);
  g_date_clear (&invalid_date, 1);

  /* Programmer errors: a critical and NULL, never a malformed code. */
  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*number >= 1*");
  g_assert_null (os_record_code_format ("000.00.06.H56", &date, 0));
  g_test_assert_expected_messages ();

  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*OS_RECORD_CODE_MAX_NUMBER*");
  g_assert_null (os_record_code_format ("000.00.06.H56", &date, 100000));
  g_test_assert_expected_messages ();

  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*os_agency_identifier_is_valid*");
  g_assert_null (os_record_code_format ("h56", &date, 1));
  g_test_assert_expected_messages ();

  g_test_expect_message ("onestop-core", G_LOG_LEVEL_CRITICAL, "*g_date_valid*");
  g_assert_null (os_record_code_format ("000.00.06.H56", &invalid_date, 1));
  g_test_assert_expected_messages ();
}

static void
assert_parses (const char *code,
               const char *agency,
               guint       day,
               guint       month,
               guint       year,
               guint       number)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parsed_agency = NULL;
  GDate date;
  guint parsed_number = 0;

  g_date_clear (&date, 1);
  if (!os_record_code_parse (code, &parsed_agency, &date, &parsed_number, &error))
    g_error ("refused “%s”: %s", code, error ? error->message : "(no error)");
  g_assert_no_error (error);
  g_assert_cmpstr (parsed_agency, ==, agency);
  g_assert_true (g_date_valid (&date));
  g_assert_cmpuint (g_date_get_day (&date), ==, day);
  g_assert_cmpuint (g_date_get_month (&date), ==, month);
  g_assert_cmpuint (g_date_get_year (&date), ==, year);
  g_assert_cmpuint (parsed_number, ==, number);

  /* Output arguments are optional. */
  g_assert_true (os_record_code_parse (code, NULL, NULL, NULL, NULL));
  g_assert_true (os_record_code_looks_like (code));
}

static void
test_parse_real_codes (void)
{
  assert_parses ("000.00.06.H56-231027-0361", "000.00.06.H56", 27, 10, 2023, 361);
  assert_parses ("000.17.22.H56-210531-0001", "000.17.22.H56", 31, 5, 2021, 1);
  assert_parses ("000.00.14.H56-200203-0118", "000.00.14.H56", 3, 2, 2020, 118);
  assert_parses ("38.98.H29-210519-0003", "38.98.H29", 19, 5, 2021, 3);
  assert_parses ("000.30.27.H29-240229-9999", "000.30.27.H29", 29, 2, 2024, 9999);
  assert_parses ("000.30.27.H29-240229-10000", "000.30.27.H29", 29, 2, 2024, 10000);
  assert_parses ("000.30.27.H29-240229-99999", "000.30.27.H29", 29, 2, 2024, 99999);
}

static void
test_round_trip (void)
{
  static const char * const agencies[] = {
    "000.00.06.H56", "38.98.H29", "000.30.27.H29", "1.2", "G01.000.000.000.000.000.000.000.000",
  };
  static const guint numbers[] = { 1, 2, 9, 10, 99, 100, 361, 999, 1000, 9998, 9999, 10000, 10001, 54321, 99998, 99999 };
  static const guint dates[][3] = {
    { 1, 1, 2000 }, { 31, 12, 2099 }, { 29, 2, 2024 }, { 28, 2, 2023 }, { 27, 10, 2023 }, { 1, 7, 2025 },
  };
  guint n = 0;

  for (guint a = 0; a < G_N_ELEMENTS (agencies); a++)
    for (guint d = 0; d < G_N_ELEMENTS (dates); d++)
      for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
        {
          GDate date;
          g_autofree char *code = NULL;
          g_autofree char *number_part = NULL;

          set_date (&date, dates[d][0], dates[d][1], dates[d][2]);
          code = os_record_code_format (agencies[a], &date, numbers[i]);
          g_assert_nonnull (code);
          number_part = g_strdup (strrchr (code, '-') + 1);
          g_assert_cmpuint (strlen (number_part), ==, numbers[i] < 10000 ? 4 : 5);
          assert_parses (code, agencies[a], dates[d][0], dates[d][1], dates[d][2], numbers[i]);
          n++;
        }

  g_assert_cmpuint (n, ==, 5 * 6 * 16);
}

static void
assert_refused (const char *code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *agency = NULL;
  GDate date;
  guint number = 12345;

  g_date_clear (&date, 1);
  if (os_record_code_parse (code, &agency, &date, &number, &error))
    g_error ("accepted the record code “%s”", code);
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  /* Nothing is handed out on failure. */
  g_assert_null (agency);
  g_assert_false (g_date_valid (&date));
  g_assert_cmpuint (number, ==, 12345);
  g_assert_false (os_record_code_looks_like (code));
}

static void
test_parse_invalid (void)
{
  static const char * const codes[] = {
    /* agency */
    "H56-231027-0361",
    "000.00.06.h56-231027-0361",
    "000..06.H56-231027-0361",
    ".000.00.06.H56-231027-0361",
    "000.00.06.H56.-231027-0361",
    "000.00.06.Đ56-231027-0361",
    "000 00 06 H56-231027-0361",
    "G01.000.000.000.000.000.000.000.0000-231027-0361",
    "-231027-0361",
    "0-00-231027-0361",
    /* lower case */
    "000.00.06.h56-231027-0361",
    "abc.def-231027-0361",
    /* number */
    "000.00.06.H56-231027-361",
    "000.00.06.H56-231027-0000",
    "000.00.06.H56-231027-00000",
    "000.00.06.H56-231027-09999",
    "000.00.06.H56-231027-036100",
    "000.00.06.H56-231027-100000",
    "000.00.06.H56-231027-",
    "000.00.06.H56-231027-03a1",
    "000.00.06.H56-231027-+361",
    "000.00.06.H56-231027- 361",
    "000.00.06.H56-231027-0361 ",
    "000.00.06.H56-231027-0361\n",
    "000.00.06.H56-231027--0361",
    /* date */
    "000.00.06.H56-230231-0001",
    "000.00.06.H56-230229-0001",
    "000.00.06.H56-231301-0001",
    "000.00.06.H56-230001-0001",
    "000.00.06.H56-231000-0001",
    "000.00.06.H56-231032-0001",
    "000.00.06.H56-23102-0001",
    "000.00.06.H56-2310277-0001",
    "000.00.06.H56-2023-10-27-0001",
    "000.00.06.H56-23a027-0001",
    /* shape */
    "",
    "-",
    "--",
    "---",
    "000.00.06.H56",
    "000.00.06.H56-231027",
    "000.00.06.H56_231027_0361",
    " 000.00.06.H56-231027-0361",
    "000.00.06.H56-231027-0361-0001",
    "000.00.06.H56—231027—0361",
    "1.000656.000.00.00.H29",   /* a procedure code, not a record code */
  };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      /* The looks-like check strips blanks first; those cases are checked below. */
      if (g_ascii_isspace (codes[i][0]) || g_str_has_suffix (codes[i], " ") || g_str_has_suffix (codes[i], "\n"))
        {
          g_autoptr(GError) error = NULL;
          g_assert_false (os_record_code_parse (codes[i], NULL, NULL, NULL, &error));
          g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
          continue;
        }
      assert_refused (codes[i]);
    }
}

static void
test_looks_like (void)
{
  g_assert_true (os_record_code_looks_like ("000.00.06.H56-231027-0361"));
  g_assert_true (os_record_code_looks_like ("  000.00.06.H56-231027-0361\r\n"));
  g_assert_true (os_record_code_looks_like ("38.98.H29-210519-10000"));
  g_assert_false (os_record_code_looks_like ("Nguyễn Văn Ấn"));
  g_assert_false (os_record_code_looks_like ("0361"));
  g_assert_false (os_record_code_looks_like ("001099012345"));
  g_assert_false (os_record_code_looks_like (""));
  g_assert_false (os_record_code_looks_like (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record-code/agency-identifier", test_agency_identifier);
  g_test_add_func ("/record-code/format", test_format);
  g_test_add_func ("/record-code/format-refuses", test_format_refuses);
  g_test_add_func ("/record-code/parse-real-codes", test_parse_real_codes);
  g_test_add_func ("/record-code/round-trip", test_round_trip);
  g_test_add_func ("/record-code/parse-invalid", test_parse_invalid);
  g_test_add_func ("/record-code/looks-like", test_looks_like);

  return g_test_run ();
}
