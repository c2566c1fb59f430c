/* test-account-online.c: logging in and out against a real onestop-server on a throwaway
 * PostgreSQL, with the refresh token in a real keyring. Run by
 * with-postgres.sh run-keyring-test.sh test-account-online.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-account.h"
#include "os-credentials.h"
#include "os-error.h"
#include "os-test-server.h"
#include "os-test-core.h"
#include "os-test-util.h"

#define AGENCY "000.00.11.H26"

static void
logout (OsAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  os_account_logout_async (account, NULL, os_test_store_result, &result);
  g_assert_true (os_account_logout_finish (account, os_test_wait_result (&result), &error));
  g_assert_no_error (error);
}

static OsAccount *
new_account (OsTestServer *srv,
             const char   *desk,
             const char   *dir)
{
  OsAccount *account = os_account_new (os_test_server_get_base_url (srv), desk,
                                       os_test_server_get_tls_database (srv));

  os_account_set_accounts_dir (account, dir);
  return account;
}

/* The server no longer takes @refresh_token (its session ended). */
static void
assert_refresh_refused (OsTestServer *srv,
                        const char   *refresh_token)
{
  g_autoptr(OsApiClient) probe = os_api_client_new (os_test_server_get_base_url (srv),
                                                     os_test_server_get_tls_database (srv));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  OsApiSession *session;

  os_api_client_set_tokens (probe, NULL, refresh_token);
  os_api_client_refresh_async (probe, NULL, os_test_store_result, &result);
  session = os_api_client_refresh_finish (probe, os_test_wait_result (&result), &error);
  g_assert_null (session);
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
}

static void
test_login_logout (void)
{
  g_autoptr(OsTestServer) srv = os_test_server_new ();
  g_autofree char *unit = NULL;
  g_autofree char *user = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "online-accounts", NULL);
  g_autoptr(OsAccount) account = NULL;
  g_autoptr(OsAccount) again = NULL;
  g_autoptr(OsAccount) offline = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsAgency) agency = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *token = NULL;
  g_autofree char *old_refresh = NULL;
  g_autofree char *path = NULL;
  OsApiSession *session;

  if (srv == NULL)
    return;
  unit = os_test_server_add_unit (srv, AGENCY, "UBND Phường Trung Hòa", NULL);
  user = os_test_server_add_user (srv, "lan", "mat-khau-cua-lan", "reception", AGENCY);
  desk = os_test_server_add_desk (srv, AGENCY, "Quầy 1");
  os_test_server_start (srv);

  /* A wrong password online: refused, and no database left for the attempt. */
  account = new_account (srv, desk, dir);
  g_assert_false (os_test_account_login (account, "lan", "sai-mat-khau", &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "Sai tên đăng nhập hoặc mật khẩu.");
  g_clear_error (&error);
  path = os_account_build_database_path (dir, os_test_server_get_base_url (srv), "lan");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The right one: online, the token in the keyring, the verifier and the server bound
   * in the officer's own database, record codes of the desk's unit. */
  g_assert_true (os_test_account_login (account, "lan", "mat-khau-cua-lan", &error));
  g_assert_no_error (error);
  g_assert_false (os_account_get_offline (account));
  g_assert_cmpstr (os_store_get_path (os_account_get_store (account)), ==, path);
  g_assert_true (os_store_is_enrolled (os_account_get_store (account)));
  verifier = os_store_dup_setting (os_account_get_store (account), "account-verifier");
  g_assert_true (g_str_has_prefix (verifier, "$argon2id$"));
  g_assert_true (os_account_verify_password (verifier, "mat-khau-cua-lan"));
  agency = os_store_dup_agency (os_account_get_store (account));
  g_assert_cmpstr (agency->identifier, ==, AGENCY);
  token = os_test_credentials_lookup (os_test_server_get_base_url (srv), "lan");
  g_assert_nonnull (token);
  g_assert_cmpstr (token, ==, os_api_client_get_refresh_token (os_account_get_client (account)));

  /* A rotated refresh token replaces the one in the keyring (::tokens-changed). */
  os_api_client_refresh_async (os_account_get_client (account), NULL, os_test_store_result, &result);
  session = os_api_client_refresh_finish (os_account_get_client (account), os_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpstr (session->refresh_token, !=, token);
  old_refresh = g_strdup (session->refresh_token);
  os_api_session_free (session);
  g_clear_object (&result);
  g_free (token);
  token = os_test_credentials_lookup (os_test_server_get_base_url (srv), "lan");
  g_assert_cmpstr (token, ==, old_refresh);

  /* Logging out revokes the session: the next refresh with its token gets 401. */
  logout (account);
  g_assert_true (os_account_get_revoked (account));
  g_free (token);
  token = os_test_credentials_lookup (os_test_server_get_base_url (srv), "lan");
  g_assert_null (token);

  assert_refresh_refused (srv, old_refresh);

  /* Logging in again resumes the same database. */
  again = new_account (srv, desk, dir);
  g_assert_true (os_test_account_login (again, "lan", "mat-khau-cua-lan", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (os_store_get_path (os_account_get_store (again)), ==, path);
  g_free (token);
  token = os_test_credentials_lookup (os_test_server_get_base_url (srv), "lan");
  g_assert_nonnull (token);
  g_clear_object (&again);

  /* The app is closed without logging out and the officer logs in online again: the
   * earlier session is revoked, not left to expire, and the keyring holds the new one. */
  again = new_account (srv, desk, dir);
  g_assert_true (os_test_account_login (again, "lan", "mat-khau-cua-lan", &error));
  g_assert_no_error (error);
  assert_refresh_refused (srv, token);
  g_free (token);
  token = os_test_credentials_lookup (os_test_server_get_base_url (srv), "lan");
  g_assert_cmpstr (token, ==, os_api_client_get_refresh_token (os_account_get_client (again)));
  g_clear_object (&again);

  /* The server goes away: the officer unlocks offline with the same password, and the
   * keyring's token is ready for when it comes back. */
  os_test_server_kill (srv);
  offline = new_account (srv, desk, dir);
  g_assert_false (os_test_account_login (offline, "lan", "sai-mat-khau", &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
  g_clear_error (&error);
  g_assert_true (os_test_account_login (offline, "lan", "mat-khau-cua-lan", &error));
  g_assert_no_error (error);
  g_assert_true (os_account_get_offline (offline));
  g_assert_cmpstr (os_api_client_get_refresh_token (os_account_get_client (offline)), ==, token);

  /* The server comes back; the officer, unlocked offline (no access token), logs out: the
   * session still ends on the server, named by its refresh token. */
  os_test_server_start (srv);
  logout (offline);
  g_assert_true (os_account_get_revoked (offline));
  assert_refresh_refused (srv, token);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account/online/login-logout", test_login_logout);

  return g_test_run ();
}
