/* os-store-process.c: see os-store-process.h.
 *
 * Definitions are rows of process_definitions (the ProcessDefinition JSON in `data`); the
 * procedures each published version serves are in process_procedures. A record's process
 * state is records.process (ProcessState JSON) with copies of what the inbox and the
 * statistics query; record_steps holds every stay of a record at a step, derived from the
 * state's entries and rewritten with it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-error.h"
#include "os-record-json.h"
#include "os-store-private.h"
#include "os-store-process.h"

/* The store's helpers (os-store-private.h) under the names os-store.c uses. */
#define prepare   os_store_prepare
#define step_done os_store_step_done
#define bind_text os_store_bind_text

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
node_to_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

/* The first column of the first row of the cached @sql (with @text as ?1 unless NULL), 0
 * when it has none. */
static gint64
select_int (OsStore    *self,
            const char *sql,
            const char *text)
{
  sqlite3_stmt *stmt = os_store_cached (self, sql, NULL);
  gint64 value = 0;

  if (stmt == NULL)
    return 0;
  if (text != NULL)
    bind_text (stmt, 1, text);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static JsonNode *
text_to_node (const char  *text,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, error))
    return NULL;
  return json_node_copy (json_parser_get_root (parser));
}

/* The record whose Record JSON is @text (an outbox row's `before`, a held copy). */
static OsRecord *
record_from_text (const char  *text,
                  GError     **error)
{
  g_autoptr(JsonNode) node = text_to_node (text, error);

  return node ? os_record_new_from_json (node, error) : NULL;
}

/* Process state in the records table -------------------------------------------- */

void
os_store_record_set_process_text (OsRecord   *record,
                                  const char *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  OsProcessState *state;

  if (text == NULL || *text == '\0')
    {
      os_record_take_process_state (record, NULL);
      return;
    }
  node = text_to_node (text, &error);
  state = node ? os_process_state_from_json (node, &error) : NULL;
  if (state == NULL)
    g_warning ("Process state of record %s unreadable: %s", os_record_get_code (record),
               error ? error->message : "?");
  os_record_take_process_state (record, state);
}

typedef struct
{
  char   *step_id;
  gint64  entered_at;
  gint64  left_at;
  gint64  due_at;
} Stay;

static void
stay_clear (Stay *stay)
{
  g_free (stay->step_id);
}

/* Every stay of the record at a step, from the state's entries: a stay ends with an action
 * that moves the record to another step (or out of the process), and the step it moves to
 * starts one. The first step was entered at reception; the current one at the state's
 * step_entered_at. An action later rolled back did move the record, so the stay it began
 * counts; its ROLLBACK ends that stay and takes the record back into the stay the action
 * had ended, which goes on from the time it began (as the engine restores the step's entry
 * time and deadline). */
static GArray *
derive_stays (OsRecord             *record,
              const OsProcessState *state)
{
  GArray *stays = g_array_new (FALSE, TRUE, sizeof (Stay));
  /* For each action not undone yet, in order: the index in @stays of the stay it ended
   * (-1: none). A ROLLBACK undoes the last of them, as the engine does. */
  g_autoptr(GArray) ended = g_array_new (FALSE, FALSE, sizeof (int));
  Stay open = { NULL, 0, 0, 0 };

  g_array_set_clear_func (stays, (GDestroyNotify) stay_clear);

  for (guint i = 0; state->entries != NULL && i < state->entries->len; i++)
    {
      const OsProcessEntry *e = g_ptr_array_index (state->entries, i);
      const char *from = e->from_step ? e->from_step : "";
      const char *to = e->to_step ? e->to_step : "";
      int closed = -1, undone = -1;

      if (e->action == OS_ACTION_ROLLBACK && ended->len > 0)
        {
          undone = g_array_index (ended, int, ended->len - 1);
          g_array_set_size (ended, ended->len - 1);
        }
      if (open.step_id == NULL && *from != '\0')
        {
          open.step_id = g_strdup (from);
          open.entered_at = os_record_get_received_at (record);
        }
      if (g_strcmp0 (from, to) != 0)
        {
          if (open.step_id != NULL)
            {
              open.left_at = MAX (e->at, open.entered_at);
              open.due_at = e->step_due_at;
              g_array_append_val (stays, open);
              closed = (int) stays->len - 1;
              memset (&open, 0, sizeof open);
            }
          if (undone >= 0 && g_strcmp0 (g_array_index (stays, Stay, undone).step_id, to) == 0)
            {
              /* Back into the stay the undone action ended: it goes on. */
              open = g_array_index (stays, Stay, undone);
              open.left_at = 0;
              g_array_index (stays, Stay, undone).step_id = NULL;
              g_array_remove_index (stays, undone);
            }
          else if (*to != '\0')
            {
              open.step_id = g_strdup (to);
              open.entered_at = e->at;
            }
        }
      if (e->action != OS_ACTION_ROLLBACK)
        g_array_append_val (ended, closed);
    }

  if (state->step_id != NULL && *state->step_id != '\0')
    {
      if (open.step_id == NULL || g_strcmp0 (open.step_id, state->step_id) != 0)
        {
          g_free (open.step_id);
          open.step_id = g_strdup (state->step_id);
        }
      if (state->step_entered_at > 0)
        open.entered_at = state->step_entered_at;
      else if (open.entered_at == 0)
        open.entered_at = os_record_get_received_at (record);
      open.left_at = 0;
      open.due_at = state->step_due_at;
      g_array_append_val (stays, open);
    }
  else
    g_free (open.step_id);

  return stays;
}

