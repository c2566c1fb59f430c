/* os-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "os-api-private.h"
#include "os-blob-store.h"
#include "os-core-resources.h"
#include "os-datetime.h"
#include "os-error.h"
#include "os-record-code.h"
#include "os-record-json.h"
#include "os-store-private.h"
#include "os-store-process.h"
#include "os-text.h"
#include "os-uuid.h"

#define MIGRATIONS_PATH "/vn/onestop/core/sql/desk/"
#define BUSY_TIMEOUT_MS 10000

struct _OsStore
{
  GObject      parent_instance;

  char        *path;
  sqlite3     *db;
  OsCalendar  *calendar;
  GListStore  *procedures;
  GHashTable  *statements;   /* SQL text → prepared statement, for the hot paths */
  int          schema_version;
  OsActor     *actor;          /* os_store_set_actor(), or NULL */
  OsActor     *default_actor;  /* the settings' officer, built on demand */
};

G_DEFINE_FINAL_TYPE (OsStore, os_store, G_TYPE_OBJECT)

enum { SYNC_CHANGED, RECORDS_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

void
os_record_event_free (OsRecordEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->actor);
  g_free (event->action);
  g_free (event->note);
  g_free (event);
}

static void
os_store_finalize (GObject *object)
{
  OsStore *self = (OsStore *) object;

  g_clear_object (&self->calendar);
  g_clear_object (&self->procedures);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->actor, os_actor_free);
  g_clear_pointer (&self->default_actor, os_actor_free);
  g_free (self->path);

  G_OBJECT_CLASS (os_store_parent_class)->finalize (object);
}

static void
os_store_class_init (OsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_store_finalize;

  /* The outbox or the quarantine changed. */
  signals[SYNC_CHANGED] = g_signal_new ("sync-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  /* Records were changed by the server's change feed (or a quarantine decision). */
  signals[RECORDS_CHANGED] = g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  /* Referencing the resource bundle keeps the linker from dropping it (and the
   * constructor that registers it) out of the static library. */
  g_assert (os_core_get_resource () != NULL);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
os_store_init (OsStore *self)
{
  self->procedures = g_list_store_new (OS_TYPE_PROCEDURE);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

gboolean
os_store_fail (sqlite3  *db,
               int       rc,
               GError  **error)
{
  int primary = rc & 0xff;
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (primary)
    {
    case SQLITE_FULL:
      g_set_error (error, OS_ERROR, OS_ERROR_DATABASE,
                   _("Ổ đĩa đã đầy, không ghi được dữ liệu. Hãy giải phóng dung lượng rồi thử lại. (%s)"),
                   detail);
      break;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, OS_ERROR, OS_ERROR_DATABASE_CORRUPT,
                   _("Cơ sở dữ liệu bị hỏng hoặc không phải của ứng dụng này. (%s)"), detail);
      break;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, OS_ERROR, OS_ERROR_DATABASE,
                   _("Cơ sở dữ liệu đang bận, hãy thử lại. (%s)"), detail);
      break;

    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
      g_set_error (error, OS_ERROR, OS_ERROR_DATABASE,
                   _("Không đọc hoặc ghi được cơ sở dữ liệu. (%s)"), detail);
      break;

    default:
      g_set_error (error, OS_ERROR, OS_ERROR_DATABASE,
                   _("Lỗi cơ sở dữ liệu: %s"), detail);
      break;
    }

  return FALSE;
}

gboolean
os_store_set_sqlite_error (OsStore  *self,
                           int       rc,
                           GError  **error)
{
  return os_store_fail (self->db, rc, error);
}

sqlite3 *
os_store_get_db (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  return self->db;
}

/* Helpers os-store-process.c shares (os-store-private.h), by their short names here. */
#define exec                os_store_exec
#define rollback            os_store_rollback
#define cached              os_store_cached
#define bind_text           os_store_bind_text
#define write_record_fields os_store_write_record_fields
#define insert_event        os_store_insert_event
#define insert_outbox_row   os_store_insert_outbox_row
#define record_payload      os_store_record_payload
#define prepare             os_store_prepare
#define step_done           os_store_step_done
#define run_int             os_store_run_int
#define run_text            os_store_run_text
#define run_text_int        os_store_run_text_int
#define mark_record_changed os_store_mark_record_changed

gboolean
os_store_exec (OsStore     *self,
               const char  *sql,
               GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return os_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

void
os_store_rollback (OsStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3_stmt *
os_store_prepare (OsStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return stmt;
}

/* A statement kept for the life of the store, reset and unbound; @sql must be a string
 * constant. Not to be freed by the caller. */
sqlite3_stmt *
os_store_cached (OsStore     *self,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      stmt = prepare (self, sql, error);
      if (stmt == NULL)
        return NULL;
      g_hash_table_insert (self->statements, (gpointer) sql, stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

void
os_store_bind_text (sqlite3_stmt *stmt,
                    int           index,
                    const char   *text)
{
  sqlite3_bind_text (stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

/* Runs a statement that returns no rows. */
gboolean
os_store_step_done (OsStore       *self,
                    sqlite3_stmt  *stmt,
                    GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return os_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

/* Runs the cached statement @sql, which returns no rows, with @value as ?1. */
gboolean
os_store_run_int (OsStore     *self,
                  const char  *sql,
                  gint64       value,
                  GError     **error)
{
  sqlite3_stmt *stmt = cached (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, value);
  return step_done (self, stmt, error);
}

gboolean
os_store_run_text (OsStore     *self,
                   const char  *sql,
                   const char  *value,
                   GError     **error)
{
  sqlite3_stmt *stmt = cached (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, value);
  return step_done (self, stmt, error);
}

/* The same with @text as ?1 and @value as ?2. */
gboolean
os_store_run_text_int (OsStore     *self,
                       const char  *sql,
                       const char  *text,
                       gint64       value,
                       GError     **error)
{
  sqlite3_stmt *stmt = cached (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, text);
  sqlite3_bind_int64 (stmt, 2, value);
  return step_done (self, stmt, error);
}

/* Migrations ------------------------------------------------------------------ */

/* g_ptr_array_sort() passes pointers to the elements, not the strings. */
static int
compare_migration_names (gconstpointer a,
                         gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
list_migrations (void)
{
  g_auto(GStrv) names = g_resources_enumerate_children (MIGRATIONS_PATH, 0, NULL);
  GPtrArray *sorted = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; names && names[i]; i++)
    if (g_str_has_suffix (names[i], ".sql"))
      g_ptr_array_add (sorted, g_strdup (names[i]));
  g_ptr_array_sort (sorted, compare_migration_names);  /* numbered 0001-…, 0002-… */
  return sorted;
}

int
os_store_get_latest_version (void)
{
  g_autoptr(GPtrArray) migrations = list_migrations ();

  return migrations->len;
}

static gboolean
read_user_version (OsStore  *self,
                   int      *version,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA user_version", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return os_store_set_sqlite_error (self, rc, error);
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
check_not_too_new (OsStore  *self,
                   int       version,
                   guint     latest,
                   GError  **error)
{
  if (version > (int) latest)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_DATABASE_TOO_NEW,
                   _("Cơ sở dữ liệu “%s” được tạo bởi một phiên bản mới hơn của ứng dụng "
                     "(lược đồ %d, phiên bản này chỉ hiểu đến %u). Hãy cập nhật ứng dụng."),
                   self->path, version, latest);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (OsStore  *self,
         GError  **error)
{
  g_autoptr(GPtrArray) migrations = list_migrations ();
  int version;

  for (;;)
    {
      g_autofree char *path = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *set_version = NULL;

      if (!read_user_version (self, &version, error) ||
          !check_not_too_new (self, version, migrations->len, error))
        return FALSE;
      if (version == (int) migrations->len)
        break;

      /* Another desk may be upgrading the same file right now: take the write lock,
       * then look again before applying the next step. */
      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!read_user_version (self, &version, error))
        {
          rollback (self);
          return FALSE;
        }
      if (version >= (int) migrations->len)
        {
          rollback (self);
          continue;
        }

      path = g_strconcat (MIGRATIONS_PATH, migrations->pdata[version], NULL);
      bytes = g_resources_lookup_data (path, 0, error);
      if (bytes == NULL)
        {
          rollback (self);
          return FALSE;
        }
      sql = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!exec (self, sql, error) || !exec (self, set_version, error) ||
          !exec (self, "COMMIT", error))
        {
          rollback (self);
          return FALSE;
        }
    }

  self->schema_version = migrations->len;
  return TRUE;
}

/* Switching a database to WAL needs a moment alone with it, and SQLite does not call the
 * busy handler for that: two desks opening a new file at once would see "database is
 * locked". Retry for as long as the busy timeout, and check the mode really changed (a
 * refused change returns the old mode without an error). */
static gboolean
enable_wal (OsStore  *self,
            GError  **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) BUSY_TIMEOUT_MS * 1000;

  for (;;)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const char *mode = NULL;
      int rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        {
          rc = sqlite3_step (stmt);
          if (rc == SQLITE_ROW)
            {
              mode = (const char *) sqlite3_column_text (stmt, 0);
              if (mode != NULL && g_ascii_strcasecmp (mode, "wal") == 0)
                return TRUE;
            }
        }

      if (rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
        return os_store_set_sqlite_error (self, rc, error);

      if (g_get_monotonic_time () > deadline)
        {
          if (rc == SQLITE_ROW)
            g_set_error (error, OS_ERROR, OS_ERROR_DATABASE,
                         _("Không chuyển được cơ sở dữ liệu sang chế độ ghi nhật ký WAL (đang ở chế độ %s)."),
                         mode ? mode : "?");
          else
            os_store_set_sqlite_error (self, rc, error);
          return FALSE;
        }
      g_clear_pointer (&stmt, sqlite3_finalize);
      g_usleep (5000 + g_random_int_range (0, 10000));
    }
}

/* Loading ---------------------------------------------------------------------- */

static int
setting_int (OsStore    *self,
             const char *key,
             int         fallback)
{
  g_autofree char *value = os_store_dup_setting (self, key);
  gint64 n;

  if (value == NULL || !g_ascii_string_to_signed (value, 10, G_MININT, G_MAXINT, &n, NULL))
    return fallback;
  return (int) n;
}

static gboolean
load_calendar (OsStore  *self,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  os_calendar_set_office_hours (self->calendar,
                                setting_int (self, "office-morning-start", 7 * 60 + 30),
                                setting_int (self, "office-morning-end", 11 * 60 + 30),
                                setting_int (self, "office-afternoon-start", 13 * 60 + 30),
                                setting_int (self, "office-afternoon-end", 17 * 60));

  stmt = prepare (self, "SELECT date, kind, label FROM calendar_entries", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_parse (&date, (const char *) sqlite3_column_text (stmt, 0));
      if (!g_date_valid (&date))
        continue;
      os_calendar_declare (self->calendar, &date, sqlite3_column_int (stmt, 1),
                           (const char *) sqlite3_column_text (stmt, 2));
    }
  if (rc != SQLITE_DONE)
    return os_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static OsProcedure *
procedure_from_stmt (sqlite3_stmt *stmt)
{
  OsTimeLimit limit;
  OsProcedure *procedure;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GStrvBuilder) docs = g_strv_builder_new ();
  g_auto(GStrv) documents = NULL;

  limit.unit = sqlite3_column_int (stmt, 4);
  limit.amount = sqlite3_column_int (stmt, 5);
  limit.cutoff_minutes = sqlite3_column_int (stmt, 6);

  procedure = os_procedure_new ((const char *) sqlite3_column_text (stmt, 0),
                                (const char *) sqlite3_column_text (stmt, 1),
                                (const char *) sqlite3_column_text (stmt, 2),
                                (const char *) sqlite3_column_text (stmt, 3),
                                &limit);
  os_procedure_set_fee (procedure, (const char *) sqlite3_column_text (stmt, 7));

  if (json_parser_load_from_data (parser, (const char *) sqlite3_column_text (stmt, 8), -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      JsonArray *array = json_node_get_array (json_parser_get_root (parser));

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *name = json_array_get_string_element (array, i);
          if (name != NULL)
            g_strv_builder_add (docs, name);
        }
    }
  documents = g_strv_builder_end (docs);
  os_procedure_set_documents (procedure, (const char * const *) documents);

  return procedure;
}

static gboolean
load_procedures (OsStore  *self,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  stmt = prepare (self,
                  "SELECT id, code, name, field, time_unit, time_amount, cutoff_minutes, fee, documents "
                  "FROM procedures ORDER BY position, name",
                  error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, procedure_from_stmt (stmt));
  if (rc != SQLITE_DONE)
    return os_store_set_sqlite_error (self, rc, error);

  g_list_store_splice (self->procedures, 0, g_list_model_get_n_items (G_LIST_MODEL (self->procedures)),
                       items->pdata, items->len);
  return TRUE;
}

OsStore *
os_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(OsStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (OS_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->calendar = os_calendar_new ();

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, OS_ERROR, OS_ERROR_IO,
                   _("Không tạo được thư mục dữ liệu “%s”: %s"), dir, g_strerror (saved));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, TRUE);

  /* Look before changing anything: a database from a newer version must be left exactly
   * as it is, and switching it to WAL would already write to it. This first read also
   * tells a file that is not a database. */
  {
    g_autoptr(GPtrArray) migrations = list_migrations ();
    int version;

    if (!read_user_version (self, &version, error) ||
        !check_not_too_new (self, version, migrations->len, error))
      return NULL;
  }

  /* WAL with synchronous=FULL: a commit is on disk when it returns. */
  if (!enable_wal (self, error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error) ||
      !load_calendar (self, error) ||
      !load_procedures (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
os_store_get_path (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  return self->path;
}

int
os_store_get_schema_version (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), 0);
  return self->schema_version;
}

/* Settings --------------------------------------------------------------------- */

char *
os_store_dup_setting (OsStore    *self,
                      const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  stmt = prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gboolean
put_setting (OsStore     *self,
             const char  *key,
             const char  *value,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  bind_text (stmt, 2, value);
  if (!step_done (self, stmt, error))
    return FALSE;
  return TRUE;
}

gboolean
os_store_set_setting (OsStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  return put_setting (self, key, value, error);
}

OsAgency *
os_store_dup_agency (OsStore *self)
{
  g_autofree char *identifier = os_store_dup_setting (self, "agency-identifier");
  g_autofree char *name = os_store_dup_setting (self, "agency-name");
  g_autofree char *parent = os_store_dup_setting (self, "agency-parent-name");
  g_autofree char *place = os_store_dup_setting (self, "agency-place");
  g_autofree char *desk = os_store_dup_setting (self, "agency-desk-name");

  return os_agency_new (identifier, name, parent, place,
                        desk ? desk : _("Bộ phận Một cửa"));
}

gboolean
os_store_set_agency (OsStore         *self,
                     const OsAgency  *agency,
                     GError         **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (agency != NULL, FALSE);

  if (!os_agency_identifier_is_valid (agency->identifier))
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Mã định danh cơ quan “%s” không hợp lệ: cần các nhóm chữ số và chữ in hoa "
                     "cách nhau bởi dấu chấm, tối đa 35 ký tự (ví dụ 000.00.06.H56)."),
                   agency->identifier);
      return FALSE;
    }
  if (os_text_is_blank (agency->name))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Tên cơ quan không được để trống."));
      return FALSE;
    }

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!put_setting (self, "agency-identifier", agency->identifier, error) ||
      !put_setting (self, "agency-name", agency->name, error) ||
      !put_setting (self, "agency-parent-name", agency->parent_name, error) ||
      !put_setting (self, "agency-place", agency->place, error) ||
      !put_setting (self, "agency-desk-name", agency->desk_name, error) ||
      !exec (self, "COMMIT", error))
    {
      rollback (self);
      return FALSE;
    }
  return TRUE;
}

int
os_store_get_near_due_days (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), 1);
  return setting_int (self, "near-due-days", 1);
}

