/* os-admin.c: units, users, desks and the procedure catalogue, from the command line.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "os-admin.h"
#include "os-db-pool.h"
#include "os-migrate.h"

#include <json-glib/json-glib.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char * const known_roles[] = {
  "reception", "specialist", "department_head", "leader", "supervisor", "admin", NULL
};

static gboolean
usage (GError **error,
       const char *text)
{
  g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID, "Usage: onestop-server admin --db CONNINFO %s", text);
  return FALSE;
}

/* Runs one statement and prints its first value. */
static gboolean
exec_print (PGconn             *conn,
            const char         *sql,
            int                 n,
            const char * const *params,
            GError            **error)
{
  g_autoptr(PGresult) res = os_db_exec (conn, sql, n, params, error);

  if (res == NULL)
    return FALSE;
  if (PQntuples (res) < 1)
    {
      g_set_error_literal (error, OS_SERVER_ERROR, OS_SERVER_ERROR_NOT_FOUND, "Nothing matched (unknown unit?)");
      return FALSE;
    }
  g_print ("%s\n", PQgetvalue (res, 0, 0));
  return TRUE;
}

static char *
pg_text_array (const char *list)
{
  g_auto(GStrv) items = g_strsplit (list ? list : "", ",", -1);
  g_autoptr(GString) out = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);

      if (*item == '\0')
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      g_string_append_c (out, '"');
      for (const char *p = item; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
user_add (PGconn      *conn,
          char       **argv,
          const char  *roles,
          const char  *units,
          GError     **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *role_array = pg_text_array (roles);
  g_autofree char *unit_array = pg_text_array (units);
  g_auto(GStrv) role_list = g_strsplit (roles ? roles : "", ",", -1);
  char hash[crypto_pwhash_STRBYTES];
  char line[1100];
  gsize len;
  const char *params[5];

  if (g_strv_length (argv) != 3)
    return usage (error, "user-add USERNAME FULL-NAME --roles=R1,R2 --units=AGENCY1,AGENCY2 < PASSWORD");
  for (guint i = 0; role_list[i] != NULL; i++)
    if (*g_strstrip (role_list[i]) != '\0' && !g_strv_contains (known_roles, role_list[i]))
      {
        g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID, "Unknown role “%s”", role_list[i]);
        return FALSE;
      }
  if (fgets (line, sizeof line, stdin) == NULL)
    {
      g_set_error_literal (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID, "The password is read from standard input");
      return FALSE;
    }
  len = strcspn (line, "\r\n");
  line[len] = '\0';
  if (len == 0)
    {
      g_set_error_literal (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID, "The password is empty");
      return FALSE;
    }
  if (crypto_pwhash_str (hash, line, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID, "Out of memory hashing the password");
      return FALSE;
    }
  sodium_memzero (line, sizeof line);
  params[0] = id;
  params[1] = argv[1];
  params[2] = argv[2];
  params[3] = hash;
  params[4] = role_array;
  {
    g_autoptr(PGresult) res = os_db_exec (conn, "BEGIN", 0, NULL, error);
    if (res == NULL)
      return FALSE;
  }
  {
    g_autoptr(PGresult) res = os_db_exec (conn,
                                          "INSERT INTO users (id, username, full_name, password_hash, roles)"
                                          " VALUES ($1, $2, $3, $4, $5)", 5, params, error);
    if (res == NULL)
      return FALSE;
  }
  params[1] = unit_array;
  {
    g_autoptr(PGresult) res = os_db_exec (conn,
                                          "INSERT INTO user_units (user_id, unit_id)"
                                          " SELECT $1, id FROM units WHERE agency_code = ANY ($2::text[])",
                                          2, params, error);
    if (res == NULL)
      return FALSE;
  }
  {
    g_autoptr(PGresult) res = os_db_exec (conn,
                                          "SELECT count (*) = cardinality ($1::text[])"
                                          "  FROM units WHERE agency_code = ANY ($1::text[])",
                                          1, (const char *[]) { unit_array }, error);
    if (res == NULL)
      return FALSE;
    if (strcmp (PQgetvalue (res, 0, 0), "t") != 0)
      {
        g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_NOT_FOUND, "Unknown unit in “%s”", units);
        return FALSE;
      }
  }
  {
    g_autoptr(PGresult) res = os_db_exec (conn, "COMMIT", 0, NULL, error);
    if (res == NULL)
      return FALSE;
  }
  g_print ("%s\n", id);
  return TRUE;
}

