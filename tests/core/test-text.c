/* test-text.c: folding and white space helpers (os-text).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-text.h"

/* Every Vietnamese vowel with its six tones (none, huyền, sắc, hỏi, ngã, nặng), NFC. */
static const struct
{
  const char *lower;
  const char *upper;
  const char *base;      /* ASCII letter it folds to */
  const char *modifier;  /* combining vowel mark (breve, circumflex, horn) or "" */
} vowels[] = {
  { "aàáảãạ", "AÀÁẢÃẠ", "a", "" },
  { "ăằắẳẵặ", "ĂẰẮẲẴẶ", "a", "\xcc\x86" },  /* U+0306 breve */
  { "âầấẩẫậ", "ÂẦẤẨẪẬ", "a", "\xcc\x82" },  /* U+0302 circumflex */
  { "eèéẻẽẹ", "EÈÉẺẼẸ", "e", "" },
  { "êềếểễệ", "ÊỀẾỂỄỆ", "e", "\xcc\x82" },
  { "iìíỉĩị", "IÌÍỈĨỊ", "i", "" },
  { "oòóỏõọ", "OÒÓỎÕỌ", "o", "" },
  { "ôồốổỗộ", "ÔỒỐỔỖỘ", "o", "\xcc\x82" },
  { "ơờớởỡợ", "ƠỜỚỞỠỢ", "o", "\xcc\x9b" },  /* U+031B horn */
  { "uùúủũụ", "UÙÚỦŨỤ", "u", "" },
  { "ưừứửữự", "ƯỪỨỬỮỰ", "u", "\xcc\x9b" },
  { "yỳýỷỹỵ", "YỲÝỶỸỴ", "y", "" },
};

/* No tone, grave, acute, hook above, tilde, dot below. */
static const char * const tones[] = {
  "", "\xcc\x80", "\xcc\x81", "\xcc\x89", "\xcc\x83", "\xcc\xa3",
};

static void
assert_fold (const char *input,
             const char *expected)
{
  g_autofree char *folded = os_text_fold (input);

  g_assert_nonnull (folded);
  g_assert_true (g_utf8_validate (folded, -1, NULL));
  g_assert_cmpstr (folded, ==, expected);
}

static void
test_fold_all_vowels (void)
{
  guint checked = 0;

  for (guint v = 0; v < G_N_ELEMENTS (vowels); v++)
    {
      g_autofree char *expected = NULL;
      g_autoptr(GString) nfd_built = g_string_new (NULL);
      g_autoptr(GString) nfd_upper_built = g_string_new (NULL);
      g_autofree char *nfd = NULL;
      g_autofree char *nfc_of_built = NULL;
      g_autofree char *upper_by_glib = NULL;
      const char *p;

      g_assert_cmpint (g_utf8_strlen (vowels[v].lower, -1), ==, 6);
      g_assert_cmpint (g_utf8_strlen (vowels[v].upper, -1), ==, 6);
      expected = g_strnfill (6, vowels[v].base[0]);

      /* Precomposed (NFC), both cases. */
      assert_fold (vowels[v].lower, expected);
      assert_fold (vowels[v].upper, expected);
      checked += 12;

      /* Each letter on its own. */
      p = vowels[v].lower;
      for (guint t = 0; t < 6; t++, p = g_utf8_next_char (p))
        {
          char one[8] = { 0 };

          g_unichar_to_utf8 (g_utf8_get_char (p), one);
          assert_fold (one, vowels[v].base);
        }

      /* Decomposed by hand: base letter, vowel mark, tone mark. */
      for (guint t = 0; t < G_N_ELEMENTS (tones); t++)
        {
          g_string_append (nfd_built, vowels[v].base);
          g_string_append (nfd_built, vowels[v].modifier);
          g_string_append (nfd_built, tones[t]);
          g_string_append_c (nfd_upper_built, g_ascii_toupper (vowels[v].base[0]));
          g_string_append (nfd_upper_built, vowels[v].modifier);
          g_string_append (nfd_upper_built, tones[t]);
        }
      assert_fold (nfd_built->str, expected);
      assert_fold (nfd_upper_built->str, expected);
      checked += 12;

      /* The table is what it claims: composing the hand-made NFD gives the literal. */
      nfc_of_built = g_utf8_normalize (nfd_built->str, -1, G_NORMALIZE_NFC);
      g_assert_cmpstr (nfc_of_built, ==, vowels[v].lower);
      upper_by_glib = g_utf8_strup (vowels[v].lower, -1);
      g_assert_cmpstr (upper_by_glib, ==, vowels[v].upper);

      /* Canonical NFD (marks reordered by GLib) folds the same. */
      nfd = g_utf8_normalize (vowels[v].upper, -1, G_NORMALIZE_NFD);
      g_assert_cmpstr (nfd, !=, vowels[v].upper);
      assert_fold (nfd, expected);
      checked += 6;
    }

  g_assert_cmpuint (checked, ==, 12 * 30);
}