gboolean
os_store_set_near_due_days (OsStore  *self,
                            int       days,
                            GError  **error)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (days < 0 || days > 30)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Ngưỡng sắp đến hạn phải từ 0 đến 30 ngày làm việc."));
      return FALSE;
    }
  value = g_strdup_printf ("%d", days);
  return put_setting (self, "near-due-days", value, error);
}

char *
os_store_dup_officer (OsStore *self)
{
  char *officer = os_store_dup_setting (self, "officer-name");

  if (officer == NULL || *officer == '\0')
    {
      g_free (officer);
      officer = g_strdup (g_get_real_name ());
      if (g_strcmp0 (officer, "Unknown") == 0)
        {
          g_free (officer);
          officer = g_strdup (g_get_user_name ());
        }
    }
  return officer;
}

/* Calendar --------------------------------------------------------------------- */

OsCalendar *
os_store_get_calendar (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  return self->calendar;
}

gboolean
os_store_set_office_hours (OsStore  *self,
                           int       morning_start,
                           int       morning_end,
                           int       afternoon_start,
                           int       afternoon_end,
                           GError  **error)
{
  const char *keys[] = { "office-morning-start", "office-morning-end",
                         "office-afternoon-start", "office-afternoon-end" };
  int values[] = { morning_start, morning_end, afternoon_start, afternoon_end };

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (!(0 <= morning_start && morning_start < morning_end &&
        morning_end <= afternoon_start && afternoon_start < afternoon_end &&
        afternoon_end <= 24 * 60))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Giờ làm việc không hợp lệ: buổi sáng phải bắt đầu trước khi kết thúc "
                             "và kết thúc trước buổi chiều."));
      return FALSE;
    }

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *value = g_strdup_printf ("%d", values[i]);

      if (!put_setting (self, keys[i], value, error))
        {
          rollback (self);
          return FALSE;
        }
    }
  if (!exec (self, "COMMIT", error))
    {
      rollback (self);
      return FALSE;
    }

  os_calendar_set_office_hours (self->calendar, morning_start, morning_end,
                                afternoon_start, afternoon_end);
  return TRUE;
}

static char *
iso_date (const GDate *date)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

gboolean
os_store_declare_day (OsStore             *self,
                      const GDate         *date,
                      OsCalendarEntryKind  kind,
                      const char          *label,
                      GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *iso = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  iso = iso_date (date);
  stmt = prepare (self,
                  "INSERT INTO calendar_entries (date, kind, label) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, label = excluded.label",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, iso);
  sqlite3_bind_int (stmt, 2, kind);
  bind_text (stmt, 3, label);
  if (!step_done (self, stmt, error))
    return FALSE;

  os_calendar_declare (self->calendar, date, kind, label);
  return TRUE;
}

gboolean
os_store_undeclare_day (OsStore      *self,
                        const GDate  *date,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *iso = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (date != NULL && g_date_valid (date), FALSE);

  iso = iso_date (date);
  stmt = prepare (self, "DELETE FROM calendar_entries WHERE date = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, iso);
  if (!step_done (self, stmt, error))
    return FALSE;

  os_calendar_undeclare (self->calendar, date);
  return TRUE;
}

gint64
os_store_near_due_at (OsStore *self,
                      gint64   now)
{
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 0, -1 };

  g_return_val_if_fail (OS_IS_STORE (self), now);

  limit.amount = 2 * os_store_get_near_due_days (self);
  return os_calendar_compute_due (self->calendar, now, &limit);
}

/* Procedures ------------------------------------------------------------------- */

GListModel *
os_store_get_procedures (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->procedures);
}

OsProcedure *
os_store_find_procedure (OsStore    *self,
                         const char *id)
{
  guint n;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->procedures));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OsProcedure) procedure = g_list_model_get_item (G_LIST_MODEL (self->procedures), i);

      if (g_strcmp0 (os_procedure_get_id (procedure), id) == 0)
        return procedure;  /* the list keeps its own reference */
    }
  return NULL;
}

/* The JSON text of what @b has built. */
static char *
builder_to_data (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

gboolean
os_store_add_procedure (OsStore      *self,
                        OsProcedure  *procedure,
                        const char   *result,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *documents = NULL;
  const OsTimeLimit *limit;
  GStrv docs;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (OS_IS_PROCEDURE (procedure), FALSE);

  json_builder_begin_array (builder);
  docs = os_procedure_get_documents (procedure);
  for (guint i = 0; docs[i]; i++)
    json_builder_add_string_value (builder, docs[i]);
  json_builder_end_array (builder);
  documents = builder_to_data (builder);

  limit = os_procedure_get_time_limit (procedure);
  stmt = prepare (self,
                  "INSERT OR REPLACE INTO procedures (id, code, name, field, time_unit, time_amount, "
                  "cutoff_minutes, fee, result, documents, position) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                  "(SELECT COALESCE(MAX(position), 0) + 1 FROM procedures))",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, os_procedure_get_id (procedure));
  bind_text (stmt, 2, os_procedure_get_code (procedure));
  bind_text (stmt, 3, os_procedure_get_name (procedure));
  bind_text (stmt, 4, os_procedure_get_field (procedure));
  sqlite3_bind_int (stmt, 5, limit->unit);
  sqlite3_bind_int (stmt, 6, limit->amount);
  sqlite3_bind_int (stmt, 7, limit->cutoff_minutes);
  bind_text (stmt, 8, os_procedure_get_fee (procedure));
  bind_text (stmt, 9, result);
  bind_text (stmt, 10, documents);
  if (!step_done (self, stmt, error))
    return FALSE;

  return load_procedures (self, error);
}

/* Records ---------------------------------------------------------------------- */


static char *
fold_search_text (OsRecord *record)
{
  g_autofree char *joined = g_strjoin (" ",
                                       os_record_get_code (record),
                                       os_record_get_applicant_name (record) ?: "",
                                       os_record_get_id_number (record) ?: "",
                                       NULL);
  return os_text_fold (joined);
}

/* Takes the next number of a counter table in the open transaction. */
static gboolean
next_counter (OsStore     *self,
              const char  *sql,
              const char  *agency,
              const char  *key_text,
              gint64       key_int,
              gint64      *out,
              GError     **error)
{
  sqlite3_stmt *stmt = cached (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, agency);
  if (key_text)
    bind_text (stmt, 2, key_text);
  else
    sqlite3_bind_int64 (stmt, 2, key_int);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return os_store_set_sqlite_error (self, rc, error);
  *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return TRUE;
}

/* Binds the fields of @record that an edit may change, from the procedure to the time of
 * the change @now, as the 24 parameters from @first on. */
static void
bind_record_fields (sqlite3_stmt *stmt,
                    int           first,
                    OsRecord     *record,
                    gint64        now)
{
  const OsTimeLimit *limit = os_record_get_time_limit (record);
  int i = first;

  bind_text (stmt, i++, os_record_get_procedure_id (record));
  bind_text (stmt, i++, os_record_get_procedure_code (record));
  bind_text (stmt, i++, os_record_get_procedure_name (record));
  bind_text (stmt, i++, os_record_get_field (record));
  sqlite3_bind_int (stmt, i++, limit->unit);
  sqlite3_bind_int (stmt, i++, limit->amount);
  sqlite3_bind_int (stmt, i++, limit->cutoff_minutes);
  bind_text (stmt, i++, os_record_get_applicant_name (record));
  bind_text (stmt, i++, os_record_get_id_number (record));
  bind_text (stmt, i++, os_record_get_birth_date (record));
  bind_text (stmt, i++, os_record_get_phone (record));
  bind_text (stmt, i++, os_record_get_email (record));
  bind_text (stmt, i++, os_record_get_address (record));
  sqlite3_bind_int (stmt, i++, MAX (1, os_record_get_sets (record)));
  sqlite3_bind_int (stmt, i++, os_record_get_delivery (record));
  sqlite3_bind_int (stmt, i++, os_record_get_channel (record));
  bind_text (stmt, i++, os_record_get_notes (record));
  bind_text (stmt, i++, os_record_get_officer (record));
  bind_text (stmt, i++, os_record_get_reason (record));
  sqlite3_bind_int (stmt, i++, os_record_get_status (record));
  sqlite3_bind_int64 (stmt, i++, os_record_get_due_at (record));
  sqlite3_bind_int64 (stmt, i++, os_record_get_finished_at (record));
  sqlite3_bind_int64 (stmt, i++, os_record_get_returned_at (record));
  sqlite3_bind_int64 (stmt, i++, now);
  g_assert (i == first + 24);
}

/* Writes the documents and the search text of @record for the row @local_id, which has
 * none of them; in the caller's transaction. */
static gboolean
insert_documents_and_search (OsStore     *self,
                             gint64       local_id,
                             OsRecord    *record,
                             GError     **error)
{
  GPtrArray *documents = os_record_get_documents (record);
  g_autofree char *folded = NULL;
  sqlite3_stmt *stmt;

  for (guint i = 0; i < documents->len; i++)
    {
      OsRecordDocument *d = g_ptr_array_index (documents, i);

      stmt = cached (self,
                     "INSERT INTO record_documents (record_id, position, name, originals, certified, copies) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, local_id);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, d->name);
      sqlite3_bind_int (stmt, 4, d->originals);
      sqlite3_bind_int (stmt, 5, d->certified);
      sqlite3_bind_int (stmt, 6, d->copies);
      if (!step_done (self, stmt, error))
        return FALSE;
    }

  stmt = cached (self, "INSERT INTO records_fts (rowid, text) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return FALSE;
  folded = fold_search_text (record);
  sqlite3_bind_int64 (stmt, 1, local_id);
  bind_text (stmt, 2, folded);
  return step_done (self, stmt, error);
}

static gboolean
insert_record_row (OsStore     *self,
                   OsRecord    *record,
                   const char  *agency,
                   gint64       now,
                   gboolean     demo,
                   gint64      *local_id,
                   GError     **error)
{
  static const char sql[] =
    "INSERT INTO records (id, code, agency, procedure_id, procedure_code, procedure_name, field, "
    "time_unit, time_amount, cutoff_minutes, applicant_name, id_number, birth_date, phone, email, "
    "address, sets, delivery, channel, notes, officer, reason, status, due_at, finished_at, "
    "returned_at, updated_at, book_volume, book_number, received_at, demo) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)";
  sqlite3_stmt *stmt = cached (self, sql, error);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, os_record_get_id (record));
  bind_text (stmt, 2, os_record_get_code (record));
  bind_text (stmt, 3, agency);
  bind_record_fields (stmt, 4, record, now);
  sqlite3_bind_int (stmt, 28, os_record_get_book_volume (record));
  sqlite3_bind_int (stmt, 29, os_record_get_book_number (record));
  sqlite3_bind_int64 (stmt, 30, os_record_get_received_at (record));
  sqlite3_bind_int (stmt, 31, demo);
  if (!step_done (self, stmt, error))
    return FALSE;
  *local_id = sqlite3_last_insert_rowid (self->db);

  if (os_record_get_process_state (record) != NULL &&
      !os_store_write_process (self, *local_id, record, error))
    return FALSE;
  return insert_documents_and_search (self, *local_id, record, error);
}

gboolean
os_store_insert_event (OsStore     *self,
                       gint64       local_id,
                       gint64       at,
                       const char  *actor,
                       const char  *action,
                       OsStatus     status,
                       const char  *note,
                       GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = cached (self,
                  "INSERT INTO record_events (record_id, at, actor, action, status, note) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_int64 (stmt, 2, at);
  bind_text (stmt, 3, actor);
  bind_text (stmt, 4, action);
  sqlite3_bind_int (stmt, 5, status);
  bind_text (stmt, 6, note);
  if (!step_done (self, stmt, error))
    return FALSE;
  return TRUE;
}

/* The Record JSON of data/openapi.yaml (os-record-json.h), with the process state. */
char *
os_store_record_payload (OsRecord   *record,
                         const char *agency,
                         const char *unit_id)
{
  g_autoptr(JsonNode) node = os_record_to_json (record, agency, unit_id);

  return json_to_string (node, FALSE);
}

/* The record @local_id has a change the server has not seen: a new version, no longer all
 * on the server. In the caller's transaction. */
gboolean
os_store_mark_record_changed (OsStore     *self,
                              gint64       local_id,
                              GError     **error)
{
  return run_int (self, "UPDATE records SET version = version + 1, synced = 0 WHERE local_id = ?1", local_id,
                  error);
}

/* One outbox row; @seq 0 takes the next position. */
gboolean
os_store_insert_outbox_row (OsStore     *self,
                            gint64       seq,
                            const char  *record_id,
                            const char  *kind,
                            const char  *payload,
                            gint64       base_version,
                            const char  *before,
                            gint64       now,
                            GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *id = os_uuid_v7_new ();
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);

  stmt = cached (self,
                 "INSERT INTO outbox (seq, id, record_id, kind, payload, payload_hash, base_version, created_at, "
                 "before) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                 error);
  if (stmt == NULL)
    return FALSE;
  if (seq > 0)
    sqlite3_bind_int64 (stmt, 1, seq);
  else
    sqlite3_bind_null (stmt, 1);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, record_id);
  bind_text (stmt, 4, kind);
  bind_text (stmt, 5, payload);
  bind_text (stmt, 6, hash);
  sqlite3_bind_int64 (stmt, 7, base_version);
  sqlite3_bind_int64 (stmt, 8, now);
  bind_text (stmt, 9, before);
  return step_done (self, stmt, error);
}

static gboolean
insert_outbox (OsStore     *self,
               OsRecord    *record,
               const char  *kind,
               gint64       base_version,
               const char  *agency,
               const char  *unit_id,
               gint64       now,
               GError     **error)
{
  g_autofree char *payload = record_payload (record, agency, unit_id);

  return insert_outbox_row (self, 0, os_record_get_id (record), kind, payload, base_version, NULL, now, error);
}

/* One '@' with something before it, a domain with a dot and no empty label after it,
 * no blanks or control characters. Not RFC 5322, but it catches what is mistyped. */
static gboolean
email_is_plausible (const char *email)
{
  const char *at = strchr (email, '@');
  const char *domain;

  if (!g_utf8_validate (email, -1, NULL) || at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = email; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        return FALSE;
    }

  domain = at + 1;
  if (*domain == '\0' || *domain == '.' || strchr (domain, '.') == NULL ||
      g_str_has_suffix (domain, ".") || strstr (domain, "..") != NULL)
    return FALSE;
  return TRUE;
}

/* Exactly yyyy-mm-dd, a real date, from 1900 up to @today. */
static gboolean
birth_date_is_valid (const char  *text,
                     const GDate *today)
{
  static const guint digits[] = { 0, 1, 2, 3, 5, 6, 8, 9 };
  guint year, month, day;
  GDate date;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
    if (!g_ascii_isdigit (text[digits[i]]))
      return FALSE;

  year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  month = (text[5] - '0') * 10 + (text[6] - '0');
  day = (text[8] - '0') * 10 + (text[9] - '0');
  if (year < 1900 || !g_date_valid_dmy (day, month, year))
    return FALSE;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return g_date_compare (&date, today) <= 0;
}

static gboolean
validate_for_receive (OsRecord  *record,
                      gint64     now,
                      GError   **error)
{
  const char *email = os_record_get_email (record);
  const char *birth = os_record_get_birth_date (record);

  if (os_text_is_blank (os_record_get_procedure_name (record)))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Chưa chọn thủ tục hành chính."));
      return FALSE;
    }
  if (os_text_is_blank (os_record_get_applicant_name (record)))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Chưa nhập họ và tên người nộp hồ sơ."));
      return FALSE;
    }
  if (email != NULL && *email != '\0' && !email_is_plausible (email))
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Địa chỉ thư điện tử “%s” không hợp lệ."), email);
      return FALSE;
    }
  if (birth != NULL && *birth != '\0')
    {
      GDate today = os_datetime_local_date (now);

      if (!birth_date_is_valid (birth, &today))
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                               _("Ngày sinh không hợp lệ."));
          return FALSE;
        }
    }
  if (os_record_get_status (record) != OS_STATUS_RECEIVED &&
      os_text_is_blank (os_record_get_reason (record)))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           os_record_get_status (record) == OS_STATUS_REFUSED
                           ? _("Cần ghi rõ lý do từ chối tiếp nhận.")
                           : _("Cần ghi rõ giấy tờ cần bổ sung, hoàn thiện."));
      return FALSE;
    }
  return TRUE;
}

