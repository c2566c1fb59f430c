/* os-process-editor.c: see os-process-editor.h.
 *
 * A command is a label and a list of primitive operations on the process, each holding
 * both sides (what was there before and what is there after), so undo runs the list
 * backwards through the inverse operations and redo runs it forwards again. A group is a
 * command whose list gathers the operations of every command made while it is open.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-process-editor.h"
#include "os-process-layout.h"

typedef enum
{
  OP_INSERT_STEP,
  OP_REMOVE_STEP,
  OP_REPLACE_STEP,
  OP_INSERT_LINK,
  OP_REMOVE_LINK,
  OP_REPLACE_LINK,
  OP_SET_START,
  OP_SET_NAME,
  OP_SET_PROCEDURES,
} OpKind;

typedef struct
{
  OpKind         kind;
  int            position;
  OsProcessStep *step_before, *step_after;
  OsProcessLink *link_before, *link_after;
  char          *text_before, *text_after;      /* start or name; NULL allowed for start */
  char         **strv_before, **strv_after;
} Op;

static void
op_free (Op *op)
{
  os_process_step_free (op->step_before);
  os_process_step_free (op->step_after);
  os_process_link_free (op->link_before);
  os_process_link_free (op->link_after);
  g_free (op->text_before);
  g_free (op->text_after);
  g_strfreev (op->strv_before);
  g_strfreev (op->strv_after);
  g_free (op);
}

typedef enum
{
  CMD_OTHER,
  CMD_MOVE,
} CommandKind;

typedef struct
{
  CommandKind  kind;
  guint        serial;
  char        *label;    /* translated, without "Hoàn tác: " */
  char        *step_id;  /* CMD_MOVE: the step moved */
  GPtrArray   *ops;
} Command;

static void
command_free (Command *command)
{
  g_free (command->label);
  g_free (command->step_id);
  g_ptr_array_unref (command->ops);
  g_free (command);
}

struct _OsProcessEditor
{
  GObject     parent_instance;

  OsProcess  *process;
  GPtrArray  *undo;          /* Command, oldest first */
  GPtrArray  *redo;          /* Command, the next one to redo last */
  Command    *group;         /* open group, or NULL */
  guint       group_depth;
  guint       next_serial;
  guint       saved_serial;  /* serial of the top undo command when saved (0: empty stack) */

  /* Last notified values. */
  gboolean    was_can_undo, was_can_redo, was_dirty;
  char       *undo_label, *redo_label;
};