static void
test_fold_d (void)
{
  assert_fold ("đ", "d");
  assert_fold ("Đ", "d");
  assert_fold ("đĐdD", "dddd");
  assert_fold ("Đặng Đình Đức", "dang dinh duc");
  assert_fold ("ĐOÀN ĐỨC ĐẠT", "doan duc dat");
  /* đ followed by stray combining marks (NFD with a tone put on the d by mistake). */
  assert_fold ("\xc4\x91\xcc\x81", "d");
}

static const struct
{
  const char *name;
  const char *folded;
} names[] = {
  { "Nguyễn Văn Ấn", "nguyen van an" },
  { "NGUYỄN VĂN AN", "nguyen van an" },
  { "nguyễn văn ấn", "nguyen van an" },
  { "Trần Thị Thu Thủy", "tran thi thu thuy" },
  { "Lê Thị Hương", "le thi huong" },
  { "Phạm Nhật Vượng", "pham nhat vuong" },
  { "Hoàng Ngọc Phượng", "hoang ngoc phuong" },
  { "Huỳnh Tấn Phát", "huynh tan phat" },
  { "Vũ Đức Thắng", "vu duc thang" },
  { "Võ Nguyên Giáp", "vo nguyen giap" },
  { "Đặng Thùy Trâm", "dang thuy tram" },
  { "Bùi Tiến Dũng", "bui tien dung" },
  { "Đỗ Mười", "do muoi" },
  { "Hồ Xuân Hương", "ho xuan huong" },
  { "Ngô Bảo Châu", "ngo bao chau" },
  { "Dương Thị Ngọc Ánh", "duong thi ngoc anh" },
  { "Lý Thường Kiệt", "ly thuong kiet" },
  { "Đinh Bộ Lĩnh", "dinh bo linh" },
  { "Trịnh Công Sơn", "trinh cong son" },
  { "Tạ Quang Bửu", "ta quang buu" },
  { "Ỷ Lan", "y lan" },
  { "Lò Văn Ỏn", "lo van on" },
  { "Hà Thị Ỹ", "ha thi y" },
  { "Nông Quốc Tuấn", "nong quoc tuan" },
  { "Quách Thị Ngữ", "quach thi ngu" },
  { "Mạc Đĩnh Chi", "mac dinh chi" },
  { "Khổng Minh Dụ", "khong minh du" },
  { "Ưng Hoàng Phúc", "ung hoang phuc" },
  { "ƯNG HOÀNG PHÚC", "ung hoang phuc" },
  { "Ơn Thị Ởi", "on thi oi" },
  { "Phường Ba Đình, Hà Nội", "phuong ba dinh, ha noi" },
  { "Số 12 ngõ 34/5 phố Đội Cấn", "so 12 ngo 34/5 pho doi can" },
  { "H'Hen Niê", "h'hen nie" },
  { "Kpă Y Lan", "kpa y lan" },
  { "Smith John", "smith john" },
  { "", "" },
};

static void
test_fold_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *nfd = g_utf8_normalize (names[i].name, -1, G_NORMALIZE_NFD);
      g_autofree char *nfkd = g_utf8_normalize (names[i].name, -1, G_NORMALIZE_NFKD);
      g_autofree char *upper = g_utf8_strup (names[i].name, -1);
      g_autofree char *upper_nfd = g_utf8_normalize (upper, -1, G_NORMALIZE_NFD);

      assert_fold (names[i].name, names[i].folded);
      assert_fold (nfd, names[i].folded);
      assert_fold (nfkd, names[i].folded);
      assert_fold (upper, names[i].folded);
      assert_fold (upper_nfd, names[i].folded);
    }
}

static void
test_fold_equal (void)
{
  g_autofree char *a = os_text_fold ("Nguyễn Văn Ấn");
  g_autofree char *b = os_text_fold ("NGUYỄN VĂN AN");
  g_autofree char *c = os_text_fold ("nguyen van an");
  g_autofree char *d = os_text_fold ("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x82\xcc\x81n");  /* NFD */
  g_autofree char *e = os_text_fold ("  NguyỄn \t VĂN\n\nẤn ");

  g_assert_cmpstr (c, ==, "nguyen van an");
  g_assert_cmpstr (a, ==, c);
  g_assert_cmpstr (b, ==, c);
  g_assert_cmpstr (d, ==, c);
  g_assert_cmpstr (e, ==, c);

  /* Different names stay different. */
  {
    g_autofree char *x = os_text_fold ("Nguyễn Văn Ẩn");
    g_autofree char *y = os_text_fold ("Nguyễn Văn Anh");
    g_assert_cmpstr (x, ==, c);
    g_assert_cmpstr (y, !=, c);
  }
}