static gboolean next_leased_number (OsStore *self, const char *agency, const char *day,
                                    gint64 *number, GError **error);
static gboolean set_record_unit (OsStore *self, gint64 local_id, const char *unit_id, GError **error);

gboolean
os_store_receive (OsStore   *self,
                  OsRecord  *record,
                  gint64     now,
                  GError   **error)
{
  g_autoptr(OsAgency) agency = NULL;
  g_autofree char *id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *day = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *unit_id = NULL;
  g_autoptr(OsProcess) process = NULL;
  const char *action;
  OsStatus status;
  GDate date;
  gint64 number, book, local_id, due_at = 0;
  gboolean enrolled;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (OS_IS_RECORD (record), FALSE);
  g_return_val_if_fail (os_record_get_code (record) == NULL, FALSE);

  status = os_record_get_status (record);
  g_return_val_if_fail (status == OS_STATUS_RECEIVED ||
                        status == OS_STATUS_REFUSED ||
                        status == OS_STATUS_SUPPLEMENT, FALSE);

  if (!validate_for_receive (record, now, error))
    return FALSE;

  agency = os_store_dup_agency (self);
  if (!os_agency_identifier_is_valid (agency->identifier))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Chưa cấu hình mã định danh cơ quan. Hãy nhập trong Tùy chọn."));
      return FALSE;
    }

  date = os_datetime_local_date (now);
  day = iso_date (&date);
  if (status == OS_STATUS_RECEIVED)
    due_at = os_calendar_compute_due (self->calendar, now, os_record_get_time_limit (record));
  officer = os_record_get_officer (record) ? g_strdup (os_record_get_officer (record))
                                           : os_store_dup_officer (self);
  id = os_uuid_v7_new_at (now * 1000 + g_random_int_range (0, 1000));

  enrolled = os_store_is_enrolled (self);
  if (enrolled)
    unit_id = os_store_dup_setting (self, "unit-id");
  /* A received record of a procedure that has a process starts on its first step. */
  if (status == OS_STATUS_RECEIVED && os_record_get_procedure_id (record) != NULL &&
      *os_record_get_procedure_id (record) != '\0')
    process = os_store_find_process_for_procedure (self, os_record_get_procedure_id (record));

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (enrolled)
    {
      /* Only numbers the server leased to this desk: another desk may be issuing the
       * others of the day right now. */
      if (!next_leased_number (self, agency->identifier, day, &number, error))
        goto fail;
      if (number == 0)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_NO_CODE_BLOCK,
                       _("Máy này đã dùng hết các số thứ tự hồ sơ mà máy chủ cấp cho ngày %02d/%02d/%04d. "
                         "Hồ sơ chưa được lưu. Hãy kết nối mạng để máy nhận thêm số từ máy chủ, "
                         "rồi lưu lại hồ sơ."),
                       g_date_get_day (&date), g_date_get_month (&date), g_date_get_year (&date));
          goto fail;
        }
    }
  else if (!next_counter (self,
                          "INSERT INTO code_counters (agency, day, last) VALUES (?1, ?2, 1) "
                          "ON CONFLICT (agency, day) DO UPDATE SET last = last + 1 RETURNING last",
                          agency->identifier, day, 0, &number, error))
    goto fail;
  if (number > OS_RECORD_CODE_MAX_NUMBER)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_CODE_EXHAUSTED,
                   _("Đã hết số thứ tự hồ sơ của ngày %02d/%02d/%04d (tối đa %d). "
                     "Không thể cấp thêm mã hồ sơ trong ngày."),
                   g_date_get_day (&date), g_date_get_month (&date), g_date_get_year (&date),
                   OS_RECORD_CODE_MAX_NUMBER);
      goto fail;
    }
  if (!next_counter (self,
                     "INSERT INTO book_counters (agency, volume, last) VALUES (?1, ?2, 1) "
                     "ON CONFLICT (agency, volume) DO UPDATE SET last = last + 1 RETURNING last",
                     agency->identifier, NULL, g_date_get_year (&date), &book, error))
    goto fail;

  code = os_record_code_format (agency->identifier, &date, (guint) number);

  /* Fill the record for the insert; undone below if the transaction fails. */
  os_record_set_id (record, id);
  os_record_set_code (record, code);
  os_record_set_officer (record, officer);
  os_record_set_received_at (record, now);
  os_record_set_due_at (record, due_at);
  os_record_set_book_entry (record, g_date_get_year (&date), (int) book);

  switch (status)
    {
    case OS_STATUS_REFUSED:    action = "refuse"; break;
    case OS_STATUS_SUPPLEMENT: action = "request-supplement"; break;
    case OS_STATUS_RECEIVED:
    default:                   action = "receive"; break;
    }

  if (process != NULL)
    {
      g_autoptr(GError) start_error = NULL;

      /* Reception never fails for the process: a definition the engine will not start
       * (it cannot be, once published) leaves the record without one, as before issue 5. */
      if (!os_process_engine_start (process, self->calendar, record, os_store_get_actor (self), now,
                                    &start_error))
        {
          g_message ("Record %s received without its process: %s", code, start_error->message);
          os_record_take_process_state (record, NULL);
          os_record_set_status (record, status);
        }
    }

  if (!insert_record_row (self, record, agency->identifier, now, FALSE, &local_id, error) ||
      !set_record_unit (self, local_id, unit_id, error) ||
      !insert_event (self, local_id, now, officer, action, status, os_record_get_reason (record), error) ||
      !insert_outbox (self, record, action, 0, agency->identifier, unit_id, now, error) ||
      !exec (self, "COMMIT", error))
    goto fail;

  os_record_set_local_id (record, local_id);
  g_signal_emit (self, signals[SYNC_CHANGED], 0);
  return TRUE;

fail:
  rollback (self);
  os_record_set_id (record, NULL);
  os_record_set_code (record, NULL);
  os_record_set_received_at (record, 0);
  os_record_set_due_at (record, 0);
  os_record_set_book_entry (record, 0, 0);
  os_record_set_status (record, status);
  os_record_take_process_state (record, NULL);
  return FALSE;
}

OsRecord *
os_store_record_from_stmt (sqlite3_stmt *stmt)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit;

#define TEXT(i) ((const char *) sqlite3_column_text (stmt, (i)))
  os_record_set_local_id (record, sqlite3_column_int64 (stmt, 0));
  os_record_set_id (record, TEXT (1));
  os_record_set_code (record, TEXT (2));
  os_record_set_procedure (record, TEXT (3), TEXT (4), TEXT (5), TEXT (6));
  limit.unit = sqlite3_column_int (stmt, 7);
  limit.amount = sqlite3_column_int (stmt, 8);
  limit.cutoff_minutes = sqlite3_column_int (stmt, 9);
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, TEXT (10));
  os_record_set_id_number (record, TEXT (11));
  os_record_set_birth_date (record, TEXT (12));
  os_record_set_phone (record, TEXT (13));
  os_record_set_email (record, TEXT (14));
  os_record_set_address (record, TEXT (15));
  os_record_set_sets (record, sqlite3_column_int (stmt, 16));
  os_record_set_delivery (record, sqlite3_column_int (stmt, 17));
  os_record_set_channel (record, sqlite3_column_int (stmt, 18));
  os_record_set_notes (record, TEXT (19));
  os_record_set_officer (record, TEXT (20));
  os_record_set_reason (record, TEXT (21));
  os_record_set_book_entry (record, sqlite3_column_int (stmt, 22), sqlite3_column_int (stmt, 23));
  os_record_set_status (record, sqlite3_column_int (stmt, 24));
  os_record_set_received_at (record, sqlite3_column_int64 (stmt, 25));
  os_record_set_due_at (record, sqlite3_column_int64 (stmt, 26));
  os_record_set_finished_at (record, sqlite3_column_int64 (stmt, 27));
  os_record_set_returned_at (record, sqlite3_column_int64 (stmt, 28));
