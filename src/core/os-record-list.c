/* os-record-list.c
 *
 * Two ways to fill the list: without search text the list is every matching record,
 * newest first, counted once and read a page at a time as rows scroll into view; with
 * search text it is the newest OS_RECORD_LIST_SEARCH_LIMIT matches of the full-text
 * index, read at once.
 *
 * With an enrolled store (os_store_is_enrolled) each row also carries its sync state,
 * read in the same statement: the outbox's highest state for the record (through the
 * outbox_record index), NULL when nothing waits. With an empty outbox (a desk that is up
 * to date) the column is left out and every row is synced.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-record-list.h"
#include "os-store-private.h"
#include "os-text.h"

#define PAGE_SIZE 100
#define MAX_CACHED_PAGES 32

struct _OsRecordList
{
  GObject      parent_instance;

  OsStore     *store;

  char        *match;      /* FTS5 query, or NULL */
  OsStatus     status;
  OsDueState   due_state;
  gint64       from;
  gint64       to;

  gint64       now;
  gint64       near_due_at;
  gboolean     with_sync;  /* the store was enrolled at the last reload */
  guint        sync_generation;  /* bumped by os_record_list_sync_changed() */

  guint        n_items;
  guint64      rows_loaded;
  gboolean     truncated;
  GPtrArray   *found;      /* search mode: every item */
  GHashTable  *pages;      /* paged mode: page number → GPtrArray of OsRecord */
};

static void list_model_iface_init (GListModelInterface *iface);

/* The sync state of an item, as OsRecordSyncState + 1 (0: not read). */
#define SYNC_STATE_QUARK (sync_state_quark ())
static GQuark
sync_state_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("os-record-list-sync-state");
  return quark;
}

/* The sync generation an item's state was read at. */
#define SYNC_GENERATION_QUARK (sync_generation_quark ())
static GQuark
sync_generation_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("os-record-list-sync-generation");
  return quark;
}

static void
keep_sync_state (OsRecordList      *self,
                 OsRecord          *record,
                 OsRecordSyncState  state)
{
  g_object_set_qdata (G_OBJECT (record), SYNC_STATE_QUARK, GINT_TO_POINTER (state + 1));
  g_object_set_qdata (G_OBJECT (record), SYNC_GENERATION_QUARK, GUINT_TO_POINTER (self->sync_generation));
}

/* The extra column after OS_STORE_RECORD_COLUMNS when the list reads sync states. */
#define SYNC_COLUMN ", (SELECT MAX(o.state) FROM outbox o WHERE o.record_id = r.id)"
#define SYNC_COLUMN_INDEX 29

G_DEFINE_FINAL_TYPE_WITH_CODE (OsRecordList, os_record_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
os_record_list_finalize (GObject *object)
{
  OsRecordList *self = (OsRecordList *) object;

  g_clear_object (&self->store);
  g_free (self->match);
  g_clear_pointer (&self->found, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);

  G_OBJECT_CLASS (os_record_list_parent_class)->finalize (object);
}

static void
os_record_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  OsRecordList *self = OS_RECORD_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_record_list_class_init (OsRecordListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_record_list_finalize;
  object_class->get_property = os_record_list_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
os_record_list_init (OsRecordList *self)
{
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify) g_ptr_array_unref);
}

