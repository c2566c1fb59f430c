/* os-process-engine.c: see os-process-engine.h.
 *
 * Rules beyond the header's:
 *  - Moves (HAND_OVER, PROCESS, REVIEW, SIGN, and ASSIGN at a step that has an "accept"
 *    link) follow the link of the chosen outcome. Entering a step copies its name, unit and
 *    role, sets step_entered_at, and its deadline: SESSIONS × budget from the action
 *    (os_calendar_compute_due), 0 without a budget. The assignee is nobody, or the
 *    request's for ASSIGN, or a pre-assignment by a head / leader of the unit of the step
 *    entered (anybody else naming one is refused). Entering a step that can return the
 *    result by "accept" makes the result APPROVED, by "refuse" REFUSED, and the record
 *    finished (status 9).
 *  - ASSIGN (phân công): at a step not yet assigned that can assign and has an "accept"
 *    link, the record moves on along it, assigned to the chosen user (the head assigns a
 *    specialist for the next step); at a step not yet assigned that can assign without
 *    such a link, the assignee of the current step is set in place; at any step already
 *    assigned (phân công lại, by a department head / leader of the step's unit only), the
 *    assignee of the current step changes in place and the record stays.
 *  - SUPPLEMENT pauses the clock (status 5), counts the request, remembers the step that
 *    asked, and moves along the step's "supplement" link if it has one; the step entered
 *    while paused has no deadline (the clock stands). RESUME adds the working time paused
 *    to the record's due date and to the deadline of the step that asked, and brings the
 *    record back to that step as it stood when it asked (assignee, co-processors, entry
 *    time, from the pausing entry's `before`).
 *  - While paused only RESUME, WITHDRAW, STOP and ROLLBACK are possible. Once finished
 *    (returned, withdrawn, stopped) only ROLLBACK.
 *  - COLLECT_FEE once per record; RETURN only with a result.
 *  - EXTEND: not while paused nor once the result is ready.
 *  - ROLLBACK undoes the last action not undone yet (not a rollback): the state's
 *    scalars and the record's status and instants come back from the entry's `before`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-process-engine.h"

/* ---------------------------------------------------------------------------------------
 * Small enumerations
 * ------------------------------------------------------------------------------------- */

static const char * const action_ids[] = {
  [OS_ACTION_NONE] = "none",
  [OS_ACTION_HAND_OVER] = "hand_over",
  [OS_ACTION_ASSIGN] = "assign",
  [OS_ACTION_PROCESS] = "process",
  [OS_ACTION_REVIEW] = "review",
  [OS_ACTION_SIGN] = "sign",
  [OS_ACTION_COLLECT_FEE] = "collect_fee",
  [OS_ACTION_REQUEST_PAYMENT] = "request_payment",
  [OS_ACTION_RESUME] = "resume",
  [OS_ACTION_RETURN] = "return",
  [OS_ACTION_WITHDRAW] = "withdraw",
  [OS_ACTION_STOP] = "stop",
  [OS_ACTION_EXTEND] = "extend",
  [OS_ACTION_ROLLBACK] = "rollback",
};

const char *
os_action_to_id (OsAction action)
{
  if ((guint) action > OS_ACTION_LAST)
    return "none";
  return action_ids[action];
}

gboolean
os_action_from_id (const char *id,
                   OsAction   *action)
{
  if (id == NULL)
    return FALSE;
  for (guint i = OS_ACTION_HAND_OVER; i <= OS_ACTION_LAST; i++)
    if (g_str_equal (id, action_ids[i]))
      {
        if (action != NULL)
          *action = (OsAction) i;
        return TRUE;
      }
  return FALSE;
}

const char *
os_action_to_string (OsAction action)
{
  switch (action)
    {
    case OS_ACTION_HAND_OVER: return _("Chuyển xử lý");
    case OS_ACTION_ASSIGN: return _("Phân công");
    case OS_ACTION_PROCESS: return _("Xử lý");
    case OS_ACTION_REVIEW: return _("Thẩm định");
    case OS_ACTION_SIGN: return _("Ký duyệt");
    case OS_ACTION_COLLECT_FEE: return _("Thu phí, lệ phí");
    case OS_ACTION_REQUEST_PAYMENT: return C_("action", "Yêu cầu thực hiện nghĩa vụ tài chính");
    case OS_ACTION_RESUME: return _("Tiếp tục xử lý");
    case OS_ACTION_RETURN: return _("Trả kết quả");
    case OS_ACTION_WITHDRAW: return _("Rút hồ sơ");
    case OS_ACTION_STOP: return C_("action", "Dừng xử lý");
    case OS_ACTION_EXTEND: return _("Gia hạn");
    case OS_ACTION_ROLLBACK: return _("Thu hồi");
    case OS_ACTION_NONE:
    default:
      return "";
    }
}

/* The verb inside a sentence ("… không cho phép ký duyệt."). */
static const char *
action_phrase (OsAction action)
{
  switch (action)
    {
    case OS_ACTION_HAND_OVER: return C_("action in a sentence", "chuyển xử lý");
    case OS_ACTION_ASSIGN: return C_("action in a sentence", "phân công");
    case OS_ACTION_PROCESS: return C_("action in a sentence", "xử lý");
    case OS_ACTION_REVIEW: return C_("action in a sentence", "thẩm định");
    case OS_ACTION_SIGN: return C_("action in a sentence", "ký duyệt");
    case OS_ACTION_COLLECT_FEE: return C_("action in a sentence", "thu phí");
    case OS_ACTION_REQUEST_PAYMENT: return C_("action in a sentence", "yêu cầu thực hiện nghĩa vụ tài chính");
    case OS_ACTION_RESUME: return C_("action in a sentence", "tiếp tục xử lý");
    case OS_ACTION_RETURN: return C_("action in a sentence", "trả kết quả");
    case OS_ACTION_WITHDRAW: return C_("action in a sentence", "rút hồ sơ");
    case OS_ACTION_STOP: return C_("action in a sentence", "dừng xử lý");
    case OS_ACTION_EXTEND: return C_("action in a sentence", "gia hạn");
    case OS_ACTION_ROLLBACK: return C_("action in a sentence", "thu hồi");
    case OS_ACTION_NONE:
    default:
      return "";
    }
}

const char *
os_step_timing_to_string (OsStepTiming timing)
{
  switch (timing)
    {
    case OS_STEP_TIMING_AHEAD: return _("Còn hạn");
    case OS_STEP_TIMING_ON_SCHEDULE: return _("Đến hạn");
    case OS_STEP_TIMING_BEHIND: return _("Chậm tiến độ");
    case OS_STEP_TIMING_NONE:
    default:
      return "";
    }
}

OsDueState
os_process_punctuality (gint64 at,
                        gint64 step_due_at)
{
  GDate day, due;

  if (step_due_at == 0)
    return OS_DUE_STATE_NONE;
  if (at > step_due_at)
    return OS_DUE_STATE_LATE;
  day = os_datetime_local_date (at);
  due = os_datetime_local_date (step_due_at);
  return g_date_compare (&day, &due) < 0 ? OS_DUE_STATE_EARLY : OS_DUE_STATE_ON_TIME;
}

static const char *
pause_to_id (OsPause pause)
{
  switch (pause)
    {
    case OS_PAUSE_SUPPLEMENT: return "supplement";
    case OS_PAUSE_PAYMENT: return "payment";
    case OS_PAUSE_NONE:
    default:
      return "none";
    }
}

static gboolean
pause_from_id (const char *id,
               OsPause    *pause)
{
  if (g_strcmp0 (id, "none") == 0)
    *pause = OS_PAUSE_NONE;
  else if (g_strcmp0 (id, "supplement") == 0)
    *pause = OS_PAUSE_SUPPLEMENT;
  else if (g_strcmp0 (id, "payment") == 0)
    *pause = OS_PAUSE_PAYMENT;
  else
    return FALSE;
  return TRUE;
}

static const char *
result_to_id (OsResult result)
{
  switch (result)
    {
    case OS_RESULT_APPROVED: return "approved";
    case OS_RESULT_REFUSED: return "refused";
    case OS_RESULT_NONE:
    default:
      return "none";
    }
}

static gboolean
result_from_id (const char *id,
                OsResult   *result)
{
  if (g_strcmp0 (id, "none") == 0)
    *result = OS_RESULT_NONE;
  else if (g_strcmp0 (id, "approved") == 0)
    *result = OS_RESULT_APPROVED;
  else if (g_strcmp0 (id, "refused") == 0)
    *result = OS_RESULT_REFUSED;
  else
    return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------
 * JSON helpers
 * ------------------------------------------------------------------------------------- */

static gboolean
bad_member (const char  *what,
            const char  *name,
            GError     **error)
{
  g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
               /* Translators: %s: the JSON object, %s: the member */
               _("Dữ liệu %s không hợp lệ (trường “%s”)."), what, name);
  return FALSE;
}