G_DEFINE_FINAL_TYPE (OsProcessEditor, os_process_editor, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROCESS,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  PROP_DIRTY,
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
os_process_editor_finalize (GObject *object)
{
  OsProcessEditor *self = OS_PROCESS_EDITOR (object);

  g_clear_object (&self->process);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_clear_pointer (&self->group, command_free);
  g_free (self->undo_label);
  g_free (self->redo_label);

  G_OBJECT_CLASS (os_process_editor_parent_class)->finalize (object);
}

static void
os_process_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  OsProcessEditor *self = OS_PROCESS_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROCESS:
      g_value_set_object (value, self->process);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, os_process_editor_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, os_process_editor_can_redo (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, os_process_editor_get_undo_label (self));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, os_process_editor_get_redo_label (self));
      break;
    case PROP_DIRTY:
      g_value_set_boolean (value, os_process_editor_is_dirty (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_process_editor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  OsProcessEditor *self = OS_PROCESS_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROCESS:
      self->process = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_process_editor_constructed (GObject *object)
{
  OsProcessEditor *self = OS_PROCESS_EDITOR (object);

  G_OBJECT_CLASS (os_process_editor_parent_class)->constructed (object);

  if (self->process == NULL)
    self->process = os_process_new ("");
  self->undo_label = g_strdup (os_process_editor_get_undo_label (self));
  self->redo_label = g_strdup (os_process_editor_get_redo_label (self));
}

static void
os_process_editor_class_init (OsProcessEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_process_editor_finalize;
  object_class->constructed = os_process_editor_constructed;
  object_class->get_property = os_process_editor_get_property;
  object_class->set_property = os_process_editor_set_property;

  properties[PROP_PROCESS] =
    g_param_spec_object ("process", NULL, NULL, OS_TYPE_PROCESS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDO_LABEL] =
    g_param_spec_string ("undo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDO_LABEL] =
    g_param_spec_string ("redo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRTY] =
    g_param_spec_boolean ("dirty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
os_process_editor_init (OsProcessEditor *self)
{
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  self->next_serial = 1;
}

OsProcessEditor *
os_process_editor_new (OsProcess *process)
{
  g_return_val_if_fail (OS_IS_PROCESS (process), NULL);

  return g_object_new (OS_TYPE_PROCESS_EDITOR, "process", process, NULL);
}

OsProcess *
os_process_editor_get_process (OsProcessEditor *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), NULL);
  return self->process;
}

/* State and notifications */

static Command *
top_undo (OsProcessEditor *self)
{
  return self->undo->len > 0 ? g_ptr_array_index (self->undo, self->undo->len - 1) : NULL;
}

gboolean
os_process_editor_can_undo (OsProcessEditor *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);
  return self->undo->len > 0 && self->group == NULL;
}

gboolean
os_process_editor_can_redo (OsProcessEditor *self)
{
  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);
  return self->redo->len > 0 && self->group == NULL;
}

const char *
os_process_editor_get_undo_label (OsProcessEditor *self)
{
  Command *command;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), NULL);

  command = top_undo (self);
  if (command == NULL)
    return _("Hoàn tác");
  g_free (self->undo_label);
  /* TRANSLATORS: %s is what the command did, e.g. "di chuyển bước" */
  self->undo_label = g_strdup_printf (_("Hoàn tác: %s"), command->label);
  return self->undo_label;
}

const char *
os_process_editor_get_redo_label (OsProcessEditor *self)
{
  Command *command;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), NULL);

  if (self->redo->len == 0)
    return _("Làm lại");
  command = g_ptr_array_index (self->redo, self->redo->len - 1);
  g_free (self->redo_label);
  /* TRANSLATORS: %s is what the command did, e.g. "di chuyển bước" */
  self->redo_label = g_strdup_printf (_("Làm lại: %s"), command->label);
  return self->redo_label;
}

gboolean
os_process_editor_is_dirty (OsProcessEditor *self)
{
  Command *top;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  if (self->group != NULL && self->group->ops->len > 0)
    return TRUE;
  top = top_undo (self);
  return (top ? top->serial : 0) != self->saved_serial;
}