/* The WHERE clause of the filters; parameters are bound by bind_filters in the same order. */
static void
append_filters (OsRecordList *self,
                GString      *sql)
{
  g_string_append (sql, " WHERE 1");

  if (self->status != 0)
    g_string_append (sql, " AND r.status = :status");

  switch (self->due_state)
    {
    /* These must agree with os_record_compute_due_state(): no due date means no state,
     * and early / on time compare local (UTC+7, as everywhere in the core) dates. */
    case OS_DUE_STATE_IN_TIME:
      g_string_append (sql, " AND r.status IN (2, 4) AND r.due_at <> 0 AND r.due_at > :near");
      break;
    case OS_DUE_STATE_NEAR_DUE:
      g_string_append (sql, " AND r.status IN (2, 4) AND r.due_at <> 0 AND r.due_at >= :now AND r.due_at <= :near");
      break;
    case OS_DUE_STATE_OVERDUE:
      g_string_append (sql, " AND r.status IN (2, 4) AND r.due_at <> 0 AND r.due_at < :now");
      break;
    case OS_DUE_STATE_PAUSED:
      g_string_append (sql, " AND r.status IN (5, 6)");
      break;
    case OS_DUE_STATE_EARLY:
      g_string_append (sql, " AND r.status IN (9, 10) AND r.due_at <> 0 AND r.finished_at <> 0"
                            " AND r.finished_at <= r.due_at"
                            /* local days (UTC+7, no summer time) in integers */
                            " AND (r.finished_at + 25200) / 86400 < (r.due_at + 25200) / 86400");
      break;
    case OS_DUE_STATE_ON_TIME:
      g_string_append (sql, " AND r.status IN (9, 10) AND r.due_at <> 0 AND r.finished_at <> 0"
                            " AND r.finished_at <= r.due_at"
                            " AND (r.finished_at + 25200) / 86400 = (r.due_at + 25200) / 86400");
      break;
    case OS_DUE_STATE_LATE:
      g_string_append (sql, " AND r.status IN (9, 10) AND r.due_at <> 0 AND r.finished_at <> 0"
                            " AND r.finished_at > r.due_at");
      break;
    case OS_DUE_STATE_NONE:
    default:
      break;
    }

  if (self->from != 0)
    g_string_append (sql, " AND r.received_at >= :from");
  if (self->to != 0)
    g_string_append (sql, " AND r.received_at < :to");
}

static void
bind_named (sqlite3_stmt *stmt,
            const char   *name,
            gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
bind_filters (OsRecordList *self,
              sqlite3_stmt *stmt)
{
  bind_named (stmt, ":status", self->status);
  bind_named (stmt, ":now", self->now);
  bind_named (stmt, ":near", self->near_due_at);
  bind_named (stmt, ":from", self->from);
  bind_named (stmt, ":to", self->to);
  if (sqlite3_bind_parameter_index (stmt, ":match") > 0)
    sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, ":match"),
                       self->match, -1, SQLITE_TRANSIENT);
}

static sqlite3_stmt *
prepare_query (OsRecordList *self,
               const char   *sql)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (os_store_get_db (self->store), sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      g_warning ("Could not prepare the record list query: %s",
                 sqlite3_errmsg (os_store_get_db (self->store)));
      return NULL;
    }
  bind_filters (self, stmt);
  return stmt;
}

/* Whether the statement about to be made needs the sync column: the store is enrolled
 * and something is in the outbox (one index lookup). */
static gboolean
wants_sync_column (OsRecordList *self)
{
  sqlite3_stmt *stmt = NULL;
  gboolean any = TRUE;

  if (!self->with_sync)
    return FALSE;
  if (sqlite3_prepare_v2 (os_store_get_db (self->store), "SELECT EXISTS (SELECT 1 FROM outbox)", -1,
                          &stmt, NULL) != SQLITE_OK)
    return TRUE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    any = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_finalize (stmt);
  return any;
}

static GPtrArray *
read_rows (OsRecordList *self,
           sqlite3_stmt *stmt,
           gboolean      sync_column)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      OsRecord *record = os_store_record_from_stmt (stmt);

      if (self->with_sync)
        {
          OsRecordSyncState state;

          if (!sync_column || sqlite3_column_type (stmt, SYNC_COLUMN_INDEX) == SQLITE_NULL)
            state = OS_RECORD_SYNC_SYNCED;
          else if (sqlite3_column_int (stmt, SYNC_COLUMN_INDEX) == 1)
            state = OS_RECORD_SYNC_REFUSED;
          else
            state = OS_RECORD_SYNC_PENDING;
          keep_sync_state (self, record, state);
        }
      g_ptr_array_add (rows, record);
    }
  sqlite3_finalize (stmt);
  self->rows_loaded += rows->len;
  return rows;
}

static GPtrArray *
load_page (OsRecordList *self,
           guint         page)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " OS_STORE_RECORD_COLUMNS);
  gboolean sync_column = wants_sync_column (self);
  sqlite3_stmt *stmt;

  g_string_append (sql, sync_column ? SYNC_COLUMN " FROM records r" : " FROM records r");
  append_filters (self, sql);
  g_string_append_printf (sql, " ORDER BY r.received_at DESC, r.local_id DESC LIMIT %d OFFSET %u",
                          PAGE_SIZE, page * PAGE_SIZE);
  stmt = prepare_query (self, sql->str);
  if (stmt == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);
  return read_rows (self, stmt, sync_column);
}