static gboolean
json_get_string (JsonObject  *object,
                 const char  *what,
                 const char  *name,
                 char       **value,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_free (*value);
      *value = g_strdup ("");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_member (what, name, error);
  g_free (*value);
  *value = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
json_get_int (JsonObject  *object,
              const char  *what,
              const char  *name,
              gint64       min,
              gint64       max,
              gint64      *value,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 v;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *value = 0;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad_member (what, name, error);
  v = json_node_get_int (node);
  if (v < min || v > max)
    return bad_member (what, name, error);
  *value = v;
  return TRUE;
}

/* An instant (UTC unix seconds): 0 when absent or null; a wrong type fails with
 * OS_ERROR_PROTOCOL, a value outside [OS_INSTANT_MIN, OS_INSTANT_MAX] with @code, so that
 * no instant from outside ever reaches GDateTime out of its range. */
static gboolean
json_get_instant (JsonObject  *object,
                  const char  *what,
                  const char  *name,
                  OsError      code,
                  gint64      *value,
                  GError     **error)
{
  gint64 v;

  if (!json_get_int (object, what, name, G_MININT64, G_MAXINT64, &v, error))
    return FALSE;
  if (v < OS_INSTANT_MIN || v > OS_INSTANT_MAX)
    {
      g_set_error (error, OS_ERROR, code,
                   /* Translators: %s: the JSON object, %s: the member */
                   _("Dữ liệu %s không hợp lệ (trường “%s” không phải là một thời điểm từ năm 1970 đến năm 9999)."),
                   what, name);
      return FALSE;
    }
  *value = v;
  return TRUE;
}

static gboolean
json_get_bool (JsonObject  *object,
               const char  *what,
               const char  *name,
               gboolean    *value,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *value = FALSE;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad_member (what, name, error);
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* An array of strings; NULL when absent, null or empty. */
static gboolean
json_get_strv (JsonObject   *object,
               const char   *what,
               const char   *name,
               char       ***value,
               GError      **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  g_clear_pointer (value, g_strfreev);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_member (what, name, error);
  array = json_node_get_array (node);
  if (json_array_get_length (array) == 0)
    return TRUE;
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return bad_member (what, name, error);
      g_strv_builder_add (builder, json_node_get_string (element));
    }
  *value = g_strv_builder_end (builder);
  return TRUE;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value ? value : "");
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_strv (JsonBuilder        *b,
          const char         *name,
          const char * const *values)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (b, values[i]);
  json_builder_end_array (b);
}

static char *
node_to_data (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static char **
strv_copy_or_null (char * const *strv)
{
  return (strv != NULL && strv[0] != NULL) ? g_strdupv ((char **) strv) : NULL;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------
 * OsActor
 * ------------------------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (OsActor, os_actor, os_actor_copy, os_actor_free)

OsActor *
os_actor_new (const char         *username,
              const char         *full_name,
              const char * const *roles,
              const char * const *units,
              const char         *desk)
{
  OsActor *actor = g_new0 (OsActor, 1);

  actor->username = g_strdup (username ? username : "");
  actor->full_name = g_strdup (full_name ? full_name : "");
  actor->roles = roles ? g_strdupv ((char **) roles) : g_new0 (char *, 1);
  actor->units = units ? g_strdupv ((char **) units) : g_new0 (char *, 1);
  actor->desk = g_strdup (desk ? desk : "");
  return actor;
}

OsActor *
os_actor_copy (const OsActor *actor)
{
  g_return_val_if_fail (actor != NULL, NULL);
  return os_actor_new (actor->username, actor->full_name, (const char * const *) actor->roles,
                       (const char * const *) actor->units, actor->desk);
}

void
os_actor_free (OsActor *actor)
{
  if (actor == NULL)
    return;
  g_free (actor->username);
  g_free (actor->full_name);
  g_strfreev (actor->roles);
  g_strfreev (actor->units);
  g_free (actor->desk);
  g_free (actor);
}

gboolean
os_actor_has_role (const OsActor *actor,
                   const char    *role)
{
  g_return_val_if_fail (actor != NULL, FALSE);
  if (role == NULL || *role == '\0' || actor->roles == NULL)
    return FALSE;
  return g_strv_contains ((const char * const *) actor->roles, role);
}

static gboolean
actor_in_unit (const OsActor *actor,
               const char    *unit)
{
  if (unit == NULL || *unit == '\0')
    return TRUE;
  return actor->units != NULL && g_strv_contains ((const char * const *) actor->units, unit);
}

static gboolean
actor_is_manager (const OsActor *actor)
{
  return os_actor_has_role (actor, OS_ROLE_HEAD) || os_actor_has_role (actor, OS_ROLE_LEADER);
}

/* ---------------------------------------------------------------------------------------
 * OsActionRequest
 * ------------------------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (OsActionRequest, os_action_request, os_action_request_copy, os_action_request_free)

OsActionRequest *
os_action_request_new (OsAction action)
{
  OsActionRequest *request = g_new0 (OsActionRequest, 1);

  request->action = action;
  request->outcome = OS_OUTCOME_ACCEPT;
  request->assignee = g_strdup ("");
  request->reason = g_strdup ("");
  request->note = g_strdup ("");
  return request;
}

OsActionRequest *
os_action_request_copy (const OsActionRequest *request)
{
  OsActionRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = g_new0 (OsActionRequest, 1);
  copy->action = request->action;
  copy->outcome = request->outcome;
  copy->at = request->at;
  copy->assignee = g_strdup (request->assignee ? request->assignee : "");
  copy->co_processors = strv_copy_or_null (request->co_processors);
  copy->reason = g_strdup (request->reason ? request->reason : "");
  copy->note = g_strdup (request->note ? request->note : "");
  copy->issued = strv_copy_or_null (request->issued);
  copy->new_due_at = request->new_due_at;
  copy->step_due_at = request->step_due_at;
  copy->due_at = request->due_at;
  return copy;
}

void
os_action_request_free (OsActionRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->assignee);
  g_strfreev (request->co_processors);
  g_free (request->reason);
  g_free (request->note);
  g_strfreev (request->issued);
  g_free (request);
}

JsonNode *
os_action_request_to_json (const OsActionRequest *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (request != NULL, NULL);

  json_builder_begin_object (b);
  add_string (b, "action", os_action_to_id (request->action));
  add_string (b, "outcome", os_outcome_to_id (request->outcome));
  add_int (b, "at", request->at);
  add_string (b, "assignee", request->assignee);
  add_strv (b, "co_processors", (const char * const *) request->co_processors);
  add_string (b, "reason", request->reason);
  add_string (b, "note", request->note);
  add_strv (b, "issued", (const char * const *) request->issued);
  add_int (b, "new_due_at", request->new_due_at);
  add_int (b, "step_due_at", request->step_due_at);
  add_int (b, "due_at", request->due_at);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

OsActionRequest *
os_action_request_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(OsActionRequest) request = os_action_request_new (OS_ACTION_NONE);
  const char *what = "ActionRequest";
  g_autofree char *action = NULL;
  g_autofree char *outcome = NULL;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_PROTOCOL,
                           _("Yêu cầu thao tác không phải là một đối tượng JSON."));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!json_get_string (object, what, "action", &action, error) ||
      !json_get_string (object, what, "outcome", &outcome, error) ||
      !json_get_instant (object, what, "at", OS_ERROR_INVALID_INPUT, &request->at, error) ||
      !json_get_string (object, what, "assignee", &request->assignee, error) ||
      !json_get_strv (object, what, "co_processors", &request->co_processors, error) ||
      !json_get_string (object, what, "reason", &request->reason, error) ||
      !json_get_string (object, what, "note", &request->note, error) ||
      !json_get_strv (object, what, "issued", &request->issued, error) ||
      !json_get_instant (object, what, "new_due_at", OS_ERROR_INVALID_INPUT, &request->new_due_at, error) ||
      !json_get_instant (object, what, "step_due_at", OS_ERROR_INVALID_INPUT, &request->step_due_at, error) ||
      !json_get_instant (object, what, "due_at", OS_ERROR_INVALID_INPUT, &request->due_at, error))
    return NULL;
  if (!os_action_from_id (action, &request->action))
    {
      bad_member (what, "action", error);
      return NULL;
    }
  if (*outcome == '\0')
    request->outcome = OS_OUTCOME_ACCEPT;
  else if (!os_outcome_from_id (outcome, &request->outcome))
    {
      bad_member (what, "outcome", error);
      return NULL;
    }

  return g_steal_pointer (&request);
}

/* ---------------------------------------------------------------------------------------
 * OsProcessEntry
 * ------------------------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (OsProcessEntry, os_process_entry, os_process_entry_copy, os_process_entry_free)

static OsProcessEntry *
entry_new (void)
{
  OsProcessEntry *entry = g_new0 (OsProcessEntry, 1);

  entry->actor = g_strdup ("");
  entry->actor_name = g_strdup ("");
  entry->desk = g_strdup ("");
  entry->from_step = g_strdup ("");
  entry->to_step = g_strdup ("");
  entry->assignee = g_strdup ("");
  entry->reason = g_strdup ("");
  entry->note = g_strdup ("");
  entry->before = g_strdup ("");
  return entry;
}

OsProcessEntry *
os_process_entry_copy (const OsProcessEntry *entry)
{
  OsProcessEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (OsProcessEntry, 1);
  *copy = *entry;
  copy->actor = g_strdup (entry->actor);
  copy->actor_name = g_strdup (entry->actor_name);
  copy->desk = g_strdup (entry->desk);
  copy->from_step = g_strdup (entry->from_step);
  copy->to_step = g_strdup (entry->to_step);
  copy->assignee = g_strdup (entry->assignee);
  copy->reason = g_strdup (entry->reason);
  copy->note = g_strdup (entry->note);
  copy->before = g_strdup (entry->before);
  copy->issued = strv_copy_or_null (entry->issued);
  return copy;
}

void
os_process_entry_free (OsProcessEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->actor);
  g_free (entry->actor_name);
  g_free (entry->desk);
  g_free (entry->from_step);
  g_free (entry->to_step);
  g_free (entry->assignee);
  g_free (entry->reason);
  g_free (entry->note);
  g_free (entry->before);
  g_strfreev (entry->issued);
  g_free (entry);
}

/* ---------------------------------------------------------------------------------------
 * OsProcessState
 * ------------------------------------------------------------------------------------- */

G_DEFINE_BOXED_TYPE (OsProcessState, os_process_state, os_process_state_copy, os_process_state_free)

OsProcessState *
os_process_state_new (void)
{
  OsProcessState *state = g_new0 (OsProcessState, 1);

  state->process_id = g_strdup ("");
  state->step_id = g_strdup ("");
  state->step_name = g_strdup ("");
  state->step_unit = g_strdup ("");
  state->step_role = g_strdup ("");
  state->assignee = g_strdup ("");
  state->paused_step = g_strdup ("");
  state->extension_reason = g_strdup ("");
  state->fee = g_strdup ("");
  state->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_entry_free);
  return state;
}

OsProcessState *
os_process_state_copy (const OsProcessState *state)
{
  OsProcessState *copy;

  g_return_val_if_fail (state != NULL, NULL);

  copy = g_new0 (OsProcessState, 1);
  *copy = *state;
  copy->process_id = g_strdup (state->process_id);
  copy->step_id = g_strdup (state->step_id);
  copy->step_name = g_strdup (state->step_name);
  copy->step_unit = g_strdup (state->step_unit);
  copy->step_role = g_strdup (state->step_role);
  copy->assignee = g_strdup (state->assignee);
  copy->co_processors = strv_copy_or_null (state->co_processors);
  copy->paused_step = g_strdup (state->paused_step);
  copy->extension_reason = g_strdup (state->extension_reason);
  copy->fee = g_strdup (state->fee);
  copy->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_entry_free);
  for (guint i = 0; state->entries != NULL && i < state->entries->len; i++)
    g_ptr_array_add (copy->entries, os_process_entry_copy (g_ptr_array_index (state->entries, i)));
  return copy;
}