#undef TEXT

  return record;
}

GPtrArray *
os_store_read_records (OsStore       *self,
                       sqlite3_stmt  *stmt,
                       gboolean       documents,
                       GError       **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *docs = NULL;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OsRecord *record = os_store_record_from_stmt (stmt);

      os_store_record_set_process_text (record, (const char *) sqlite3_column_text (stmt, 29));
      g_ptr_array_add (list, record);
      if (!documents)
        continue;
      docs = cached (self,
                     "SELECT name, originals, certified, copies FROM record_documents "
                     "WHERE record_id = ?1 ORDER BY position",
                     error);
      if (docs == NULL)
        return NULL;
      sqlite3_bind_int64 (docs, 1, os_record_get_local_id (record));
      while ((rc = sqlite3_step (docs)) == SQLITE_ROW)
        os_record_add_document (record, (const char *) sqlite3_column_text (docs, 0),
                                sqlite3_column_int (docs, 1), sqlite3_column_int (docs, 2),
                                sqlite3_column_int (docs, 3));
      sqlite3_reset (docs);
      if (rc != SQLITE_DONE)
        break;
    }
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static OsRecord *
load_one (OsStore     *self,
          const char  *where,
          const char  *text,
          gint64       number,
          GError     **error)
{
  g_autofree char *sql = g_strconcat (OS_STORE_RECORD_SELECT "WHERE ", where, NULL);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  g_autoptr(GPtrArray) records = NULL;

  if (stmt == NULL)
    return NULL;
  if (text)
    bind_text (stmt, 1, text);
  else
    sqlite3_bind_int64 (stmt, 1, number);

  records = os_store_read_records (self, stmt, TRUE, error);
  if (records == NULL)
    return NULL;
  if (records->len == 0)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                   _("Không tìm thấy hồ sơ %s."), text ? text : "");
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (records, 0));
}

OsRecord *
os_store_load_record (OsStore  *self,
                      gint64    local_id,
                      GError  **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  return load_one (self, "r.local_id = ?1", NULL, local_id, error);
}

OsRecord *
os_store_find_record_by_code (OsStore     *self,
                              const char  *code,
                              GError     **error)
{
  g_autofree char *clean = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  clean = g_strstrip (g_ascii_strup (code, -1));
  return load_one (self, "r.code = ?1", clean, 0, error);
}

GPtrArray *
os_store_list_events (OsStore  *self,
                      gint64    local_id,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) os_record_event_free);
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT at, actor, action, status, note FROM record_events "
                  "WHERE record_id = ?1 ORDER BY at, id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, local_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OsRecordEvent *event = g_new0 (OsRecordEvent, 1);

      event->at = sqlite3_column_int64 (stmt, 0);
      event->actor = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      event->action = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      event->status = sqlite3_column_int (stmt, 3);
      event->note = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      g_ptr_array_add (events, event);
    }
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

static gint64
count (OsStore    *self,
       const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

gint64
os_store_count_records (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), -1);
  return count (self, "SELECT COUNT(*) FROM records");
}

gint64
os_store_count_outbox (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), -1);
  return count (self, "SELECT COUNT(*) FROM outbox");
}

gboolean
os_store_insert_prepared (OsStore    *self,
                          GPtrArray  *records,
                          gboolean    demo,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) counter = NULL;
  g_autoptr(sqlite3_stmt) book = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (records != NULL, FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  counter = prepare (self,
                     "INSERT INTO code_counters (agency, day, last) VALUES (?1, ?2, ?3) "
                     "ON CONFLICT (agency, day) DO UPDATE SET last = MAX(last, excluded.last)",
                     error);
  book = prepare (self,
                  "INSERT INTO book_counters (agency, volume, last) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (agency, volume) DO UPDATE SET last = MAX(last, excluded.last)",
                  error);
  if (counter == NULL || book == NULL)
    goto fail;

  for (guint i = 0; i < records->len; i++)
    {
      OsRecord *record = g_ptr_array_index (records, i);
      g_autofree char *agency = NULL;
      GDate date;
      guint number;
      gint64 local_id;
      int rc;

      if (!os_record_code_parse (os_record_get_code (record), &agency, &date, &number, error))
        goto fail;
      if (!insert_record_row (self, record, agency, now, demo, &local_id, error) ||
          !insert_event (self, local_id, os_record_get_received_at (record),
                         os_record_get_officer (record), "receive", OS_STATUS_RECEIVED, "", error))
        goto fail;
      os_record_set_local_id (record, local_id);

      {
        g_autofree char *day = iso_date (&date);

        sqlite3_reset (counter);
        bind_text (counter, 1, agency);
        bind_text (counter, 2, day);
        sqlite3_bind_int64 (counter, 3, number);
        rc = sqlite3_step (counter);
        if (rc != SQLITE_DONE)
          {
            os_store_set_sqlite_error (self, rc, error);
            goto fail;
          }
      }

      sqlite3_reset (book);
      bind_text (book, 1, agency);
      sqlite3_bind_int (book, 2, os_record_get_book_volume (record));
      sqlite3_bind_int (book, 3, os_record_get_book_number (record));
      rc = sqlite3_step (book);
      if (rc != SQLITE_DONE)
        {
          os_store_set_sqlite_error (self, rc, error);
          goto fail;
        }
    }

  if (!exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Attachments ------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (OsAttachment, os_attachment, os_attachment_copy, os_attachment_free)

OsAttachment *
os_attachment_copy (const OsAttachment *attachment)
{
  OsAttachment *copy;

  g_return_val_if_fail (attachment != NULL, NULL);

  copy = g_memdup2 (attachment, sizeof *attachment);
  copy->id = g_strdup (attachment->id);
  copy->document_name = g_strdup (attachment->document_name);
  copy->file_name = g_strdup (attachment->file_name);
  copy->mime_type = g_strdup (attachment->mime_type);
  copy->sha256 = g_strdup (attachment->sha256);
  return copy;
}

void
os_attachment_free (OsAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->id);
  g_free (attachment->document_name);
  g_free (attachment->file_name);
  g_free (attachment->mime_type);
  g_free (attachment->sha256);
  g_free (attachment);
}

static char *
attachment_payload (const OsAttachment *a,
                    const char         *record_uuid)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, a->id);
  json_builder_set_member_name (b, "record_id");
  json_builder_add_string_value (b, record_uuid);
  json_builder_set_member_name (b, "document_name");
  json_builder_add_string_value (b, a->document_name);
  json_builder_set_member_name (b, "file_name");
  json_builder_add_string_value (b, a->file_name);
  json_builder_set_member_name (b, "mime_type");
  json_builder_add_string_value (b, a->mime_type);
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, a->sha256);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, a->size);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, a->pages);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, a->created_at);
  json_builder_end_object (b);

  return builder_to_data (b);
}

/* The record's UUID and version, inside the caller's transaction. */
static gboolean
attachment_record (OsStore  *self,
                   gint64    local_id,
                   char    **uuid,
                   gint64   *version,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT id, version FROM records WHERE local_id = ?1",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Không tìm thấy hồ sơ của tệp đính kèm (có thể hồ sơ đã bị xóa)."));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return os_store_set_sqlite_error (self, rc, error);
  *uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  *version = sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

static gboolean
insert_attachment_outbox (OsStore            *self,
                          const OsAttachment *a,
                          const char         *kind,
                          gint64              now,
                          GError            **error)
{
  g_autofree char *record_uuid = NULL;
  g_autofree char *payload = NULL;
  gint64 version = 0;

  if (!attachment_record (self, a->record_id, &record_uuid, &version, error))
    return FALSE;
  payload = attachment_payload (a, record_uuid);
  /* The record is no longer all on the server, and the server counts an attachment
   * change as a new version of the record. */
  return insert_outbox_row (self, 0, record_uuid, kind, payload, version, NULL, now, error) &&
         mark_record_changed (self, a->record_id, error);
}

char *
os_store_add_attachment (OsStore     *self,
                         gint64       local_id,
                         const char  *document_name,
                         const char  *file_name,
                         const char  *mime_type,
                         const char  *sha256,
                         gint64       size,
                         int          pages,
                         gint64       now,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *id = NULL;
  OsAttachment a;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!os_blob_store_sha256_is_valid (sha256))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Mã SHA-256 của tệp đính kèm không hợp lệ (cần đúng 64 chữ số hệ 16 viết thường)."));
      return NULL;
    }
  if (file_name == NULL || *file_name == '\0' || !g_utf8_validate (file_name, -1, NULL))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Tệp đính kèm phải có tên."));
      return NULL;
    }
  if (mime_type == NULL || *mime_type == '\0' || size < 0 || pages < 0)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Thông tin của tệp đính kèm “%s” không hợp lệ."), file_name);
      return NULL;
    }

  id = os_uuid_v7_new ();
  a = (OsAttachment) {
    .id = id,
    .record_id = local_id,
    .document_name = (char *) (document_name ? document_name : ""),
    .file_name = (char *) file_name,
    .mime_type = (char *) mime_type,
    .sha256 = (char *) sha256,
    .size = size,
    .pages = pages,
    .created_at = now,
  };

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return NULL;

  stmt = prepare (self,
                  "INSERT INTO attachments (id, record_id, document_name, file_name, mime_type, "
                  "sha256, size, pages, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  error);
  if (stmt == NULL)
    goto fail;
  /* Look the record up first: a foreign-key failure would not say which. */
  if (!insert_attachment_outbox (self, &a, "attach", now, error))
    goto fail;
  bind_text (stmt, 1, a.id);
  sqlite3_bind_int64 (stmt, 2, a.record_id);
  bind_text (stmt, 3, a.document_name);
  bind_text (stmt, 4, a.file_name);
  bind_text (stmt, 5, a.mime_type);
  bind_text (stmt, 6, a.sha256);
  sqlite3_bind_int64 (stmt, 7, a.size);
  sqlite3_bind_int (stmt, 8, a.pages);
  sqlite3_bind_int64 (stmt, 9, a.created_at);
  if (!step_done (self, stmt, error) || !exec (self, "COMMIT", error))
    goto fail;

  g_signal_emit (self, signals[SYNC_CHANGED], 0);
  return g_steal_pointer (&id);

fail:
  rollback (self);
  return NULL;
}

#define ATTACHMENT_COLUMNS \
  "id, record_id, document_name, file_name, mime_type, sha256, size, pages, created_at"

static OsAttachment *
attachment_from_stmt (sqlite3_stmt *stmt)
{
  OsAttachment *a = g_new0 (OsAttachment, 1);

  a->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  a->record_id = sqlite3_column_int64 (stmt, 1);
  a->document_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  a->file_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  a->mime_type = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  a->sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  a->size = sqlite3_column_int64 (stmt, 6);
  a->pages = sqlite3_column_int (stmt, 7);
  a->created_at = sqlite3_column_int64 (stmt, 8);
  return a;
}

GPtrArray *
os_store_list_attachments (OsStore  *self,
                           gint64    local_id,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) os_attachment_free);
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT " ATTACHMENT_COLUMNS " FROM attachments "
                  "WHERE record_id = ?1 ORDER BY created_at, rowid",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, local_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (attachments, attachment_from_stmt (stmt));
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&attachments);
}

static gint64
blob_references (OsStore     *self,
                 const char  *sha256,
                 GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT COUNT(*) FROM attachments WHERE sha256 = ?1",
                                          error);
  int rc;

  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, sha256);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      os_store_set_sqlite_error (self, rc, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
os_store_remove_attachment (OsStore     *self,
                            const char  *id,
                            char       **unreferenced_sha256_out,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) delete = NULL;
  g_autoptr(OsAttachment) a = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 references;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (unreferenced_sha256_out != NULL)
    *unreferenced_sha256_out = NULL;

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  select = prepare (self, "SELECT " ATTACHMENT_COLUMNS " FROM attachments WHERE id = ?1", error);
  if (select == NULL)
    goto fail;
  bind_text (select, 1, id);
  rc = sqlite3_step (select);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Không tìm thấy tệp đính kèm (có thể đã được gỡ)."));
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      os_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  a = attachment_from_stmt (select);

  delete = prepare (self, "DELETE FROM attachments WHERE id = ?1", error);
  if (delete == NULL)
    goto fail;
  bind_text (delete, 1, id);
  if (!step_done (self, delete, error) ||
      !insert_attachment_outbox (self, a, "detach", now, error))
    goto fail;
  references = blob_references (self, a->sha256, error);
  if (references < 0 || !exec (self, "COMMIT", error))
    goto fail;
  g_signal_emit (self, signals[SYNC_CHANGED], 0);

  if (references == 0 && unreferenced_sha256_out != NULL)
    *unreferenced_sha256_out = g_steal_pointer (&a->sha256);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

gint64
os_store_count_blob_references (OsStore     *self,
                                const char  *sha256,
                                GError     **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), -1);

  if (!os_blob_store_sha256_is_valid (sha256))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Mã SHA-256 của tệp đính kèm không hợp lệ (cần đúng 64 chữ số hệ 16 viết thường)."));
      return -1;
    }
  return blob_references (self, sha256, error);
}

