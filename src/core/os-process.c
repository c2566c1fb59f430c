/* os-process.c: see os-process.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "os-error.h"
#include "os-process.h"
#include "os-uuid.h"

/* Boxed types */

OsProcessStep *
os_process_step_copy (const OsProcessStep *step)
{
  OsProcessStep *copy;

  g_return_val_if_fail (step != NULL, NULL);

  copy = g_new0 (OsProcessStep, 1);
  copy->id = g_strdup (step->id);
  copy->name = g_strdup (step->name);
  copy->unit = g_strdup (step->unit);
  copy->role = g_strdup (step->role);
  copy->budget = step->budget;
  copy->abilities = step->abilities;
  copy->x = step->x;
  copy->y = step->y;
  return copy;
}

void
os_process_step_free (OsProcessStep *step)
{
  if (step == NULL)
    return;
  g_free (step->id);
  g_free (step->name);
  g_free (step->unit);
  g_free (step->role);
  g_free (step);
}

OsProcessLink *
os_process_link_copy (const OsProcessLink *link)
{
  OsProcessLink *copy;

  g_return_val_if_fail (link != NULL, NULL);

  copy = g_new0 (OsProcessLink, 1);
  copy->id = g_strdup (link->id);
  copy->from = g_strdup (link->from);
  copy->to = g_strdup (link->to);
  copy->outcome = link->outcome;
  return copy;
}

void
os_process_link_free (OsProcessLink *link)
{
  if (link == NULL)
    return;
  g_free (link->id);
  g_free (link->from);
  g_free (link->to);
  g_free (link);
}

OsProcessProblem *
os_process_problem_copy (const OsProcessProblem *problem)
{
  OsProcessProblem *copy;

  g_return_val_if_fail (problem != NULL, NULL);

  copy = g_new0 (OsProcessProblem, 1);
  copy->kind = problem->kind;
  copy->blocking = problem->blocking;
  copy->step_id = g_strdup (problem->step_id);
  copy->link_id = g_strdup (problem->link_id);
  copy->message = g_strdup (problem->message);
  return copy;
}

void
os_process_problem_free (OsProcessProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->step_id);
  g_free (problem->link_id);
  g_free (problem->message);
  g_free (problem);
}

G_DEFINE_BOXED_TYPE (OsProcessStep, os_process_step, os_process_step_copy, os_process_step_free)
G_DEFINE_BOXED_TYPE (OsProcessLink, os_process_link, os_process_link_copy, os_process_link_free)
G_DEFINE_BOXED_TYPE (OsProcessProblem, os_process_problem,
                     os_process_problem_copy, os_process_problem_free)

/* Labels and ids */

static const char * const outcome_ids[] = { "accept", "supplement", "refuse", "rework" };

const char *
os_outcome_to_id (OsOutcome outcome)
{
  if ((guint) outcome <= OS_OUTCOME_LAST)
    return outcome_ids[outcome];
  return "accept";
}

gboolean
os_outcome_from_id (const char *id,
                    OsOutcome  *outcome)
{
  if (id == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (outcome_ids); i++)
    if (g_str_equal (id, outcome_ids[i]))
      {
        if (outcome)
          *outcome = (OsOutcome) i;
        return TRUE;
      }
  return FALSE;
}

const char *
os_outcome_to_string (OsOutcome outcome)
{
  switch (outcome)
    {
    case OS_OUTCOME_ACCEPT:     return _("Đồng ý, chuyển tiếp");
    case OS_OUTCOME_SUPPLEMENT: return _("Yêu cầu bổ sung");
    case OS_OUTCOME_REFUSE:     return _("Từ chối giải quyết");
    case OS_OUTCOME_REWORK:     return _("Trả lại xử lý lại");
    default:                    return _("Không rõ");
    }
}

const char *
os_role_to_string (const char *role)
{
  if (role == NULL || *role == '\0')
    return _("Chưa chọn vai trò");
  if (g_str_equal (role, OS_ROLE_RECEPTION))
    return _("Tiếp nhận (một cửa)");
  if (g_str_equal (role, OS_ROLE_SPECIALIST))
    return _("Chuyên viên");
  if (g_str_equal (role, OS_ROLE_HEAD))
    return _("Lãnh đạo phòng");
  if (g_str_equal (role, OS_ROLE_LEADER))
    return _("Lãnh đạo cơ quan");
  if (g_str_equal (role, OS_ROLE_SUPERVISOR))
    return _("Giám sát");
  if (g_str_equal (role, OS_ROLE_ADMIN))
    return _("Quản trị");
  return role;
}

static const struct
{
  OsStepAbilities flag;
  const char     *id;
} ability_ids[] = {
  { OS_STEP_CAN_HAND_OVER, "hand_over" },
  { OS_STEP_CAN_ASSIGN, "assign" },
  { OS_STEP_CAN_PROCESS, "process" },
  { OS_STEP_CAN_REVIEW, "review" },
  { OS_STEP_CAN_SIGN, "sign" },
  { OS_STEP_CAN_COLLECT_FEE, "collect_fee" },
  { OS_STEP_CAN_RETURN, "return" },
  { OS_STEP_CAN_PAUSE_PAYMENT, "pause_payment" },
};