void
os_process_state_free (OsProcessState *state)
{
  if (state == NULL)
    return;
  g_free (state->process_id);
  g_free (state->step_id);
  g_free (state->step_name);
  g_free (state->step_unit);
  g_free (state->step_role);
  g_free (state->assignee);
  g_strfreev (state->co_processors);
  g_free (state->paused_step);
  g_free (state->extension_reason);
  g_free (state->fee);
  g_clear_pointer (&state->entries, g_ptr_array_unref);
  g_free (state);
}

static void
build_state (JsonBuilder          *b,
             const OsProcessState *state,
             gboolean              with_entries)
{
  json_builder_begin_object (b);
  add_string (b, "process_id", state->process_id);
  add_int (b, "process_version", state->process_version);
  add_string (b, "step_id", state->step_id);
  add_string (b, "step_name", state->step_name);
  add_string (b, "step_unit", state->step_unit);
  add_string (b, "step_role", state->step_role);
  add_string (b, "assignee", state->assignee);
  add_strv (b, "co_processors", (const char * const *) state->co_processors);
  add_int (b, "step_entered_at", state->step_entered_at);
  add_int (b, "step_due_at", state->step_due_at);
  add_string (b, "pause", pause_to_id (state->pause));
  add_int (b, "paused_at", state->paused_at);
  add_string (b, "paused_step", state->paused_step);
  add_int (b, "supplements", state->supplements);
  json_builder_set_member_name (b, "extended");
  json_builder_add_boolean_value (b, state->extended);
  add_int (b, "original_due_at", state->original_due_at);
  add_string (b, "extension_reason", state->extension_reason);
  add_string (b, "fee", state->fee);
  add_string (b, "result", result_to_id (state->result));
  if (with_entries)
    {
      json_builder_set_member_name (b, "entries");
      json_builder_begin_array (b);
      for (guint i = 0; state->entries != NULL && i < state->entries->len; i++)
        {
          const OsProcessEntry *e = g_ptr_array_index (state->entries, i);

          json_builder_begin_object (b);
          add_int (b, "seq", e->seq);
          add_string (b, "action", os_action_to_id (e->action));
          add_string (b, "outcome", os_outcome_to_id (e->outcome));
          add_int (b, "at", e->at);
          add_string (b, "actor", e->actor);
          add_string (b, "actor_name", e->actor_name);
          add_string (b, "desk", e->desk);
          add_string (b, "from_step", e->from_step);
          add_string (b, "to_step", e->to_step);
          add_string (b, "assignee", e->assignee);
          add_string (b, "reason", e->reason);
          add_string (b, "note", e->note);
          add_int (b, "step_due_at", e->step_due_at);
          json_builder_set_member_name (b, "rolled_back");
          json_builder_add_boolean_value (b, e->rolled_back);
          add_string (b, "before", e->before);
          if (e->issued != NULL && e->issued[0] != NULL)   /* only when there are some */
            add_strv (b, "issued", (const char * const *) e->issued);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

JsonNode *
os_process_state_to_json (const OsProcessState *state)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (state != NULL, NULL);

  build_state (b, state, TRUE);
  return json_builder_get_root (b);
}

static OsProcessEntry *
entry_from_json (JsonNode  *node,
                 GError   **error)
{
  g_autoptr(OsProcessEntry) entry = entry_new ();
  const char *what = "ProcessState.entries";
  g_autofree char *action = NULL;
  g_autofree char *outcome = NULL;
  JsonObject *object;
  gint64 seq;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      bad_member ("ProcessState", "entries", error);
      return NULL;
    }
  object = json_node_get_object (node);
  if (!json_get_int (object, what, "seq", 0, G_MAXINT, &seq, error) ||
      !json_get_string (object, what, "action", &action, error) ||
      !json_get_string (object, what, "outcome", &outcome, error) ||
      !json_get_instant (object, what, "at", OS_ERROR_PROTOCOL, &entry->at, error) ||
      !json_get_string (object, what, "actor", &entry->actor, error) ||
      !json_get_string (object, what, "actor_name", &entry->actor_name, error) ||
      !json_get_string (object, what, "desk", &entry->desk, error) ||
      !json_get_string (object, what, "from_step", &entry->from_step, error) ||
      !json_get_string (object, what, "to_step", &entry->to_step, error) ||
      !json_get_string (object, what, "assignee", &entry->assignee, error) ||
      !json_get_string (object, what, "reason", &entry->reason, error) ||
      !json_get_string (object, what, "note", &entry->note, error) ||
      !json_get_instant (object, what, "step_due_at", OS_ERROR_PROTOCOL, &entry->step_due_at, error) ||
      !json_get_bool (object, what, "rolled_back", &entry->rolled_back, error) ||
      !json_get_string (object, what, "before", &entry->before, error) ||
      !json_get_strv (object, what, "issued", &entry->issued, error))
    return NULL;
  entry->seq = (int) seq;
  if (!os_action_from_id (action, &entry->action))
    {
      bad_member (what, "action", error);
      return NULL;
    }
  if (*outcome == '\0')
    entry->outcome = OS_OUTCOME_ACCEPT;
  else if (!os_outcome_from_id (outcome, &entry->outcome))
    {
      bad_member (what, "outcome", error);
      return NULL;
    }
  return g_steal_pointer (&entry);
}

static OsProcessState *
state_from_object (JsonObject  *object,
                   GError     **error)
{
  g_autoptr(OsProcessState) state = os_process_state_new ();
  const char *what = "ProcessState";
  g_autofree char *pause = NULL;
  g_autofree char *result = NULL;
  JsonNode *entries;
  gint64 version, supplements;

  if (!json_get_string (object, what, "process_id", &state->process_id, error) ||
      !json_get_int (object, what, "process_version", 0, G_MAXINT, &version, error) ||
      !json_get_string (object, what, "step_id", &state->step_id, error) ||
      !json_get_string (object, what, "step_name", &state->step_name, error) ||
      !json_get_string (object, what, "step_unit", &state->step_unit, error) ||
      !json_get_string (object, what, "step_role", &state->step_role, error) ||
      !json_get_string (object, what, "assignee", &state->assignee, error) ||
      !json_get_strv (object, what, "co_processors", &state->co_processors, error) ||
      !json_get_instant (object, what, "step_entered_at", OS_ERROR_PROTOCOL, &state->step_entered_at, error) ||
      !json_get_instant (object, what, "step_due_at", OS_ERROR_PROTOCOL, &state->step_due_at, error) ||
      !json_get_string (object, what, "pause", &pause, error) ||
      !json_get_instant (object, what, "paused_at", OS_ERROR_PROTOCOL, &state->paused_at, error) ||
      !json_get_string (object, what, "paused_step", &state->paused_step, error) ||
      !json_get_int (object, what, "supplements", 0, G_MAXINT, &supplements, error) ||
      !json_get_bool (object, what, "extended", &state->extended, error) ||
      !json_get_instant (object, what, "original_due_at", OS_ERROR_PROTOCOL, &state->original_due_at, error) ||
      !json_get_string (object, what, "extension_reason", &state->extension_reason, error) ||
      !json_get_string (object, what, "fee", &state->fee, error) ||
      !json_get_string (object, what, "result", &result, error))
    return NULL;
  state->process_version = (int) version;
  state->supplements = (int) supplements;
  if (*pause == '\0')
    state->pause = OS_PAUSE_NONE;
  else if (!pause_from_id (pause, &state->pause))
    {
      bad_member (what, "pause", error);
      return NULL;
    }
  if (*result == '\0')
    state->result = OS_RESULT_NONE;
  else if (!result_from_id (result, &state->result))
    {
      bad_member (what, "result", error);
      return NULL;
    }

  entries = json_object_get_member (object, "entries");
  if (entries != NULL && !JSON_NODE_HOLDS_NULL (entries))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (entries))
        {
          bad_member (what, "entries", error);
          return NULL;
        }
      array = json_node_get_array (entries);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          OsProcessEntry *entry = entry_from_json (json_array_get_element (array, i), error);

          if (entry == NULL)
            return NULL;
          g_ptr_array_add (state->entries, entry);
        }
    }

  return g_steal_pointer (&state);
}