gboolean
os_store_write_process (OsStore    *self,
                        gint64      local_id,
                        OsRecord   *record,
                        GError    **error)
{
  OsProcessState *state = os_record_get_process_state (record);
  g_autofree char *text = NULL;
  g_autofree char *co_processors = NULL;
  sqlite3_stmt *stmt;

  if (state != NULL)
    {
      g_autoptr(JsonNode) node = os_process_state_to_json (state);

      text = node_to_text (node);
    }
  if (state != NULL && state->co_processors != NULL && state->co_processors[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", state->co_processors);

      co_processors = g_strdup_printf (",%s,", joined);
    }

  stmt = os_store_cached (self,
                          "UPDATE records SET process = ?2, process_id = ?3, process_version = ?4, step_id = ?5, "
                          "step_name = ?6, step_unit = ?7, step_role = ?8, assignee = ?9, step_due_at = ?10, "
                          "co_processors = ?11 WHERE local_id = ?1",
                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  bind_text (stmt, 2, text);
  bind_text (stmt, 3, state ? state->process_id : NULL);
  sqlite3_bind_int (stmt, 4, state ? state->process_version : 0);
  bind_text (stmt, 5, state ? state->step_id : NULL);
  bind_text (stmt, 6, state ? state->step_name : NULL);
  bind_text (stmt, 7, state ? state->step_unit : NULL);
  bind_text (stmt, 8, state ? state->step_role : NULL);
  bind_text (stmt, 9, state ? state->assignee : NULL);
  sqlite3_bind_int64 (stmt, 10, state && state->step_id && *state->step_id ? state->step_due_at : 0);
  bind_text (stmt, 11, co_processors);
  if (!step_done (self, stmt, error))
    return FALSE;

  stmt = os_store_cached (self, "DELETE FROM record_steps WHERE record_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, local_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (state != NULL)
    {
      g_autoptr(GArray) stays = derive_stays (record, state);

      for (guint i = 0; i < stays->len; i++)
        {
          const Stay *s = &g_array_index (stays, Stay, i);

          stmt = os_store_cached (self,
                                  "INSERT INTO record_steps (record_id, seq, process_id, process_version, "
                                  "step_id, entered_at, left_at, due_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                  error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, local_id);
          sqlite3_bind_int (stmt, 2, i + 1);
          bind_text (stmt, 3, state->process_id);
          sqlite3_bind_int (stmt, 4, state->process_version);
          bind_text (stmt, 5, s->step_id);
          sqlite3_bind_int64 (stmt, 6, s->entered_at);
          sqlite3_bind_int64 (stmt, 7, s->left_at);
          sqlite3_bind_int64 (stmt, 8, s->due_at);
          if (!step_done (self, stmt, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Definitions -------------------------------------------------------------------- */

static gboolean
insert_definition (OsStore     *self,
                   OsProcess   *process,
                   gboolean     replace,
                   GError     **error)
{
  g_autofree char *data = os_process_to_data (process);
  sqlite3_stmt *stmt;
  const char * const *procedures;

#define INSERT_DEFINITION(conflict) \
  "INSERT OR " conflict " INTO process_definitions (id, version, name, data, published_at, published_by, " \
  "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
  stmt = os_store_cached (self, replace ? INSERT_DEFINITION ("REPLACE") : INSERT_DEFINITION ("IGNORE"), error);
#undef INSERT_DEFINITION
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, os_process_get_id (process));
  sqlite3_bind_int (stmt, 2, os_process_get_version (process));
  bind_text (stmt, 3, os_process_get_name (process));
  bind_text (stmt, 4, data);
  sqlite3_bind_int64 (stmt, 5, os_process_get_published_at (process));
  bind_text (stmt, 6, os_process_get_published_by (process));
  sqlite3_bind_int64 (stmt, 7, now_seconds ());
  if (!step_done (self, stmt, error))
    return FALSE;

  if (os_process_get_version (process) == 0)
    return TRUE;
  procedures = os_process_get_procedures (process);
  for (guint i = 0; procedures != NULL && procedures[i] != NULL; i++)
    {
      stmt = os_store_cached (self,
                              "INSERT OR IGNORE INTO process_procedures (procedure_id, process_id, version) "
                              "VALUES (?1, ?2, ?3)",
                              error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, procedures[i]);
      bind_text (stmt, 2, os_process_get_id (process));
      sqlite3_bind_int (stmt, 3, os_process_get_version (process));
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
os_store_save_process_draft (OsStore    *self,
                             OsProcess  *draft,
                             GError    **error)
{
  g_autoptr(OsProcess) copy = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (OS_IS_PROCESS (draft), FALSE);

  copy = os_process_copy (draft);
  os_process_set_published (copy, 0, 0, "");
  return insert_definition (self, copy, TRUE, error);
}

gboolean
os_store_delete_process_draft (OsStore     *self,
                               const char  *process_id,
                               GError     **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (process_id != NULL, FALSE);

  return os_store_run_text (self, "DELETE FROM process_definitions WHERE id = ?1 AND version = 0", process_id,
                            error);
}

static int
latest_version (OsStore    *self,
                const char *process_id)
{
  return (int) select_int (self, "SELECT COALESCE(MAX(version), 0) FROM process_definitions "
                                 "WHERE id = ?1 AND version > 0",
                           process_id);
}

OsProcess *
os_store_publish_process (OsStore    *self,
                          OsProcess  *draft,
                          GError    **error)
{
  g_autoptr(OsProcess) copy = NULL;
  const OsActor *actor;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (OS_IS_PROCESS (draft), NULL);

  if (!os_process_validate (draft, error))
    return NULL;

  actor = os_store_get_actor (self);
  if (!os_store_exec (self, "BEGIN IMMEDIATE", error))
    return NULL;
  copy = os_process_copy (draft);
  os_process_set_published (copy, latest_version (self, os_process_get_id (draft)) + 1, now_seconds (),
                            actor && actor->full_name ? actor->full_name : "");
  if (!insert_definition (self, copy, FALSE, error) ||
      !os_store_delete_process_draft (self, os_process_get_id (copy), error) ||
      !os_store_exec (self, "COMMIT", error))
    goto fail;
  return g_steal_pointer (&copy);

fail:
  os_store_rollback (self);
  return NULL;
}

gboolean
os_store_put_process_version (OsStore    *self,
                              OsProcess  *published,
                              GError    **error)
{
  g_return_val_if_fail (OS_IS_STORE (self), FALSE);
  g_return_val_if_fail (OS_IS_PROCESS (published), FALSE);

  if (os_process_get_version (published) < 1)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Quy trình “%s” chưa được ban hành."), os_process_get_name (published));
      return FALSE;
    }
  /* A published version never changes: the first copy stays. */
  return insert_definition (self, published, FALSE, error);
}

static OsProcess *
process_from_stmt (sqlite3_stmt  *stmt,
                   int            column,
                   GError       **error)
{
  return os_process_new_from_data ((const char *) sqlite3_column_text (stmt, column), error);
}

OsProcess *
os_store_load_process (OsStore     *self,
                       const char  *process_id,
                       int          version,
                       GError     **error)
{
  sqlite3_stmt *stmt;
  OsProcess *process;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (process_id != NULL, NULL);

  if (version < 0)
    stmt = os_store_cached (self,
                            "SELECT data FROM process_definitions WHERE id = ?1 AND version > 0 "
                            "ORDER BY version DESC LIMIT 1",
                            error);
  else
    stmt = os_store_cached (self, "SELECT data FROM process_definitions WHERE id = ?1 AND version = ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, process_id);
  if (version >= 0)
    sqlite3_bind_int (stmt, 2, version);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      if (version > 0)
        g_set_error (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                     _("Máy này chưa có phiên bản %d của quy trình; hãy đồng bộ với máy chủ rồi thử lại."),
                     version);
      else
        g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                             version == 0 ? _("Quy trình này không có bản nháp.")
                                          : _("Quy trình này chưa được ban hành."));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  process = process_from_stmt (stmt, 0, error);
  sqlite3_reset (stmt);
  return process;
}

GPtrArray *
os_store_list_processes (OsStore  *self,
                         GError  **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  stmt = prepare (self,
                  "SELECT p.data FROM process_definitions p WHERE p.version = 0 OR "
                  "(NOT EXISTS (SELECT 1 FROM process_definitions d WHERE d.id = p.id AND d.version = 0) AND "
                  "p.version = (SELECT MAX(m.version) FROM process_definitions m WHERE m.id = p.id)) "
                  "ORDER BY p.name, p.id",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      OsProcess *process = process_from_stmt (stmt, 0, &local_error);

      if (process == NULL)
        g_warning ("A stored process definition is unreadable: %s", local_error->message);
      else
        g_ptr_array_add (list, process);
    }
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

OsProcess *
os_store_find_process_for_procedure (OsStore    *self,
                                     const char *procedure_id)
{
  sqlite3_stmt *stmt;
  g_autofree char *process_id = NULL;
  int version = 0;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  if (procedure_id == NULL || *procedure_id == '\0')
    return NULL;

  /* Of the processes whose latest version lists the procedure, the one published last. */
  stmt = os_store_cached (self,
                          "SELECT pp.process_id, pp.version FROM process_procedures pp "
                          "JOIN process_definitions d ON d.id = pp.process_id AND d.version = pp.version "
                          "WHERE pp.procedure_id = ?1 AND pp.version = "
                          "(SELECT MAX(m.version) FROM process_definitions m WHERE m.id = pp.process_id) "
                          "ORDER BY d.published_at DESC, pp.process_id LIMIT 1",
                          NULL);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, procedure_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      process_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      version = sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (process_id == NULL)
    return NULL;
  return os_store_load_process (self, process_id, version, NULL);
}

gint64
os_store_get_processes_version (OsStore *self)
{
  g_return_val_if_fail (OS_IS_STORE (self), 0);

  return select_int (self, "SELECT COALESCE(MAX(version), 0) FROM process_definitions", NULL);
}

gboolean
os_store_apply_processes (OsStore     *self,
                          JsonNode    *feed,
                          const char  *etag,
                          GError     **error)
{
  JsonObject *root = feed && JSON_NODE_HOLDS_OBJECT (feed) ? json_node_get_object (feed) : NULL;
  JsonNode *member = root ? json_object_get_member (root, "processes") : NULL;
  JsonArray *processes = member && JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;

  g_return_val_if_fail (OS_IS_STORE (self), FALSE);

  if (processes == NULL)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
                   _("Máy chủ trả lời không đúng giao thức (%s)."), "ProcessDefinitions");
      return FALSE;
    }

  if (!os_store_exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(OsProcess) process = os_process_new_from_json (json_array_get_element (processes, i),
                                                               &local_error);

      /* One definition the desk cannot read does not keep the others out. */
      if (process == NULL || os_process_get_version (process) < 1)
        {
          g_message ("Process definition %u of the server skipped: %s", i,
                     local_error ? local_error->message : "not published");
          continue;
        }
      if (!insert_definition (self, process, FALSE, error))
        goto fail;
    }
  if (!os_store_set_setting (self, "processes-etag", etag ? etag : "", error) ||
      !os_store_exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  os_store_rollback (self);
  return FALSE;
}

/* Actions ------------------------------------------------------------------------ */

gint64
os_store_get_record_version (OsStore    *self,
                             const char *record_id)
{
  g_return_val_if_fail (OS_IS_STORE (self), 0);

  return select_int (self, "SELECT version FROM records WHERE id = ?1", record_id);
}

/* The payload of an `action` mutation. */
static char *
action_payload (const char            *process_id,
                int                    process_version,
                const OsActionRequest *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "process_id");
  json_builder_add_string_value (b, process_id);
  json_builder_set_member_name (b, "process_version");
  json_builder_add_int_value (b, process_version);
  json_builder_set_member_name (b, "request");
  json_builder_add_value (b, os_action_request_to_json (request));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return node_to_text (root);
}

/* The note of the history line of an action: the reason and the note typed. */
static char *
action_note (const OsActionRequest *request,
             const OsProcessState  *state)
{
  GString *note = g_string_new ("");

  if (state != NULL && state->step_name != NULL && *state->step_name != '\0')
    g_string_append_printf (note, _("Bước: %s."), state->step_name);
  if (request->reason != NULL && *request->reason != '\0')
    g_string_append_printf (note, "%s%s", note->len ? " " : "", request->reason);
  if (request->note != NULL && *request->note != '\0')
    g_string_append_printf (note, "%s%s", note->len ? " " : "", request->note);
  return g_string_free (note, FALSE);
}

/* Runs @request on @record (the row @local_id, its version @version) as @actor, and saves
 * the result: record, process columns, steps, a history line and an `action` outbox row
 * made against @version (@before: the record's JSON before). In the caller's transaction. */
static gboolean
run_action (OsStore          *self,
            gint64            local_id,
            OsRecord         *record,
            const char       *agency,
            const char       *unit_id,
            gint64            version,
            gint64            seq,
            const OsActor    *actor,
            OsActionRequest  *request,
            gint64            now,
            GError          **error)
{
  OsProcessState *state = os_record_get_process_state (record);
  g_autoptr(OsProcess) definition = NULL;
  g_autofree char *process_id = NULL;
  g_autofree char *before = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *note = NULL;
  g_autoptr(GError) local_error = NULL;
  int process_version;

  if (state == NULL)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED,
                   _("Hồ sơ %s không theo quy trình xử lý nào."), os_record_get_code (record));
      return FALSE;
    }
  process_id = g_strdup (state->process_id);
  process_version = state->process_version;
  definition = os_store_load_process (self, process_id, process_version, &local_error);
  if (definition == NULL)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_ACTION_REFUSED,
                   _("Máy này chưa có quy trình mà hồ sơ %s đang theo (phiên bản %d). Hãy đồng bộ "
                     "với máy chủ rồi thử lại."),
                   os_record_get_code (record), process_version);
      return FALSE;
    }

  before = os_store_record_payload (record, agency, unit_id);
  if (!os_process_engine_apply (definition, os_store_get_calendar (self), record, actor, request, error))
    return FALSE;

  note = action_note (request, os_record_get_process_state (record));
  payload = action_payload (process_id, process_version, request);
  if (!os_store_write_record_fields (self, local_id, record, now, error) ||
      !os_store_write_process (self, local_id, record, error) ||
      !os_store_mark_record_changed (self, local_id, error))
    return FALSE;
  return os_store_insert_event (self, local_id, request->at ? request->at : now,
                                actor->full_name && *actor->full_name ? actor->full_name : actor->username,
                                os_action_to_string (request->action), os_record_get_status (record), note,
                                error) &&
         os_store_insert_outbox_row (self, seq, os_record_get_id (record), "action", payload, version, before,
                                     now, error);
}

OsRecord *
os_store_apply_action (OsStore          *self,
                       const char       *record_id,
                       gint64            expected_version,
                       OsActionRequest  *request,
                       GError          **error)
{
  g_autoptr(OsActionRequest) copy = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_auto(OsRecordRow) row = { 0 };
  const OsActor *actor;
  gint64 now = now_seconds ();

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  actor = os_store_get_actor (self);
  /* The engine writes its computed deadlines into the request: into a copy, so the
   * caller's stays as typed whatever happens. */
  copy = os_action_request_copy (request);
  if (copy->at == 0)
    copy->at = now;

  if (!os_store_exec (self, "BEGIN IMMEDIATE", error))
    return NULL;

  if (!os_store_find_record_row (self, record_id, &row, error))
    goto fail;
  if (row.local_id == 0)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Hồ sơ này không còn trên máy (có thể đã bị xóa trên máy chủ)."));
      goto fail;
    }
  if (row.version != expected_version)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_CONFLICT,
                   _("Hồ sơ %s vừa được cập nhật (trên máy này hoặc do đồng bộ từ máy chủ) sau khi bạn mở "
                     "nó. Hãy xem lại tình trạng hồ sơ rồi thao tác lại."),
                   row.code);
      goto fail;
    }

  record = os_store_load_record_in_tx (self, row.local_id, error);
  if (record == NULL)
    goto fail;
  if (!run_action (self, row.local_id, record, row.agency, row.unit_id, row.version, 0, actor, copy, now, error) ||
      !os_store_exec (self, "COMMIT", error))
    goto fail;

  os_store_emit_changed (self, TRUE, TRUE);
  return g_steal_pointer (&record);

fail:
  os_store_rollback (self);
  return NULL;
}

/* The quarantine of `action` rows ------------------------------------------------ */

/* The outbox row @seq: *before (the record's JSON before its action; NULL when it has
 * none), its base version and, with @error_code, the server's refusal code. */
static gboolean
outbox_before (OsStore     *self,
               gint64       seq,
               char       **before,
               gint64      *base_version,
               char       **error_code,
               GError     **error)
{
  sqlite3_stmt *stmt = os_store_cached (self, "SELECT base_version, before, error_code FROM outbox WHERE seq = ?1",
                                        error);
  gboolean found;

  *before = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  if (!os_store_step_row (self, stmt, &found, error))
    return FALSE;
  if (found)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 1);

      *base_version = sqlite3_column_int64 (stmt, 0);
      *before = text && *text ? g_strdup (text) : NULL;
      if (error_code != NULL)
        *error_code = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The `action` rows of @record_id from @seq on leave the outbox. */
static gboolean
delete_actions_from (OsStore     *self,
                     const char  *record_id,
                     gint64       seq,
                     GError     **error)
{
  return os_store_run_text_int (self, "DELETE FROM outbox WHERE record_id = ?1 AND kind = 'action' AND seq >= ?2",
                                record_id, seq, error);
}

/* The server's copy of @record_id: the one pulled and held while the desk had changes
 * waiting, else the record as it was before the action @seq (what the server still has
 * when it refused it at that version). *server_version gets its version. */
static OsRecord *
server_copy (OsStore     *self,
             const char  *record_id,
             gint64       seq,
             gint64      *server_version,
             GError     **error)
{
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;

  if (!os_store_read_held_copy (self, record_id, server_version, &text, NULL, error))
    return NULL;
  if (text == NULL)
    {
      if (!outbox_before (self, seq, &text, server_version, &code, error))
        return NULL;
      /* Refused as stale, the server has a newer copy than the one before the action:
       * run on that one, it would be stale again. */
      if (g_strcmp0 (code, "stale_version") == 0)
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                               _("Máy chưa nhận được bản mới nhất của hồ sơ từ máy chủ. Hãy đồng bộ (F5) rồi "
                                 "gửi lại."));
          return NULL;
        }
    }
  if (text == NULL)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Máy chưa có bản hồ sơ hiện tại của máy chủ để thao tác lại. Hãy đồng bộ "
                             "rồi thử lại, hoặc bỏ thao tác này."));
      return NULL;
    }
  return record_from_text (text, error);
}