const char *
os_step_ability_to_id (OsStepAbilities ability)
{
  for (guint i = 0; i < G_N_ELEMENTS (ability_ids); i++)
    if (ability_ids[i].flag == ability)
      return ability_ids[i].id;
  return NULL;
}

static gboolean
ability_from_id (const char *id,
                 guint      *flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (ability_ids); i++)
    if (g_str_equal (ability_ids[i].id, id))
      {
        *flag = ability_ids[i].flag;
        return TRUE;
      }
  return FALSE;
}

const char *
os_step_ability_to_string (OsStepAbilities ability)
{
  switch (ability)
    {
    case OS_STEP_CAN_HAND_OVER:     return _("Chuyển xử lý");
    case OS_STEP_CAN_ASSIGN:        return _("Phân công");
    case OS_STEP_CAN_PROCESS:       return _("Xử lý hồ sơ");
    case OS_STEP_CAN_REVIEW:        return _("Thẩm định");
    case OS_STEP_CAN_SIGN:          return _("Ký duyệt");
    case OS_STEP_CAN_COLLECT_FEE:   return _("Thu phí, lệ phí");
    case OS_STEP_CAN_RETURN:        return _("Trả kết quả");
    case OS_STEP_CAN_PAUSE_PAYMENT: return _("Yêu cầu thực hiện nghĩa vụ tài chính");
    default:                        return _("Không rõ");
    }
}

/* The object */

struct _OsProcess
{
  GObject    parent_instance;

  char      *id;
  char      *name;
  int        version;
  gint64     published_at;
  char      *published_by;
  char     **procedures;
  char      *start;
  GPtrArray *steps;   /* OsProcessStep */
  GPtrArray *links;   /* OsProcessLink */
};

G_DEFINE_FINAL_TYPE (OsProcess, os_process, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_VERSION,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
os_process_finalize (GObject *object)
{
  OsProcess *self = OS_PROCESS (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->published_by);
  g_strfreev (self->procedures);
  g_free (self->start);
  g_ptr_array_unref (self->steps);
  g_ptr_array_unref (self->links);

  G_OBJECT_CLASS (os_process_parent_class)->finalize (object);
}

static void
os_process_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  OsProcess *self = OS_PROCESS (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_VERSION:
      g_value_set_int (value, self->version);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_process_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  OsProcess *self = OS_PROCESS (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;
    case PROP_NAME:
      os_process_set_name (self, g_value_get_string (value));
      break;
    case PROP_VERSION:
      os_process_set_version (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_process_class_init (OsProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_process_finalize;
  object_class->get_property = os_process_get_property;
  object_class->set_property = os_process_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VERSION] =
    g_param_spec_int ("version", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OsProcess::changed:
   *
   * Emitted after every change of the definition (steps, links, name, start, …).
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
os_process_init (OsProcess *self)
{
  self->name = g_strdup ("");
  self->procedures = g_new0 (char *, 1);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_step_free);
  self->links = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_link_free);
}

static void
emit_changed (OsProcess *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

OsProcess *
os_process_new (const char *name)
{
  g_autofree char *id = os_uuid_v7_new ();

  return g_object_new (OS_TYPE_PROCESS, "id", id, "name", name ? name : "", NULL);
}

OsProcess *
os_process_copy (OsProcess *self)
{
  OsProcess *copy;

  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);

  copy = g_object_new (OS_TYPE_PROCESS, "id", self->id, "name", self->name, NULL);
  copy->version = self->version;
  copy->published_at = self->published_at;
  copy->published_by = g_strdup (self->published_by);
  g_strfreev (copy->procedures);
  copy->procedures = g_strdupv (self->procedures);
  copy->start = g_strdup (self->start);
  for (guint i = 0; i < self->steps->len; i++)
    g_ptr_array_add (copy->steps, os_process_step_copy (g_ptr_array_index (self->steps, i)));
  for (guint i = 0; i < self->links->len; i++)
    g_ptr_array_add (copy->links, os_process_link_copy (g_ptr_array_index (self->links, i)));
  return copy;
}

const char *
os_process_get_id (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return self->id;
}

const char *
os_process_get_name (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return self->name;
}

void
os_process_set_name (OsProcess  *self,
                     const char *name)
{
  g_return_if_fail (OS_IS_PROCESS (self));

  if (name == NULL)
    name = "";
  if (g_strcmp0 (self->name, name) == 0)
    return;
  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  emit_changed (self);
}

int
os_process_get_version (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), 0);
  return self->version;
}

void
os_process_set_version (OsProcess *self,
                        int        version)
{
  g_return_if_fail (OS_IS_PROCESS (self));
  g_return_if_fail (version >= 0);

  if (self->version == version)
    return;
  self->version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
  emit_changed (self);
}

gint64
os_process_get_published_at (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), 0);
  return self->published_at;
}