OsProcessState *
os_process_state_from_json (JsonNode  *node,
                            GError   **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_PROTOCOL,
                           _("Trạng thái quy trình của hồ sơ không phải là một đối tượng JSON."));
      return NULL;
    }
  return state_from_object (json_node_get_object (node), error);
}

/* The last entry an action made and no rollback undid yet; its index in @index. */
static OsProcessEntry *
last_effective_entry (const OsProcessState *state,
                      guint                *index)
{
  for (guint i = state->entries->len; i > 0; i--)
    {
      OsProcessEntry *entry = g_ptr_array_index (state->entries, i - 1);

      if (entry->action == OS_ACTION_ROLLBACK || entry->rolled_back)
        continue;
      if (index != NULL)
        *index = i - 1;
      return entry;
    }
  return NULL;
}

static gboolean
state_finished (const OsProcessState *state)
{
  return state->step_id == NULL || state->step_id[0] == '\0';
}

OsStatus
os_process_state_status (const OsProcessState *state,
                         OsProcess            *definition)
{
  OsProcessEntry *last;

  g_return_val_if_fail (state != NULL, OS_STATUS_RECEIVED);

  last = last_effective_entry (state, NULL);
  if (state_finished (state))
    {
      if (last != NULL && last->action == OS_ACTION_WITHDRAW)
        return OS_STATUS_WITHDRAWN;
      if (last != NULL && last->action == OS_ACTION_STOP)
        return OS_STATUS_STOPPED;
      return OS_STATUS_RETURNED;
    }
  if (state->pause == OS_PAUSE_SUPPLEMENT)
    return OS_STATUS_SUPPLEMENT;
  if (state->pause == OS_PAUSE_PAYMENT)
    return OS_STATUS_PAYMENT;
  if (state->result != OS_RESULT_NONE)
    {
      OsProcessStep *step = definition ? os_process_find_step (definition, state->step_id) : NULL;

      if (definition == NULL || (step != NULL && (step->abilities & OS_STEP_CAN_RETURN)))
        return OS_STATUS_RESOLVED;
    }
  if (last == NULL)
    {
      const char *start = definition ? os_process_get_start (definition) : NULL;

      if (definition == NULL || g_strcmp0 (start, state->step_id) == 0)
        return OS_STATUS_RECEIVED;
    }
  return OS_STATUS_PROCESSING;
}

OsStepTiming
os_process_state_timing (const OsProcessState *state,
                         gint64                now)
{
  g_autoptr(GDateTime) due_local = NULL;
  g_autoptr(GDateTime) now_local = NULL;

  g_return_val_if_fail (state != NULL, OS_STEP_TIMING_NONE);

  if (state_finished (state) || state->step_due_at == 0 || state->pause != OS_PAUSE_NONE)
    return OS_STEP_TIMING_NONE;
  if (now > state->step_due_at)
    return OS_STEP_TIMING_BEHIND;

  /* The last session: the due day's afternoon for a deadline at the end of an afternoon,
   * the due day up to the deadline for one at the end of a morning. */
  due_local = os_datetime_local (state->step_due_at);
  now_local = os_datetime_local (now);
  if (g_date_time_get_year (due_local) == g_date_time_get_year (now_local) &&
      g_date_time_get_day_of_year (due_local) == g_date_time_get_day_of_year (now_local) &&
      (g_date_time_get_hour (due_local) < 12 || g_date_time_get_hour (now_local) >= 12))
    return OS_STEP_TIMING_ON_SCHEDULE;
  return OS_STEP_TIMING_AHEAD;
}

/* ---------------------------------------------------------------------------------------
 * The rules
 * ------------------------------------------------------------------------------------- */

static gboolean
refuse (GError    **error,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError    **error,
        const char *format,
        ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, OS_ERROR, OS_ERROR_ACTION_REFUSED, message);
  return FALSE;
}

static guint
action_ability (OsAction action)
{
  switch (action)
    {
    case OS_ACTION_HAND_OVER: return OS_STEP_CAN_HAND_OVER;
    case OS_ACTION_ASSIGN: return OS_STEP_CAN_ASSIGN;
    case OS_ACTION_PROCESS: return OS_STEP_CAN_PROCESS;
    case OS_ACTION_REVIEW: return OS_STEP_CAN_REVIEW;
    case OS_ACTION_SIGN: return OS_STEP_CAN_SIGN;
    case OS_ACTION_COLLECT_FEE: return OS_STEP_CAN_COLLECT_FEE;
    case OS_ACTION_RETURN: return OS_STEP_CAN_RETURN;
    case OS_ACTION_REQUEST_PAYMENT: return OS_STEP_CAN_PAUSE_PAYMENT;
    case OS_ACTION_NONE:
    case OS_ACTION_RESUME:
    case OS_ACTION_WITHDRAW:
    case OS_ACTION_STOP:
    case OS_ACTION_EXTEND:
    case OS_ACTION_ROLLBACK:
    default:
      return 0;
    }
}

static gboolean
action_has_outcome (OsAction action)
{
  return action == OS_ACTION_PROCESS || action == OS_ACTION_REVIEW || action == OS_ACTION_SIGN;
}

static guint
action_outcomes (OsAction action)
{
  switch (action)
    {
    case OS_ACTION_PROCESS:
      return 1u << OS_OUTCOME_ACCEPT | 1u << OS_OUTCOME_SUPPLEMENT | 1u << OS_OUTCOME_REFUSE;
    case OS_ACTION_REVIEW:
      return 1u << OS_OUTCOME_ACCEPT | 1u << OS_OUTCOME_SUPPLEMENT | 1u << OS_OUTCOME_REFUSE |
             1u << OS_OUTCOME_REWORK;
    case OS_ACTION_SIGN:
      return 1u << OS_OUTCOME_ACCEPT | 1u << OS_OUTCOME_REWORK;
    default:
      return 0;
    }
}