gboolean
os_store_resend_action (OsStore     *self,
                        gint64       seq,
                        const char  *mutation_id,
                        const char  *record_id,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(OsRecordRow) row = { 0 };
  gint64 server_version = 0;
  int rc;

  if (!os_store_find_record_row (self, record_id, &row, error))
    return FALSE;
  if (row.local_id == 0)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_NOT_FOUND,
                           _("Hồ sơ này không còn trên máy (có thể đã bị xóa trên máy chủ), "
                             "không gửi lại được. Hãy bỏ thao tác này."));
      return FALSE;
    }

  record = server_copy (self, record_id, seq, &server_version, error);
  if (record == NULL)
    return FALSE;
  os_record_set_local_id (record, row.local_id);

  /* The action and every later action of the record (made on its result) are re-run, in
   * order, on the server's copy. */
  stmt = prepare (self,
                  "SELECT seq, payload FROM outbox WHERE record_id = ?1 AND kind = 'action' AND seq >= ?2 "
                  "ORDER BY seq",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, record_id);
  sqlite3_bind_int64 (stmt, 2, seq);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 s = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (seqs, s);
      g_ptr_array_add (payloads, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    return os_store_set_sqlite_error (self, rc, error);

  if (!delete_actions_from (self, record_id, seq, error))
    return FALSE;

  for (guint i = 0; i < payloads->len; i++)
    {
      g_autoptr(JsonNode) node = text_to_node (g_ptr_array_index (payloads, i), NULL);
      JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *member = o ? json_object_get_member (o, "request") : NULL;
      g_autoptr(OsActionRequest) request = member ? os_action_request_from_json (member, NULL) : NULL;

      if (request == NULL)
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                               _("Thao tác này không đọc được nữa, không gửi lại được. Hãy bỏ thao tác này."));
          return FALSE;
        }
      /* Done again now, with the deadlines computed again. */
      request->at = now;
      request->step_due_at = 0;
      request->due_at = 0;
      if (!run_action (self, row.local_id, record, row.agency, row.unit_id, server_version + i,
                       g_array_index (seqs, gint64, i), os_store_get_actor (self), request, now, error))
        {
          if (error != NULL && *error != NULL && (*error)->domain == OS_ERROR &&
              (*error)->code == OS_ERROR_ACTION_REFUSED)
            g_prefix_error (error, _("Không thao tác lại được trên bản hồ sơ hiện tại của máy chủ: "));
          return FALSE;
        }
    }

  /* The server's copy is now the desk's base; nothing held stays aside. */
  g_clear_pointer (&stmt, sqlite3_finalize);
  stmt = prepare (self,
                  "UPDATE records SET server_version = MAX(server_version, ?2), synced = 0 WHERE local_id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, row.local_id);
  sqlite3_bind_int64 (stmt, 2, server_version);
  return step_done (self, stmt, error) &&
         os_store_run_text (self, "DELETE FROM held_changes WHERE record_id = ?1", record_id, error);
}

