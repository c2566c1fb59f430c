/* os-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "os-account.h"
#include "os-credentials.h"
#include "os-error.h"
#include "os-store-process.h"

/* Settings of the officer's own store. */
#define KEY_VERIFIER  "account-verifier"
#define KEY_USERNAME  "account-username"
#define KEY_FULL_NAME "account-full-name"
#define KEY_USER_ID   "account-user-id"
#define KEY_ROLES     "account-roles"   /* the user's roles, one a line */
#define KEY_UNITS     "account-units"   /* the agency codes of the user's units, one a line */

struct _OsAccount
{
  GObject       parent_instance;

  char         *base_url;
  char         *desk_id;
  GTlsDatabase *tls_database;
  char         *accounts_dir;

  char         *username;
  char         *full_name;
  gboolean      offline;
  gboolean      revoked;
  OsStore      *store;
  OsApiClient  *client;
  OsSyncEngine *engine;
};

G_DEFINE_FINAL_TYPE (OsAccount, os_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USERNAME,
  PROP_FULL_NAME,
  PROP_OFFLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Paths ----------------------------------------------------------------------------- */

/* Keeps letters, digits, '.', '-' and '_'; anything else becomes "%XX" for each byte
 * (for names) or '_' (for the host), so a name never leaves its directory. */
static char *
escape_component (const char *text,
                  gboolean    percent)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '_')
        g_string_append_c (out, *p);
      else if (percent)
        g_string_append_printf (out, "%%%02X", *p);
      else
        g_string_append_c (out, '_');
    }
  /* Never "." or "..". */
  if (out->len == 0 || strspn (out->str, ".") == out->len)
    g_string_prepend (out, "_");
  return g_string_free (out, FALSE);
}

char *
os_account_build_database_path (const char *accounts_dir,
                                const char *base_url,
                                const char *username)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host_port = NULL;
  g_autofree char *server_dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (accounts_dir != NULL && base_url != NULL && username != NULL, NULL);

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    {
      int port = g_uri_get_port (uri);

      if (port < 0)
        port = g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 ? 80 : 443;
      host_port = g_strdup_printf ("%s_%d", g_uri_get_host (uri), port);
    }
  else
    host_port = g_strdup (base_url);
  server_dir = escape_component (host_port, FALSE);

  /* The server compares user names exactly; so does the path. */
  name = escape_component (username, TRUE);
  file = g_strconcat (name, ".sqlite3", NULL);
  return g_build_filename (accounts_dir, server_dir, file, NULL);
}

/* The offline verifier ---------------------------------------------------------------- */

char *
os_account_hash_password (const char  *password,
                          GError     **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (sodium_init () < 0 ||
      crypto_pwhash_str_alg (hash, password, strlen (password),
                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_IO,
                   _("Không đủ bộ nhớ để ghi nhớ mật khẩu cho lần đăng nhập ngoại tuyến."));
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
os_account_verify_password (const char *verifier,
                            const char *password)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (verifier == NULL || *verifier == '\0' || sodium_init () < 0)
    return FALSE;
  return crypto_pwhash_str_verify (verifier, password, strlen (password)) == 0;
}

static void
hash_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  char *hash = os_account_hash_password (task_data, &error);

  if (hash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hash, g_free);
}

typedef struct
{
  char *verifier;
  char *password;
} VerifyData;

static void
verify_data_free (VerifyData *data)
{
  g_free (data->verifier);
  if (data->password != NULL)
    sodium_memzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data);
}

static void
verify_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *data = task_data;

  g_task_return_boolean (task, os_account_verify_password (data->verifier, data->password));
}

/* Logging in -------------------------------------------------------------------------- */

typedef struct
{
  char         *username;
  char         *password;
  char         *path;
  gboolean      existed;
  OsStore      *store;
  OsApiClient  *client;
  OsApiSession *session;
} LoginData;

static void
login_data_free (LoginData *data)
{
  g_free (data->username);
  if (data->password != NULL)
    sodium_memzero (data->password, strlen (data->password));
  g_free (data->password);
  g_free (data->path);
  g_clear_object (&data->store);
  g_clear_object (&data->client);
  g_clear_pointer (&data->session, os_api_session_free);
  g_free (data);
}

/* A database made only for this attempt goes again when the attempt fails, so that a
 * mistyped user name leaves nothing behind. */