OsActionNeeds
os_process_engine_needs (OsAction  action,
                         OsOutcome outcome)
{
  OsActionNeeds needs = OS_NEEDS_NOTHING;

  switch (action)
    {
    case OS_ACTION_ASSIGN:
      return OS_NEEDS_ASSIGNEE;
    case OS_ACTION_PROCESS:
    case OS_ACTION_REVIEW:
    case OS_ACTION_SIGN:
      needs = OS_NEEDS_OUTCOME;
      if (outcome != OS_OUTCOME_ACCEPT)
        needs |= OS_NEEDS_REASON;
      else if (action == OS_ACTION_SIGN)
        needs |= OS_NEEDS_ISSUED;
      return needs;
    case OS_ACTION_COLLECT_FEE:
      return OS_NEEDS_AMOUNT;
    case OS_ACTION_RETURN:
      return OS_NEEDS_ISSUED;
    case OS_ACTION_WITHDRAW:
    case OS_ACTION_STOP:
    case OS_ACTION_ROLLBACK:
      return OS_NEEDS_REASON;
    case OS_ACTION_EXTEND:
      return OS_NEEDS_REASON | OS_NEEDS_NEW_DUE_DATE;
    case OS_ACTION_HAND_OVER:
    case OS_ACTION_REQUEST_PAYMENT:
    case OS_ACTION_RESUME:
    case OS_ACTION_NONE:
    default:
      return OS_NEEDS_NOTHING;
    }
}

/* Does @actor belong to the unit of the record's current step ("" = any of theirs)? */
static gboolean
check_unit (const OsProcessState *state,
            const OsActor        *actor,
            GError              **error)
{
  if (!actor_in_unit (actor, state->step_unit))
    return refuse (error, _("Bước “%s” thuộc đơn vị %s; tài khoản %s không thuộc đơn vị này."),
                   state->step_name, state->step_unit, actor->username);
  return TRUE;
}

static gboolean
check_role (const OsProcessState *state,
            const OsActor        *actor,
            GError              **error)
{
  if (state->step_role[0] == '\0')
    return refuse (error, _("Bước “%s” chưa được giao cho vai trò nào."), state->step_name);
  if (!os_actor_has_role (actor, state->step_role))
    return refuse (error, _("Bước “%s” dành cho vai trò “%s”; tài khoản %s không có vai trò này."),
                   state->step_name, os_role_to_string (state->step_role), actor->username);
  return TRUE;
}

/* May @actor act at the record's current step? The step's unit always; then, once the step
 * is assigned, the assignee (or a co-processor for PROCESS) holding the step's role, or a
 * head / leader; else anybody holding the step's role. */
static gboolean
actor_may_act (const OsProcessState *state,
               const OsActor        *actor,
               OsAction              action,
               GError              **error)
{
  if (!check_unit (state, actor, error))
    return FALSE;

  if (state->assignee[0] != '\0')
    {
      gboolean named = g_strcmp0 (actor->username, state->assignee) == 0 ||
                       (action == OS_ACTION_PROCESS && state->co_processors != NULL &&
                        g_strv_contains ((const char * const *) state->co_processors, actor->username));

      if (actor_is_manager (actor))
        return TRUE;
      /* An assignment never hands a step to someone without its role. */
      if (named)
        return check_role (state, actor, error);
      return refuse (error, _("Hồ sơ đã được phân công cho %s; chỉ người này hoặc lãnh đạo phòng mới xử lý được."),
                     state->assignee);
    }

  return check_role (state, actor, error);
}

static gboolean
check_definition (OsProcess            *definition,
                  const OsProcessState *state,
                  GError              **error)
{
  if (state == NULL)
    return refuse (error, _("Hồ sơ này không theo quy trình nào."));
  if (definition == NULL ||
      g_strcmp0 (os_process_get_id (definition), state->process_id) != 0 ||
      os_process_get_version (definition) != state->process_version)
    return refuse (error, _("Không tìm thấy đúng phiên bản quy trình của hồ sơ."));
  return TRUE;
}

/* Whether @action (with @outcome) is open to @actor on the record now. The same check
 * serves os_process_engine_list_actions() and os_process_engine_apply(). */
static gboolean
check_allowed (OsProcess            *definition,
               OsRecord             *record,
               const OsProcessState *state,
               const OsActor        *actor,
               OsAction              action,
               OsOutcome             outcome,
               gint64                at,
               GError              **error)
{
  OsProcessStep *step;
  guint ability;

  if (!check_definition (definition, state, error))
    return FALSE;
  if (action <= OS_ACTION_NONE || action > OS_ACTION_LAST)
    return refuse (error, _("Thao tác không hợp lệ."));

  if (action == OS_ACTION_ROLLBACK)
    {
      OsProcessEntry *last = last_effective_entry (state, NULL);
      OsProcessStep *acted;

      if (last == NULL)
        return refuse (error, _("Chưa có thao tác nào để thu hồi."));
      if (g_strcmp0 (last->actor, actor->username) != 0 && !actor_is_manager (actor))
        return refuse (error, _("Chỉ người đã %s hoặc lãnh đạo mới thu hồi được thao tác này."),
                       action_phrase (last->action));
      /* The unit of the step where the action was taken, or of the step the record stands at
       * now (none once finished). */
      acted = os_process_find_step (definition, last->from_step);
      if (acted != NULL && actor_in_unit (actor, acted->unit))
        return TRUE;
      if (!state_finished (state) && actor_in_unit (actor, state->step_unit))
        return TRUE;
      if (acted == NULL)
        return refuse (error, _("Không xác định được đơn vị đã thực hiện thao tác cuối; không thể thu hồi."));
      return refuse (error, _("Bước “%s” thuộc đơn vị %s; tài khoản %s không thuộc đơn vị này."),
                     acted->name, acted->unit, actor->username);
    }

  if (state_finished (state))
    return refuse (error, _("Hồ sơ đã kết thúc xử lý; không thể %s."), action_phrase (action));

  switch (action)
    {
    case OS_ACTION_WITHDRAW:
      if (!os_actor_has_role (actor, OS_ROLE_RECEPTION) && !actor_is_manager (actor))
        return refuse (error, _("Chỉ cán bộ tiếp nhận hoặc lãnh đạo mới được ghi nhận việc rút hồ sơ."));
      return check_unit (state, actor, error);

    case OS_ACTION_STOP:
      if (!actor_is_manager (actor))
        return refuse (error, _("Chỉ lãnh đạo mới được dừng xử lý hồ sơ."));
      return check_unit (state, actor, error);

    case OS_ACTION_EXTEND:
      {
        gint64 due = os_record_get_due_at (record);
        GDate today, due_day;

        if (!os_actor_has_role (actor, OS_ROLE_RECEPTION) && !actor_is_manager (actor))
          return refuse (error, _("Chỉ cán bộ tiếp nhận hoặc lãnh đạo mới được gia hạn hồ sơ."));
        if (!check_unit (state, actor, error))
          return FALSE;
        if (state->extended)
          return refuse (error, _("Hồ sơ đã được gia hạn một lần; không thể gia hạn thêm."));
        if (state->pause != OS_PAUSE_NONE)
          return refuse (error, _("Hồ sơ đang tạm dừng; không cần gia hạn."));
        if (state->result != OS_RESULT_NONE)
          return refuse (error, _("Hồ sơ đã có kết quả; không cần gia hạn."));
        if (due == 0)
          return refuse (error, _("Hồ sơ không có ngày hẹn trả để gia hạn."));
        today = os_datetime_local_date (at);
        due_day = os_datetime_local_date (due);
        if (g_date_compare (&today, &due_day) >= 0)
          {
            g_autofree char *text = os_datetime_format (due, FALSE);

            return refuse (error, _("Chỉ được gia hạn trước ngày hẹn trả (%s)."), text);
          }
        return TRUE;
      }

    case OS_ACTION_RESUME:
      if (state->pause == OS_PAUSE_NONE)
        return refuse (error, _("Hồ sơ không ở trạng thái tạm dừng."));
      return actor_may_act (state, actor, action, error);

    default:
      break;
    }

  if (state->pause == OS_PAUSE_SUPPLEMENT)
    return refuse (error, _("Hồ sơ đang chờ bổ sung; cần tiếp nhận bổ sung trước khi %s."), action_phrase (action));
  if (state->pause == OS_PAUSE_PAYMENT)
    return refuse (error, _("Hồ sơ đang chờ thực hiện nghĩa vụ tài chính; cần tiếp tục xử lý trước khi %s."),
                   action_phrase (action));

  step = os_process_find_step (definition, state->step_id);
  if (step == NULL)
    return refuse (error, _("Bước hiện tại của hồ sơ không còn trong quy trình."));

  ability = action_ability (action);
  if (action == OS_ACTION_ASSIGN && state->assignee[0] != '\0')
    {
      /* Phân công lại, at any step already assigned: only a head or leader of the step's
       * unit changes who holds it, in place. */
      if (!check_unit (state, actor, error))
        return FALSE;
      if (!actor_is_manager (actor))
        return refuse (error, _("Hồ sơ đã được phân công cho %s; chỉ lãnh đạo phòng hoặc lãnh đạo đơn vị mới phân công lại được."),
                       state->assignee);
      return TRUE;
    }
  if (!(step->abilities & ability))
    return refuse (error, _("Bước “%s” không cho phép %s."), state->step_name, action_phrase (action));

  if (action_has_outcome (action))
    {
      if (!(action_outcomes (action) & (1u << outcome)))
        return refuse (error, _("Không thể chọn “%s” khi %s."), os_outcome_to_string (outcome),
                       action_phrase (action));
      if (outcome != OS_OUTCOME_SUPPLEMENT && os_process_find_outcome (definition, step->id, outcome) == NULL)
        return refuse (error, _("Bước “%s” chưa có hướng chuyển tiếp cho “%s”."), state->step_name,
                       os_outcome_to_string (outcome));
    }
  else if (action == OS_ACTION_HAND_OVER)
    {
      if (os_process_find_outcome (definition, step->id, OS_OUTCOME_ACCEPT) == NULL)
        return refuse (error, _("Bước “%s” chưa có bước tiếp theo để chuyển xử lý."), state->step_name);
    }
  else if (action == OS_ACTION_COLLECT_FEE)
    {
      if (state->fee[0] != '\0')
        return refuse (error, _("Đã thu phí cho hồ sơ này (%s)."), state->fee);
    }
  else if (action == OS_ACTION_RETURN)
    {
      if (state->result == OS_RESULT_NONE)
        return refuse (error, _("Hồ sơ chưa có kết quả để trả."));
    }

  return actor_may_act (state, actor, action, error);
}