/* Sync -------------------------------------------------------------------------- */

static void
emit_sync_changed (OsStore *self)
{
  g_signal_emit (self, signals[SYNC_CHANGED], 0);
}

gboolean
os_store_set_server (OsStore     *self,
                     const char  *base_url,
                     const char  *desk_id,
                     GError     **error)
{
  g_autofree char *client_id = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (base_url != NULL && *base_url != '\0')
    {
      if (!put_setting (self, "server-url", base_url, error) ||
          !put_setting (self, "desk-id", desk_id ? desk_id : "", error))
        goto fail;
    }
  else if (!exec (self, "DELETE FROM settings WHERE key IN ('server-url', 'desk-id')", error))
    goto fail;
  if (!exec (self, "COMMIT", error))
    goto fail;

  client_id = os_store_dup_client_id (self);  /* made once, now, while it is quiet */
  emit_sync_changed (self);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

gboolean
os_store_is_enrolled (OsStore *self)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  url = os_store_dup_setting (self, "server-url");
  return url != NULL && *url != '\0';
}

char *
os_store_dup_client_id (OsStore *self)
{
  char *id;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  id = os_store_dup_setting (self, "client-id");
  if (id == NULL || *id == '\0')
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      g_free (id);
      id = os_uuid_v7_new ();
      /* Two processes on one new database agree on the first id written. */
      stmt = prepare (self, "INSERT OR IGNORE INTO settings (key, value) VALUES ('client-id', ?1)", NULL);
      if (stmt != NULL)
        {
          bind_text (stmt, 1, id);
          sqlite3_step (stmt);
          g_free (id);
          id = os_store_dup_setting (self, "client-id");
        }
    }
  return id;
}

gint64
os_store_count_free_codes (OsStore     *self,
                           const char  *agency,
                           const GDate *date)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), 0);
  g_return_val_if_fail (agency != NULL && date != NULL, 0);

  day = iso_date (date);
  stmt = prepare (self,
                  "SELECT COALESCE(SUM(last - next + 1), 0) FROM code_blocks "
                  "WHERE agency = ?1 AND day = ?2 AND next <= last",
                  NULL);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, agency);
  bind_text (stmt, 2, day);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

/* The next leased number of @agency on @day, or 0 when none is left; in the caller's
 * transaction. */
static gboolean
next_leased_number (OsStore     *self,
                    const char  *agency,
                    const char  *day,
                    gint64      *number,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 first;
  int rc;

  *number = 0;
  stmt = cached (self,
                 "SELECT first, next FROM code_blocks WHERE agency = ?1 AND day = ?2 AND next <= last "
                 "ORDER BY first LIMIT 1",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, agency);
  bind_text (stmt, 2, day);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return os_store_set_sqlite_error (self, rc, error);
  first = sqlite3_column_int64 (stmt, 0);
  *number = sqlite3_column_int64 (stmt, 1);
  sqlite3_reset (stmt);

  stmt = cached (self,
                 "UPDATE code_blocks SET next = next + 1 WHERE agency = ?1 AND day = ?2 AND first = ?3",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, agency);
  bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, first);
  return step_done (self, stmt, error);
}

static gboolean
set_record_unit (OsStore     *self,
                 gint64       local_id,
                 const char  *unit_id,
                 GError     **error)
{
  sqlite3_stmt *stmt;

  if (unit_id == NULL || *unit_id == '\0')
    return TRUE;
  stmt = cached (self, "UPDATE records SET unit_id = ?2 WHERE local_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  bind_text (stmt, 2, unit_id);
  return step_done (self, stmt, error);
}

gboolean
os_store_add_code_block (OsStore     *self,
                         const char  *agency,
                         const char  *day,
                         gint64       first,
                         gint64       last,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (agency != NULL && day != NULL, FALSE);

  if (first < 1 || last < first || last > OS_RECORD_CODE_MAX_NUMBER)
    {
      g_autofree char *range = g_strdup_printf ("%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, first, last);

      g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
                   _("Máy chủ cấp một khối số thứ tự không hợp lệ (%s)."), range);
      return FALSE;
    }
  /* The same block twice (an answer seen again) changes nothing. */
  stmt = prepare (self,
                  "INSERT INTO code_blocks (agency, day, first, last, next) VALUES (?1, ?2, ?3, ?4, ?3) "
                  "ON CONFLICT (agency, day, first) DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, agency);
  bind_text (stmt, 2, day);
  sqlite3_bind_int64 (stmt, 3, first);
  sqlite3_bind_int64 (stmt, 4, last);
  return step_done (self, stmt, error);
}

gint64
os_store_count_pending (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), -1);
  return count (self, "SELECT COUNT(*) FROM outbox WHERE state = 0");
}

gint64
os_store_count_quarantined (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), -1);
  return count (self, "SELECT COUNT(*) FROM outbox WHERE state = 1");
}

gint64
os_store_lookup_record (OsStore    *self,
                        const char *record_uuid)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), 0);

  stmt = prepare (self, "SELECT local_id FROM records WHERE id = ?1", NULL);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, record_uuid);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

OsRecordSyncState
os_store_get_record_sync_state (OsStore    *self,
                                const char *record_uuid)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), OS_RECORD_SYNC_SYNCED);
  g_return_val_if_fail (record_uuid != NULL, OS_RECORD_SYNC_SYNCED);

  stmt = prepare (self, "SELECT MAX(state), COUNT(*) FROM outbox WHERE record_id = ?1", NULL);
  if (stmt == NULL)
    return OS_RECORD_SYNC_PENDING;
  bind_text (stmt, 1, record_uuid);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int64 (stmt, 1) == 0)
    return OS_RECORD_SYNC_SYNCED;
  return sqlite3_column_int (stmt, 0) == 1 ? OS_RECORD_SYNC_REFUSED : OS_RECORD_SYNC_PENDING;
}

/* Outbox ------------------------------------------------------------------------- */

void
os_outbox_entry_free (OsOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->record_id);
  g_free (entry->kind);
  g_free (entry->payload);
  g_free (entry->payload_hash);
  g_free (entry);
}

GPtrArray *
os_store_next_push_batch (OsStore     *self,
                          guint        max,
                          GHashTable  *held_back,
                          GError     **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) os_outbox_entry_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 after = 0;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (max > 0, NULL);

  /* The changes of a record behind a quarantined one wait for the officer: the server
   * would refuse them anyway (made against a version it never reached). Those before it
   * go. */
  stmt = prepare (self,
                  "SELECT o.seq, o.id, o.record_id, o.kind, o.payload, o.payload_hash, o.base_version, "
                  "o.created_at FROM outbox o WHERE o.state = 0 AND o.seq > ?1 AND NOT EXISTS "
                  "(SELECT 1 FROM outbox q WHERE q.record_id = o.record_id AND q.state = 1 AND q.seq < o.seq) "
                  "ORDER BY o.seq LIMIT 200",
                  error);
  if (stmt == NULL)
    return NULL;

  while (batch->len < max)
    {
      guint seen = 0;

      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, after);
      while (batch->len < max && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *record_id = (const char *) sqlite3_column_text (stmt, 2);
          OsOutboxEntry *entry;

          seen++;
          after = sqlite3_column_int64 (stmt, 0);
          if (held_back != NULL && g_hash_table_contains (held_back, record_id))
            continue;

          entry = g_new0 (OsOutboxEntry, 1);
          entry->seq = after;
          entry->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          entry->record_id = g_strdup (record_id);
          entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          entry->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          entry->payload_hash = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
          if (entry->payload_hash == NULL || strlen (entry->payload_hash) != 64)
            {
              g_free (entry->payload_hash);
              entry->payload_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, entry->payload, -1);
            }
          entry->base_version = sqlite3_column_int64 (stmt, 6);
          entry->created_at = sqlite3_column_int64 (stmt, 7);
          g_ptr_array_add (batch, entry);
        }
      if (batch->len >= max)
        break;
      if (rc != SQLITE_DONE)
        {
          os_store_set_sqlite_error (self, rc, error);
          return NULL;
        }
      if (seen == 0)
        break;
    }

  return g_steal_pointer (&batch);
}

/* The JSON text of @data, as parked and held changes keep it. */
static char *
object_to_text (JsonObject *data)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), data);

  return json_to_string (node, FALSE);
}

/* The object that @text (as object_to_text() writes it) holds, owned by @parser; NULL if
 * it holds none. */
