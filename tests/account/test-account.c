/* test-account.c: the desk's session: the refresh token in a real keyring, the offline
 * verifier, one database per officer. Run by run-keyring-test.sh (a private, unlocked
 * gnome-keyring-daemon and fresh XDG directories).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "os-account.h"
#include "os-credentials.h"
#include "os-error.h"
#include "os-test-core.h"
#include "os-test-util.h"

/* Nothing listens on port 1: the server "cannot be reached". */
#define UNREACHABLE "https://127.0.0.1:1/api/v1"

/* Async helpers ------------------------------------------------------------------------ */

static void
credentials_store (const char *server,
                   const char *user,
                   const char *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  os_credentials_store_async (server, user, token, NULL, os_test_store_result, &result);
  g_assert_true (os_credentials_store_finish (os_test_wait_result (&result), &error));
  g_assert_no_error (error);
}

static void
credentials_clear (const char *server,
                   const char *user)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  os_credentials_clear_async (server, user, NULL, os_test_store_result, &result);
  g_assert_true (os_credentials_clear_finish (os_test_wait_result (&result), &error));
  g_assert_no_error (error);
}

/* Whether any file below @dir holds @needle (the keyring's own files are encrypted). */
static gboolean
tree_contains (const char *dir,
               const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (path, needle))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &length, NULL) &&
               g_strstr_len (contents, length, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Tests -------------------------------------------------------------------------------- */

static void
test_credentials (void)
{
  const char *server = "https://mot-cua.example.vn:8443/api/v1";
  g_autofree char *token = NULL;
  g_autofree char *other = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *again = NULL;

  credentials_store (server, "lan", "rt-lan-0001-secret");
  credentials_store (server, "minh", "rt-minh-0001-secret");

  token = os_test_credentials_lookup (server, "lan");
  g_assert_cmpstr (token, ==, "rt-lan-0001-secret");
  other = os_test_credentials_lookup (server, "minh");
  g_assert_cmpstr (other, ==, "rt-minh-0001-secret");
  g_assert_null (os_test_credentials_lookup ("https://khac.example.vn/api/v1", "lan"));

  /* A rotated token replaces the old one. */
  credentials_store (server, "lan", "rt-lan-0002-secret");
  again = os_test_credentials_lookup (server, "lan");
  g_assert_cmpstr (again, ==, "rt-lan-0002-secret");

  /* Never in a plain file: the keyring's files are encrypted. */
  g_assert_false (tree_contains (g_get_home_dir (), "rt-lan-0002-secret"));
  g_assert_false (tree_contains (g_get_user_data_dir (), "rt-lan-0002-secret"));
  g_assert_false (tree_contains (g_get_user_config_dir (), "rt-lan-0002-secret"));

  credentials_clear (server, "lan");
  gone = os_test_credentials_lookup (server, "lan");
  g_assert_null (gone);
  /* Clearing one officer's session leaves the other's. */
  g_free (other);
  other = os_test_credentials_lookup (server, "minh");
  g_assert_cmpstr (other, ==, "rt-minh-0001-secret");
  /* Clearing what is not there is no error. */
  credentials_clear (server, "lan");
  credentials_clear (server, "minh");
}

static void
test_paths (void)
{
  g_autofree char *lan = os_account_build_database_path ("/d", "https://mc.example.vn:8443/api/v1", "lan");
  g_autofree char *lan_upper = os_account_build_database_path ("/d", "https://mc.example.vn:8443/api/v1", "LAN");
  g_autofree char *minh = os_account_build_database_path ("/d", "https://mc.example.vn:8443/api/v1", "minh");
  g_autofree char *other_server = os_account_build_database_path ("/d", "https://mc.example.vn/api/v1", "lan");
  g_autofree char *sneaky = os_account_build_database_path ("/d", "https://mc.example.vn:8443/api/v1", "../../etc/x");
  g_autofree char *dots = os_account_build_database_path ("/d", "https://mc.example.vn:8443/api/v1", "..");
  g_autofree char *dir = NULL;

  g_assert_cmpstr (lan, ==, "/d/mc.example.vn_8443/lan.sqlite3");
  /* The server tells "LAN" from "lan"; so do the databases. */
  g_assert_cmpstr (lan_upper, ==, "/d/mc.example.vn_8443/LAN.sqlite3");
  g_assert_cmpstr (minh, ==, "/d/mc.example.vn_8443/minh.sqlite3");
  g_assert_cmpstr (other_server, ==, "/d/mc.example.vn_443/lan.sqlite3");
  /* A name never leaves the server's directory. */
  dir = g_path_get_dirname (sneaky);
  g_assert_cmpstr (dir, ==, "/d/mc.example.vn_8443");
  g_assert_null (strstr (sneaky + strlen ("/d/"), "/../"));
  g_free (dir);
  dir = g_path_get_dirname (dots);
  g_assert_cmpstr (dir, ==, "/d/mc.example.vn_8443");
}

static void
test_verifier (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = os_account_hash_password ("Mật khẩu đúng 123", &error);
  g_autofree char *hash2 = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (hash);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, "Mật khẩu"));
  g_assert_true (os_account_verify_password (hash, "Mật khẩu đúng 123"));
  g_assert_false (os_account_verify_password (hash, "Mật khẩu đúng 124"));
  g_assert_false (os_account_verify_password (hash, ""));
  g_assert_false (os_account_verify_password (NULL, "Mật khẩu đúng 123"));
  g_assert_false (os_account_verify_password ("", "Mật khẩu đúng 123"));
  /* Salted: the same password gives another verifier each time. */
  hash2 = os_account_hash_password ("Mật khẩu đúng 123", &error);
  g_assert_cmpstr (hash, !=, hash2);
}