static guint
count_matching (OsRecordList *self)
{
  g_autoptr(GString) sql = g_string_new ("SELECT COUNT(*) FROM records r");
  sqlite3_stmt *stmt;
  guint n = 0;

  append_filters (self, sql);
  stmt = prepare_query (self, sql->str);
  if (stmt == NULL)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static GPtrArray *
search (OsRecordList *self)
{
  g_autoptr(GString) sql = g_string_new ("SELECT " OS_STORE_RECORD_COLUMNS);
  gboolean sync_column = wants_sync_column (self);
  GPtrArray *rows;
  sqlite3_stmt *stmt;

  if (sync_column)
    g_string_append (sql, SYNC_COLUMN);
  g_string_append (sql, " FROM records_fts f JOIN records r ON r.local_id = f.rowid");
  append_filters (self, sql);
  g_string_append_printf (sql, " AND f.records_fts MATCH :match ORDER BY f.rowid DESC LIMIT %d",
                          OS_RECORD_LIST_SEARCH_LIMIT + 1);
  stmt = prepare_query (self, sql->str);
  if (stmt == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);
  rows = read_rows (self, stmt, sync_column);

  self->truncated = rows->len > OS_RECORD_LIST_SEARCH_LIMIT;
  if (self->truncated)
    g_ptr_array_set_size (rows, OS_RECORD_LIST_SEARCH_LIMIT);
  return rows;
}

char *
os_record_list_build_match (const char *text)
{
  g_autofree char *folded = os_text_fold (text);
  g_autoptr(GString) match = g_string_new (NULL);
  GString *token = g_string_new (NULL);

  for (const char *p = folded;; p++)
    {
      if (*p != '\0' && g_ascii_isalnum (*p))
        {
          g_string_append_c (token, *p);
          continue;
        }
      if (token->len > 0)
        {
          if (match->len > 0)
            g_string_append_c (match, ' ');
          g_string_append_printf (match, "\"%s\"*", token->str);
          g_string_truncate (token, 0);
        }
      if (*p == '\0')
        break;
    }
  g_string_free (token, TRUE);

  if (match->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&match), FALSE);
}

void
os_record_list_reload (OsRecordList *self)
{
  guint old_n, new_n;

  g_return_if_fail (OS_IS_RECORD_LIST (self));

  old_n = self->n_items;
  self->now = g_get_real_time () / G_USEC_PER_SEC;
  self->near_due_at = os_store_near_due_at (self->store, self->now);
  self->with_sync = os_store_is_enrolled (self->store);
  self->truncated = FALSE;
  g_hash_table_remove_all (self->pages);
  g_clear_pointer (&self->found, g_ptr_array_unref);

  if (self->match != NULL)
    self->found = search (self);
  new_n = self->found != NULL ? self->found->len : count_matching (self);

  /* Everything out, then everything in, not one (0, old_n, new_n): when a row GTK 4.8
   * tracks (focus, scroll anchor, selection) is in the removed range, GtkListItemManager
   * and GtkSingleSelection look for its item among every added item by pointer, so one
   * reload of a million records read the whole table a page at a time (minutes). */
  self->n_items = 0;
  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
  self->n_items = new_n;
  if (new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_n);
  if (old_n != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
os_record_list_set_query (OsRecordList *self,
                          const char   *text,
                          OsStatus      status,
                          OsDueState    due_state,
                          gint64        from,
                          gint64        to)
{
  g_return_if_fail (OS_IS_RECORD_LIST (self));

  g_free (self->match);
  self->match = os_record_list_build_match (text);
  self->status = status;
  self->due_state = due_state;
  self->from = from;
  self->to = to;

  os_record_list_reload (self);
}

OsRecordList *
os_record_list_new (OsStore *store)
{
  OsRecordList *self;

  g_return_val_if_fail (OS_IS_STORE (store), NULL);

  self = g_object_new (OS_TYPE_RECORD_LIST, NULL);
  self->store = g_object_ref (store);
  os_record_list_reload (self);
  return self;
}

gboolean
os_record_list_is_truncated (OsRecordList *self)
{
  g_return_val_if_fail (OS_IS_RECORD_LIST (self), FALSE);
  return self->truncated;
}

guint64
os_record_list_get_rows_loaded (OsRecordList *self)
{
  g_return_val_if_fail (OS_IS_RECORD_LIST (self), 0);
  return self->rows_loaded;
}

gint64
os_record_list_get_now (OsRecordList *self)
{
  g_return_val_if_fail (OS_IS_RECORD_LIST (self), 0);
  return self->now;
}

gint64
os_record_list_get_near_due_at (OsRecordList *self)
{
  g_return_val_if_fail (OS_IS_RECORD_LIST (self), 0);
  return self->near_due_at;
}

gboolean
os_record_list_get_with_sync_state (OsRecordList *self)
{
  g_return_val_if_fail (OS_IS_RECORD_LIST (self), FALSE);
  return self->with_sync;
}

OsRecordSyncState
os_record_list_item_get_sync_state (OsRecord *record)
{
  int stored;

  g_return_val_if_fail (OS_IS_RECORD (record), OS_RECORD_SYNC_SYNCED);

  stored = GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (record), SYNC_STATE_QUARK));
  return stored > 0 ? (OsRecordSyncState) (stored - 1) : OS_RECORD_SYNC_SYNCED;
}