static void
forget_new_database (LoginData *data)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  if (data->existed || data->path == NULL)
    return;
  g_clear_object (&data->store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (data->path, suffixes[i], NULL);
      g_remove (file);
    }
}

static void
login_fail (GTask  *task,
            GError *error)
{
  forget_new_database (g_task_get_task_data (task));
  g_task_return_error (task, error);
}

static void
on_tokens_changed (OsAccount *self)
{
  const char *token;

  if (self->client == NULL || self->username == NULL)
    return;
  token = os_api_client_get_refresh_token (self->client);
  if (token == NULL || *token == '\0')
    return;
  os_credentials_store_async (self->base_url, self->username, token, NULL, NULL, NULL);
}

/* The officer as the process engine sees them, from what the last online login kept in
 * their database (so an offline unlock acts as the same person). */
static void
set_store_actor (OsStore    *store,
                 const char *username,
                 const char *full_name,
                 const char *desk_id)
{
  g_autofree char *roles_text = os_store_dup_setting (store, KEY_ROLES);
  g_autofree char *units_text = os_store_dup_setting (store, KEY_UNITS);
  g_auto(GStrv) roles = g_strsplit (roles_text ? roles_text : "", "\n", -1);
  g_auto(GStrv) units = g_strsplit (units_text ? units_text : "", "\n", -1);
  g_autoptr(GStrvBuilder) r = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) u = g_strv_builder_new ();
  g_auto(GStrv) role_list = NULL;
  g_auto(GStrv) unit_list = NULL;
  g_autoptr(OsActor) actor = NULL;

  for (guint i = 0; roles[i] != NULL; i++)
    if (*roles[i] != '\0')
      g_strv_builder_add (r, roles[i]);
  for (guint i = 0; units[i] != NULL; i++)
    if (*units[i] != '\0')
      g_strv_builder_add (u, units[i]);
  role_list = g_strv_builder_end (r);
  unit_list = g_strv_builder_end (u);
  actor = os_actor_new (username, full_name, (const char * const *) role_list,
                        (const char * const *) unit_list, desk_id ? desk_id : "");
  os_store_set_actor (store, actor);
}

/* The last step of both ways in: the account takes the store and the client. */
static void
login_complete (GTask    *task,
                gboolean  offline)
{
  OsAccount *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  g_autofree char *full_name = os_store_dup_setting (data->store, KEY_FULL_NAME);

  /* The engine of the previous officer stops before it goes: its timers and network
   * watch hold no reference, and a round of it must not run on after the switch. */
  if (self->engine != NULL)
    os_sync_engine_stop (self->engine);
  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);

  self->store = g_steal_pointer (&data->store);
  self->client = g_steal_pointer (&data->client);
  g_free (self->username);
  self->username = g_strdup (data->username);
  g_free (self->full_name);
  self->full_name = (full_name && *full_name) ? g_steal_pointer (&full_name) : g_strdup (data->username);
  self->offline = offline;
  self->revoked = FALSE;
  set_store_actor (self->store, self->username, self->full_name, self->desk_id);

  g_signal_connect_object (self->client, "tokens-changed", G_CALLBACK (on_tokens_changed), self,
                           G_CONNECT_SWAPPED);
  self->engine = os_sync_engine_new (self->store, self->client);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FULL_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFLINE]);
  g_task_return_boolean (task, TRUE);
}

static void
on_token_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Without the keyring the officer can still work now; after a restart they must log
   * in online again. Never fall back to a plain file. */
  if (!os_credentials_store_finish (result, &error))
    g_warning ("%s", error->message);
  login_complete (task, FALSE);
}

/* The unit the desk belongs to, from the session's list of the user's units. */
static JsonObject *
find_desk_unit (OsApiSession *session)
{
  if (session->units == NULL || session->desk_unit_id == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (session->units); i++)
    {
      JsonObject *unit = json_array_get_object_element (session->units, i);

      if (unit != NULL && g_strcmp0 (json_object_get_string_member_with_default (unit, "id", ""),
                                     session->desk_unit_id) == 0)
        return unit;
    }
  return NULL;
}