gboolean
os_store_discard_action (OsStore     *self,
                         gint64       seq,
                         const char  *record_id,
                         gboolean    *changed,
                         GError     **error)
{
  g_autofree char *before = NULL;
  gint64 local_id, base_version = 0;

  if (!outbox_before (self, seq, &before, &base_version, NULL, error) ||
      !delete_actions_from (self, record_id, seq, error))
    return FALSE;

  /* The record goes back to where it stood before the action (a held server copy, taken
   * by the caller once nothing else waits, replaces it then). */
  local_id = os_store_lookup_record (self, record_id);
  if (local_id != 0 && before != NULL)
    {
      g_autoptr(OsRecord) previous = record_from_text (before, NULL);
      g_autoptr(OsRecord) current = NULL;
      OsProcessState *state;

      if (previous == NULL)
        return TRUE;
      current = os_store_load_record_in_tx (self, local_id, error);
      if (current == NULL)
        return FALSE;
      state = os_record_get_process_state (previous);
      os_record_set_status (current, os_record_get_status (previous));
      os_record_set_due_at (current, os_record_get_due_at (previous));
      os_record_set_finished_at (current, os_record_get_finished_at (previous));
      os_record_set_returned_at (current, os_record_get_returned_at (previous));
      os_record_take_process_state (current, state ? os_process_state_copy (state) : NULL);
      if (!os_store_write_record_fields (self, local_id, current, now_seconds (), error) ||
          !os_store_write_process (self, local_id, current, error))
        return FALSE;
      *changed = TRUE;
    }
  return TRUE;
}