static void
update_state (OsProcessEditor *self)
{
  gboolean can_undo = os_process_editor_can_undo (self);
  gboolean can_redo = os_process_editor_can_redo (self);
  gboolean dirty = os_process_editor_is_dirty (self);
  g_autofree char *old_undo = g_strdup (self->undo_label);
  g_autofree char *old_redo = g_strdup (self->redo_label);
  const char *undo_label = os_process_editor_get_undo_label (self);
  const char *redo_label = os_process_editor_get_redo_label (self);

  g_object_freeze_notify (G_OBJECT (self));
  if (can_undo != self->was_can_undo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (can_redo != self->was_can_redo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  if (dirty != self->was_dirty)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
  if (g_strcmp0 (old_undo, undo_label) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
  if (g_strcmp0 (old_redo, redo_label) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
  self->was_can_undo = can_undo;
  self->was_can_redo = can_redo;
  self->was_dirty = dirty;
  g_object_thaw_notify (G_OBJECT (self));
}

static void
emit_changed (OsProcessEditor *self)
{
  update_state (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Operations */

static void
op_apply (OsProcess *process,
          Op        *op,
          gboolean   forward)
{
  switch (op->kind)
    {
    case OP_INSERT_STEP:
    case OP_REMOVE_STEP:
      if ((op->kind == OP_INSERT_STEP) == forward)
        {
          OsProcessStep *step = forward ? op->step_after : op->step_before;
          os_process_insert_step (process, op->position, step);
        }
      else
        {
          OsProcessStep *step = forward ? op->step_before : op->step_after;
          os_process_remove_step (process, step->id);
        }
      /* The model moves the start on its own; put back exactly what was there. */
      os_process_set_start (process, forward ? op->text_after : op->text_before);
      break;
    case OP_REPLACE_STEP:
      os_process_replace_step (process, forward ? op->step_after : op->step_before);
      break;
    case OP_INSERT_LINK:
    case OP_REMOVE_LINK:
      if ((op->kind == OP_INSERT_LINK) == forward)
        os_process_insert_link (process, op->position, forward ? op->link_after : op->link_before);
      else
        os_process_remove_link (process, (forward ? op->link_before : op->link_after)->id);
      break;
    case OP_REPLACE_LINK:
      os_process_replace_link (process, forward ? op->link_after : op->link_before);
      break;
    case OP_SET_START:
      os_process_set_start (process, forward ? op->text_after : op->text_before);
      break;
    case OP_SET_NAME:
      os_process_set_name (process, forward ? op->text_after : op->text_before);
      break;
    case OP_SET_PROCEDURES:
      os_process_set_procedures (process, (const char * const *)
                                 (forward ? op->strv_after : op->strv_before));
      break;
    default:
      g_assert_not_reached ();
    }
}

static Command *
command_new (OsProcessEditor *self,
             const char      *label)
{
  Command *command = g_new0 (Command, 1);

  command->serial = self->next_serial++;
  command->label = g_strdup (label);
  command->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) op_free);
  return command;
}

/* Applies the ops of @command (just built) and records it: inside a group they join the
 * group, otherwise it goes on the undo stack and the redo stack is forgotten. */
static void
run (OsProcessEditor *self,
     Command         *command)
{
  for (guint i = 0; i < command->ops->len; i++)
    op_apply (self->process, g_ptr_array_index (command->ops, i), TRUE);

  if (self->group != NULL)
    {
      while (command->ops->len > 0)
        g_ptr_array_add (self->group->ops, g_ptr_array_steal_index (command->ops, 0));
      command_free (command);
    }
  else
    {
      g_ptr_array_set_size (self->redo, 0);
      g_ptr_array_add (self->undo, command);
    }
  emit_changed (self);
}

static Op *
op_new (Command *command,
        OpKind   kind)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->position = -1;
  g_ptr_array_add (command->ops, op);
  return op;
}

/* Commands */

const char *
os_process_editor_add_step (OsProcessEditor *self,
                            const char      *name,
                            const char      *role,
                            guint            abilities,
                            int              budget,
                            double           x,
                            double           y)
{
  g_autofree char *id = NULL;
  Command *command;
  Op *op;
  OsProcessStep step = { 0 };
  const char *start;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), NULL);

  id = os_process_next_step_id (self->process);
  step.id = id;
  step.name = (char *) (name ? name : "");
  step.unit = (char *) "";
  step.role = (char *) (role ? role : "");
  step.budget = MAX (budget, 0);
  step.abilities = abilities & OS_STEP_ABILITIES_ALL;
  step.x = x;
  step.y = y;

  start = os_process_get_start (self->process);
  command = command_new (self, _("thêm bước"));
  op = op_new (command, OP_INSERT_STEP);
  op->position = -1;
  op->step_after = os_process_step_copy (&step);
  op->text_before = g_strdup (start);
  op->text_after = g_strdup (start && os_process_find_step (self->process, start) ? start : id);
  run (self, command);

  return os_process_find_step (self->process, id)->id;
}

gboolean
os_process_editor_move_step (OsProcessEditor *self,
                             const char      *step_id,
                             double           x,
                             double           y,
                             gboolean         merge)
{
  OsProcessStep *current;
  Command *top, *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  current = os_process_find_step (self->process, step_id);
  if (current == NULL || (current->x == x && current->y == y))
    return FALSE;

  top = top_undo (self);
  if (merge && self->group == NULL && top != NULL && top->kind == CMD_MOVE &&
      self->redo->len == 0 && top->serial != self->saved_serial &&
      g_strcmp0 (top->step_id, step_id) == 0)
    {
      op = g_ptr_array_index (top->ops, 0);
      op->step_after->x = x;
      op->step_after->y = y;
      op_apply (self->process, op, TRUE);
      emit_changed (self);
      return TRUE;
    }

  command = command_new (self, _("di chuyển bước"));
  command->kind = CMD_MOVE;
  command->step_id = g_strdup (step_id);
  op = op_new (command, OP_REPLACE_STEP);
  op->step_before = os_process_step_copy (current);
  op->step_after = os_process_step_copy (current);
  op->step_after->x = x;
  op->step_after->y = y;
  run (self, command);
  return TRUE;
}

gboolean
os_process_editor_remove_step (OsProcessEditor *self,
                               const char      *step_id)
{
  GPtrArray *links;
  OsProcessStep *current;
  Command *command;
  Op *op;
  const char *start;
  int pos;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  pos = os_process_step_position (self->process, step_id);
  if (pos < 0)
    return FALSE;
  current = os_process_find_step (self->process, step_id);

  command = command_new (self, _("xoá bước"));
  /* The links first, from the last: undo puts them back at their positions. */
  links = os_process_get_links (self->process);
  for (guint i = links->len; i > 0; i--)
    {
      OsProcessLink *link = g_ptr_array_index (links, i - 1);

      if (g_strcmp0 (link->from, step_id) != 0 && g_strcmp0 (link->to, step_id) != 0)
        continue;
      op = op_new (command, OP_REMOVE_LINK);
      op->position = (int) i - 1;
      op->link_before = os_process_link_copy (link);
    }

  start = os_process_get_start (self->process);
  op = op_new (command, OP_REMOVE_STEP);
  op->position = pos;
  op->step_before = os_process_step_copy (current);
  op->text_before = g_strdup (start);
  if (g_strcmp0 (start, step_id) != 0)
    op->text_after = g_strdup (start);
  else
    {
      GPtrArray *steps = os_process_get_steps (self->process);

      for (guint i = 0; i < steps->len && op->text_after == NULL; i++)
        if ((int) i != pos)
          op->text_after = g_strdup (((OsProcessStep *) g_ptr_array_index (steps, i))->id);
    }
  run (self, command);
  return TRUE;
}

static gboolean
step_equal (const OsProcessStep *a,
            const OsProcessStep *b)
{
  return g_strcmp0 (a->name, b->name) == 0 &&
         g_strcmp0 (a->unit ? a->unit : "", b->unit ? b->unit : "") == 0 &&
         g_strcmp0 (a->role ? a->role : "", b->role ? b->role : "") == 0 &&
         a->budget == b->budget && a->abilities == b->abilities &&
         a->x == b->x && a->y == b->y;
}

gboolean
os_process_editor_set_step (OsProcessEditor     *self,
                            const OsProcessStep *step)
{
  OsProcessStep *current;
  OsProcessStep *after;
  Command *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);
  g_return_val_if_fail (step != NULL, FALSE);

  current = os_process_find_step (self->process, step->id);
  if (current == NULL)
    return FALSE;

  after = os_process_step_copy (step);
  after->x = current->x;
  after->y = current->y;
  after->budget = MAX (after->budget, 0);
  after->abilities &= OS_STEP_ABILITIES_ALL;
  if (after->name == NULL)
    after->name = g_strdup ("");
  if (step_equal (current, after))
    {
      os_process_step_free (after);
      return FALSE;
    }

  command = command_new (self, _("sửa bước"));
  op = op_new (command, OP_REPLACE_STEP);
  op->step_before = os_process_step_copy (current);
  op->step_after = after;
  run (self, command);
  return TRUE;
}

