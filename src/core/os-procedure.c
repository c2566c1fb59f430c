/* os-procedure.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-procedure.h"
#include "os-text.h"

struct _OsProcedure
{
  GObject      parent_instance;

  char        *id;
  char        *code;
  char        *name;
  char        *field;
  char        *fee;
  char        *search_key;
  GStrv        documents;
  OsTimeLimit  limit;
};

G_DEFINE_FINAL_TYPE (OsProcedure, os_procedure, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_CODE,
  PROP_NAME,
  PROP_FIELD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
os_procedure_finalize (GObject *object)
{
  OsProcedure *self = (OsProcedure *) object;

  g_free (self->id);
  g_free (self->code);
  g_free (self->name);
  g_free (self->field);
  g_free (self->fee);
  g_free (self->search_key);
  g_strfreev (self->documents);

  G_OBJECT_CLASS (os_procedure_parent_class)->finalize (object);
}

static void
os_procedure_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  OsProcedure *self = OS_PROCEDURE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_procedure_class_init (OsProcedureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_procedure_finalize;
  object_class->get_property = os_procedure_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIELD] =
    g_param_spec_string ("field", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
os_procedure_init (OsProcedure *self)
{
  self->limit.cutoff_minutes = -1;
}

OsProcedure *
os_procedure_new (const char        *id,
                  const char        *code,
                  const char        *name,
                  const char        *field,
                  const OsTimeLimit *limit)
{
  OsProcedure *self;
  g_autofree char *key = NULL;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (limit != NULL, NULL);

  self = g_object_new (OS_TYPE_PROCEDURE, NULL);
  self->id = g_strdup (id);
  self->code = g_strdup (code ? code : "");
  self->name = g_strdup (name);
  self->field = g_strdup (field ? field : "");
  self->fee = g_strdup ("");
  self->limit = *limit;
  self->documents = g_new0 (char *, 1);

  key = g_strconcat (self->name, " ", self->code, " ", self->field, NULL);
  self->search_key = os_text_fold (key);

  return self;
}

const char *
os_procedure_get_id (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->id;
}

const char *
os_procedure_get_code (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->code;
}

const char *
os_procedure_get_name (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->name;
}

const char *
os_procedure_get_field (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->field;
}

const char *
os_procedure_get_fee (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->fee;
}

void
os_procedure_set_fee (OsProcedure *self,
                      const char  *fee)
{
  g_return_if_fail (OS_IS_PROCEDURE (self));

  g_free (self->fee);
  self->fee = g_strdup (fee ? fee : "");
}

const OsTimeLimit *
os_procedure_get_time_limit (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return &self->limit;
}

GStrv
os_procedure_get_documents (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->documents;
}

void
os_procedure_set_documents (OsProcedure        *self,
                            const char * const *documents)
{
  g_return_if_fail (OS_IS_PROCEDURE (self));

  g_strfreev (self->documents);
  self->documents = documents ? g_strdupv ((char **) documents) : g_new0 (char *, 1);
}

const char *
os_procedure_get_search_key (OsProcedure *self)
{
  g_return_val_if_fail (OS_IS_PROCEDURE (self), NULL);
  return self->search_key;
}