GArray *
os_process_engine_list_actions (OsProcess     *definition,
                                OsRecord      *record,
                                const OsActor *actor,
                                gint64         now)
{
  GArray *choices = g_array_new (FALSE, TRUE, sizeof (OsActionChoice));
  OsProcessState *state;

  g_return_val_if_fail (OS_IS_RECORD (record), choices);
  g_return_val_if_fail (actor != NULL, choices);

  state = os_record_get_process_state (record);
  if (state == NULL)
    return choices;

  for (guint a = OS_ACTION_HAND_OVER; a <= OS_ACTION_LAST; a++)
    {
      OsActionChoice choice = { (OsAction) a, 0 };

      if (action_has_outcome (a))
        {
          for (guint o = 0; o <= OS_OUTCOME_LAST; o++)
            if (check_allowed (definition, record, state, actor, a, o, now, NULL))
              choice.outcomes |= 1u << o;
          if (choice.outcomes != 0)
            g_array_append_val (choices, choice);
        }
      else if (check_allowed (definition, record, state, actor, a, OS_OUTCOME_ACCEPT, now, NULL))
        g_array_append_val (choices, choice);
    }

  return choices;
}

/* The JSON of what an action may change: the state without its entries, and the record's
 * status and instants. ROLLBACK restores it. */
static char *
snapshot (const OsProcessState *state,
          OsStatus              status,
          gint64                due_at,
          gint64                finished_at,
          gint64                returned_at)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "state");
  build_state (b, state, FALSE);
  add_int (b, "status", status);
  add_int (b, "due_at", due_at);
  add_int (b, "finished_at", finished_at);
  add_int (b, "returned_at", returned_at);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return node_to_data (root);
}

/* What an action computes before it is committed. */
typedef struct
{
  OsProcessState *state;
  OsStatus        status;
  gint64          due_at;
  gint64          finished_at;
  gint64          returned_at;
} Work;

static void
set_str (char       **field,
         const char  *value)
{
  g_free (*field);
  *field = g_strdup (value ? value : "");
}

#define DAY (G_GINT64_CONSTANT (24) * 3600)

/* The latest deadline the server (no calendar) accepts for a step of @budget sessions
 * entered at @at: its working days ((budget + 1) / 2, and the day it is entered) × 7/5
 * for the weekends, plus a fortnight for Tết and the other holidays. */
static gint64
step_due_max (gint64 at,
              int    budget)
{
  gint64 days = ((gint64) budget + 1) / 2 + 1;

  return MIN (at + days * DAY * 7 / 5 + 14 * DAY, OS_INSTANT_MAX);
}

/* The latest a resume may move a due moment (the record's, or the step's) the server
 * cannot compute: the working time paused is never more than the wall time paused
 * (@at − @paused_at); added to @due it may still cross nights, a weekend and Tết (a
 * pause of ten minutes on Monday moves a due moment of Friday 16:55 to the next Monday),
 * hence the same fortnight as for a step deadline. */
static gint64
resume_due_max (gint64 due,
                gint64 paused_at,
                gint64 at)
{
  return MIN (due + MAX (at - paused_at, 0) + 14 * DAY, OS_INSTANT_MAX);
}

static gboolean
has_preassignment (const OsActionRequest *request)
{
  return !is_blank (request->assignee) || (request->co_processors != NULL && request->co_processors[0] != NULL);
}

/* Puts the work state on @step, entered at @at by @outcome. @paused: entered while the
 * clock stands (no deadline). @with_result: entering a return step may make a result.
 * The request's assignee and co-processors hold the step entered only for ASSIGN, or when
 * @actor is a head / leader of that step's unit; any other move naming them is refused. */
static gboolean
enter_step (Work                  *work,
            OsProcessStep         *step,
            OsOutcome              outcome,
            gboolean               paused,
            gboolean               with_result,
            OsCalendar            *calendar,
            const OsActor         *actor,
            const OsActionRequest *request,
            GError               **error)
{
  OsProcessState *s = work->state;
  gint64 at = request->at;
  gint64 due = 0;

  if (has_preassignment (request) && request->action != OS_ACTION_ASSIGN &&
      !(actor_is_manager (actor) && actor_in_unit (actor, step->unit)))
    return refuse (error, _("Chỉ lãnh đạo của đơn vị phụ trách bước “%s” mới được giao trước người xử lý khi %s; "
                            "hãy dùng thao tác phân công."),
                   step->name, action_phrase (request->action));

  if (!paused && step->budget > 0)
    {
      if (calendar != NULL)
        {
          OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, step->budget, -1 };

          due = os_calendar_compute_due (calendar, at, &limit);
        }
      else
        {
          due = request->step_due_at;
          if (due == 0)
            return refuse (error, _("Yêu cầu thiếu hạn xử lý của bước “%s”."), step->name);
          if (due < at)
            return refuse (error, _("Hạn xử lý của bước “%s” không thể trước thời điểm thao tác."), step->name);
          if (due > step_due_max (at, step->budget))
            {
              g_autofree char *text = os_datetime_format (step_due_max (at, step->budget), TRUE);

              return refuse (error, _("Hạn xử lý của bước “%s” không thể sau %s."), step->name, text);
            }
        }
    }

  set_str (&s->step_id, step->id);
  set_str (&s->step_name, step->name);
  set_str (&s->step_unit, step->unit);
  set_str (&s->step_role, step->role);
  set_str (&s->assignee, is_blank (request->assignee) ? "" : request->assignee);
  g_strfreev (s->co_processors);
  s->co_processors = strv_copy_or_null (request->co_processors);
  s->step_entered_at = at;
  s->step_due_at = due;

  s->result = OS_RESULT_NONE;
  if (with_result && (step->abilities & OS_STEP_CAN_RETURN))
    {
      if (outcome == OS_OUTCOME_ACCEPT)
        s->result = OS_RESULT_APPROVED;
      else if (outcome == OS_OUTCOME_REFUSE)
        s->result = OS_RESULT_REFUSED;
    }
  work->finished_at = s->result != OS_RESULT_NONE ? at : 0;
  return TRUE;
}

static gboolean
follow_link (Work                  *work,
             OsProcess             *definition,
             const char            *from,
             OsOutcome              outcome,
             OsCalendar            *calendar,
             const OsActor         *actor,
             const OsActionRequest *request,
             GError               **error)
{
  OsProcessLink *link = os_process_find_outcome (definition, from, outcome);
  OsProcessStep *target = link ? os_process_find_step (definition, link->to) : NULL;

  if (target == NULL)
    return refuse (error, _("Quy trình không có bước tiếp theo cho lựa chọn này."));
  return enter_step (work, target, outcome, FALSE, TRUE, calendar, actor, request, error);
}

static void
finish (Work   *work,
        gint64  at)
{
  OsProcessState *s = work->state;

  set_str (&s->step_id, "");
  set_str (&s->step_name, "");
  set_str (&s->step_unit, "");
  set_str (&s->step_role, "");
  set_str (&s->assignee, "");
  g_clear_pointer (&s->co_processors, g_strfreev);
  s->step_entered_at = at;
  s->step_due_at = 0;
  s->pause = OS_PAUSE_NONE;
  s->paused_at = 0;
  set_str (&s->paused_step, "");
}