const char *
os_process_get_published_by (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return self->published_by ? self->published_by : "";
}

void
os_process_set_published (OsProcess  *self,
                          int         version,
                          gint64      at,
                          const char *by)
{
  g_return_if_fail (OS_IS_PROCESS (self));
  g_return_if_fail (version >= 0);

  self->published_at = at;
  g_free (self->published_by);
  self->published_by = g_strdup (by ? by : "");
  if (self->version != version)
    {
      self->version = version;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
    }
  emit_changed (self);
}

const char * const *
os_process_get_procedures (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return (const char * const *) self->procedures;
}

void
os_process_set_procedures (OsProcess          *self,
                           const char * const *procedure_ids)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (OS_IS_PROCESS (self));

  if (procedure_ids == NULL)
    procedure_ids = none;
  if (g_strv_equal ((const char * const *) self->procedures, procedure_ids))
    return;
  g_strfreev (self->procedures);
  self->procedures = g_strdupv ((char **) procedure_ids);
  emit_changed (self);
}

const char *
os_process_get_start (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return self->start;
}

void
os_process_set_start (OsProcess  *self,
                      const char *step_id)
{
  g_return_if_fail (OS_IS_PROCESS (self));

  if (step_id != NULL && *step_id == '\0')
    step_id = NULL;
  if (g_strcmp0 (self->start, step_id) == 0)
    return;
  g_free (self->start);
  self->start = g_strdup (step_id);
  emit_changed (self);
}

GPtrArray *
os_process_get_steps (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return self->steps;
}

GPtrArray *
os_process_get_links (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return self->links;
}

int
os_process_step_position (OsProcess  *self,
                          const char *step_id)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), -1);

  if (step_id == NULL)
    return -1;
  for (guint i = 0; i < self->steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (self->steps, i);
      if (g_strcmp0 (step->id, step_id) == 0)
        return (int) i;
    }
  return -1;
}

int
os_process_link_position (OsProcess  *self,
                          const char *link_id)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), -1);

  if (link_id == NULL)
    return -1;
  for (guint i = 0; i < self->links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (self->links, i);
      if (g_strcmp0 (link->id, link_id) == 0)
        return (int) i;
    }
  return -1;
}

OsProcessStep *
os_process_find_step (OsProcess  *self,
                      const char *step_id)
{
  int pos = os_process_step_position (self, step_id);

  return pos < 0 ? NULL : g_ptr_array_index (self->steps, pos);
}

OsProcessLink *
os_process_find_link (OsProcess  *self,
                      const char *link_id)
{
  int pos = os_process_link_position (self, link_id);

  return pos < 0 ? NULL : g_ptr_array_index (self->links, pos);
}

OsProcessLink *
os_process_find_outcome (OsProcess  *self,
                         const char *step_id,
                         OsOutcome   outcome)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);

  for (guint i = 0; i < self->links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (self->links, i);
      if (link->outcome == outcome && g_strcmp0 (link->from, step_id) == 0)
        return link;
    }
  return NULL;
}

static char *
next_id (GPtrArray *array,
         char       prefix)
{
  guint64 max = 0;

  /* Both OsProcessStep and OsProcessLink start with their id. */
  for (guint i = 0; i < array->len; i++)
    {
      const char *id = *(char **) g_ptr_array_index (array, i);
      guint64 n;

      if (id != NULL && id[0] == prefix && id[1] != '\0' &&
          g_ascii_string_to_unsigned (id + 1, 10, 0, G_MAXUINT32, &n, NULL))
        max = MAX (max, n);
    }
  return g_strdup_printf ("%c%" G_GUINT64_FORMAT, prefix, max + 1);
}

char *
os_process_next_step_id (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return next_id (self->steps, 's');
}

char *
os_process_next_link_id (OsProcess *self)
{
  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);
  return next_id (self->links, 'l');
}

static OsProcessStep *
step_dup_normalised (const OsProcessStep *step)
{
  OsProcessStep *copy = os_process_step_copy (step);

  if (copy->name == NULL)
    copy->name = g_strdup ("");
  if (copy->unit == NULL)
    copy->unit = g_strdup ("");
  if (copy->role == NULL)
    copy->role = g_strdup ("");
  return copy;
}

void
os_process_insert_step (OsProcess           *self,
                        int                  position,
                        const OsProcessStep *step)
{
  g_return_if_fail (OS_IS_PROCESS (self));
  g_return_if_fail (step != NULL && step->id != NULL && *step->id != '\0');
  g_return_if_fail (os_process_find_step (self, step->id) == NULL);

  if (position < 0 || (guint) position > self->steps->len)
    position = (int) self->steps->len;
  g_ptr_array_insert (self->steps, position, step_dup_normalised (step));
  if (self->start == NULL)
    self->start = g_strdup (step->id);
  emit_changed (self);
}