static gboolean
import_procedures (PGconn      *conn,
                   const char  *file,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonNode *root, *procedures;
  const char *params[1];

  if (!json_parser_load_from_file (parser, file, error))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (procedures = json_object_get_member (json_node_get_object (root), "procedures")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (procedures))
    {
      g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID,
                   "%s: not a catalogue (an object with a “procedures” array)", file);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (procedures)); i++)
    {
      JsonNode *p = json_array_get_element (json_node_get_array (procedures), i);

      if (!JSON_NODE_HOLDS_OBJECT (p) || !json_object_has_member (json_node_get_object (p), "id"))
        {
          g_set_error (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID,
                       "%s: procedure %u is not an object with an id", file, i);
          return FALSE;
        }
    }
  text = json_to_string (procedures, FALSE);
  params[0] = text;
  return exec_print (conn,
                     "INSERT INTO procedure_catalogue (id, version, procedures) VALUES (1, 1, $1)"
                     " ON CONFLICT (id) DO UPDATE SET version = procedure_catalogue.version + 1,"
                     "   procedures = excluded.procedures, imported_at = now ()"
                     " RETURNING version",
                     1, params, error);
}

gboolean
os_admin_run (const char  *conninfo,
              char       **argv,
              const char  *parent,
              const char  *roles,
              const char  *units,
              GError     **error)
{
  PGconn *conn;
  gboolean ok = FALSE;
  gint version = 0;
  guint argc = g_strv_length (argv);
  const char *command = argv[0];

  if (command == NULL)
    return usage (error, "migrate | unit-add | user-add | desk-add | import-procedures");
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, OS_SERVER_ERROR, OS_SERVER_ERROR_INVALID, "libsodium failed to start");
      return FALSE;
    }
  conn = os_db_connect (conninfo, error);
  if (conn == NULL)
    return FALSE;
  if (!os_migrate (conn, &version, error))
    goto out;

  if (g_str_equal (command, "migrate"))
    {
      g_print ("%d\n", version);
      ok = TRUE;
    }
  else if (g_str_equal (command, "unit-add"))
    {
      g_autofree char *id = g_uuid_string_random ();

      if (argc != 3)
        ok = usage (error, "unit-add AGENCY-CODE NAME [--parent=AGENCY-CODE]");
      else
        {
          const char *params[4] = { id, argv[1], argv[2], parent };

          ok = exec_print (conn,
                           "INSERT INTO units (id, agency_code, name, parent_id)"
                           " SELECT $1, $2, $3, p.id FROM (SELECT NULL) x"
                           "   LEFT JOIN units p ON p.agency_code = $4"
                           "  WHERE $4::text IS NULL OR p.id IS NOT NULL"
                           " RETURNING id",
                           4, params, error);
        }
    }
  else if (g_str_equal (command, "user-add"))
    ok = user_add (conn, argv, roles, units, error);
  else if (g_str_equal (command, "desk-add"))
    {
      g_autofree char *id = g_uuid_string_random ();

      if (argc != 3)
        ok = usage (error, "desk-add UNIT-AGENCY-CODE NAME");
      else
        {
          const char *params[3] = { id, argv[1], argv[2] };

          ok = exec_print (conn,
                           "INSERT INTO desks (id, unit_id, name)"
                           " SELECT $1, id, $3 FROM units WHERE agency_code = $2 RETURNING id",
                           3, params, error);
        }
    }
  else if (g_str_equal (command, "import-procedures"))
    {
      if (argc != 2)
        ok = usage (error, "import-procedures FILE");
      else
        ok = import_procedures (conn, argv[1], error);
    }
  else
    ok = usage (error, "migrate | unit-add | user-add | desk-add | import-procedures");

out:
  PQfinish (conn);
  return ok;
}
