/* os-test-core.c: see os-test-core.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-test-core.h"

#include "os-credentials.h"
#include "os-test-util.h"

OsRecord *
os_test_new_record (const char *name,
                    const char *officer)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 6, -1 };

  os_record_set_procedure (record, "p-khai-sinh", "1.001193.000.00.00.H29", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, name);
  os_record_set_id_number (record, "001099012345");
  os_record_set_sets (record, 1);
  os_record_set_officer (record, officer);
  os_record_set_status (record, OS_STATUS_RECEIVED);
  os_record_add_document (record, "Tờ khai đăng ký khai sinh", 1, 0, 0);
  return record;
}

OsStore *
os_test_prepare_officer (const char *accounts_dir,
                         const char *server_url,
                         const char *user,
                         const char *password,
                         const char *full_name)
{
  g_autofree char *path = os_account_build_database_path (accounts_dir, server_url, user);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsStore) store = os_store_open (path, &error);
  g_autofree char *verifier = os_account_hash_password (password, &error);

  g_assert_no_error (error);
  g_assert_true (os_store_set_setting (store, "account-verifier", verifier, &error));
  g_assert_true (os_store_set_setting (store, "account-full-name", full_name, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

gboolean
os_test_account_login (OsAccount   *account,
                       const char  *user,
                       const char  *password,
                       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  os_account_login_async (account, user, password, NULL, os_test_store_result, &result);
  return os_account_login_finish (account, os_test_wait_result (&result), error);
}

char *
os_test_credentials_lookup (const char *server,
                            const char *user)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *token;

  os_credentials_lookup_async (server, user, NULL, os_test_store_result, &result);
  token = os_credentials_lookup_finish (os_test_wait_result (&result), &error);
  g_assert_no_error (error);
  return token;
}