void
os_process_remove_step (OsProcess  *self,
                        const char *step_id)
{
  int pos;

  g_return_if_fail (OS_IS_PROCESS (self));

  pos = os_process_step_position (self, step_id);
  if (pos < 0)
    return;

  for (guint i = self->links->len; i > 0; i--)
    {
      OsProcessLink *link = g_ptr_array_index (self->links, i - 1);
      if (g_strcmp0 (link->from, step_id) == 0 || g_strcmp0 (link->to, step_id) == 0)
        g_ptr_array_remove_index (self->links, i - 1);
    }

  if (g_strcmp0 (self->start, step_id) == 0)
    {
      g_clear_pointer (&self->start, g_free);
      g_ptr_array_remove_index (self->steps, pos);
      if (self->steps->len > 0)
        self->start = g_strdup (((OsProcessStep *) g_ptr_array_index (self->steps, 0))->id);
    }
  else
    g_ptr_array_remove_index (self->steps, pos);

  emit_changed (self);
}

void
os_process_replace_step (OsProcess           *self,
                         const OsProcessStep *step)
{
  int pos;

  g_return_if_fail (OS_IS_PROCESS (self));
  g_return_if_fail (step != NULL);

  pos = os_process_step_position (self, step->id);
  g_return_if_fail (pos >= 0);

  os_process_step_free (g_ptr_array_index (self->steps, pos));
  g_ptr_array_index (self->steps, pos) = step_dup_normalised (step);
  emit_changed (self);
}

void
os_process_insert_link (OsProcess           *self,
                        int                  position,
                        const OsProcessLink *link)
{
  g_return_if_fail (OS_IS_PROCESS (self));
  g_return_if_fail (link != NULL && link->id != NULL && *link->id != '\0');
  g_return_if_fail (link->from != NULL && link->to != NULL);
  g_return_if_fail (os_process_find_link (self, link->id) == NULL);

  if (position < 0 || (guint) position > self->links->len)
    position = (int) self->links->len;
  g_ptr_array_insert (self->links, position, os_process_link_copy (link));
  emit_changed (self);
}

void
os_process_remove_link (OsProcess  *self,
                        const char *link_id)
{
  int pos;

  g_return_if_fail (OS_IS_PROCESS (self));

  pos = os_process_link_position (self, link_id);
  if (pos < 0)
    return;
  g_ptr_array_remove_index (self->links, pos);
  emit_changed (self);
}

void
os_process_replace_link (OsProcess           *self,
                         const OsProcessLink *link)
{
  int pos;

  g_return_if_fail (OS_IS_PROCESS (self));
  g_return_if_fail (link != NULL && link->from != NULL && link->to != NULL);

  pos = os_process_link_position (self, link->id);
  g_return_if_fail (pos >= 0);

  os_process_link_free (g_ptr_array_index (self->links, pos));
  g_ptr_array_index (self->links, pos) = os_process_link_copy (link);
  emit_changed (self);
}

/* JSON */

JsonNode *
os_process_to_json (OsProcess *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id ? self->id : "");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, self->version);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->name);
  json_builder_set_member_name (b, "start");
  json_builder_add_string_value (b, self->start ? self->start : "");
  json_builder_set_member_name (b, "procedures");
  json_builder_begin_array (b);
  for (guint i = 0; self->procedures[i]; i++)
    json_builder_add_string_value (b, self->procedures[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "published_at");
  json_builder_add_int_value (b, self->published_at);
  json_builder_set_member_name (b, "published_by");
  json_builder_add_string_value (b, self->published_by ? self->published_by : "");

  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (self->steps, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, step->id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, step->name);
      json_builder_set_member_name (b, "unit");
      json_builder_add_string_value (b, step->unit);
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, step->role);
      json_builder_set_member_name (b, "budget");
      json_builder_add_int_value (b, step->budget);
      json_builder_set_member_name (b, "abilities");
      json_builder_begin_array (b);
      for (guint j = 0; j < G_N_ELEMENTS (ability_ids); j++)
        if (step->abilities & ability_ids[j].flag)
          json_builder_add_string_value (b, ability_ids[j].id);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "x");
      json_builder_add_double_value (b, step->x);
      json_builder_set_member_name (b, "y");
      json_builder_add_double_value (b, step->y);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (self->links, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, link->id);
      json_builder_set_member_name (b, "from");
      json_builder_add_string_value (b, link->from);
      json_builder_set_member_name (b, "to");
      json_builder_add_string_value (b, link->to);
      json_builder_set_member_name (b, "outcome");
      json_builder_add_string_value (b, os_outcome_to_id (link->outcome));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

char *
os_process_to_data (OsProcess *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);

  node = os_process_to_json (self);
  return json_to_string (node, FALSE);
}

static gboolean
invalid (GError    **error,
         const char *member)
{
  g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
               _("Quy trình không đọc được: giá trị “%s” không đúng kiểu."), member);
  return FALSE;
}

