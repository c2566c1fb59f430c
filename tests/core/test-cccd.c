/* test-cccd.c: the chip ID card QR line (os-cccd).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-cccd.h"
#include "os-error.h"

#define GOOD_LINE "001099012345|123456789|Nguyễn Văn Ấn|01021990|Nam|Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội|15082021"

static void
assert_date (const GDate *date,
             guint        day,
             guint        month,
             guint        year)
{
  g_assert_true (g_date_valid (date));
  g_assert_cmpuint (g_date_get_day (date), ==, day);
  g_assert_cmpuint (g_date_get_month (date), ==, month);
  g_assert_cmpuint (g_date_get_year (date), ==, year);
}

static void
test_good_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsCitizenCard) card = os_citizen_card_parse (GOOD_LINE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (card);
  g_assert_cmpstr (card->id_number, ==, "001099012345");
  g_assert_cmpstr (card->old_id_number, ==, "123456789");
  g_assert_cmpstr (card->full_name, ==, "Nguyễn Văn Ấn");
  assert_date (&card->birth_date, 1, 2, 1990);
  g_assert_cmpstr (card->sex, ==, "Nam");
  g_assert_cmpstr (card->address, ==, "Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội");
  assert_date (&card->issue_date, 15, 8, 2021);

  g_assert_true (os_citizen_card_looks_like (GOOD_LINE));
  g_assert_false (os_citizen_card_looks_like ("Nguyễn Văn Ấn"));
  g_assert_false (os_citizen_card_looks_like ("001099012345"));
  g_assert_false (os_citizen_card_looks_like (NULL));
}

static OsCitizenCard *
parse_ok (const char *line)
{
  g_autoptr(GError) error = NULL;
  OsCitizenCard *card = os_citizen_card_parse (line, &error);

  if (card == NULL)
    g_test_message ("refused: %s: %s", line, error ? error->message : "(no error)");
  g_assert_no_error (error);
  g_assert_nonnull (card);
  return card;
}

static void
test_accepted_variants (void)
{
  /* No old ID, woman. */
  {
    g_autoptr(OsCitizenCard) card =
      parse_ok ("079185000123||Trần Thị Thu Thủy|29022000|Nữ|Phường Sài Gòn, Thành phố Hồ Chí Minh|10052022");
    g_assert_cmpstr (card->old_id_number, ==, "");
    g_assert_cmpstr (card->sex, ==, "Nữ");
    assert_date (&card->birth_date, 29, 2, 2000);   /* leap day */
  }
  /* A trailing '|' is accepted. */
  {
    g_autoptr(OsCitizenCard) card = parse_ok (GOOD_LINE "|");
    g_assert_cmpstr (card->id_number, ==, "001099012345");
    assert_date (&card->issue_date, 15, 8, 2021);
  }
  /* CR/LF from the reader are stripped, and so are blanks around fields. */
  {
    g_autoptr(OsCitizenCard) a = parse_ok (GOOD_LINE "\r\n");
    g_autoptr(OsCitizenCard) b = parse_ok (GOOD_LINE "\n");
    g_autoptr(OsCitizenCard) c = parse_ok (GOOD_LINE "|\r\n");
    g_autoptr(OsCitizenCard) d =
      parse_ok (" 001099012345 | 123456789 |  Nguyễn   Văn  Ấn | 01021990 | Nam | Số 12  phố Kim Mã | 15082021 ");
    g_assert_cmpstr (a->address, ==, "Số 12 phố Kim Mã, Phường Ba Đình, Hà Nội");
    assert_date (&b->issue_date, 15, 8, 2021);
    assert_date (&c->issue_date, 15, 8, 2021);
    g_assert_cmpstr (d->id_number, ==, "001099012345");
    g_assert_cmpstr (d->full_name, ==, "Nguyễn Văn Ấn");
    g_assert_cmpstr (d->address, ==, "Số 12 phố Kim Mã");
  }
  /* Sex spelled in other cases. */
  {
    g_autoptr(OsCitizenCard) a = parse_ok ("001099012345||Lê Văn Nam|01021990|NAM|Hà Nội|15082021");
    g_autoptr(OsCitizenCard) b = parse_ok ("001099012345||Lê Thị Hoa|01021990|NỮ|Hà Nội|15082021");
    g_autoptr(OsCitizenCard) c = parse_ok ("001099012345||Lê Thị Hoa|01021990|nữ|Hà Nội|15082021");
    g_assert_cmpstr (a->sex, ==, "Nam");
    g_assert_cmpstr (b->sex, ==, "Nữ");
    g_assert_cmpstr (c->sex, ==, "Nữ");
  }
  /* Decomposed (NFD) text, as some input methods produce: stored composed. */
  {
    g_autofree char *nfd = g_utf8_normalize (GOOD_LINE, -1, G_NORMALIZE_NFD);
    g_autoptr(OsCitizenCard) card = NULL;

    g_assert_cmpstr (nfd, !=, GOOD_LINE);
    card = parse_ok (nfd);
    g_assert_cmpstr (card->full_name, ==, "Nguyễn Văn Ấn");
    g_assert_cmpstr (card->sex, ==, "Nam");
  }
  {
    g_autofree char *nfd = g_utf8_normalize ("001099012345||Lê Thị Hoa|01021990|Nữ|Hà Nội|15082021",
                                             -1, G_NORMALIZE_NFD);
    g_autoptr(OsCitizenCard) card = parse_ok (nfd);
    g_assert_cmpstr (card->sex, ==, "Nữ");
    g_assert_cmpstr (card->full_name, ==, "Lê Thị Hoa");
  }
  /* Names with apostrophe and hyphen (ethnic minority names), issue on the birth date. */
  {
    g_autoptr(OsCitizenCard) a = parse_ok ("066090001234||H'Hen Niê|05051990|Nữ|Buôn Ma Thuột, Đắk Lắk|05051990");
    g_autoptr(OsCitizenCard) b = parse_ok ("066090001234||Y-Moan Ênuôl|05051990|Nam|Đắk Lắk|01012020");
    g_assert_cmpstr (a->full_name, ==, "H'Hen Niê");
    g_assert_cmpstr (b->full_name, ==, "Y-Moan Ênuôl");
  }
  /* Today is a possible issue date. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today = g_date_time_format (now, "%d%m%Y");
    g_autofree char *line = g_strdup_printf ("001099012345||Lê Văn Nam|01021990|Nam|Hà Nội|%s", today);
    g_autoptr(OsCitizenCard) card = parse_ok (line);
    g_assert_cmpuint (g_date_get_year (&card->issue_date), ==, g_date_time_get_year (now));
  }
}

static void
assert_refused (const char *what,
                const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsCitizenCard) card = os_citizen_card_parse (line, &error);

  if (card != NULL)
    g_error ("accepted a QR line with %s: “%s”", what, line);
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  /* Without an error location it still just refuses. */
  g_assert_null (os_citizen_card_parse (line, NULL));
}