static JsonObject *
text_to_object (JsonParser *parser,
                const char *text)
{
  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

/* A held server copy of a record (pulled while the desk had changes of its own). */
static gboolean apply_record_data (OsStore *self, const char *id, JsonObject *data, gint64 version,
                                   const char *unit_id, gboolean *changed, GError **error);

gboolean
os_store_read_held_copy (OsStore     *self,
                         const char  *record_id,
                         gint64      *version,
                         char       **data,
                         char       **unit_id,
                         GError     **error)
{
  sqlite3_stmt *stmt = cached (self, "SELECT version, data, unit_id FROM held_changes WHERE record_id = ?1",
                               error);
  gboolean found;

  *data = NULL;
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, record_id);
  if (!os_store_step_row (self, stmt, &found, error))
    return FALSE;
  if (found)
    {
      *version = sqlite3_column_int64 (stmt, 0);
      *data = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (unit_id != NULL)
        *unit_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
apply_held_copy (OsStore     *self,
                 const char  *record_id,
                 gboolean    *changed,
                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  g_autofree char *unit_id = NULL;
  JsonObject *data;
  gint64 version = 0;

  if (!os_store_read_held_copy (self, record_id, &version, &text, &unit_id, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  data = text_to_object (parser, text);
  if (data != NULL && !apply_record_data (self, record_id, data, version, unit_id, changed, error))
    return FALSE;
  return run_text (self, "DELETE FROM held_changes WHERE record_id = ?1", record_id, error);
}

static gint64
outbox_count_for (OsStore    *self,
                  const char *record_id)
{
  sqlite3_stmt *stmt = cached (self, "SELECT COUNT(*) FROM outbox WHERE record_id = ?1", NULL);

  if (stmt == NULL)
    return -1;
  bind_text (stmt, 1, record_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* The version chain of a record: each of its outbox entries is made against the server's
 * version plus the entries of the record before it, and the desk's copy is at the
 * server's version plus all of them (the server counts every change as a version). Called
 * when entries leave other than by being applied (discard, resend, out_of_order), so a
 * record with nothing left to send is back at the server's version. In the caller's
 * transaction. */
static gboolean
rebase_record (OsStore     *self,
               const char  *record_id,
               GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = cached (self,
                 "UPDATE outbox SET base_version = "
                 "(SELECT r.server_version FROM records r WHERE r.id = outbox.record_id) + "
                 "(SELECT COUNT(*) FROM outbox o2 WHERE o2.record_id = outbox.record_id AND o2.seq < outbox.seq) "
                 "WHERE record_id = ?1 AND EXISTS (SELECT 1 FROM records r WHERE r.id = ?1)",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, record_id);
  if (!step_done (self, stmt, error))
    return FALSE;
  stmt = cached (self,
                 "UPDATE records SET version = server_version + "
                 "(SELECT COUNT(*) FROM outbox o WHERE o.record_id = ?1) WHERE id = ?1",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, record_id);
  return step_done (self, stmt, error);
}

static gboolean
quarantine_row (OsStore     *self,
                const char  *mutation_id,
                const char  *code,
                const char  *message,
                gint64       now,
                GError     **error)
{
  sqlite3_stmt *stmt = cached (self,
                               "UPDATE outbox SET state = 1, error_code = ?2, error_message = ?3, refused_at = ?4 "
                               "WHERE id = ?1",
                               error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, mutation_id);
  bind_text (stmt, 2, code);
  bind_text (stmt, 3, message);
  sqlite3_bind_int64 (stmt, 4, now);
  return step_done (self, stmt, error);
}

/* An `out_of_order` answer: counted; an entry with nothing of its record before it is
 * re-made against the server's version, and after OS_STORE_MAX_OUT_OF_ORDER such answers
 * it goes to the quarantine (the desk and the server disagree on the record's history,
 * and only the officer can settle it). *quarantined is set when it did. */
static gboolean
note_out_of_order (OsStore     *self,
                   const char  *mutation_id,
                   const char  *record_id,
                   gint64       now,
                   gboolean    *quarantined,
                   GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 times = 0, before = 0;

  if (!run_text (self, "UPDATE outbox SET out_of_order = out_of_order + 1 WHERE id = ?1", mutation_id, error))
    return FALSE;
  stmt = cached (self,
                 "SELECT o.out_of_order, (SELECT COUNT(*) FROM outbox o2 WHERE o2.record_id = o.record_id "
                 "AND o2.seq < o.seq) FROM outbox o WHERE o.id = ?1",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, mutation_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      times = sqlite3_column_int64 (stmt, 0);
      before = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (before > 0)
    return TRUE;   /* it waits for what is before it */
  if (times >= OS_STORE_MAX_OUT_OF_ORDER)
    {
      *quarantined = TRUE;
      return quarantine_row (self, mutation_id, "out_of_order",
                             _("Máy chủ nhiều lần trả lời rằng thay đổi này không theo đúng thứ tự, dù trước "
                               "nó không còn thay đổi nào của hồ sơ chờ gửi: lịch sử hồ sơ trên máy và trên "
                               "máy chủ không khớp. Hãy gửi lại (dựa trên bản của máy chủ) hoặc bỏ thay đổi này."),
                             now, error);
    }
  return rebase_record (self, record_id, error);
}

gboolean
os_store_quarantine_entry (OsStore     *self,
                           const char  *mutation_id,
                           const char  *code,
                           const char  *message,
                           GError     **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL && code != NULL && message != NULL, FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!quarantine_row (self, mutation_id, code, message, g_get_real_time () / G_USEC_PER_SEC, error) ||
      !exec (self, "COMMIT", error))
    {
      rollback (self);
      return FALSE;
    }
  emit_sync_changed (self);
  return TRUE;
}

gboolean
os_store_save_push_results (OsStore             *self,
                            const OsPushResult  *results,
                            guint                n_results,
                            gint64               now,
                            GError             **error)
{
  gboolean changed = FALSE, records_changed = FALSE;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < n_results; i++)
    {
      const OsPushResult *r = &results[i];

      switch (r->status)
        {
        case OS_PUSH_APPLIED:
        case OS_PUSH_DUPLICATE:
          {
            gint64 left;

            if (!run_text (self, "DELETE FROM outbox WHERE id = ?1", r->id, error))
              goto fail;
            changed |= sqlite3_changes (self->db) > 0;

            left = outbox_count_for (self, r->record_id);
            if (left < 0)
              {
                os_store_set_sqlite_error (self, sqlite3_errcode (self->db), error);
                goto fail;
              }
            /* With nothing left to send, the record is at the server's version. */
            if (!run_text_int (self,
                               left == 0
                               ? "UPDATE records SET server_version = MAX(server_version, ?2), "
                                 "version = MAX(server_version, ?2), synced = 1 WHERE id = ?1"
                               : "UPDATE records SET server_version = MAX(server_version, ?2) WHERE id = ?1",
                               r->record_id, r->version, error))
              goto fail;

            /* A copy pulled while this change waited is older than it now. */
            if (!run_text_int (self, "DELETE FROM held_changes WHERE record_id = ?1 AND version <= ?2",
                               r->record_id, r->version, error))
              goto fail;
            if (left == 0 && !apply_held_copy (self, r->record_id, &records_changed, error))
              goto fail;
          }
          break;

        case OS_PUSH_REFUSED:
          if (!quarantine_row (self, r->id, r->error_code, r->error_message, now, error))
            goto fail;
          changed = TRUE;
          break;

        case OS_PUSH_RETRY:
          if (g_strcmp0 (r->error_code, "out_of_order") == 0)
            {
              gboolean quarantined = FALSE;

              if (!note_out_of_order (self, r->id, r->record_id, now, &quarantined, error))
                goto fail;
              changed |= quarantined;
            }
          break;

        default:
          break;
        }
    }

  if (!exec (self, "COMMIT", error))
    goto fail;
  if (changed)
    emit_sync_changed (self);
  if (records_changed)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* Quarantine --------------------------------------------------------------------- */

static gboolean retry_parked_in_transaction (OsStore *self, guint *n_applied, GError **error);

void
os_quarantined_free (OsQuarantined *q)
{
  if (q == NULL)
    return;
  g_free (q->id);
  g_free (q->record_id);
  g_free (q->record_code);
  g_free (q->applicant_name);
  g_free (q->kind);
  g_free (q->error_code);
  g_free (q->error_message);
  g_free (q->held_data);
  g_free (q);
}

GPtrArray *
os_store_list_quarantined (OsStore  *self,
                           GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) os_quarantined_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT o.id, o.record_id, COALESCE(r.code, ''), COALESCE(r.applicant_name, ''), o.kind, "
                  "o.error_code, o.error_message, o.created_at, o.refused_at, "
                  "MAX(COALESCE(r.server_version, 0), COALESCE(h.version, 0)), h.data "
                  "FROM outbox o LEFT JOIN records r ON r.id = o.record_id "
                  "LEFT JOIN held_changes h ON h.record_id = o.record_id "
                  "WHERE o.state = 1 ORDER BY o.seq",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OsQuarantined *q = g_new0 (OsQuarantined, 1);

#define TEXT(i) g_strdup ((const char *) sqlite3_column_text (stmt, (i)))
      q->id = TEXT (0);
      q->record_id = TEXT (1);
      q->record_code = TEXT (2);
      q->applicant_name = TEXT (3);
      q->kind = TEXT (4);
      q->error_code = TEXT (5);
      q->error_message = TEXT (6);
#undef TEXT
      q->created_at = sqlite3_column_int64 (stmt, 7);
      q->refused_at = sqlite3_column_int64 (stmt, 8);
      q->server_version = sqlite3_column_int64 (stmt, 9);
      q->held = sqlite3_column_type (stmt, 10) != SQLITE_NULL;
      q->held_data = q->held ? g_strdup ((const char *) sqlite3_column_text (stmt, 10)) : NULL;
      g_ptr_array_add (list, q);
    }
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

typedef struct
{
  gint64  seq;
  char   *record_id;
  char   *kind;
  char   *error_message;
} QuarantineRow;

static gboolean
load_quarantined (OsStore        *self,
                  const char     *mutation_id,
                  QuarantineRow  *row,
                  GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self,
                                          "SELECT seq, record_id, kind, error_message FROM outbox "
                                          "WHERE id = ?1 AND state = 1",
                                          error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, mutation_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Thay đổi này không còn trong danh sách bị máy chủ từ chối."));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return os_store_set_sqlite_error (self, rc, error);
  row->seq = sqlite3_column_int64 (stmt, 0);
  row->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  row->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->error_message = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  return TRUE;
}

static void
quarantine_row_clear (QuarantineRow *row)
{
  g_free (row->record_id);
  g_free (row->kind);
  g_free (row->error_message);
}

static gboolean
kind_creates_record (const char *kind)
{
  return g_strcmp0 (kind, "receive") == 0 || g_strcmp0 (kind, "refuse") == 0 ||
         g_strcmp0 (kind, "request-supplement") == 0;
}

static gboolean
kind_is_record_state (const char *kind)
{
  return kind_creates_record (kind) || g_strcmp0 (kind, "update") == 0;
}

/* Sends the record of @row again as its whole state, made against the server's version:
 * it replaces every change of it still waiting. In the caller's transaction. */
static gboolean
resend_record_state (OsStore        *self,
                     QuarantineRow  *row,
                     gint64          now,
                     GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_auto(OsRecordRow) found = { 0 };
  g_autofree char *payload = NULL;
  const char *kind;
  gint64 local_id, server_version;

  if (!os_store_find_record_row (self, row->record_id, &found, error))
    return FALSE;
  if (found.local_id == 0)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Hồ sơ này không còn trên máy (có thể đã bị xóa trên máy chủ), "
                             "không gửi lại được. Hãy bỏ thay đổi này."));
      return FALSE;
    }
  local_id = found.local_id;
  server_version = found.server_version;

  record = load_one (self, "r.local_id = ?1", NULL, local_id, error);
  if (record == NULL)
    return FALSE;
  payload = record_payload (record, found.agency, found.unit_id);

  /* The record's whole state replaces every change of it still waiting: they were made
   * against versions the server never reached. */
  stmt = prepare (self,
                  "DELETE FROM outbox WHERE record_id = ?1 AND kind IN "
                  "('receive', 'refuse', 'request-supplement', 'update')",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, row->record_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  /* A record the server never had is created again; one it has is updated against the
   * version it has now. */
  kind = server_version == 0 && kind_creates_record (row->kind) ? row->kind : "update";
  if (!insert_outbox_row (self, row->seq, row->record_id, kind, payload, server_version, NULL, now, error))
    return FALSE;

  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (self, "UPDATE records SET version = ?2 + 1, synced = 0 WHERE local_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_int64 (stmt, 2, server_version);
  return step_done (self, stmt, error) &&
         rebase_record (self, row->record_id, error) &&
         insert_event (self, local_id, now, "", "sync-resend", os_record_get_status (record),
                       row->error_message, error);
}

gboolean
os_store_resend_quarantined (OsStore     *self,
                             const char  *mutation_id,
                             GError     **error)
{
  QuarantineRow row = { 0 };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint records_changed = 0;
  gboolean action_resent = FALSE;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!load_quarantined (self, mutation_id, &row, error))
    goto fail;

  if (g_strcmp0 (row.kind, "action") == 0)
    {
      /* Never sent again as an update: the same request is re-run on the server's copy. */
      gint64 local_id;

      if (!os_store_resend_action (self, row.seq, mutation_id, row.record_id, now, error) ||
          !rebase_record (self, row.record_id, error))
        goto fail;
      local_id = os_store_lookup_record (self, row.record_id);
      if (local_id != 0)
        {
          g_autoptr(OsRecord) saved = load_one (self, "r.local_id = ?1", NULL, local_id, error);

          if (saved == NULL ||
              !insert_event (self, local_id, now, os_store_get_actor (self)->full_name, "sync-resend",
                             os_record_get_status (saved), row.error_message, error))
            goto fail;
        }
      action_resent = TRUE;
    }
  else if (!kind_is_record_state (row.kind))
    {
      /* An attachment change carries no record state to send again: send it as it was. */
      stmt = prepare (self,
                      "UPDATE outbox SET state = 0, error_code = '', error_message = '', refused_at = 0, "
                      "out_of_order = 0 WHERE id = ?1",
                      error);
      if (stmt == NULL)
        goto fail;
      bind_text (stmt, 1, mutation_id);
      if (!step_done (self, stmt, error) || !rebase_record (self, row.record_id, error))
        goto fail;
    }
  else if (!resend_record_state (self, &row, now, error))
    goto fail;
  if (!retry_parked_in_transaction (self, &records_changed, error) || !exec (self, "COMMIT", error))
    goto fail;

  quarantine_row_clear (&row);
  emit_sync_changed (self);
  if (records_changed || action_resent)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  return TRUE;

fail:
  rollback (self);
  quarantine_row_clear (&row);
  return FALSE;
}

gboolean
os_store_discard_quarantined (OsStore     *self,
                              const char  *mutation_id,
                              GError     **error)
{
  QuarantineRow row = { 0 };
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 local_id, left;
  gboolean records_changed = FALSE;
  int status = OS_STATUS_RECEIVED;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!load_quarantined (self, mutation_id, &row, error))
    goto fail;

  if (g_strcmp0 (row.kind, "action") == 0)
    {
      /* The action and those made after it on its result go; the record is back at the
       * server's copy. */
      if (!os_store_discard_action (self, row.seq, row.record_id, &records_changed, error))
        goto fail;
    }
  else
    {
      stmt = prepare (self, "DELETE FROM outbox WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      bind_text (stmt, 1, mutation_id);
      if (!step_done (self, stmt, error))
        goto fail;
    }

  local_id = os_store_lookup_record (self, row.record_id);
  if (local_id != 0)
    {
      g_autoptr(sqlite3_stmt) st = prepare (self, "SELECT status FROM records WHERE local_id = ?1", NULL);

      if (st != NULL)
        {
          sqlite3_bind_int64 (st, 1, local_id);
          if (sqlite3_step (st) == SQLITE_ROW)
            status = sqlite3_column_int (st, 0);
        }
      if (!insert_event (self, local_id, now, "", "sync-discard", status, row.error_message, error))
        goto fail;
    }

  /* With nothing of its own left to send, the record takes the server's copy if one
   * came while it waited. */
  left = outbox_count_for (self, row.record_id);
  if (left == 0 && !apply_held_copy (self, row.record_id, &records_changed, error))
    goto fail;
  /* What is left of the record (or nothing) is made against the server's version again. */
  if (!rebase_record (self, row.record_id, error))
    goto fail;
  {
    guint n_parked = 0;

    if (!retry_parked_in_transaction (self, &n_parked, error))
      goto fail;
    records_changed |= n_parked > 0;
  }

  if (!exec (self, "COMMIT", error))
    goto fail;

  quarantine_row_clear (&row);
  emit_sync_changed (self);
  if (records_changed)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  return TRUE;

fail:
  rollback (self);
  quarantine_row_clear (&row);
  return FALSE;
}

/* Editing ------------------------------------------------------------------------ */

/* Writes the changeable fields of @record over the row @local_id, with its documents and
 * search text; in the caller's transaction. */
gboolean
os_store_write_record_fields (OsStore     *self,
                              gint64       local_id,
                              OsRecord    *record,
                              gint64       now,
                              GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = cached (self,
                 "UPDATE records SET procedure_id = ?2, procedure_code = ?3, procedure_name = ?4, field = ?5, "
                 "time_unit = ?6, time_amount = ?7, cutoff_minutes = ?8, applicant_name = ?9, id_number = ?10, "
                 "birth_date = ?11, phone = ?12, email = ?13, address = ?14, sets = ?15, delivery = ?16, "
                 "channel = ?17, notes = ?18, officer = ?19, reason = ?20, status = ?21, due_at = ?22, "
                 "finished_at = ?23, returned_at = ?24, updated_at = ?25 WHERE local_id = ?1",
                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  bind_record_fields (stmt, 2, record, now);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (!run_int (self, "DELETE FROM record_documents WHERE record_id = ?1", local_id, error))
    return FALSE;
  if (!run_int (self, "DELETE FROM records_fts WHERE rowid = ?1", local_id, error))
    return FALSE;
  return insert_documents_and_search (self, local_id, record, error);
}

gboolean
os_store_update_record (OsStore   *self,
                        OsRecord  *record,
                        gint64     now,
                        GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autofree char *agency = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *payload = NULL;
  gint64 local_id, version;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (OS_IS_RECORD (record), FALSE);

  if (os_text_is_blank (os_record_get_applicant_name (record)) ||
      os_text_is_blank (os_record_get_procedure_name (record)))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Hồ sơ cần có thủ tục và họ tên người nộp."));
      return FALSE;
    }

  local_id = os_record_get_local_id (record);
  if (local_id == 0 && os_record_get_id (record) != NULL)
    local_id = os_store_lookup_record (self, os_record_get_id (record));

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  stmt = prepare (self,
                  "SELECT id, version, agency, unit_id, status, due_at, finished_at, returned_at, process <> '' "
                  "FROM records WHERE local_id = ?1",
                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, local_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_NOT_FOUND, _("Không tìm thấy hồ sơ %s."),
                   os_record_get_code (record) ? os_record_get_code (record) : "");
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      os_store_set_sqlite_error (self, rc, error);
      goto fail;
    }
  uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  version = sqlite3_column_int64 (stmt, 1);
  agency = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  unit_id = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  if (sqlite3_column_int (stmt, 8))
    {
      /* A record following a process moves only by its actions (os_store_apply_action):
       * an edit keeps where it stands, as the server does. */
      os_record_set_status (record, sqlite3_column_int (stmt, 4));
      os_record_set_due_at (record, sqlite3_column_int64 (stmt, 5));
      os_record_set_finished_at (record, sqlite3_column_int64 (stmt, 6));
      os_record_set_returned_at (record, sqlite3_column_int64 (stmt, 7));
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (!write_record_fields (self, local_id, record, now, error) ||
      !mark_record_changed (self, local_id, error))
    goto fail;

  saved = load_one (self, "r.local_id = ?1", NULL, local_id, error);
  if (saved == NULL)
    goto fail;
  payload = record_payload (saved, agency, unit_id);
  if (!insert_event (self, local_id, now, os_record_get_officer (saved), "update",
                     os_record_get_status (saved), "", error) ||
      !insert_outbox_row (self, 0, uuid, "update", payload, version, NULL, now, error) ||
      !exec (self, "COMMIT", error))
    goto fail;

  os_record_set_local_id (record, local_id);
  emit_sync_changed (self);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* The change feed ---------------------------------------------------------------- */

char *
os_store_dup_sync_cursor (OsStore *self)
{
  char *cursor = os_store_dup_setting (self, "sync-cursor");

  return cursor ? cursor : g_strdup ("");
}

/* A string member of @data, "" when it has none. */
static const char *
data_string (JsonObject *data,
             const char *name)
{
  const char *value = os_api_json_string (data, name);

  return value ? value : "";
}

/* An integer member of @data, @fallback when it has none. */
static gint64
data_int (JsonObject *data,
          const char *name,
          gint64      fallback)
{
  gint64 value;

  return os_api_json_int (data, name, &value) ? value : fallback;
}

/* A record as the server holds it (the Record JSON of os-record-json.h, with its process
 * state), or NULL when it lacks what a record needs. */
static OsRecord *
record_from_data (JsonObject  *data,
                  char       **agency_out)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autofree char *agency = NULL;
  GDate date;
  guint number;
  gint64 status = data_int (data, "status", 0);

  if (!os_record_code_parse (data_string (data, "code"), &agency, &date, &number, NULL) ||
      status < 1 || status > 10 || *data_string (data, "id") == '\0' ||
      *data_string (data, "applicant_name") == '\0' || *data_string (data, "procedure_name") == '\0')
    return NULL;
  if (*data_string (data, "agency") != '\0')
    {
      g_free (agency);
      agency = g_strdup (data_string (data, "agency"));
    }

  node = json_node_init_object (json_node_alloc (), data);
  record = os_record_new_from_json (node, NULL);
  if (record == NULL)
    return NULL;
  if (os_record_get_sets (record) < 1)
    os_record_set_sets (record, 1);

  *agency_out = g_steal_pointer (&agency);
  return g_steal_pointer (&record);
}

/* Keeps a change of the feed the desk cannot apply now (os_store_retry_parked()); a newer
 * one of the same record replaces it. In the caller's transaction. */
static gboolean
park_change (OsStore     *self,
             const char  *id,
             JsonObject  *data,
             gint64       version,
             const char  *unit_id,
             const char  *reason,
             GError     **error)
{
  g_autofree char *text = object_to_text (data);
  sqlite3_stmt *stmt;

  g_debug ("Change of record %s (version %" G_GINT64_FORMAT ") parked: %s", id, version, reason);
  stmt = cached (self,
                 "INSERT INTO parked_changes (id, version, unit_id, data, reason, parked_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                 "ON CONFLICT (id) DO UPDATE SET version = excluded.version, unit_id = excluded.unit_id, "
                 "data = excluded.data, reason = excluded.reason, parked_at = excluded.parked_at "
                 "WHERE excluded.version >= parked_changes.version",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version);
  bind_text (stmt, 3, unit_id);
  bind_text (stmt, 4, text);
  bind_text (stmt, 5, reason);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  return step_done (self, stmt, error);
}

static gboolean
unpark (OsStore     *self,
        const char  *id,
        gint64       version,
        GError     **error)
{
  return run_text_int (self, "DELETE FROM parked_changes WHERE id = ?1 AND version <= ?2", id, version, error);
}

/* Whether the server's copy @record of the row @local_id, at the version the desk has,
 * says something else than the desk's: for records following a process, whose version
 * after an action the server computed itself (its actor's name, its desk id) while the
 * desk computed its own. */
static gboolean
server_copy_differs (OsStore   *self,
                     gint64     local_id,
                     OsRecord  *record)
{
  g_autoptr(OsRecord) saved = NULL;
  g_autoptr(JsonNode) ours = NULL;
  g_autoptr(JsonNode) theirs = NULL;

  saved = load_one (self, "r.local_id = ?1", NULL, local_id, NULL);
  if (saved == NULL)
    return TRUE;
  if (os_record_get_process_state (saved) == NULL && os_record_get_process_state (record) == NULL)
    return FALSE;
  ours = os_record_to_json (saved, "", NULL);
  theirs = os_record_to_json (record, "", NULL);
  return !json_node_equal (ours, theirs);
}

/* Inserts or overwrites the desk's copy of a record with the server's; in the caller's
 * transaction. One the desk cannot take (it lacks what a record needs, or its code is
 * held by another record of this desk) is parked. */
static gboolean
apply_record_data (OsStore     *self,
                   const char  *id,
                   JsonObject  *data,
                   gint64       version,
                   const char  *unit_id,
                   gboolean    *changed,
                   GError     **error)
{
  g_autoptr(OsRecord) record = NULL;
  g_autofree char *agency = NULL;
  sqlite3_stmt *stmt;
  gint64 local_id, local_version = 0;
  gboolean synced = FALSE;
  int rc;

  record = record_from_data (data, &agency);
  if (record == NULL || g_strcmp0 (os_record_get_id (record), id) != 0)
    return park_change (self, id, data, version, unit_id, "unreadable", error);

  stmt = cached (self, "SELECT local_id, version, synced FROM records WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, os_record_get_id (record));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      local_id = sqlite3_column_int64 (stmt, 0);
      local_version = sqlite3_column_int64 (stmt, 1);
      synced = sqlite3_column_int (stmt, 2);
      sqlite3_reset (stmt);

      /* Seen already (our own change coming back, or a page again); at the same version
       * the server's copy still wins where it differs (the server is the authority). */
      if (synced && (local_version > version ||
                     (local_version == version && !server_copy_differs (self, local_id, record))))
        return TRUE;
      if (!write_record_fields (self, local_id, record, os_record_get_received_at (record), error) ||
          !os_store_write_process (self, local_id, record, error))
        return FALSE;
    }
  else if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      if (!insert_record_row (self, record, agency, os_record_get_received_at (record), FALSE, &local_id, error))
        {
          /* Another record holds this code on this desk: keep the desk's, say so. */
          if (error && *error && g_error_matches (*error, OS_ERROR, OS_ERROR_DATABASE) &&
              (sqlite3_errcode (self->db) & 0xff) == SQLITE_CONSTRAINT)
            {
              g_clear_error (error);
              return park_change (self, id, data, version, unit_id, "code-taken", error);
            }
          return FALSE;
        }
      if (!insert_event (self, local_id, os_record_get_received_at (record), os_record_get_officer (record),
                         os_record_get_status (record) == OS_STATUS_REFUSED ? "refuse"
                         : os_record_get_status (record) == OS_STATUS_SUPPLEMENT ? "request-supplement"
                         : "receive",
                         os_record_get_status (record), os_record_get_reason (record), error))
        return FALSE;
    }
  else
    return os_store_set_sqlite_error (self, rc, error);

  stmt = cached (self,
                 "UPDATE records SET version = ?2, server_version = ?2, synced = 1, "
                 "unit_id = CASE WHEN ?3 = '' THEN unit_id ELSE ?3 END WHERE local_id = ?1",
                 error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  sqlite3_bind_int64 (stmt, 2, version);
  bind_text (stmt, 3, unit_id);
  if (!step_done (self, stmt, error) || !unpark (self, id, version, error))
    return FALSE;
  *changed = TRUE;
  return TRUE;
}

static gboolean
apply_record_change (OsStore     *self,
                     const char  *id,
                     gboolean     deletion,
                     gint64       version,
                     const char  *unit_id,
                     JsonObject  *data,
                     gboolean    *changed,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  gint64 local_id = 0, waiting;

  stmt = cached (self, "SELECT local_id FROM records WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    local_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (deletion)
    {
      if (!unpark (self, id, G_MAXINT64, error))
        return FALSE;
      if (local_id == 0)
        return TRUE;
      /* Changes of the record still waiting stay in the outbox: the server will refuse
       * them and the officer sees why. */
      if (!run_int (self, "DELETE FROM records_fts WHERE rowid = ?1", local_id, error))
        return FALSE;
      if (!run_int (self, "DELETE FROM records WHERE local_id = ?1", local_id, error))
        return FALSE;
      if (!run_text (self, "DELETE FROM held_changes WHERE record_id = ?1", id, error))
        return FALSE;
      *changed = TRUE;
      return TRUE;
    }

  waiting = local_id != 0 ? outbox_count_for (self, id) : 0;
  if (waiting < 0)
    return os_store_set_sqlite_error (self, sqlite3_errcode (self->db), error);
  if (waiting > 0)
    {
      g_autofree char *text = object_to_text (data);

      /* The desk has changes of its own the server has not taken yet: keep its copy, and
       * the server's aside for when those changes are settled. */
      stmt = cached (self,
                     "INSERT INTO held_changes (record_id, version, data, unit_id) VALUES (?1, ?2, ?3, ?4) "
                     "ON CONFLICT (record_id) DO UPDATE SET version = excluded.version, data = excluded.data, "
                     "unit_id = excluded.unit_id WHERE excluded.version > held_changes.version",
                     error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, id);
      sqlite3_bind_int64 (stmt, 2, version);
      bind_text (stmt, 3, text);
      bind_text (stmt, 4, unit_id);
      if (!step_done (self, stmt, error))
        return FALSE;
      stmt = cached (self, "UPDATE records SET server_version = MAX(server_version, ?2) WHERE local_id = ?1",
                     error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, local_id);
      sqlite3_bind_int64 (stmt, 2, version);
      return step_done (self, stmt, error);
    }

  return apply_record_data (self, id, data, version, unit_id, changed, error);
}

/* Parked changes, tried again oldest version first; in the caller's transaction. */
static gboolean
retry_parked_in_transaction (OsStore     *self,
                             guint       *n_applied,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  *n_applied = 0;
  stmt = prepare (self, "SELECT id FROM parked_changes ORDER BY parked_at, id", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return os_store_set_sqlite_error (self, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *unit_id = NULL;
      g_autofree char *text = NULL;
      gboolean changed = FALSE;
      JsonObject *data;
      gint64 version;

      stmt = prepare (self, "SELECT version, unit_id, data FROM parked_changes WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_clear_pointer (&stmt, sqlite3_finalize);
          continue;
        }
      version = sqlite3_column_int64 (stmt, 0);
      unit_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      text = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_clear_pointer (&stmt, sqlite3_finalize);
      data = text_to_object (parser, text);
      if (data == NULL)
        continue;
      /* apply_record_change() parks it again if it still cannot go in. */
      if (!apply_record_change (self, id, FALSE, version, unit_id, data, &changed, error))
        return FALSE;
      if (changed)
        (*n_applied)++;
    }
  return TRUE;
}

gboolean
os_store_retry_parked (OsStore  *self,
                       guint    *n_applied,
                       GError  **error)
{
  guint n = 0;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!retry_parked_in_transaction (self, &n, error) || !exec (self, "COMMIT", error))
    {
      rollback (self);
      return FALSE;
    }
  if (n_applied)
    *n_applied = n;
  if (n > 0)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  return TRUE;
}

gint64
os_store_count_parked (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), -1);
  return count (self, "SELECT COUNT(*) FROM parked_changes");
}

/* An attachment from the change feed (attachment_payload() of another desk, or this one's
 * coming back): its row names a file the desk fetches when it is opened
 * (os_sync_engine_fetch_blob_async()). A deletion drops the row; the file stays in the
 * blob store until collected. In the caller's transaction. */
static gboolean
apply_attachment_change (OsStore     *self,
                         const char  *id,
                         gboolean     deletion,
                         JsonObject  *data,
                         gboolean    *changed,
                         GError     **error)
{
  sqlite3_stmt *stmt;
  const char *sha256;
  gint64 record_local_id = 0, size;
  gboolean detach_waiting = FALSE;

  if (deletion)
    {
      if (!run_text (self, "DELETE FROM attachments WHERE id = ?1", id, error))
        return FALSE;
      *changed = sqlite3_changes (self->db) > 0;
      return TRUE;
    }

  sha256 = data_string (data, "sha256");
  size = data_int (data, "size", -1);
  if (g_strcmp0 (data_string (data, "id"), id) != 0 || strlen (sha256) != 64 || size < 0 ||
      *data_string (data, "file_name") == '\0')
    {
      g_message ("An attachment of the change feed lacks what an attachment needs; skipped");
      return TRUE;
    }
  for (const char *p = sha256; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      {
        g_message ("An attachment of the change feed has a bad SHA-256; skipped");
        return TRUE;
      }

  stmt = cached (self, "SELECT local_id FROM records WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, data_string (data, "record_id"));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    record_local_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (record_local_id == 0)
    return TRUE;   /* a record this desk does not keep */

  /* The officer removed it here and the removal has not reached the server yet. */
  stmt = cached (self, "SELECT 1 FROM outbox WHERE kind = 'detach' AND json_extract (payload, '$.id') = ?1",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  detach_waiting = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (detach_waiting)
    return TRUE;

  stmt = cached (self,
                 "INSERT INTO attachments (id, record_id, document_name, file_name, mime_type, sha256, size, "
                 "pages, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                 "ON CONFLICT (id) DO UPDATE SET document_name = excluded.document_name, "
                 "file_name = excluded.file_name, mime_type = excluded.mime_type "
                 "WHERE record_id = excluded.record_id",
                 error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, record_local_id);
  bind_text (stmt, 3, data_string (data, "document_name"));
  bind_text (stmt, 4, data_string (data, "file_name"));
  bind_text (stmt, 5, *data_string (data, "mime_type") ? data_string (data, "mime_type") : "application/octet-stream");
  bind_text (stmt, 6, sha256);
  sqlite3_bind_int64 (stmt, 7, size);
  sqlite3_bind_int64 (stmt, 8, CLAMP (data_int (data, "pages", 0), 0, G_MAXINT));
  sqlite3_bind_int64 (stmt, 9, data_int (data, "created_at", 0));
  if (!step_done (self, stmt, error))
    return FALSE;
  *changed = sqlite3_changes (self->db) > 0;
  return TRUE;
}

gboolean
os_store_apply_changes (OsStore     *self,
                        JsonArray   *changes,
                        const char  *next_cursor,
                        guint       *n_records_changed,
                        GError     **error)
{
  guint n = 0;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (changes != NULL && next_cursor != NULL, FALSE);

  /* Check the whole page first: a page that does not follow the API changes nothing. */
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonNode *element = json_array_get_element (changes, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      const char *entity = c ? data_string (c, "entity") : "";
      const char *op = c ? data_string (c, "op") : "";

      if (c == NULL || *entity == '\0' || *data_string (c, "id") == '\0' ||
          (g_strcmp0 (op, "upsert") != 0 && g_strcmp0 (op, "delete") != 0) ||
          data_int (c, "version", -1) < 0 ||
          (g_strcmp0 (op, "upsert") == 0 && os_api_json_object (c, "data") == NULL))
        {
          g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
                       _("Máy chủ trả lời không đúng giao thức (%s)."), "Change");
          return FALSE;
        }
    }

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *c = json_array_get_object_element (changes, i);
      gboolean deletion = g_strcmp0 (data_string (c, "op"), "delete") == 0;
      gboolean changed = FALSE;

      if (g_strcmp0 (data_string (c, "entity"), "attachment") == 0)
        {
          if (!apply_attachment_change (self, data_string (c, "id"), deletion,
                                        deletion ? NULL : json_object_get_object_member (c, "data"),
                                        &changed, error))
            goto fail;
          if (changed)
            n++;
          continue;
        }
      if (g_strcmp0 (data_string (c, "entity"), "record") != 0)
        continue;
      if (!apply_record_change (self, data_string (c, "id"), deletion, data_int (c, "version", 0),
                                data_string (c, "unit_id"),
                                deletion ? NULL : json_object_get_object_member (c, "data"),
                                &changed, error))
        goto fail;
      if (changed)
        n++;
    }

  /* What was parked may go in now (the record it collided with is gone or synced). */
  {
    guint n_parked = 0;

    if (!retry_parked_in_transaction (self, &n_parked, error))
      goto fail;
    n += n_parked;
  }

  if (!put_setting (self, "sync-cursor", next_cursor, error) ||
      !exec (self, "COMMIT", error))
    goto fail;

  if (n_records_changed)
    *n_records_changed = n;
  if (n > 0)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  return TRUE;

fail:
  rollback (self);
  return FALSE;
}

/* The catalogue ------------------------------------------------------------------ */

static int
catalogue_cutoff (const char *text)
{
  int h, m;

  if (text == NULL || sscanf (text, "%d:%d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
    return -1;
  return h * 60 + m;
}

gboolean
os_store_apply_catalogue (OsStore     *self,
                          JsonNode    *catalogue,
                          const char  *etag,
                          GError     **error)
{
  JsonObject *root = catalogue && JSON_NODE_HOLDS_OBJECT (catalogue) ? json_node_get_object (catalogue) : NULL;
  JsonArray *procedures = os_api_json_array (root, "procedures");
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (procedures == NULL || data_int (root, "version", -1) < 0)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
                   _("Máy chủ trả lời không đúng giao thức (%s)."), "ProcedureCatalogue");
      return FALSE;
    }

  /* Version 0 with nothing in it: no catalogue was ever imported on the server. The desk
   * keeps the one it has rather than being left with none to receive against. */
  if (data_int (root, "version", -1) == 0 && json_array_get_length (procedures) == 0)
    return TRUE;

  if (!exec (self, "BEGIN IMMEDIATE", error) ||
      !exec (self, "DELETE FROM procedures", error))
    goto fail;
  stmt = prepare (self,
                  "INSERT OR REPLACE INTO procedures (id, code, name, field, time_unit, time_amount, "
                  "cutoff_minutes, fee, result, documents, position) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                  error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < json_array_get_length (procedures); i++)
    {
      JsonNode *element = json_array_get_element (procedures, i);
      JsonObject *p = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonObject *t = os_api_json_object (p, "time");
      JsonArray *docs = os_api_json_array (p, "documents");
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *documents = NULL;
      OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 0, -1 };

      if (p == NULL || *data_string (p, "id") == '\0' || *data_string (p, "name") == '\0')
        continue;
      if (t != NULL)
        {
          const char *unit = data_string (t, "unit");

          if (g_strcmp0 (unit, "calendar-days") == 0)
            limit.unit = OS_TIME_UNIT_CALENDAR_DAYS;
          else if (g_strcmp0 (unit, "same-day") == 0)
            limit.unit = OS_TIME_UNIT_SAME_DAY;
          limit.amount = (int) CLAMP (data_int (t, "amount", 0), 0, 10000);
        }
      limit.cutoff_minutes = catalogue_cutoff (data_string (p, "cutoff"));

      json_builder_begin_array (b);
      if (docs != NULL)
        {
          for (guint j = 0; j < json_array_get_length (docs); j++)
            {
              JsonNode *d = json_array_get_element (docs, j);

              if (JSON_NODE_HOLDS_VALUE (d) && json_node_get_value_type (d) == G_TYPE_STRING)
                json_builder_add_string_value (b, json_node_get_string (d));
            }
        }
      json_builder_end_array (b);
      documents = builder_to_data (b);

      sqlite3_reset (stmt);
      bind_text (stmt, 1, data_string (p, "id"));
      bind_text (stmt, 2, data_string (p, "code"));
      bind_text (stmt, 3, data_string (p, "name"));
      bind_text (stmt, 4, data_string (p, "field"));
      sqlite3_bind_int (stmt, 5, limit.unit);
      sqlite3_bind_int (stmt, 6, limit.amount);
      sqlite3_bind_int (stmt, 7, limit.cutoff_minutes);
      bind_text (stmt, 8, data_string (p, "fee"));
      bind_text (stmt, 9, data_string (p, "result"));
      bind_text (stmt, 10, documents);
      sqlite3_bind_int (stmt, 11, i + 1);
      if (!step_done (self, stmt, error))
        goto fail;
    }

  if (!put_setting (self, "catalogue-etag", etag ? etag : "", error) ||
      !exec (self, "COMMIT", error))
    goto fail;
  return load_procedures (self, error);

fail:
  rollback (self);
  return FALSE;
}

/* The actor (os-store-process.h) ------------------------------------------------- */

void
os_store_set_actor (OsStore       *self,
                    const OsActor *actor)
{
  g_return_if_fail (OS_IS_STORE (self));

  g_clear_pointer (&self->actor, os_actor_free);
  if (actor != NULL)
    self->actor = os_actor_copy (actor);
}

const OsActor *
os_store_get_actor (OsStore *self)
{
  static const char * const all_roles[] = {
    OS_ROLE_RECEPTION, OS_ROLE_SPECIALIST, OS_ROLE_HEAD, OS_ROLE_LEADER, OS_ROLE_SUPERVISOR,
    OS_ROLE_ADMIN, NULL,
  };
  g_autofree char *officer = NULL;
  g_autofree char *desk = NULL;
  g_autoptr(OsAgency) agency = NULL;
  const char *units[2] = { NULL, NULL };

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  if (self->actor != NULL)
    return self->actor;

  /* A standalone desk: the settings' officer does everything, for the agency. */
  officer = os_store_dup_officer (self);
  agency = os_store_dup_agency (self);
  desk = os_store_dup_setting (self, "desk-id");
  if (desk == NULL || *desk == '\0')
    {
      g_free (desk);
      desk = g_strdup (agency->desk_name ? agency->desk_name : "");
    }
  units[0] = agency->identifier ? agency->identifier : "";
  if (self->default_actor == NULL ||
      g_strcmp0 (self->default_actor->username, officer) != 0 ||
      g_strcmp0 (self->default_actor->units ? self->default_actor->units[0] : NULL, units[0]) != 0 ||
      g_strcmp0 (self->default_actor->desk, desk) != 0)
    {
      g_clear_pointer (&self->default_actor, os_actor_free);
      self->default_actor = os_actor_new (officer, officer, all_roles, units, desk);
    }
  return self->default_actor;
}

/* Shared with os-store-process.c ------------------------------------------------ */

gboolean
os_store_step_row (OsStore       *self,
                   sqlite3_stmt  *stmt,
                   gboolean      *found,
                   GError       **error)
{
  int rc = sqlite3_step (stmt);

  *found = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      return os_store_set_sqlite_error (self, rc, error);
    }
  return TRUE;
}

void
os_record_row_clear (OsRecordRow *row)
{
  g_clear_pointer (&row->agency, g_free);
  g_clear_pointer (&row->unit_id, g_free);
  g_clear_pointer (&row->code, g_free);
}

gboolean
os_store_find_record_row (OsStore      *self,
                          const char   *record_id,
                          OsRecordRow  *row,
                          GError      **error)
{
  sqlite3_stmt *stmt = cached (self,
                               "SELECT local_id, version, server_version, agency, unit_id, code FROM records "
                               "WHERE id = ?1",
                               error);
  gboolean found;

  os_record_row_clear (row);
  memset (row, 0, sizeof *row);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, record_id);
  if (!os_store_step_row (self, stmt, &found, error))
    return FALSE;
  if (found)
    {
      row->local_id = sqlite3_column_int64 (stmt, 0);
      row->version = sqlite3_column_int64 (stmt, 1);
      row->server_version = sqlite3_column_int64 (stmt, 2);
      row->agency = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->unit_id = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->code = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
    }
  sqlite3_reset (stmt);
  return TRUE;
}

OsRecord *
os_store_load_record_in_tx (OsStore  *self,
                            gint64    local_id,
                            GError  **error)
{
  return load_one (self, "r.local_id = ?1", NULL, local_id, error);
}

void
os_store_emit_changed (OsStore  *self,
                       gboolean  sync,
                       gboolean  records)
{
  if (sync)
    g_signal_emit (self, signals[SYNC_CHANGED], 0);
  if (records)
    g_signal_emit (self, signals[RECORDS_CHANGED], 0);
}