/* The inbox ---------------------------------------------------------------------- */

static char *
strv_to_json (char **strv)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (b, strv[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return node_to_text (root);
}

/* ?1 username, ?2 roles (JSON array), ?3 units (JSON array). */
#define INBOX_WHERE \
  "r.step_id <> '' AND (r.assignee = ?1 OR " \
  "(r.co_processors <> '' AND instr (r.co_processors, ',' || ?1 || ',') > 0) OR (r.assignee = '' AND " \
  "r.step_role IN (SELECT value FROM json_each (?2)) AND " \
  "(r.step_unit = '' OR r.step_unit IN (SELECT value FROM json_each (?3)))))"

static void
bind_actor (sqlite3_stmt  *stmt,
            const OsActor *actor)
{
  g_autofree char *roles = strv_to_json (actor->roles);
  g_autofree char *units = strv_to_json (actor->units);

  bind_text (stmt, 1, actor->username && *actor->username ? actor->username : "\x01");
  bind_text (stmt, 2, roles);
  bind_text (stmt, 3, units);
}

GPtrArray *
os_store_list_inbox (OsStore        *self,
                     const OsActor  *actor,
                     guint           limit,
                     GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  if (actor == NULL)
    actor = os_store_get_actor (self);

  /* Paused records last; then those past the due date or the step's deadline; then the
   * nearer of the two deadlines first. */
  stmt = prepare (self,
                  OS_STORE_RECORD_SELECT "WHERE " INBOX_WHERE " "
                  "ORDER BY r.status IN (5, 6), "
                  "CASE WHEN r.status = 9 THEN 2 "
                  "WHEN (r.due_at > 0 AND r.due_at <= ?4) OR (r.step_due_at > 0 AND r.step_due_at <= ?4) "
                  "THEN 0 ELSE 1 END, "
                  "MIN(CASE WHEN r.step_due_at > 0 THEN r.step_due_at ELSE 9223372036854775807 END, "
                  "CASE WHEN r.due_at > 0 THEN r.due_at ELSE 9223372036854775807 END), "
                  "r.received_at, r.local_id LIMIT ?5",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_actor (stmt, actor);
  sqlite3_bind_int64 (stmt, 4, now_seconds ());
  sqlite3_bind_int64 (stmt, 5, limit > 0 ? (gint64) limit : -1);
  return os_store_read_records (self, stmt, FALSE, error);
}

gint64
os_store_count_inbox (OsStore       *self,
                      const OsActor *actor)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), -1);

  if (actor == NULL)
    actor = os_store_get_actor (self);
  stmt = prepare (self, "SELECT COUNT(*) FROM records r WHERE " INBOX_WHERE, NULL);
  if (stmt == NULL)
    return -1;
  bind_actor (stmt, actor);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/* Statistics --------------------------------------------------------------------- */

