/* os-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-credentials.h"
#include "os-error.h"

const SecretSchema *
os_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    "vn.onestop.Desk.Session", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

/* libsecret's errors come from D-Bus or the keyring daemon; the officer gets a sentence
 * that says what failed, with the technical reason after it. */
static void
return_keyring_error (GTask      *task,
                      const char *what,
                      GError     *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_new_error (task, OS_ERROR, OS_ERROR_IO, "%s %s", what, error->message);
  g_error_free (error);
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_keyring_error (task, _("Không lưu được phiên đăng nhập vào kho khóa của máy:"), error);
  else
    g_task_return_boolean (task, TRUE);
}

void
os_credentials_store_async (const char          *server,
                            const char          *username,
                            const char          *refresh_token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;

  g_return_if_fail (server != NULL && username != NULL && refresh_token != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_credentials_store_async);
  /* The label is what the officer sees in a keyring manager (Seahorse). */
  label = g_strdup_printf (_("Một cửa: phiên đăng nhập của %s trên %s"), username, server);
  secret_password_store (os_credentials_get_schema (), SECRET_COLLECTION_DEFAULT, label,
                         refresh_token, cancellable, on_stored, g_steal_pointer (&task),
                         "server", server, "username", username, NULL);
}

gboolean
os_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *token = secret_password_lookup_finish (result, &error);

  if (error != NULL)
    return_keyring_error (task, _("Không đọc được phiên đăng nhập từ kho khóa của máy:"), error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
}

void
os_credentials_lookup_async (const char          *server,
                             const char          *username,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server != NULL && username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_credentials_lookup_async);
  secret_password_lookup (os_credentials_get_schema (), cancellable, on_looked_up, task,
                          "server", server, "username", username, NULL);
}

char *
os_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  char *secret;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  /* Hand out a g_free()able copy; libsecret's copy is wiped when freed. */
  secret = g_task_propagate_pointer (G_TASK (result), error);
  if (secret == NULL)
    return NULL;
  {
    char *copy = g_strdup (secret);
    secret_password_free (secret);
    return copy;
  }
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to remove. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    return_keyring_error (task, _("Không xóa được phiên đăng nhập khỏi kho khóa của máy:"), error);
  else
    g_task_return_boolean (task, TRUE);
}

void
os_credentials_clear_async (const char          *server,
                            const char          *username,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server != NULL && username != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_credentials_clear_async);
  secret_password_clear (os_credentials_get_schema (), cancellable, on_cleared, task,
                         "server", server, "username", username, NULL);
}

gboolean
os_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