gboolean
os_process_editor_set_start (OsProcessEditor *self,
                             const char      *step_id)
{
  Command *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  if (os_process_find_step (self->process, step_id) == NULL ||
      g_strcmp0 (os_process_get_start (self->process), step_id) == 0)
    return FALSE;

  command = command_new (self, _("đặt bước bắt đầu"));
  op = op_new (command, OP_SET_START);
  op->text_before = g_strdup (os_process_get_start (self->process));
  op->text_after = g_strdup (step_id);
  run (self, command);
  return TRUE;
}

const char *
os_process_editor_connect (OsProcessEditor *self,
                           const char      *from,
                           const char      *to,
                           OsOutcome        outcome)
{
  OsProcessLink *existing;
  OsProcessLink link;
  g_autofree char *id = NULL;
  Command *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), NULL);
  g_return_val_if_fail ((guint) outcome <= OS_OUTCOME_LAST, NULL);

  if (g_strcmp0 (from, to) == 0 ||
      os_process_find_step (self->process, from) == NULL ||
      os_process_find_step (self->process, to) == NULL)
    return NULL;

  existing = os_process_find_outcome (self->process, from, outcome);
  if (existing != NULL)
    {
      if (g_strcmp0 (existing->to, to) != 0)
        {
          command = command_new (self, _("nối bước"));
          op = op_new (command, OP_REPLACE_LINK);
          op->link_before = os_process_link_copy (existing);
          op->link_after = os_process_link_copy (existing);
          g_free (op->link_after->to);
          op->link_after->to = g_strdup (to);
          run (self, command);
        }
      return NULL;
    }

  id = os_process_next_link_id (self->process);
  link.id = id;
  link.from = (char *) from;
  link.to = (char *) to;
  link.outcome = outcome;

  command = command_new (self, _("nối bước"));
  op = op_new (command, OP_INSERT_LINK);
  op->position = -1;
  op->link_after = os_process_link_copy (&link);
  run (self, command);

  return os_process_find_link (self->process, id)->id;
}

