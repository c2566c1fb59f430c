/* test-admin-unit.c: the 2025 provinces and communes read from the resources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-admin-unit.h"
#include "os-store.h"

static void
test_counts (void)
{
  g_autoptr(GListModel) provinces = os_admin_unit_list_provinces ();
  guint total = 0;

  /* DOMAIN.md: 34 provinces and cities, 3,321 communes, wards and special zones. */
  g_assert_cmpuint (g_list_model_get_n_items (provinces), ==, 34);
  for (guint i = 0; i < g_list_model_get_n_items (provinces); i++)
    {
      g_autoptr(OsAdminUnit) province = g_list_model_get_item (provinces, i);
      g_autoptr(GListModel) communes = os_admin_unit_list_communes (os_admin_unit_get_code (province));

      g_assert_cmpuint (g_list_model_get_n_items (communes), >, 0);
      total += g_list_model_get_n_items (communes);
    }
  g_assert_cmpuint (total, ==, 3321);
}

static void
test_names (void)
{
  g_autoptr(GListModel) provinces = os_admin_unit_list_provinces ();
  g_autoptr(OsAdminUnit) hanoi = g_list_model_get_item (provinces, 0);
  g_autoptr(GListModel) unknown = os_admin_unit_list_communes ("99");
  OsAdminUnit *province;

  g_assert_cmpstr (os_admin_unit_get_name (hanoi), ==, "Thành phố Hà Nội");
  g_assert_cmpstr (os_admin_unit_get_short_name (hanoi), ==, "Hà Nội");

  province = os_admin_unit_find_province_of ("Phường Cầu Giấy");
  g_assert_nonnull (province);
  g_assert_cmpstr (os_admin_unit_get_name (province), ==, "Thành phố Hà Nội");
  g_assert_true (os_admin_unit_find_province_of ("UBND Phường Cầu Giấy") == province);
  g_assert_null (os_admin_unit_find_province_of ("Quận Cầu Giấy"));   /* districts are gone */
  g_assert_null (os_admin_unit_find_province_of (NULL));
  g_assert_cmpuint (g_list_model_get_n_items (unknown), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* The units live in the core resources, which the store's type registers. */
  g_type_ensure (OS_TYPE_STORE);

  g_test_add_func ("/admin-unit/counts", test_counts);
  g_test_add_func ("/admin-unit/names", test_names);

  return g_test_run ();
}