void
os_step_stats_clear (OsStepStats *stats)
{
  if (stats != NULL)
    g_clear_pointer (&stats->step_id, g_free);
}

static OsStepStats *
stats_for (GArray     *array,
           GHashTable *index,
           const char *step_id)
{
  gpointer position;

  if (!g_hash_table_lookup_extended (index, step_id, NULL, &position))
    {
      OsStepStats stats = { g_strdup (step_id), 0, 0, 0, 0, 0 };

      g_array_append_val (array, stats);
      position = GUINT_TO_POINTER (array->len - 1);
      g_hash_table_insert (index, g_strdup (step_id), position);
    }
  return &g_array_index (array, OsStepStats, GPOINTER_TO_UINT (position));
}

static int
compare_stats (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (((const OsStepStats *) a)->step_id, ((const OsStepStats *) b)->step_id);
}

/* The median of the sorted @values; p90 by the nearest rank. */
static void
finish_samples (OsStepStats *stats,
                GArray      *values)
{
  guint n = values->len;

  stats->samples = (int) n;
  if (n == 0)
    return;
  if (n % 2 == 1)
    stats->median = g_array_index (values, gint64, n / 2);
  else
    stats->median = (g_array_index (values, gint64, n / 2 - 1) + g_array_index (values, gint64, n / 2)) / 2;
  stats->p90 = g_array_index (values, gint64, (n * 9 + 9) / 10 - 1);
}