gboolean
os_process_editor_set_link (OsProcessEditor     *self,
                            const OsProcessLink *link)
{
  OsProcessLink *current;
  Command *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);

  current = os_process_find_link (self->process, link->id);
  if (current == NULL || (guint) link->outcome > OS_OUTCOME_LAST ||
      g_strcmp0 (link->from, link->to) == 0 ||
      os_process_find_step (self->process, link->from) == NULL ||
      os_process_find_step (self->process, link->to) == NULL)
    return FALSE;
  if (g_str_equal (current->from, link->from) && g_str_equal (current->to, link->to) &&
      current->outcome == link->outcome)
    return FALSE;

  command = command_new (self, _("sửa đường nối"));
  op = op_new (command, OP_REPLACE_LINK);
  op->link_before = os_process_link_copy (current);
  op->link_after = os_process_link_copy (link);
  run (self, command);
  return TRUE;
}

gboolean
os_process_editor_remove_link (OsProcessEditor *self,
                               const char      *link_id)
{
  Command *command;
  Op *op;
  int pos;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  pos = os_process_link_position (self->process, link_id);
  if (pos < 0)
    return FALSE;

  command = command_new (self, _("xoá đường nối"));
  op = op_new (command, OP_REMOVE_LINK);
  op->position = pos;
  op->link_before = os_process_link_copy (os_process_find_link (self->process, link_id));
  run (self, command);
  return TRUE;
}

gboolean
os_process_editor_rename (OsProcessEditor *self,
                          const char      *name)
{
  Command *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  if (name == NULL)
    name = "";
  if (g_strcmp0 (os_process_get_name (self->process), name) == 0)
    return FALSE;

  command = command_new (self, _("đổi tên quy trình"));
  op = op_new (command, OP_SET_NAME);
  op->text_before = g_strdup (os_process_get_name (self->process));
  op->text_after = g_strdup (name);
  run (self, command);
  return TRUE;
}