/* The user's roles and the agency codes of their units, for set_store_actor(). */
static gboolean
save_roles_and_units (OsStore       *store,
                      OsApiSession  *session,
                      GError       **error)
{
  g_autoptr(GString) units = g_string_new ("");
  g_autofree char *roles = session->roles ? g_strjoinv ("\n", session->roles) : g_strdup ("");

  for (guint i = 0; session->units != NULL && i < json_array_get_length (session->units); i++)
    {
      JsonNode *element = json_array_get_element (session->units, i);
      JsonObject *unit = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *code = unit ? json_object_get_string_member_with_default (unit, "agency_code", "") : "";

      if (code != NULL && *code != '\0')
        g_string_append_printf (units, "%s%s", units->len ? "\n" : "", code);
    }
  return os_store_set_setting (store, KEY_ROLES, roles, error) &&
         os_store_set_setting (store, KEY_UNITS, units->str, error);
}

static gboolean
bind_store (OsAccount     *self,
            LoginData     *data,
            const char    *verifier,
            GError       **error)
{
  OsApiSession *session = data->session;
  JsonObject *unit = find_desk_unit (session);
  const char *full_name = session->full_name ? session->full_name : data->username;

  if (!os_store_set_setting (data->store, KEY_VERIFIER, verifier, error) ||
      !os_store_set_setting (data->store, KEY_USERNAME, data->username, error) ||
      !os_store_set_setting (data->store, KEY_FULL_NAME, full_name, error) ||
      !os_store_set_setting (data->store, KEY_USER_ID, session->user_id ? session->user_id : "", error) ||
      !os_store_set_setting (data->store, "officer-name", full_name, error) ||
      !save_roles_and_units (data->store, session, error) ||
      !os_store_set_server (data->store, self->base_url, self->desk_id, error))
    return FALSE;

  /* Record codes start with the identifier of the desk's unit, as the server knows it. */
  if (unit != NULL)
    {
      g_autoptr(OsAgency) current = os_store_dup_agency (data->store);
      const char *code = json_object_get_string_member_with_default (unit, "agency_code", "");
      const char *name = json_object_get_string_member_with_default (unit, "name", "");

      if (*code != '\0' &&
          (current == NULL || g_strcmp0 (current->identifier, code) != 0 ||
           g_strcmp0 (current->name, name) != 0))
        {
          g_autoptr(OsAgency) agency = os_agency_new (code, *name ? name : (current ? current->name : code),
                                                      current ? current->parent_name : "",
                                                      current ? current->place : "",
                                                      current ? current->desk_name : "");

          if (!os_store_set_agency (data->store, agency, error))
            return FALSE;
        }
    }
  return TRUE;
}

static void
store_new_token (GTask *task)
{
  OsAccount *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);

  os_credentials_store_async (self->base_url, data->username, data->session->refresh_token,
                              g_task_get_cancellable (task), on_token_stored, task);
}

static void
on_previous_session_revoked (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* Best effort: a session that cannot be revoked now still expires on the server. */
  if (!os_api_client_logout_finish (OS_API_CLIENT (source), result, &error))
    g_message ("The previous session could not be revoked: %s", error->message);
  store_new_token (task);
}

/* A new online login while the keyring still holds the token of an earlier session (the
 * app was closed without logging out): that session is revoked on the server before its
 * token is replaced, so no forgotten session stays usable for its whole lifetime. */
static void
on_previous_token (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  OsAccount *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  g_autofree char *previous = os_credentials_lookup_finish (result, NULL);
  g_autoptr(OsApiClient) client = NULL;

  if (previous == NULL || g_strcmp0 (previous, data->session->refresh_token) == 0)
    {
      store_new_token (task);
      return;
    }
  client = os_api_client_new (self->base_url, self->tls_database);
  os_api_client_set_tokens (client, NULL, previous);
  os_api_client_logout_async (client, g_task_get_cancellable (task), on_previous_session_revoked, task);
}

static void
on_verifier_hashed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsAccount *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autofree char *verifier = g_task_propagate_pointer (G_TASK (result), &error);
  GCancellable *cancellable;

  if (verifier == NULL || !bind_store (self, data, verifier, &error))
    {
      login_fail (task, error);
      return;
    }

  os_api_client_set_tokens (data->client, data->session->access_token, data->session->refresh_token);
  cancellable = g_task_get_cancellable (task);
  os_credentials_lookup_async (self->base_url, data->username, cancellable,
                               on_previous_token, g_steal_pointer (&task));
}