GArray *
os_store_process_stats (OsStore     *self,
                        const char  *process_id,
                        int          version,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(GArray) array = g_array_new (FALSE, TRUE, sizeof (OsStepStats));
  g_autoptr(GHashTable) index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *current = NULL;
  int rc;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);
  g_return_val_if_fail (process_id != NULL, NULL);

  g_array_set_clear_func (array, (GDestroyNotify) os_step_stats_clear);

  /* Where records stand now (@version ≤ 0: every version). Paused records are not late. */
  stmt = prepare (self,
                  "SELECT step_id, COUNT(*), "
                  "SUM(step_due_at > 0 AND step_due_at < ?3 AND status NOT IN (5, 6)) FROM records "
                  "WHERE process_id = ?1 AND (?2 <= 0 OR process_version = ?2) AND step_id <> '' "
                  "GROUP BY step_id",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, process_id);
  sqlite3_bind_int (stmt, 2, version);
  sqlite3_bind_int64 (stmt, 3, now);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OsStepStats *s = stats_for (array, index, (const char *) sqlite3_column_text (stmt, 0));

      s->now = sqlite3_column_int (stmt, 1);
      s->late = sqlite3_column_int (stmt, 2);
    }
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* How long finished stays took. */
  stmt = prepare (self,
                  "SELECT step_id, left_at - entered_at FROM record_steps "
                  "WHERE process_id = ?1 AND (?2 <= 0 OR process_version = ?2) AND left_at > 0 "
                  "ORDER BY step_id, 2",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, process_id);
  sqlite3_bind_int (stmt, 2, version);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *step = (const char *) sqlite3_column_text (stmt, 0);
      gint64 spent = MAX (0, sqlite3_column_int64 (stmt, 1));

      if (current != NULL && g_strcmp0 (current, step) != 0)
        {
          finish_samples (stats_for (array, index, current), values);
          g_array_set_size (values, 0);
        }
      if (current == NULL || g_strcmp0 (current, step) != 0)
        {
          g_free (current);
          current = g_strdup (step);
        }
      g_array_append_val (values, spent);
    }
  if (rc != SQLITE_DONE)
    {
      os_store_set_sqlite_error (self, rc, error);
      return NULL;
    }
  if (current != NULL)
    finish_samples (stats_for (array, index, current), values);

  g_array_sort (array, compare_stats);
  return g_steal_pointer (&array);
}

/* The tracking book -------------------------------------------------------------- */

GPtrArray *
os_store_list_book (OsStore  *self,
                    gint64    from,
                    gint64    to,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (OS_IS_STORE (self), NULL);

  stmt = prepare (self,
                  OS_STORE_RECORD_SELECT
                  "WHERE r.received_at >= ?1 AND r.received_at < ?2 "
                  "ORDER BY r.book_volume, r.book_number, r.local_id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  return os_store_read_records (self, stmt, TRUE, error);
}