static void
test_fold_spaces (void)
{
  assert_fold ("  Nguyễn   Văn    Ấn  ", "nguyen van an");
  assert_fold ("\tNguyễn\tVăn\tẤn\t", "nguyen van an");
  assert_fold ("Nguyễn\r\nVăn\nẤn\r\n", "nguyen van an");
  assert_fold ("Nguyễn\xc2\xa0Văn\xc2\xa0\xc2\xa0Ấn", "nguyen van an");        /* no-break spaces */
  assert_fold ("Nguyễn\xe2\x80\x83Văn\xe3\x80\x80Ấn", "nguyen van an");        /* em space, ideographic space */
  assert_fold ("   ", "");
  assert_fold ("\n\t \r", "");
  assert_fold ("a", "a");
  assert_fold (" a ", "a");
}

static void
test_fold_edge (void)
{
  g_autofree char *null_fold = os_text_fold (NULL);
  g_autofree char *invalid = os_text_fold ("Ấn\xff\xfe Văn");
  g_autofree char *truncated = os_text_fold ("Nguy\xe1\xbb");   /* cut inside ễ */
  g_autofree char *digits = os_text_fold ("001099012345");
  g_autofree char *code = os_text_fold ("000.00.06.H56-231027-0361");

  g_assert_cmpstr (null_fold, ==, "");
  /* Invalid UTF-8 stops the fold; what came before is kept, the result is valid. */
  g_assert_cmpstr (invalid, ==, "an");
  g_assert_cmpstr (truncated, ==, "nguy");
  g_assert_cmpstr (digits, ==, "001099012345");
  g_assert_cmpstr (code, ==, "000.00.06.h56-231027-0361");

  /* Combining marks with no letter before them fold to nothing and leave no stray space. */
  assert_fold ("\xcc\x81" "an", "an");
  assert_fold ("Ấn \xcc\x81", "an");
  assert_fold ("Ấn \xcc\x81\xcc\xa3 Văn", "an van");
  assert_fold ("\xcc\x81 \xcc\x81", "");

  /* Characters from other scripts pass through lower-cased, still valid UTF-8. */
  assert_fold ("ÀÉÎÕÜ Ç Ñ", "aeiou c n");
  assert_fold ("Straße", "straße");
  assert_fold ("ΑΒΓ", "αβγ");
  assert_fold ("東京", "東京");
}

static void
test_fold_random_input (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  /* Random bytes never crash and always give valid, space-normalised UTF-8. */
  for (guint i = 0; i < 2000; i++)
    {
      guint len = g_rand_int_range (rand, 0, 64);
      g_autofree char *bytes = g_malloc0 (len + 1);
      g_autofree char *folded = NULL;

      for (guint j = 0; j < len; j++)
        bytes[j] = (char) g_rand_int_range (rand, 1, 256);
      folded = os_text_fold (bytes);
      g_assert_nonnull (folded);
      g_assert_true (g_utf8_validate (folded, -1, NULL));
      g_assert_null (strstr (folded, "  "));
      if (*folded)
        {
          g_assert_false (folded[0] == ' ');
          g_assert_false (folded[strlen (folded) - 1] == ' ');
        }
    }
}

static void
test_normalize_space (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Nguyễn Văn Ấn", "Nguyễn Văn Ấn" },
    { "  Nguyễn   Văn  Ấn  ", "Nguyễn Văn Ấn" },
    { "\tNguyễn\r\nVăn\nẤn\t", "Nguyễn Văn Ấn" },
    { "", "" },
    { "   ", "" },
    { "a", "a" },
    { " a  b ", "a b" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = os_text_normalize_space (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
  g_assert_null (os_text_normalize_space (NULL));
}

static void
test_is_blank (void)
{
  g_assert_true (os_text_is_blank (NULL));
  g_assert_true (os_text_is_blank (""));
  g_assert_true (os_text_is_blank (" "));
  g_assert_true (os_text_is_blank (" \t\r\n "));
  g_assert_true (os_text_is_blank ("\xc2\xa0"));
  g_assert_false (os_text_is_blank ("a"));
  g_assert_false (os_text_is_blank ("  Ấn  "));
  g_assert_false (os_text_is_blank ("\t.\t"));
  g_assert_false (os_text_is_blank ("đ"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/fold/all-vowels", test_fold_all_vowels);
  g_test_add_func ("/text/fold/d", test_fold_d);
  g_test_add_func ("/text/fold/names", test_fold_names);
  g_test_add_func ("/text/fold/equal", test_fold_equal);
  g_test_add_func ("/text/fold/spaces", test_fold_spaces);
  g_test_add_func ("/text/fold/edge", test_fold_edge);
  g_test_add_func ("/text/fold/random-input", test_fold_random_input);
  g_test_add_func ("/text/normalize-space", test_normalize_space);
  g_test_add_func ("/text/is-blank", test_is_blank);

  return g_test_run ();
}