/* Absent or null: @out keeps its default. */
static gboolean
get_string (JsonObject  *object,
            const char  *member,
            gboolean     required,
            char       **out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Quy trình không đọc được: thiếu giá trị “%s”."), member);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, member);
  if (required && *json_node_get_string (node) == '\0')
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Quy trình không đọc được: giá trị “%s” để trống."), member);
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_int (JsonObject  *object,
         const char  *member,
         gint64       min,
         gint64       max,
         gint64      *out,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return invalid (error, member);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      if (d != (double) (gint64) d)
        return invalid (error, member);
      value = (gint64) d;
    }
  else
    return invalid (error, member);
  if (value < min || value > max)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Quy trình không đọc được: giá trị “%s” nằm ngoài khoảng cho phép."),
                   member);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
get_double (JsonObject  *object,
            const char  *member,
            double      *out,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return invalid (error, member);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return invalid (error, member);
  if (!isfinite (*out))
    return invalid (error, member);
  return TRUE;
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           GError     **error)
{
  static JsonArray *empty;
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (g_once_init_enter (&empty))
        g_once_init_leave (&empty, json_array_new ());
      return empty;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (error, member);
      return NULL;
    }
  return json_node_get_array (node);
}

static OsProcessStep *
step_from_json (JsonNode  *node,
                GError   **error)
{
  g_autoptr(OsProcessStep) step = g_new0 (OsProcessStep, 1);
  JsonObject *object;
  JsonArray *abilities;
  gint64 budget = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "steps");
      return NULL;
    }
  object = json_node_get_object (node);
  step->name = g_strdup ("");
  step->unit = g_strdup ("");
  step->role = g_strdup ("");
  if (!get_string (object, "id", TRUE, &step->id, error) ||
      !get_string (object, "name", FALSE, &step->name, error) ||
      !get_string (object, "unit", FALSE, &step->unit, error) ||
      !get_string (object, "role", FALSE, &step->role, error) ||
      !get_int (object, "budget", 0, 10000, &budget, error) ||
      !get_double (object, "x", &step->x, error) ||
      !get_double (object, "y", &step->y, error))
    return NULL;
  step->budget = (int) budget;

  abilities = get_array (object, "abilities", error);
  if (abilities == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (abilities); i++)
    {
      JsonNode *item = json_array_get_element (abilities, i);
      guint flag;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          invalid (error, "abilities");
          return NULL;
        }
      if (!ability_from_id (json_node_get_string (item), &flag))
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Quy trình không đọc được: bước “%s” có quyền “%s” không được biết."),
                       step->name, json_node_get_string (item));
          return NULL;
        }
      step->abilities |= flag;
    }
  return g_steal_pointer (&step);
}

static OsProcessLink *
link_from_json (JsonNode  *node,
                GError   **error)
{
  g_autoptr(OsProcessLink) link = g_new0 (OsProcessLink, 1);
  g_autofree char *outcome = NULL;
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "links");
      return NULL;
    }
  object = json_node_get_object (node);
  if (!get_string (object, "id", TRUE, &link->id, error) ||
      !get_string (object, "from", TRUE, &link->from, error) ||
      !get_string (object, "to", TRUE, &link->to, error) ||
      !get_string (object, "outcome", TRUE, &outcome, error))
    return NULL;
  if (!os_outcome_from_id (outcome, &link->outcome))
    {
      g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                   _("Quy trình không đọc được: kết quả “%s” của một đường nối không được biết."),
                   outcome);
      return NULL;
    }
  return g_steal_pointer (&link);
}

OsProcess *
os_process_new_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(OsProcess) self = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *start = NULL;
  g_autofree char *published_by = NULL;
  g_autoptr(GStrvBuilder) procedures = g_strv_builder_new ();
  JsonObject *object;
  JsonArray *array;
  gint64 version = 0, published_at = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Quy trình không đọc được: dữ liệu không phải là một đối tượng JSON."));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!get_string (object, "id", TRUE, &id, error) ||
      !get_string (object, "name", FALSE, &name, error) ||
      !get_string (object, "start", FALSE, &start, error) ||
      !get_string (object, "published_by", FALSE, &published_by, error) ||
      !get_int (object, "version", 0, G_MAXINT, &version, error) ||
      !get_int (object, "published_at", G_MININT64, G_MAXINT64, &published_at, error))
    return NULL;

  self = g_object_new (OS_TYPE_PROCESS, "id", id, "name", name ? name : "", NULL);
  self->version = (int) version;
  self->published_at = published_at;
  self->published_by = g_steal_pointer (&published_by);

  array = get_array (object, "procedures", error);
  if (array == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          invalid (error, "procedures");
          return NULL;
        }
      g_strv_builder_add (procedures, json_node_get_string (item));
    }
  g_strfreev (self->procedures);
  self->procedures = g_strv_builder_end (procedures);

  array = get_array (object, "steps", error);
  if (array == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      OsProcessStep *step = step_from_json (json_array_get_element (array, i), error);

      if (step == NULL)
        return NULL;
      if (os_process_find_step (self, step->id) != NULL)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Quy trình không đọc được: mã bước “%s” bị trùng."), step->id);
          os_process_step_free (step);
          return NULL;
        }
      g_ptr_array_add (self->steps, step);
    }

  array = get_array (object, "links", error);
  if (array == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      OsProcessLink *link = link_from_json (json_array_get_element (array, i), error);
      const char *missing = NULL;

      if (link == NULL)
        return NULL;
      if (os_process_find_link (self, link->id) != NULL)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Quy trình không đọc được: mã đường nối “%s” bị trùng."), link->id);
          os_process_link_free (link);
          return NULL;
        }
      if (os_process_find_step (self, link->from) == NULL)
        missing = link->from;
      else if (os_process_find_step (self, link->to) == NULL)
        missing = link->to;
      if (missing != NULL)
        {
          g_set_error (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                       _("Quy trình không đọc được: đường nối “%s” dẫn tới bước “%s” không có."),
                       link->id, missing);
          os_process_link_free (link);
          return NULL;
        }
      g_ptr_array_add (self->links, link);
    }

  if (start != NULL && *start != '\0')
    self->start = g_steal_pointer (&start);
  else if (self->steps->len > 0)
    self->start = g_strdup (((OsProcessStep *) g_ptr_array_index (self->steps, 0))->id);

  return g_steal_pointer (&self);
}