static void
on_offline_token (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoginData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = os_credentials_lookup_finish (result, &error);

  if (error != NULL)
    g_warning ("%s", error->message);
  /* Without a token the officer works offline; the engine asks for a new login once the
   * server answers. */
  if (token != NULL)
    os_api_client_set_tokens (data->client, NULL, token);
  login_complete (task, TRUE);
}

static void
on_offline_verified (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsAccount *self = g_task_get_source_object (task);
  LoginData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    {
      login_fail (task, g_error_new (OS_ERROR, OS_ERROR_UNAUTHORIZED,
                                     _("Sai mật khẩu. Máy chủ hiện không liên lạc được, nên mật khẩu "
                                       "được so với lần đăng nhập trước trên máy này.")));
      return;
    }
  os_credentials_lookup_async (self->base_url, data->username, cancellable,
                               on_offline_token, g_steal_pointer (&task));
}

/* The server cannot be reached: let in an officer who logged in here before. */
static void
unlock_offline (GTask        *task,
                const GError *network_error)
{
  LoginData *data = g_task_get_task_data (task);
  g_autofree char *verifier = NULL;
  GTask *verify;
  VerifyData *vdata;

  if (data->existed && data->store != NULL)
    verifier = os_store_dup_setting (data->store, KEY_VERIFIER);
  if (verifier == NULL || *verifier == '\0')
    {
      login_fail (task, g_error_new (OS_ERROR, OS_ERROR_NETWORK,
                                     _("Không kết nối được máy chủ (%s). Tài khoản “%s” chưa từng đăng "
                                       "nhập trên máy này, nên lần đầu cần có mạng để đăng nhập."),
                                     network_error->message, data->username));
      return;
    }

  vdata = g_new0 (VerifyData, 1);
  vdata->verifier = g_steal_pointer (&verifier);
  vdata->password = g_strdup (data->password);
  verify = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                       on_offline_verified, g_object_ref (task));
  g_task_set_task_data (verify, vdata, (GDestroyNotify) verify_data_free);
  g_task_run_in_thread (verify, verify_thread);
  g_object_unref (verify);
}

static void
on_logged_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoginData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) hash = NULL;
  GCancellable *cancellable;
  gpointer source_object;

  data->session = os_api_client_login_finish (OS_API_CLIENT (source), result, &error);
  if (data->session == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        login_fail (task, g_steal_pointer (&error));
      else if (g_error_matches (error, OS_ERROR, OS_ERROR_NETWORK) ||
               g_error_matches (error, OS_ERROR, OS_ERROR_SERVER))
        unlock_offline (task, error);
      else if (g_error_matches (error, OS_ERROR, OS_ERROR_UNAUTHORIZED))
        login_fail (task, g_error_new (OS_ERROR, OS_ERROR_UNAUTHORIZED,
                                       _("Sai tên đăng nhập hoặc mật khẩu.")));
      else
        login_fail (task, g_steal_pointer (&error));
      return;
    }

  source_object = g_task_get_source_object (task);
  cancellable = g_task_get_cancellable (task);
  hash = g_task_new (source_object, cancellable, on_verifier_hashed, g_steal_pointer (&task));
  g_task_set_task_data (hash, g_strdup (data->password), g_free);
  g_task_run_in_thread (hash, hash_thread);
}

void
os_account_login_async (OsAccount           *self,
                        const char          *username,
                        const char          *password,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *client_id = NULL;
  LoginData *data;
  GError *error = NULL;

  g_return_if_fail (OS_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_account_login_async);
  data = g_new0 (LoginData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) login_data_free);

  data->username = g_strstrip (g_strdup (username ? username : ""));
  data->password = g_strdup (password ? password : "");
  if (*data->username == '\0' || *data->password == '\0')
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_INVALID_INPUT,
                               _("Hãy nhập tên đăng nhập và mật khẩu."));
      return;
    }

  data->path = os_account_build_database_path (self->accounts_dir, self->base_url, data->username);
  data->existed = g_file_test (data->path, G_FILE_TEST_EXISTS);
  data->store = os_store_open (data->path, &error);
  if (data->store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->client = os_api_client_new (self->base_url, self->tls_database);
  client_id = os_store_dup_client_id (data->store);
  os_api_client_login_async (data->client, data->username, data->password, self->desk_id,
                             client_id, cancellable, on_logged_in, g_steal_pointer (&task));
}