gboolean
os_process_editor_set_procedures (OsProcessEditor    *self,
                                  const char * const *procedure_ids)
{
  static const char * const none[] = { NULL };
  Command *command;
  Op *op;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  if (procedure_ids == NULL)
    procedure_ids = none;
  if (g_strv_equal (os_process_get_procedures (self->process), procedure_ids))
    return FALSE;

  command = command_new (self, _("chọn thủ tục áp dụng"));
  op = op_new (command, OP_SET_PROCEDURES);
  op->strv_before = g_strdupv ((char **) os_process_get_procedures (self->process));
  op->strv_after = g_strdupv ((char **) procedure_ids);
  run (self, command);
  return TRUE;
}

gboolean
os_process_editor_tidy (OsProcessEditor *self)
{
  g_autoptr(GArray) places = NULL;
  Command *command;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  places = os_process_layout_compute (self->process);
  command = command_new (self, _("sắp xếp lại"));
  for (guint i = 0; i < places->len; i++)
    {
      OsStepPlace *place = &g_array_index (places, OsStepPlace, i);
      OsProcessStep *current = os_process_find_step (self->process, place->step_id);
      Op *op;

      if (current == NULL || (current->x == place->x && current->y == place->y))
        continue;
      op = op_new (command, OP_REPLACE_STEP);
      op->step_before = os_process_step_copy (current);
      op->step_after = os_process_step_copy (current);
      op->step_after->x = place->x;
      op->step_after->y = place->y;
    }
  if (command->ops->len == 0)
    {
      command_free (command);
      return FALSE;
    }
  run (self, command);
  return TRUE;
}

/* Groups */

void
os_process_editor_begin_group (OsProcessEditor *self,
                               const char      *label)
{
  g_return_if_fail (OS_IS_PROCESS_EDITOR (self));

  if (self->group_depth++ == 0)
    self->group = command_new (self, label ? label : _("nhiều thay đổi"));
}

void
os_process_editor_end_group (OsProcessEditor *self)
{
  Command *group;

  g_return_if_fail (OS_IS_PROCESS_EDITOR (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;

  group = g_steal_pointer (&self->group);
  if (group->ops->len == 0)
    {
      command_free (group);
      update_state (self);
      return;
    }
  group->serial = self->next_serial++;
  g_ptr_array_set_size (self->redo, 0);
  g_ptr_array_add (self->undo, group);
  emit_changed (self);
}

/* Undo and redo */

gboolean
os_process_editor_undo (OsProcessEditor *self)
{
  Command *command;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  if (!os_process_editor_can_undo (self))
    return FALSE;

  command = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  for (guint i = command->ops->len; i > 0; i--)
    op_apply (self->process, g_ptr_array_index (command->ops, i - 1), FALSE);
  g_ptr_array_add (self->redo, command);
  emit_changed (self);
  return TRUE;
}

gboolean
os_process_editor_redo (OsProcessEditor *self)
{
  Command *command;

  g_return_val_if_fail (OS_IS_PROCESS_EDITOR (self), FALSE);

  if (!os_process_editor_can_redo (self))
    return FALSE;

  command = g_ptr_array_steal_index (self->redo, self->redo->len - 1);
  for (guint i = 0; i < command->ops->len; i++)
    op_apply (self->process, g_ptr_array_index (command->ops, i), TRUE);
  g_ptr_array_add (self->undo, command);
  emit_changed (self);
  return TRUE;
}

void
os_process_editor_mark_saved (OsProcessEditor *self)
{
  Command *top;

  g_return_if_fail (OS_IS_PROCESS_EDITOR (self));

  top = top_undo (self);
  self->saved_serial = top ? top->serial : 0;
  update_state (self);
}