static gboolean
do_rollback (Work                  *work,
             const OsProcessState  *state,
             GError               **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  OsProcessState *restored;
  OsProcessEntry *entry;
  JsonObject *object;
  JsonNode *root;
  guint index = 0;
  gint64 status, due, finished, returned;

  entry = last_effective_entry (state, &index);
  g_assert (entry != NULL);

  if (!json_parser_load_from_data (parser, entry->before, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return refuse (error, _("Không đọc được trạng thái trước thao tác; không thể thu hồi."));
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "state") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "state")) ||
      !json_get_int (object, "before", "status", OS_STATUS_FIRST, OS_STATUS_LAST, &status, NULL) ||
      !json_get_instant (object, "before", "due_at", OS_ERROR_PROTOCOL, &due, NULL) ||
      !json_get_instant (object, "before", "finished_at", OS_ERROR_PROTOCOL, &finished, NULL) ||
      !json_get_instant (object, "before", "returned_at", OS_ERROR_PROTOCOL, &returned, NULL) ||
      status == 0)
    return refuse (error, _("Không đọc được trạng thái trước thao tác; không thể thu hồi."));
  restored = state_from_object (json_object_get_object_member (object, "state"), &local_error);
  if (restored == NULL)
    return refuse (error, _("Không đọc được trạng thái trước thao tác; không thể thu hồi."));

  /* The history stays: the restored scalars take the current entries. */
  g_ptr_array_unref (restored->entries);
  restored->entries = g_ptr_array_ref (work->state->entries);
  os_process_state_free (work->state);
  work->state = restored;
  ((OsProcessEntry *) g_ptr_array_index (work->state->entries, index))->rolled_back = TRUE;

  work->status = (OsStatus) status;
  work->due_at = due;
  work->finished_at = finished;
  work->returned_at = returned;
  return TRUE;
}

/* RESUME where the supplement link took the record elsewhere: the step that asked comes
 * back with its assignee, co-processors, entry time and deadline as they were when it asked
 * (from the pausing entry's `before`); the caller then moves the deadline by the time paused.
 * Without that entry the step is entered afresh. */
static gboolean
return_to_paused_step (Work                  *work,
                       OsProcess             *definition,
                       OsCalendar            *calendar,
                       const OsActor         *actor,
                       const OsActionRequest *request,
                       gboolean              *fresh,
                       GError               **error)
{
  OsProcessState *s = work->state;
  OsProcessStep *step = os_process_find_step (definition, s->paused_step);
  g_autoptr(OsProcessState) asked = NULL;

  if (step == NULL)
    return refuse (error, _("Bước đã yêu cầu bổ sung không còn trong quy trình."));

  for (guint i = s->entries->len; i > 0 && asked == NULL; i--)
    {
      OsProcessEntry *entry = g_ptr_array_index (s->entries, i - 1);
      g_autoptr(JsonParser) parser = NULL;
      JsonNode *root;
      JsonObject *object;

      if (entry->rolled_back || entry->action == OS_ACTION_ROLLBACK || entry->at != s->paused_at ||
          g_strcmp0 (entry->from_step, s->paused_step) != 0 || entry->outcome != OS_OUTCOME_SUPPLEMENT)
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, entry->before, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        break;
      object = json_node_get_object (root);
      if (json_object_has_member (object, "state") &&
          JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "state")))
        asked = state_from_object (json_object_get_object_member (object, "state"), NULL);
      break;
    }

  if (asked == NULL || g_strcmp0 (asked->step_id, step->id) != 0)
    {
      /* Entered afresh: its deadline counts from now, nothing to move. */
      *fresh = TRUE;
      return enter_step (work, step, OS_OUTCOME_ACCEPT, FALSE, FALSE, calendar, actor, request, error);
    }

  set_str (&s->step_id, step->id);
  set_str (&s->step_name, step->name);
  set_str (&s->step_unit, step->unit);
  set_str (&s->step_role, step->role);
  set_str (&s->assignee, asked->assignee);
  g_strfreev (s->co_processors);
  s->co_processors = strv_copy_or_null (asked->co_processors);
  s->step_entered_at = asked->step_entered_at;
  s->step_due_at = asked->step_due_at;
  s->result = OS_RESULT_NONE;
  work->finished_at = 0;
  return TRUE;
}