gboolean
os_account_login_finish (OsAccount     *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Logging out ------------------------------------------------------------------------- */

static void
on_logout_cleared (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!os_credentials_clear_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_server_logout (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OsAccount *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* An unreachable server is no reason to stay logged in on the desk. */
  self->revoked = os_api_client_logout_finish (OS_API_CLIENT (source), result, &error);
  /* A session the server no longer accepts is as good as revoked. */
  if (g_error_matches (error, OS_ERROR, OS_ERROR_UNAUTHORIZED))
    self->revoked = TRUE;
  else if (!self->revoked)
    g_message ("Logout: the server did not revoke the session: %s", error->message);
  os_api_client_set_tokens (OS_API_CLIENT (source), NULL, NULL);
  os_credentials_clear_async (self->base_url, self->username, NULL, on_logout_cleared,
                              g_steal_pointer (&task));
}

void
os_account_logout_async (OsAccount           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (OS_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_account_logout_async);
  self->revoked = FALSE;

  if (self->username == NULL || self->client == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->engine != NULL)
    os_sync_engine_stop (self->engine);
  /* Once the server is asked, the token must go whatever it answers. */
  g_signal_handlers_disconnect_by_data (self->client, self);
  os_api_client_logout_async (self->client, NULL, on_server_logout, g_steal_pointer (&task));
}

gboolean
os_account_logout_finish (OsAccount     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The object ---------------------------------------------------------------------------- */

OsAccount *
os_account_new (const char   *base_url,
                const char   *desk_id,
                GTlsDatabase *tls_database)
{
  OsAccount *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (tls_database == NULL || G_IS_TLS_DATABASE (tls_database), NULL);

  self = g_object_new (OS_TYPE_ACCOUNT, NULL);
  /* "…/api/v1/" and "…/api/v1" are one server: one keyring entry, one folder. */
  self->base_url = g_strstrip (g_strdup (base_url));
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->desk_id = g_strdup (desk_id ? desk_id : "");
  self->tls_database = tls_database ? g_object_ref (tls_database) : NULL;
  return self;
}

void
os_account_set_accounts_dir (OsAccount  *self,
                             const char *dir)
{
  g_return_if_fail (OS_IS_ACCOUNT (self));
  g_return_if_fail (dir != NULL);

  g_free (self->accounts_dir);
  self->accounts_dir = g_strdup (dir);
}

const char *
os_account_get_accounts_dir (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->accounts_dir;
}

const char *
os_account_get_base_url (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->base_url;
}

const char *
os_account_get_desk_id (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->desk_id;
}

const char *
os_account_get_username (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->username;
}

const char *
os_account_get_full_name (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->full_name;
}

gboolean
os_account_get_offline (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), FALSE);
  return self->offline;
}

gboolean
os_account_get_revoked (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), FALSE);
  return self->revoked;
}

OsStore *
os_account_get_store (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->store;
}

OsApiClient *
os_account_get_client (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->client;
}

OsSyncEngine *
os_account_get_engine (OsAccount *self)
{
  g_return_val_if_fail (OS_IS_ACCOUNT (self), NULL);
  return self->engine;
}

static void
os_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  OsAccount *self = OS_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_FULL_NAME:
      g_value_set_string (value, self->full_name);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_account_dispose (GObject *object)
{
  OsAccount *self = (OsAccount *) object;

  if (self->engine != NULL)
    os_sync_engine_stop (self->engine);
  g_clear_object (&self->engine);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->tls_database);

  G_OBJECT_CLASS (os_account_parent_class)->dispose (object);
}

static void
os_account_finalize (GObject *object)
{
  OsAccount *self = (OsAccount *) object;

  g_free (self->base_url);
  g_free (self->desk_id);
  g_free (self->accounts_dir);
  g_free (self->username);
  g_free (self->full_name);

  G_OBJECT_CLASS (os_account_parent_class)->finalize (object);
}

static void
os_account_class_init (OsAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = os_account_get_property;
  object_class->dispose = os_account_dispose;
  object_class->finalize = os_account_finalize;

  properties[PROP_USERNAME] =
    g_param_spec_string ("username", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FULL_NAME] =
    g_param_spec_string ("full-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
os_account_init (OsAccount *self)
{
  self->accounts_dir = g_build_filename (g_get_user_data_dir (), "onestop", "accounts", NULL);
}