/* Prepares what an earlier online login left: the officer's database with the verifier,
 * and a refresh token in the keyring. */
static void
prepare_officer (const char *accounts_dir,
                 const char *user,
                 const char *password,
                 const char *token)
{
  g_autoptr(OsStore) store = os_test_prepare_officer (accounts_dir, UNREACHABLE, user, password, user);

  if (token != NULL)
    credentials_store (UNREACHABLE, user, token);
}

static void
count_syncing (guint        *count,
               GParamSpec   *pspec,
               OsSyncEngine *engine)
{
  if (os_sync_engine_get_state (engine) == OS_SYNC_STATE_SYNCING)
    (*count)++;
}

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_offline_unlock (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "offline-accounts", NULL);
  g_autofree char *lan_path = os_account_build_database_path (dir, UNREACHABLE, "lan");
  g_autofree char *minh_path = os_account_build_database_path (dir, UNREACHABLE, "minh");
  g_autofree char *ghost_path = os_account_build_database_path (dir, UNREACHABLE, "khach");
  g_autoptr(OsAccount) lan = os_account_new (UNREACHABLE, "0190a1b2-0000-7000-8000-000000000001", NULL);
  g_autoptr(OsAccount) minh = os_account_new (UNREACHABLE, "0190a1b2-0000-7000-8000-000000000001", NULL);
  g_autoptr(OsAccount) ghost = os_account_new (UNREACHABLE, "0190a1b2-0000-7000-8000-000000000001", NULL);
  g_autoptr(OsAgency) agency = os_agency_new ("000.00.06.H56", "UBND Phường Ba Đình", "", "Hà Nội", "Bộ phận Một cửa");
  g_autoptr(OsRecord) record = os_test_new_record ("Nguyễn Văn An", "Lê Thu Hà");
  g_autoptr(GError) error = NULL;

  prepare_officer (dir, "lan", "mat-khau-cua-lan", "rt-lan-offline");
  prepare_officer (dir, "minh", "mat-khau-cua-minh", NULL);
  os_account_set_accounts_dir (lan, dir);
  os_account_set_accounts_dir (minh, dir);
  os_account_set_accounts_dir (ghost, dir);

  /* A wrong password is refused offline, with a sentence that says so. */
  g_assert_false (os_test_account_login (lan, "lan", "mat-khau-cua-minh", &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_UNAUTHORIZED);
  g_assert_nonnull (strstr (error->message, "Sai mật khẩu"));
  g_assert_null (os_account_get_store (lan));
  g_clear_error (&error);
  g_assert_false (os_test_account_login (lan, "lan", "", &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  /* The right one unlocks the officer's own database and the keyring's token. */
  g_assert_true (os_test_account_login (lan, "lan", "mat-khau-cua-lan", &error));
  g_assert_no_error (error);
  g_assert_true (os_account_get_offline (lan));
  g_assert_cmpstr (os_account_get_username (lan), ==, "lan");
  g_assert_cmpstr (os_store_get_path (os_account_get_store (lan)), ==, lan_path);
  g_assert_cmpstr (os_api_client_get_refresh_token (os_account_get_client (lan)), ==, "rt-lan-offline");
  {
    g_autoptr(OsAccount) slash = os_account_new (UNREACHABLE "/", NULL, NULL);

    g_assert_cmpstr (os_account_get_base_url (slash), ==, UNREACHABLE);
  }
  g_assert_nonnull (os_account_get_engine (lan));

  /* Logging in again replaces the engine, and the old one stops even while someone (the
   * window) still holds it: poked, it starts no round. */
  {
    g_autoptr(OsSyncEngine) old = g_object_ref (os_account_get_engine (lan));
    guint syncing = 0;
    gboolean waited = FALSE;

    os_sync_engine_start (old);
    g_assert_true (os_test_account_login (lan, "lan", "mat-khau-cua-lan", &error));
    g_assert_no_error (error);
    g_assert_true (os_account_get_engine (lan) != old);
    g_signal_connect_swapped (old, "notify::state", G_CALLBACK (count_syncing), &syncing);
    os_sync_engine_poke (old);
    g_timeout_add_once (300, set_flag, &waited);
    while (!waited)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (syncing, ==, 0);
    g_signal_handlers_disconnect_by_data (old, &syncing);
  }

  /* An officer who never logged in here cannot get in without the server, and no
   * database is left behind for them. */
  g_assert_false (os_test_account_login (ghost, "khach", "bat-ky", &error));
  g_assert_error (error, OS_ERROR, OS_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "chưa từng đăng nhập"));
  g_clear_error (&error);
  g_assert_false (g_file_test (ghost_path, G_FILE_TEST_EXISTS));

  /* Two officers on one PC: two databases; one's unsent work is not in the other's. */
  g_assert_true (os_test_account_login (minh, " minh ", "mat-khau-cua-minh", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (os_store_get_path (os_account_get_store (minh)), ==, minh_path);
  g_assert_cmpstr (lan_path, !=, minh_path);
  g_assert_null (os_api_client_get_refresh_token (os_account_get_client (minh)));

  g_assert_true (os_store_set_agency (os_account_get_store (lan), agency, &error));
  g_assert_true (os_store_receive (os_account_get_store (lan), record, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  g_assert_cmpint (os_store_count_outbox (os_account_get_store (lan)), ==, 1);
  g_assert_cmpint (os_store_count_outbox (os_account_get_store (minh)), ==, 0);
  g_assert_cmpint (os_store_count_records (os_account_get_store (minh)), ==, 0);

  /* Logging out with the server away: the token leaves the keyring, the work stays. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *token = NULL;
    g_autoptr(OsStore) reopened = NULL;

    os_account_logout_async (lan, NULL, os_test_store_result, &result);
    g_assert_true (os_account_logout_finish (lan, os_test_wait_result (&result), &error));
    g_assert_no_error (error);
    g_assert_false (os_account_get_revoked (lan));
    token = os_test_credentials_lookup (UNREACHABLE, "lan");
    g_assert_null (token);
    g_clear_object (&lan);
    reopened = os_store_open (lan_path, &error);
    g_assert_no_error (error);
    g_assert_cmpint (os_store_count_outbox (reopened), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account/credentials", test_credentials);
  g_test_add_func ("/account/paths", test_paths);
  g_test_add_func ("/account/verifier", test_verifier);
  g_test_add_func ("/account/offline-unlock", test_offline_unlock);

  return g_test_run ();
}