gboolean
os_process_engine_start (OsProcess      *definition,
                         OsCalendar     *calendar,
                         OsRecord       *record,
                         const OsActor  *actor,
                         gint64          at,
                         GError        **error)
{
  g_autoptr(OsActionRequest) request = NULL;
  g_autoptr(GError) invalid = NULL;
  OsProcessStep *step;
  Work work = { 0 };

  g_return_val_if_fail (OS_IS_PROCESS (definition), FALSE);
  g_return_val_if_fail (calendar == NULL || OS_IS_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (OS_IS_RECORD (record), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);

  if (os_process_get_version (definition) < 1)
    return refuse (error, _("Quy trình “%s” chưa được ban hành."), os_process_get_name (definition));
  if (!os_process_validate (definition, &invalid))
    return refuse (error, _("Quy trình “%s” chưa hợp lệ: %s"), os_process_get_name (definition),
                   invalid->message);
  step = os_process_find_step (definition, os_process_get_start (definition));
  if (step == NULL)
    return refuse (error, _("Quy trình “%s” không có bước bắt đầu."), os_process_get_name (definition));

  request = os_action_request_new (OS_ACTION_NONE);
  request->at = at;
  work.state = os_process_state_new ();
  set_str (&work.state->process_id, os_process_get_id (definition));
  work.state->process_version = os_process_get_version (definition);
  /* Without a calendar there is nothing to count the start step's budget with. */
  if (calendar == NULL)
    {
      OsProcessStep plain = *step;

      plain.budget = 0;
      enter_step (&work, &plain, OS_OUTCOME_ACCEPT, FALSE, FALSE, NULL, actor, request, NULL);
    }
  else
    enter_step (&work, step, OS_OUTCOME_ACCEPT, FALSE, FALSE, calendar, actor, request, NULL);

  os_record_take_process_state (record, work.state);
  os_record_set_status (record, os_process_state_status (work.state, definition));
  return TRUE;
}

static gboolean
instant_ok (gint64 instant)
{
  return instant >= OS_INSTANT_MIN && instant <= OS_INSTANT_MAX;
}

/* The latest new due moment an extension may choose: one year after the current one. */
static gint64
extension_max (gint64 due)
{
  g_autoptr(GDateTime) local = os_datetime_local (due);
  g_autoptr(GDateTime) later = NULL;

  if (g_date_time_get_year (local) >= 9999)
    return OS_INSTANT_MAX;
  later = g_date_time_add_years (local, 1);
  return later != NULL ? MIN (g_date_time_to_unix (later), OS_INSTANT_MAX) : OS_INSTANT_MAX;
}

/* The request's own instants, and its moment against the record's history: never before
 * the previous action, or the reception when there is none (no action is backdated). */
static gboolean
check_at (OsRecord              *record,
          const OsProcessState  *state,
          const OsActionRequest *request,
          OsCalendar            *calendar,
          GError               **error)
{
  g_autofree char *at_text = NULL;
  g_autofree char *previous_text = NULL;

  if (!instant_ok (request->at) || !instant_ok (request->new_due_at) ||
      (calendar == NULL && (!instant_ok (request->step_due_at) || !instant_ok (request->due_at))))
    return refuse (error, _("Yêu cầu thao tác có thời điểm không hợp lệ."));

  if (state->entries->len > 0)
    {
      OsProcessEntry *previous = g_ptr_array_index (state->entries, state->entries->len - 1);

      if (request->at >= previous->at)
        return TRUE;
      at_text = os_datetime_format (request->at, TRUE);
      previous_text = os_datetime_format (previous->at, TRUE);
      return refuse (error, _("Thời điểm thao tác (%s) sớm hơn thao tác trước đó của hồ sơ (%s); không thể ghi lùi "
                              "thời gian. Hãy kiểm tra ngày giờ của máy tính này."),
                     at_text, previous_text);
    }
  if (request->at >= os_record_get_received_at (record))
    return TRUE;
  at_text = os_datetime_format (request->at, TRUE);
  previous_text = os_datetime_format (os_record_get_received_at (record), TRUE);
  return refuse (error, _("Thời điểm thao tác (%s) sớm hơn lúc tiếp nhận hồ sơ (%s); không thể ghi lùi thời gian. "
                          "Hãy kiểm tra ngày giờ của máy tính này."),
                 at_text, previous_text);
}

gboolean
os_process_engine_apply (OsProcess        *definition,
                         OsCalendar       *calendar,
                         OsRecord         *record,
                         const OsActor    *actor,
                         OsActionRequest  *request,
                         GError          **error)
{
  const OsProcessState *state;
  OsActionNeeds needs;
  OsAction action;
  OsOutcome outcome;
  OsProcessEntry *entry;
  g_autofree char *before = NULL;
  g_autofree char *from_step = NULL;
  gint64 from_due;
  gint64 at;
  Work work = { 0 };

  g_return_val_if_fail (definition == NULL || OS_IS_PROCESS (definition), FALSE);
  g_return_val_if_fail (calendar == NULL || OS_IS_CALENDAR (calendar), FALSE);
  g_return_val_if_fail (OS_IS_RECORD (record), FALSE);
  g_return_val_if_fail (actor != NULL, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  state = os_record_get_process_state (record);
  action = request->action;
  outcome = action_has_outcome (action) ? request->outcome : OS_OUTCOME_ACCEPT;
  if ((guint) outcome > OS_OUTCOME_LAST)
    return refuse (error, _("Lựa chọn không hợp lệ."));
  at = request->at;

  if (!check_allowed (definition, record, state, actor, action, outcome, at, error))
    return FALSE;

  needs = os_process_engine_needs (action, outcome);
  if ((needs & OS_NEEDS_REASON) && is_blank (request->reason))
    return refuse (error, _("Cần ghi rõ lý do để %s."), action_phrase (action));
  if ((needs & OS_NEEDS_ASSIGNEE) && is_blank (request->assignee))
    return refuse (error, _("Cần chọn người được phân công."));
  if ((needs & OS_NEEDS_AMOUNT) && is_blank (request->note))
    return refuse (error, _("Cần ghi số tiền phí, lệ phí đã thu."));
  if (action == OS_ACTION_EXTEND && request->new_due_at <= os_record_get_due_at (record))
    return refuse (error, _("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."));
  if (action == OS_ACTION_EXTEND && request->new_due_at > extension_max (os_record_get_due_at (record)))
    {
      g_autofree char *text = os_datetime_format (extension_max (os_record_get_due_at (record)), FALSE);

      return refuse (error, _("Chỉ được gia hạn tối đa một năm: ngày hẹn trả mới không thể sau %s."), text);
    }
  if (!check_at (record, state, request, calendar, error))
    return FALSE;

  work.state = os_process_state_copy (state);
  work.status = os_record_get_status (record);
  work.due_at = os_record_get_due_at (record);
  work.finished_at = os_record_get_finished_at (record);
  work.returned_at = os_record_get_returned_at (record);
  before = snapshot (state, work.status, work.due_at, work.finished_at, work.returned_at);
  from_step = g_strdup (state->step_id);
  from_due = state->step_due_at;

  switch (action)
    {
    case OS_ACTION_HAND_OVER:
      if (!follow_link (&work, definition, from_step, OS_OUTCOME_ACCEPT, calendar, actor, request, error))
        goto refused;
      break;

    case OS_ACTION_ASSIGN:
      {
        OsProcessStep *step = os_process_find_step (definition, from_step);

        /* The first assignment at a step that assigns and hands over moves the record on;
         * any other (phân công lại) changes the assignee in place. */
        if (state->assignee[0] == '\0' && (step->abilities & OS_STEP_CAN_ASSIGN) &&
            os_process_find_outcome (definition, from_step, OS_OUTCOME_ACCEPT) != NULL)
          {
            if (!follow_link (&work, definition, from_step, OS_OUTCOME_ACCEPT, calendar, actor, request, error))
              goto refused;
          }
        else
          {
            set_str (&work.state->assignee, request->assignee);
            g_strfreev (work.state->co_processors);
            work.state->co_processors = strv_copy_or_null (request->co_processors);
          }
      }
      break;

    case OS_ACTION_PROCESS:
    case OS_ACTION_REVIEW:
    case OS_ACTION_SIGN:
      if (outcome == OS_OUTCOME_SUPPLEMENT)
        {
          OsProcessLink *link = os_process_find_outcome (definition, from_step, OS_OUTCOME_SUPPLEMENT);
          OsProcessStep *target = link ? os_process_find_step (definition, link->to) : NULL;

          work.state->pause = OS_PAUSE_SUPPLEMENT;
          work.state->paused_at = at;
          set_str (&work.state->paused_step, from_step);
          work.state->supplements++;
          if (target != NULL &&
              !enter_step (&work, target, outcome, TRUE, FALSE, calendar, actor, request, error))
            goto refused;
        }
      else if (!follow_link (&work, definition, from_step, outcome, calendar, actor, request, error))
        goto refused;
      break;

    case OS_ACTION_COLLECT_FEE:
      {
        g_autofree char *amount = g_strstrip (g_strdup (request->note));

        set_str (&work.state->fee, amount);
      }
      break;

    case OS_ACTION_REQUEST_PAYMENT:
      work.state->pause = OS_PAUSE_PAYMENT;
      work.state->paused_at = at;
      set_str (&work.state->paused_step, from_step);
      break;

    case OS_ACTION_RESUME:
      {
        gint64 paused = 0;
        gint64 paused_at = work.state->paused_at;
        gint64 old_step_due;
        gboolean fresh = FALSE;

        if (calendar != NULL)
          {
            paused = os_calendar_working_seconds (calendar, work.state->paused_at, at);
            if (work.due_at != 0)
              work.due_at = os_calendar_add_working_seconds (calendar, work.due_at, paused);
          }
        else
          {
            if (request->due_at < work.due_at || (work.due_at == 0 && request->due_at != 0))
              {
                refuse (error, _("Khi tiếp tục xử lý, ngày hẹn trả không thể sớm hơn trước."));
                goto refused;
              }
            if (work.due_at != 0 && request->due_at > resume_due_max (work.due_at, paused_at, at))
              {
                g_autofree char *text = os_datetime_format (resume_due_max (work.due_at, paused_at, at), TRUE);

                refuse (error, _("Khi tiếp tục xử lý, ngày hẹn trả không thể lùi quá %s."), text);
                goto refused;
              }
            work.due_at = request->due_at;
          }

        /* Back to the step that asked, as it stood when it asked. */
        if (work.state->paused_step[0] != '\0' && g_strcmp0 (work.state->paused_step, from_step) != 0 &&
            !return_to_paused_step (&work, definition, calendar, actor, request, &fresh, error))
          goto refused;

        old_step_due = work.state->step_due_at;
        if (fresh)
          ;
        else if (calendar != NULL)
          {
            if (old_step_due != 0)
              work.state->step_due_at = os_calendar_add_working_seconds (calendar, old_step_due, paused);
          }
        else
          {
            if ((old_step_due == 0 && request->step_due_at != 0) || request->step_due_at < old_step_due)
              {
                refuse (error, _("Khi tiếp tục xử lý, hạn của bước không thể sớm hơn trước."));
                goto refused;
              }
            if (old_step_due != 0 && request->step_due_at > resume_due_max (old_step_due, paused_at, at))
              {
                g_autofree char *text = os_datetime_format (resume_due_max (old_step_due, paused_at, at), TRUE);

                refuse (error, _("Khi tiếp tục xử lý, hạn của bước không thể lùi quá %s."), text);
                goto refused;
              }
            work.state->step_due_at = request->step_due_at;
          }

        work.state->pause = OS_PAUSE_NONE;
        work.state->paused_at = 0;
        set_str (&work.state->paused_step, "");
      }
      break;

    case OS_ACTION_RETURN:
      finish (&work, at);
      work.returned_at = at;
      if (work.finished_at == 0)
        work.finished_at = at;
      break;

    case OS_ACTION_WITHDRAW:
    case OS_ACTION_STOP:
      finish (&work, at);
      work.finished_at = at;
      break;

    case OS_ACTION_EXTEND:
      work.state->extended = TRUE;
      work.state->original_due_at = work.due_at;
      set_str (&work.state->extension_reason, request->reason);
      work.due_at = request->new_due_at;
      break;

    case OS_ACTION_ROLLBACK:
      if (!do_rollback (&work, state, error))
        goto refused;
      break;

    case OS_ACTION_NONE:
    default:
      g_assert_not_reached ();
    }

  entry = entry_new ();
  entry->seq = (int) work.state->entries->len + 1;
  entry->action = action;
  entry->outcome = outcome;
  entry->at = at;
  set_str (&entry->actor, actor->username);
  set_str (&entry->actor_name, actor->full_name);
  set_str (&entry->desk, actor->desk);
  set_str (&entry->from_step, from_step);
  set_str (&entry->to_step, work.state->step_id);
  set_str (&entry->assignee, work.state->assignee);
  set_str (&entry->reason, request->reason);
  set_str (&entry->note, request->note);
  entry->step_due_at = from_due;
  set_str (&entry->before, before);
  if (os_process_engine_needs (action, outcome) & OS_NEEDS_ISSUED)
    entry->issued = strv_copy_or_null (request->issued);
  g_ptr_array_add (work.state->entries, entry);

  if (action != OS_ACTION_ROLLBACK)
    work.status = os_process_state_status (work.state, definition);

  request->outcome = outcome;
  request->step_due_at = work.state->step_due_at;
  request->due_at = work.due_at;

  os_record_take_process_state (record, work.state);
  os_record_set_status (record, work.status);
  os_record_set_due_at (record, work.due_at);
  os_record_set_finished_at (record, work.finished_at);
  os_record_set_returned_at (record, work.returned_at);
  return TRUE;

refused:
  os_process_state_free (work.state);
  return FALSE;
}