#define F_ID     "001099012345"
#define F_OLD    "123456789"
#define F_NAME   "Nguyễn Văn Ấn"
#define F_BIRTH  "01021990"
#define F_SEX    "Nam"
#define F_ADDR   "Hà Nội"
#define F_ISSUE  "15082021"

static guint n_refused_cases;

static void
refuse (const char *what,
        const char *line)
{
  assert_refused (what, line);
  n_refused_cases++;
}

static void
test_refused (void)
{
  g_autofree char *future_birth = NULL;
  g_autofree char *future_issue = NULL;
  g_autofree char *long_line = NULL;
  g_autofree char *long_name = NULL;
  g_autofree char *long_address = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);
  g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%d%m%Y");

  n_refused_cases = 0;

  /* Field count. */
  refuse ("no field", "");
  refuse ("blank line", "   \r\n");
  refuse ("one field", F_ID);
  refuse ("six fields", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR);
  refuse ("eight fields", GOOD_LINE "|extra");
  refuse ("nine fields", GOOD_LINE "||");
  refuse ("empty fields", "||||||");
  refuse ("commas instead of bars", "001099012345,123456789,Nguyễn Văn Ấn,01021990,Nam,Hà Nội,15082021");
  refuse ("two lines", GOOD_LINE "\n" GOOD_LINE);

  /* ID number. */
  refuse ("11-digit ID", "00109901234|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("13-digit ID", "0010990123456|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("letter in ID", "00109901234A|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("space in ID", "001099 12345|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("sign in ID", "+01099012345|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("full-width digits in ID", "００１０９９０１２３４５|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("empty ID", "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);

  /* Old ID number. */
  refuse ("8-digit old ID", F_ID "|12345678|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("10-digit old ID", F_ID "|1234567890|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("letters in old ID", F_ID "|12345678X|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("old ID with dash", F_ID "|1234-5678|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);

  /* Name. */
  refuse ("empty name", F_ID "|" F_OLD "||" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("blank name", F_ID "|" F_OLD "|   |" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("one-letter name", F_ID "|" F_OLD "|A|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("digits in name", F_ID "|" F_OLD "|Nguyễn Văn 4n|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("name is a number", F_ID "|" F_OLD "|123456|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("punctuation in name", F_ID "|" F_OLD "|Nguyễn <Văn> Ấn|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("control character in name", F_ID "|" F_OLD "|Nguyễn\x01Văn|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  long_name = g_strnfill (101, 'A');
  line = g_strdup_printf (F_ID "|" F_OLD "|%s|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE, long_name);
  refuse ("101-letter name", line);
  g_clear_pointer (&line, g_free);

  /* Birth date. */
  refuse ("31 February", F_ID "|" F_OLD "|" F_NAME "|31022000|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("29 February of a common year", F_ID "|" F_OLD "|" F_NAME "|29022001|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("day 00", F_ID "|" F_OLD "|" F_NAME "|00012000|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("month 13", F_ID "|" F_OLD "|" F_NAME "|01132000|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("month 00", F_ID "|" F_OLD "|" F_NAME "|01002000|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("day 32", F_ID "|" F_OLD "|" F_NAME "|32012000|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("7-digit birth date", F_ID "|" F_OLD "|" F_NAME "|0102199|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("ISO birth date", F_ID "|" F_OLD "|" F_NAME "|1990-02-01|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("slashed birth date", F_ID "|" F_OLD "|" F_NAME "|01/02/1990|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("empty birth date", F_ID "|" F_OLD "|" F_NAME "||" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("birth in 1899", F_ID "|" F_OLD "|" F_NAME "|01011899|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("birth in year 0000", F_ID "|" F_OLD "|" F_NAME "|01010000|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("birth in 2999", F_ID "|" F_OLD "|" F_NAME "|01012999|" F_SEX "|" F_ADDR "|" F_ISSUE);
  future_birth = g_strdup_printf (F_ID "|" F_OLD "|" F_NAME "|%s|" F_SEX "|" F_ADDR "|%s",
                                  tomorrow_text, tomorrow_text);
  refuse ("birth tomorrow", future_birth);

  /* Sex. */
  refuse ("sex in English", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|Male|" F_ADDR "|" F_ISSUE);
  refuse ("empty sex", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "||" F_ADDR "|" F_ISSUE);
  refuse ("sex N", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|N|" F_ADDR "|" F_ISSUE);
  refuse ("sex Namm", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|Namm|" F_ADDR "|" F_ISSUE);
  refuse ("sex 1", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|1|" F_ADDR "|" F_ISSUE);

  /* Address. */
  refuse ("empty address", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "||" F_ISSUE);
  refuse ("blank address", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|  \t |" F_ISSUE);
  long_address = g_strnfill (301, 'x');
  line = g_strdup_printf (F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|%s|" F_ISSUE, long_address);
  refuse ("301-character address", line);
  g_clear_pointer (&line, g_free);

  /* Issue date. */
  refuse ("issue before birth", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|31011990");
  refuse ("issue long before birth", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|01011950");
  refuse ("impossible issue date", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|31042021");
  refuse ("empty issue date", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|");
  refuse ("letters in issue date", F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|15O82021");
  future_issue = g_strdup_printf (F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|" F_ADDR "|%s",
                                  tomorrow_text);
  refuse ("issue tomorrow", future_issue);

  /* Encoding and size. */
  refuse ("invalid UTF-8 in name", F_ID "|" F_OLD "|Nguy\xe1\xbb|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("Latin-1 name", F_ID "|" F_OLD "|Nguy\xean V\xe3n|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("overlong encoding", F_ID "|" F_OLD "|\xc0\xaf" "abc|" F_BIRTH "|" F_SEX "|" F_ADDR "|" F_ISSUE);
  refuse ("stray 0xff", GOOD_LINE "\xff");

  /* A 5 KB line: a long address, then a line of only separators, then junk. */
  {
    g_autofree char *address = g_strnfill (5 * 1024, 'a');
    g_autofree char *bars = g_strnfill (5 * 1024, '|');
    g_autoptr(GString) junk = g_string_new (NULL);

    long_line = g_strdup_printf (F_ID "|" F_OLD "|" F_NAME "|" F_BIRTH "|" F_SEX "|%s|" F_ISSUE, address);
    g_assert_cmpuint (strlen (long_line), >, 5 * 1024);
    refuse ("a 5 KB line", long_line);
    refuse ("5 KB of separators", bars);
    while (junk->len < 5 * 1024)
      g_string_append (junk, GOOD_LINE);
    refuse ("5 KB of repeated lines", junk->str);
  }

  g_test_message ("%u malformed lines refused", n_refused_cases);
  g_assert_cmpuint (n_refused_cases, >=, 60);
}

/* A successful parse must hold fields that are valid on their own. */
static void
check_parse_result (const char *line)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsCitizenCard) card = os_citizen_card_parse (line, &error);

  if (card == NULL)
    {
      g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpstr (error->message, !=, "");
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (card->id_number);
  g_assert_cmpuint (strlen (card->id_number), ==, 12);
  for (guint i = 0; i < 12; i++)
    g_assert_true (g_ascii_isdigit (card->id_number[i]));
  g_assert_nonnull (card->old_id_number);
  g_assert_true (strlen (card->old_id_number) == 0 || strlen (card->old_id_number) == 9);
  for (const char *p = card->old_id_number; *p; p++)
    g_assert_true (g_ascii_isdigit (*p));
  g_assert_true (g_utf8_validate (card->full_name, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (card->full_name, -1), >=, 2);
  g_assert_null (strchr (card->full_name, '|'));
  for (const char *p = card->full_name; *p; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_isdigit (g_utf8_get_char (p)));
  g_assert_true (g_date_valid (&card->birth_date));
  g_assert_true (g_date_valid (&card->issue_date));
  g_assert_cmpint (g_date_compare (&card->issue_date, &card->birth_date), >=, 0);
  g_assert_true (g_strcmp0 (card->sex, "Nam") == 0 || g_strcmp0 (card->sex, "Nữ") == 0);
  g_assert_true (g_utf8_validate (card->address, -1, NULL));
  g_assert_false (g_str_has_prefix (card->address, " "));
  g_assert_cmpint (g_utf8_strlen (card->address, -1), >=, 2);
  g_assert_null (strchr (card->address, '|'));
}

static void
test_fuzz (void)
{
  static const char * const snippets[] = {
    "|", "||", "0", "9", "Ấn", "đ", "\xcc\x81", "\xe1\xbb", "\xff", " ", "\r\n", "\t", "31", "02", "2000",
    "Nam", "Nữ", "\xc2\xa0", "A", "-", "'", "2999", "1899",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20231027);
  guint accepted = 0, refused = 0;

  /* Random bytes, heavy in separators and digits. */
  for (guint i = 0; i < 2000; i++)
    {
      guint len = g_rand_int_range (rand, 0, 200);
      g_autofree char *line = g_malloc0 (len + 1);

      for (guint j = 0; j < len; j++)
        {
          int roll = g_rand_int_range (rand, 0, 10);
          line[j] = roll < 2 ? '|' : roll < 5 ? (char) ('0' + g_rand_int_range (rand, 0, 10))
                  : (char) g_rand_int_range (rand, 1, 256);
        }
      check_parse_result (line);
    }

  /* Mutations of a valid line. */
  for (guint i = 0; i < 4000; i++)
    {
      g_autoptr(GString) line = g_string_new (GOOD_LINE);
      guint n_mutations = g_rand_int_range (rand, 1, 4);
      g_autoptr(GError) error = NULL;
      g_autoptr(OsCitizenCard) card = NULL;

      for (guint m = 0; m < n_mutations; m++)
        {
          guint pos = line->len ? g_rand_int_range (rand, 0, line->len) : 0;

          switch (g_rand_int_range (rand, 0, 6))
            {
            case 0: /* flip a byte */
              if (line->len)
                line->str[pos] = (char) g_rand_int_range (rand, 1, 256);
              break;
            case 1: /* delete a run */
              {
                gsize run = g_rand_int_range (rand, 1, 6);
                g_string_erase (line, pos, MIN (line->len - pos, run));
              }
              break;
            case 2: /* insert a snippet */
              g_string_insert (line, pos, snippets[g_rand_int_range (rand, 0, G_N_ELEMENTS (snippets))]);
              break;
            case 3: /* replace a digit by another digit */
              if (line->len && g_ascii_isdigit (line->str[pos]))
                line->str[pos] = (char) ('0' + g_rand_int_range (rand, 0, 10));
              break;
            case 4: /* truncate */
              g_string_truncate (line, pos);
              break;
            default: /* duplicate a run */
              {
                g_autofree char *run = g_strndup (line->str + pos, g_rand_int_range (rand, 1, 20));
                g_string_insert (line, pos, run);
              }
              break;
            }
        }

      card = os_citizen_card_parse (line->str, &error);
      if (card)
        accepted++;
      else
        refused++;
      check_parse_result (line->str);
    }

  g_test_message ("mutations: %u accepted, %u refused", accepted, refused);
  /* The mutations must exercise both outcomes. */
  g_assert_cmpuint (accepted, >, 100);
  g_assert_cmpuint (refused, >, 100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cccd/good-line", test_good_line);
  g_test_add_func ("/cccd/accepted-variants", test_accepted_variants);
  g_test_add_func ("/cccd/refused", test_refused);
  g_test_add_func ("/cccd/fuzz", test_fuzz);

  return g_test_run ();
}
