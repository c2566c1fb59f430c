/* os-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "os-blob-store.h"
#include "os-core-resources.h"
#include "os-datetime.h"
#include "os-error.h"
#include "os-record-code.h"
#include "os-store-private.h"
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
};

G_DEFINE_FINAL_TYPE (OsStore, os_store, G_TYPE_OBJECT)

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
  g_free (self->path);

  G_OBJECT_CLASS (os_store_parent_class)->finalize (object);
}

static void
os_store_class_init (OsStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_store_finalize;

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

static gboolean
exec (OsStore     *self,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return os_store_set_sqlite_error (self, rc, error);
  return TRUE;
}

static void
rollback (OsStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static sqlite3_stmt *
prepare (OsStore     *self,
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* A statement kept for the life of the store, reset and unbound; @sql must be a string
 * constant. Not to be freed by the caller. */
static sqlite3_stmt *
cached (OsStore     *self,
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

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text ? text : "", -1, SQLITE_TRANSIENT);
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (OsStore       *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    return os_store_set_sqlite_error (self, rc, error);
  return TRUE;
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

gboolean
os_store_add_procedure (OsStore      *self,
                        OsProcedure  *procedure,
                        const char   *result,
                        GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
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
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  documents = json_generator_to_data (generator, NULL);

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
    "address, sets, delivery, channel, notes, officer, reason, book_volume, book_number, status, "
    "received_at, due_at, finished_at, returned_at, updated_at, demo) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)";
  sqlite3_stmt *stmt = cached (self, sql, error);
  sqlite3_stmt *doc = NULL;
  sqlite3_stmt *fts = NULL;
  g_autofree char *folded = NULL;
  const OsTimeLimit *limit = os_record_get_time_limit (record);
  GPtrArray *documents = os_record_get_documents (record);

  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, os_record_get_id (record));
  bind_text (stmt, 2, os_record_get_code (record));
  bind_text (stmt, 3, agency);
  bind_text (stmt, 4, os_record_get_procedure_id (record));
  bind_text (stmt, 5, os_record_get_procedure_code (record));
  bind_text (stmt, 6, os_record_get_procedure_name (record));
  bind_text (stmt, 7, os_record_get_field (record));
  sqlite3_bind_int (stmt, 8, limit->unit);
  sqlite3_bind_int (stmt, 9, limit->amount);
  sqlite3_bind_int (stmt, 10, limit->cutoff_minutes);
  bind_text (stmt, 11, os_record_get_applicant_name (record));
  bind_text (stmt, 12, os_record_get_id_number (record));
  bind_text (stmt, 13, os_record_get_birth_date (record));
  bind_text (stmt, 14, os_record_get_phone (record));
  bind_text (stmt, 15, os_record_get_email (record));
  bind_text (stmt, 16, os_record_get_address (record));
  sqlite3_bind_int (stmt, 17, MAX (1, os_record_get_sets (record)));
  sqlite3_bind_int (stmt, 18, os_record_get_delivery (record));
  sqlite3_bind_int (stmt, 19, os_record_get_channel (record));
  bind_text (stmt, 20, os_record_get_notes (record));
  bind_text (stmt, 21, os_record_get_officer (record));
  bind_text (stmt, 22, os_record_get_reason (record));
  sqlite3_bind_int (stmt, 23, os_record_get_book_volume (record));
  sqlite3_bind_int (stmt, 24, os_record_get_book_number (record));
  sqlite3_bind_int (stmt, 25, os_record_get_status (record));
  sqlite3_bind_int64 (stmt, 26, os_record_get_received_at (record));
  sqlite3_bind_int64 (stmt, 27, os_record_get_due_at (record));
  sqlite3_bind_int64 (stmt, 28, os_record_get_finished_at (record));
  sqlite3_bind_int64 (stmt, 29, os_record_get_returned_at (record));
  sqlite3_bind_int64 (stmt, 30, now);
  sqlite3_bind_int (stmt, 31, demo);
  if (!step_done (self, stmt, error))
    return FALSE;
  *local_id = sqlite3_last_insert_rowid (self->db);

  doc = cached (self,
                 "INSERT INTO record_documents (record_id, position, name, originals, certified, copies) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                 error);
  if (doc == NULL)
    return FALSE;
  for (guint i = 0; i < documents->len; i++)
    {
      OsRecordDocument *d = g_ptr_array_index (documents, i);

      sqlite3_reset (doc);
      sqlite3_bind_int64 (doc, 1, *local_id);
      sqlite3_bind_int (doc, 2, i);
      bind_text (doc, 3, d->name);
      sqlite3_bind_int (doc, 4, d->originals);
      sqlite3_bind_int (doc, 5, d->certified);
      sqlite3_bind_int (doc, 6, d->copies);
      if (!step_done (self, doc, error))
        return FALSE;
    }

  fts = cached (self, "INSERT INTO records_fts (rowid, text) VALUES (?1, ?2)", error);
  if (fts == NULL)
    return FALSE;
  folded = fold_search_text (record);
  sqlite3_bind_int64 (fts, 1, *local_id);
  bind_text (fts, 2, folded);
  if (!step_done (self, fts, error))
    return FALSE;

  return TRUE;
}

static gboolean
insert_event (OsStore     *self,
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

static char *
record_payload (OsRecord *record)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *documents = os_record_get_documents (record);

#define ADD_STRING(key, value) \
  G_STMT_START { json_builder_set_member_name (b, key); \
                 json_builder_add_string_value (b, (value) ? (value) : ""); } G_STMT_END
#define ADD_INT(key, value) \
  G_STMT_START { json_builder_set_member_name (b, key); \
                 json_builder_add_int_value (b, value); } G_STMT_END

  json_builder_begin_object (b);
  ADD_STRING ("id", os_record_get_id (record));
  ADD_STRING ("code", os_record_get_code (record));
  ADD_STRING ("procedure_id", os_record_get_procedure_id (record));
  ADD_STRING ("procedure_code", os_record_get_procedure_code (record));
  ADD_STRING ("procedure_name", os_record_get_procedure_name (record));
  ADD_STRING ("applicant_name", os_record_get_applicant_name (record));
  ADD_STRING ("id_number", os_record_get_id_number (record));
  ADD_STRING ("birth_date", os_record_get_birth_date (record));
  ADD_STRING ("phone", os_record_get_phone (record));
  ADD_STRING ("email", os_record_get_email (record));
  ADD_STRING ("address", os_record_get_address (record));
  ADD_INT ("sets", os_record_get_sets (record));
  ADD_INT ("delivery", os_record_get_delivery (record));
  ADD_INT ("channel", os_record_get_channel (record));
  ADD_STRING ("notes", os_record_get_notes (record));
  ADD_STRING ("officer", os_record_get_officer (record));
  ADD_STRING ("reason", os_record_get_reason (record));
  ADD_INT ("status", os_record_get_status (record));
  ADD_INT ("received_at", os_record_get_received_at (record));
  ADD_INT ("due_at", os_record_get_due_at (record));
  json_builder_set_member_name (b, "documents");
  json_builder_begin_array (b);
  for (guint i = 0; i < documents->len; i++)
    {
      OsRecordDocument *d = g_ptr_array_index (documents, i);

      json_builder_begin_object (b);
      ADD_STRING ("name", d->name);
      ADD_INT ("originals", d->originals);
      ADD_INT ("certified", d->certified);
      ADD_INT ("copies", d->copies);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

#undef ADD_STRING
#undef ADD_INT

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static gboolean
insert_outbox (OsStore     *self,
               OsRecord    *record,
               const char  *kind,
               gint64       now,
               GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *id = os_uuid_v7_new ();
  g_autofree char *payload = record_payload (record);

  stmt = cached (self,
                  "INSERT INTO outbox (id, record_id, kind, payload, base_version, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, os_record_get_id (record));
  bind_text (stmt, 3, kind);
  bind_text (stmt, 4, payload);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!step_done (self, stmt, error))
    return FALSE;
  return TRUE;
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
  const char *action;
  OsStatus status;
  GDate date;
  gint64 number, book, local_id, due_at = 0;

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

  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!next_counter (self,
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

  if (!insert_record_row (self, record, agency->identifier, now, FALSE, &local_id, error) ||
      !insert_event (self, local_id, now, officer, action, status, os_record_get_reason (record), error) ||
      !insert_outbox (self, record, action, now, error) ||
      !exec (self, "COMMIT", error))
    goto fail;

  os_record_set_local_id (record, local_id);
  return TRUE;

fail:
  rollback (self);
  os_record_set_id (record, NULL);
  os_record_set_code (record, NULL);
  os_record_set_received_at (record, 0);
  os_record_set_due_at (record, 0);
  os_record_set_book_entry (record, 0, 0);
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

static OsRecord *
load_one (OsStore     *self,
          const char  *where,
          const char  *text,
          gint64       number,
          GError     **error)
{
  g_autofree char *sql = g_strconcat ("SELECT " OS_STORE_RECORD_COLUMNS " FROM records r WHERE ",
                                      where, NULL);
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  g_autoptr(sqlite3_stmt) docs = NULL;
  g_autoptr(OsRecord) record = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  if (text)
    bind_text (stmt, 1, text);
  else
    sqlite3_bind_int64 (stmt, 1, number);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                   _("Không tìm thấy hồ sơ %s."), text ? text : "");
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  record = os_store_record_from_stmt (stmt);

  docs = prepare (self,
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
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&record);
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
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

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

  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
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
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *record_uuid = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *id = os_uuid_v7_new ();
  gint64 version = 0;

  if (!attachment_record (self, a->record_id, &record_uuid, &version, error))
    return FALSE;
  payload = attachment_payload (a, record_uuid);
  stmt = prepare (self,
                  "INSERT INTO outbox (id, record_id, kind, payload, base_version, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);
  bind_text (stmt, 2, record_uuid);
  bind_text (stmt, 3, kind);
  bind_text (stmt, 4, payload);
  sqlite3_bind_int64 (stmt, 5, version);
  sqlite3_bind_int64 (stmt, 6, now);
  return step_done (self, stmt, error);
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