OsProcess *
os_process_new_from_data (const char  *json,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, &local_error))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Quy trình không đọc được: dữ liệu JSON bị hỏng."));
      return NULL;
    }
  return os_process_new_from_json (json_parser_get_root (parser), error);
}

/* The steps as a graph of indices (links to missing steps left out). */

typedef struct
{
  guint        n;
  GHashTable  *index;   /* step id → position + 1 */
  GArray     **out;     /* per step: guint positions its links lead to */
} StepGraph;

static StepGraph *
step_graph_new (OsProcess *self)
{
  StepGraph *graph = g_new0 (StepGraph, 1);

  graph->n = self->steps->len;
  graph->index = g_hash_table_new (g_str_hash, g_str_equal);
  graph->out = g_new0 (GArray *, graph->n);
  for (guint i = 0; i < graph->n; i++)
    {
      OsProcessStep *step = g_ptr_array_index (self->steps, i);

      g_hash_table_insert (graph->index, step->id, GUINT_TO_POINTER (i + 1));
      graph->out[i] = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  for (guint i = 0; i < self->links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (self->links, i);
      guint from = GPOINTER_TO_UINT (g_hash_table_lookup (graph->index, link->from));
      guint to = GPOINTER_TO_UINT (g_hash_table_lookup (graph->index, link->to));

      if (from > 0 && to > 0)
        {
          to--;
          g_array_append_val (graph->out[from - 1], to);
        }
    }
  return graph;
}

static void
step_graph_free (StepGraph *graph)
{
  for (guint i = 0; i < graph->n; i++)
    g_array_unref (graph->out[i]);
  g_free (graph->out);
  g_hash_table_unref (graph->index);
  g_free (graph);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StepGraph, step_graph_free)

/* Position of @id, or -1. */
static int
step_graph_find (StepGraph  *graph,
                 const char *id)
{
  return id ? (int) GPOINTER_TO_UINT (g_hash_table_lookup (graph->index, id)) - 1 : -1;
}

/* Checks */

static void
add_problem (GPtrArray            *problems,
             OsProcessProblemKind  kind,
             gboolean              blocking,
             const char           *step_id,
             const char           *link_id,
             char                 *message)
{
  OsProcessProblem *problem = g_new0 (OsProcessProblem, 1);

  problem->kind = kind;
  problem->blocking = blocking;
  problem->step_id = g_strdup (step_id);
  problem->link_id = g_strdup (link_id);
  problem->message = message;
  g_ptr_array_add (problems, problem);
}

static const char *
step_label (const OsProcessStep *step)
{
  return step->name != NULL && *step->name != '\0' ? step->name : step->id;
}

static guint
outcome_needs (OsOutcome outcome)
{
  switch (outcome)
    {
    case OS_OUTCOME_ACCEPT:
      return OS_STEP_CAN_HAND_OVER | OS_STEP_CAN_PROCESS | OS_STEP_CAN_REVIEW | OS_STEP_CAN_SIGN;
    case OS_OUTCOME_SUPPLEMENT:
    case OS_OUTCOME_REFUSE:
      return OS_STEP_CAN_PROCESS | OS_STEP_CAN_REVIEW;
    case OS_OUTCOME_REWORK:
      return OS_STEP_CAN_REVIEW | OS_STEP_CAN_SIGN;
    default:
      return 0;
    }
}

static gboolean
has_taker (const OsProcessStep *step,
           const char * const  *takers)
{
  g_autofree char *any = g_strconcat ("|", step->role, NULL);
  g_autofree char *exact = g_strconcat (step->unit, "|", step->role, NULL);
  const char *unit = step->unit;

  for (guint i = 0; takers[i]; i++)
    {
      if (g_str_equal (takers[i], any) || g_str_equal (takers[i], exact))
        return TRUE;
      /* "" = the unit that received the record: anybody holding the role may do. */
      if (*unit == '\0' && g_str_has_suffix (takers[i], any))
        return TRUE;
    }
  return FALSE;
}

static int
limit_sessions (const OsTimeLimit *limit)
{
  switch (limit->unit)
    {
    case OS_TIME_UNIT_CALENDAR_DAYS: return limit->amount * 2;
    case OS_TIME_UNIT_SAME_DAY:      return 2;
    case OS_TIME_UNIT_SESSIONS:
    default:                         return limit->amount;
    }
}

GPtrArray *
os_process_check (OsProcess          *self,
                  const OsTimeLimit  *limit,
                  const char * const *takers)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(StepGraph) graph = NULL;
  g_autofree gboolean *reached = NULL;
  g_autoptr(GQueue) queue = NULL;
  OsProcessStep *start;
  gboolean any_return = FALSE;
  GPtrArray *sorted;

  g_return_val_if_fail (OS_IS_PROCESS (self), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_problem_free);

  if (self->steps->len == 0)
    {
      add_problem (problems, OS_PROCESS_PROBLEM_EMPTY, TRUE, NULL, NULL,
                   g_strdup (_("Quy trình chưa có bước nào.")));
      return g_steal_pointer (&problems);
    }

  start = os_process_find_step (self, self->start);
  if (start == NULL)
    add_problem (problems, OS_PROCESS_PROBLEM_NO_START, TRUE, NULL, NULL,
                 g_strdup (_("Quy trình chưa có bước bắt đầu.")));

  /* Steps reachable from the start along any link. */
  graph = step_graph_new (self);
  reached = g_new0 (gboolean, graph->n);
  queue = g_queue_new ();
  if (start != NULL)
    {
      guint v = (guint) step_graph_find (graph, start->id);

      reached[v] = TRUE;
      g_queue_push_tail (queue, GUINT_TO_POINTER (v));
    }
  while (!g_queue_is_empty (queue))
    {
      guint v = GPOINTER_TO_UINT (g_queue_pop_head (queue));
      GArray *out = graph->out[v];

      for (guint i = 0; i < out->len; i++)
        {
          guint w = g_array_index (out, guint, i);

          if (!reached[w])
            {
              reached[w] = TRUE;
              g_queue_push_tail (queue, GUINT_TO_POINTER (w));
            }
        }
    }

  for (guint i = 0; i < self->steps->len; i++)
    {
      OsProcessStep *step = g_ptr_array_index (self->steps, i);
      const char *label = step_label (step);
      gboolean way_on = FALSE;

      if (step->abilities & OS_STEP_CAN_RETURN)
        any_return = TRUE;

      {
        g_autofree char *trimmed = g_strstrip (g_strdup (step->name ? step->name : ""));
        if (*trimmed == '\0')
          add_problem (problems, OS_PROCESS_PROBLEM_NO_NAME, TRUE, step->id, NULL,
                       g_strdup_printf (_("Bước “%s” chưa có tên."), step->id));
      }

      if (start != NULL && !reached[i])
        add_problem (problems, OS_PROCESS_PROBLEM_UNREACHABLE, TRUE, step->id, NULL,
                     g_strdup_printf (_("Bước “%s” không có cách nào đến được từ bước bắt đầu."),
                                      label));

      for (guint j = 0; j < self->links->len; j++)
        {
          OsProcessLink *link = g_ptr_array_index (self->links, j);

          if (g_str_equal (link->from, step->id) && !g_str_equal (link->to, step->id) &&
              (link->outcome == OS_OUTCOME_ACCEPT || link->outcome == OS_OUTCOME_REFUSE))
            way_on = TRUE;
        }
      if (!way_on && !(step->abilities & OS_STEP_CAN_RETURN))
        add_problem (problems, OS_PROCESS_PROBLEM_DEAD_END, TRUE, step->id, NULL,
                     g_strdup_printf (_("Bước “%s” không chuyển tiếp đi đâu và cũng không trả được kết quả: hồ sơ sẽ bị kẹt ở đây."),
                                      label));

      if (step->role == NULL || *step->role == '\0')
        add_problem (problems, OS_PROCESS_PROBLEM_NOBODY, TRUE, step->id, NULL,
                     g_strdup_printf (_("Bước “%s” chưa được giao cho vai trò nào."), label));
      else if (takers != NULL && !has_taker (step, takers))
        add_problem (problems, OS_PROCESS_PROBLEM_NOBODY, FALSE, step->id, NULL,
                     g_strdup_printf (_("Chưa có người dùng nào giữ vai trò “%s” để nhận bước “%s”."),
                                      os_role_to_string (step->role), label));
    }

  for (guint i = 0; i < self->links->len; i++)
    {
      OsProcessLink *link = g_ptr_array_index (self->links, i);
      OsProcessStep *from = os_process_find_step (self, link->from);
      const char *from_label = from ? step_label (from) : link->from;

      if (g_str_equal (link->from, link->to))
        {
          add_problem (problems, OS_PROCESS_PROBLEM_SELF_LINK, TRUE, link->from, link->id,
                       g_strdup_printf (_("Bước “%s” có một đường nối quay về chính nó."),
                                        from_label));
          continue;
        }

      for (guint j = 0; j < i; j++)
        {
          OsProcessLink *other = g_ptr_array_index (self->links, j);

          if (other->outcome == link->outcome && g_str_equal (other->from, link->from))
            {
              add_problem (problems, OS_PROCESS_PROBLEM_DUPLICATE_OUTCOME, TRUE, link->from,
                           link->id,
                           g_strdup_printf (_("Bước “%s” có hai đường nối cho cùng kết quả “%s”."),
                                            from_label, os_outcome_to_string (link->outcome)));
              break;
            }
        }

      if (from != NULL && (from->abilities & outcome_needs (link->outcome)) == 0)
        add_problem (problems, OS_PROCESS_PROBLEM_OUTCOME_UNUSABLE, TRUE, link->from, link->id,
                     g_strdup_printf (_("Bước “%s” không bao giờ cho kết quả “%s”: hãy bỏ đường nối này hoặc cho bước thêm quyền phù hợp."),
                                      from_label, os_outcome_to_string (link->outcome)));
    }

  if (!any_return)
    add_problem (problems, OS_PROCESS_PROBLEM_NO_RETURN, TRUE, NULL, NULL,
                 g_strdup (_("Không có bước nào trả kết quả cho người nộp hồ sơ.")));

  if (limit != NULL && start != NULL)
    {
      int longest = os_process_longest_budget (self);
      int allowed = limit_sessions (limit);

      if (longest > allowed)
        add_problem (problems, OS_PROCESS_PROBLEM_OVER_BUDGET, FALSE, NULL, NULL,
                     g_strdup_printf (_("Đường đi dài nhất của quy trình cần %d buổi làm việc, vượt thời hạn giải quyết của thủ tục (%d buổi)."),
                                      longest, allowed));
    }

  /* Blocking first, keeping the order found. */
  sorted = g_ptr_array_new_with_free_func ((GDestroyNotify) os_process_problem_free);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < problems->len; i++)
      {
        OsProcessProblem *problem = g_ptr_array_index (problems, i);

        if (problem->blocking == (pass == 0))
          g_ptr_array_add (sorted, os_process_problem_copy (problem));
      }
  return sorted;
}