OsRecordSyncState
os_record_list_refresh_sync_state (OsRecordList *self,
                                   OsRecord     *record)
{
  OsRecordSyncState state;

  g_return_val_if_fail (OS_IS_RECORD_LIST (self), OS_RECORD_SYNC_SYNCED);
  g_return_val_if_fail (OS_IS_RECORD (record), OS_RECORD_SYNC_SYNCED);

  if (!self->with_sync || os_record_get_id (record) == NULL)
    return OS_RECORD_SYNC_SYNCED;
  state = os_store_get_record_sync_state (self->store, os_record_get_id (record));
  keep_sync_state (self, record, state);
  return state;
}

void
os_record_list_sync_changed (OsRecordList *self)
{
  g_return_if_fail (OS_IS_RECORD_LIST (self));
  self->sync_generation++;
}

OsRecordSyncState
os_record_list_get_sync_state (OsRecordList *self,
                               OsRecord     *record)
{
  g_return_val_if_fail (OS_IS_RECORD_LIST (self), OS_RECORD_SYNC_SYNCED);
  g_return_val_if_fail (OS_IS_RECORD (record), OS_RECORD_SYNC_SYNCED);

  if (!self->with_sync)
    return OS_RECORD_SYNC_SYNCED;
  /* Read before the last change of the outbox (a cached page): read it again. */
  if (GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (record), SYNC_GENERATION_QUARK)) != self->sync_generation)
    return os_record_list_refresh_sync_state (self, record);
  return os_record_list_item_get_sync_state (record);
}

static GType
os_record_list_get_item_type (GListModel *model)
{
  return OS_TYPE_RECORD;
}

static guint
os_record_list_get_n_items (GListModel *model)
{
  return OS_RECORD_LIST (model)->n_items;
}

static gpointer
os_record_list_get_item (GListModel *model,
                         guint       position)
{
  OsRecordList *self = OS_RECORD_LIST (model);
  GPtrArray *page;
  guint page_number, offset;

  if (position >= self->n_items)
    return NULL;

  if (self->found != NULL)
    return g_object_ref (g_ptr_array_index (self->found, position));

  page_number = position / PAGE_SIZE;
  offset = position % PAGE_SIZE;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page_number));
  if (page == NULL)
    {
      if (g_hash_table_size (self->pages) >= MAX_CACHED_PAGES)
        g_hash_table_remove_all (self->pages);
      page = load_page (self, page_number);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page_number), page);
    }

  if (offset >= page->len)
    return NULL;  /* the table shrank under us; the next reload fixes the count */
  return g_object_ref (g_ptr_array_index (page, offset));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = os_record_list_get_item_type;
  iface->get_n_items = os_record_list_get_n_items;
  iface->get_item = os_record_list_get_item;
}