gboolean
os_process_validate (OsProcess  *self,
                     GError    **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  OsProcessProblem *first;

  g_return_val_if_fail (OS_IS_PROCESS (self), FALSE);

  problems = os_process_check (self, NULL, NULL);
  if (problems->len == 0)
    return TRUE;
  first = g_ptr_array_index (problems, 0);
  if (!first->blocking)
    return TRUE;
  g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT, first->message);
  return FALSE;
}

/* Longest path from the start: a depth-first search marks the links that go back to a step
 * still on the search path (rework, supplement loops) and leaves them out; on what remains,
 * which has no cycle, the longest path is found once per step (memoised), so the check costs
 * O(steps + links) however the process is drawn. */

enum { LONGEST_UNSEEN, LONGEST_ON_PATH, LONGEST_DONE };

static int
longest_from (StepGraph *graph,
              const int *budget,
              guint8    *mark,
              int       *best,
              guint      v)
{
  GArray *out = graph->out[v];
  int tail = 0;

  mark[v] = LONGEST_ON_PATH;
  for (guint i = 0; i < out->len; i++)
    {
      guint w = g_array_index (out, guint, i);

      if (mark[w] == LONGEST_UNSEEN)
        longest_from (graph, budget, mark, best, w);
      if (mark[w] == LONGEST_DONE)   /* a step still on the path: a loop back, left out */
        tail = MAX (tail, best[w]);
    }
  mark[v] = LONGEST_DONE;
  best[v] = budget[v] + tail;
  return best[v];
}

int
os_process_longest_budget (OsProcess *self)
{
  g_autoptr(StepGraph) graph = NULL;
  g_autofree int *budget = NULL;
  g_autofree int *best = NULL;
  g_autofree guint8 *mark = NULL;
  int start;

  g_return_val_if_fail (OS_IS_PROCESS (self), 0);

  graph = step_graph_new (self);
  start = step_graph_find (graph, self->start);
  if (start < 0)
    return 0;

  budget = g_new (int, graph->n);
  best = g_new0 (int, graph->n);
  mark = g_new0 (guint8, graph->n);
  for (guint i = 0; i < graph->n; i++)
    budget[i] = MAX (((OsProcessStep *) g_ptr_array_index (self->steps, i))->budget, 0);
  return longest_from (graph, budget, mark, best, (guint) start);
}
