/* os-record.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-datetime.h"
#include "os-process-engine.h"
#include "os-record.h"

G_DEFINE_BOXED_TYPE (OsRecordDocument, os_record_document,
                     os_record_document_copy, os_record_document_free)

OsRecordDocument *
os_record_document_new (const char *name,
                        int         originals,
                        int         certified,
                        int         copies)
{
  OsRecordDocument *doc = g_new0 (OsRecordDocument, 1);

  doc->name = g_strdup (name ? name : "");
  doc->originals = MAX (originals, 0);
  doc->certified = MAX (certified, 0);
  doc->copies = MAX (copies, 0);

  return doc;
}

OsRecordDocument *
os_record_document_copy (const OsRecordDocument *doc)
{
  return os_record_document_new (doc->name, doc->originals, doc->certified, doc->copies);
}

void
os_record_document_free (OsRecordDocument *doc)
{
  if (doc == NULL)
    return;

  g_free (doc->name);
  g_free (doc);
}

struct _OsRecord
{
  GObject      parent_instance;

  gint64       local_id;
  char        *id;
  char        *code;

  char        *procedure_id;
  char        *procedure_code;
  char        *procedure_name;
  char        *field;
  OsTimeLimit  limit;

  char        *applicant_name;
  char        *id_number;
  char        *birth_date;
  char        *phone;
  char        *email;
  char        *address;

  int          sets;
  OsDelivery   delivery;
  OsChannel    channel;
  char        *notes;
  char        *officer;
  char        *reason;
  int          book_volume;
  int          book_number;

  GPtrArray   *documents;

  OsStatus     status;
  gint64       received_at;
  gint64       due_at;
  gint64       finished_at;
  gint64       returned_at;

  OsProcessState *process_state;
};

G_DEFINE_FINAL_TYPE (OsRecord, os_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_APPLICANT_NAME,
  PROP_PROCEDURE_NAME,
  PROP_STATUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
os_record_finalize (GObject *object)
{
  OsRecord *self = (OsRecord *) object;

  g_free (self->id);
  g_free (self->code);
  g_free (self->procedure_id);
  g_free (self->procedure_code);
  g_free (self->procedure_name);
  g_free (self->field);
  g_free (self->applicant_name);
  g_free (self->id_number);
  g_free (self->birth_date);
  g_free (self->phone);
  g_free (self->email);
  g_free (self->address);
  g_free (self->notes);
  g_free (self->officer);
  g_free (self->reason);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->process_state, os_process_state_free);

  G_OBJECT_CLASS (os_record_parent_class)->finalize (object);
}

static void
os_record_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  OsRecord *self = OS_RECORD (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case PROP_APPLICANT_NAME:
      g_value_set_string (value, self->applicant_name);
      break;

    case PROP_PROCEDURE_NAME:
      g_value_set_string (value, self->procedure_name);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_record_class_init (OsRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_record_finalize;
  object_class->get_property = os_record_get_property;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APPLICANT_NAME] =
    g_param_spec_string ("applicant-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROCEDURE_NAME] =
    g_param_spec_string ("procedure-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL, OS_STATUS_FIRST, OS_STATUS_LAST, OS_STATUS_RECEIVED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
os_record_init (OsRecord *self)
{
  self->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) os_record_document_free);
  self->status = OS_STATUS_RECEIVED;
  self->channel = OS_CHANNEL_IN_PERSON;
  self->delivery = OS_DELIVERY_DESK;
  self->sets = 1;
  self->limit.cutoff_minutes = -1;
}

OsRecord *
os_record_new (void)
{
  return g_object_new (OS_TYPE_RECORD, NULL);
}

/* Replaces *field by a copy of @value; TRUE when it changed. */
static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

#define STRING_ACCESSORS(name, prop)                                       \
  const char *                                                             \
  os_record_get_##name (OsRecord *self)                                    \
  {                                                                        \
    g_return_val_if_fail (OS_IS_RECORD (self), NULL);                      \
    return self->name;                                                     \
  }                                                                        \
  void                                                                     \
  os_record_set_##name (OsRecord *self, const char *value)                 \
  {                                                                        \
    g_return_if_fail (OS_IS_RECORD (self));                                \
    if (set_string (&self->name, value) && (prop) != PROP_0)               \
      g_object_notify_by_pspec (G_OBJECT (self), properties[(prop)]);      \
  }

STRING_ACCESSORS (id, PROP_0)
STRING_ACCESSORS (code, PROP_CODE)
STRING_ACCESSORS (applicant_name, PROP_APPLICANT_NAME)
STRING_ACCESSORS (id_number, PROP_0)
STRING_ACCESSORS (birth_date, PROP_0)
STRING_ACCESSORS (phone, PROP_0)
STRING_ACCESSORS (email, PROP_0)
STRING_ACCESSORS (address, PROP_0)
STRING_ACCESSORS (notes, PROP_0)
STRING_ACCESSORS (officer, PROP_0)
STRING_ACCESSORS (reason, PROP_0)

#define INT_ACCESSORS(type, name)                                          \
  type                                                                     \
  os_record_get_##name (OsRecord *self)                                    \
  {                                                                        \
    g_return_val_if_fail (OS_IS_RECORD (self), 0);                         \
    return self->name;                                                     \
  }                                                                        \
  void                                                                     \
  os_record_set_##name (OsRecord *self, type value)                        \
  {                                                                        \
    g_return_if_fail (OS_IS_RECORD (self));                                \
    self->name = value;                                                    \
  }

INT_ACCESSORS (gint64, local_id)
INT_ACCESSORS (int, sets)
INT_ACCESSORS (OsDelivery, delivery)
INT_ACCESSORS (OsChannel, channel)
INT_ACCESSORS (gint64, received_at)
INT_ACCESSORS (gint64, due_at)
INT_ACCESSORS (gint64, finished_at)
INT_ACCESSORS (gint64, returned_at)

const char *
os_record_get_procedure_id (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return self->procedure_id;
}

const char *
os_record_get_procedure_code (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return self->procedure_code;
}

const char *
os_record_get_procedure_name (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return self->procedure_name;
}

const char *
os_record_get_field (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return self->field;
}

void
os_record_set_procedure (OsRecord   *self,
                         const char *procedure_id,
                         const char *procedure_code,
                         const char *procedure_name,
                         const char *field)
{
  g_return_if_fail (OS_IS_RECORD (self));

  set_string (&self->procedure_id, procedure_id);
  set_string (&self->procedure_code, procedure_code);
  set_string (&self->field, field);
  if (set_string (&self->procedure_name, procedure_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROCEDURE_NAME]);
}

const OsTimeLimit *
os_record_get_time_limit (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return &self->limit;
}

void
os_record_set_time_limit (OsRecord          *self,
                          const OsTimeLimit *limit)
{
  g_return_if_fail (OS_IS_RECORD (self));
  g_return_if_fail (limit != NULL);

  self->limit = *limit;
}

int
os_record_get_book_volume (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), 0);
  return self->book_volume;
}

int
os_record_get_book_number (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), 0);
  return self->book_number;
}

void
os_record_set_book_entry (OsRecord *self,
                          int       volume,
                          int       number)
{
  g_return_if_fail (OS_IS_RECORD (self));

  self->book_volume = volume;
  self->book_number = number;
}

GPtrArray *
os_record_get_documents (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return self->documents;
}

void
os_record_add_document (OsRecord   *self,
                        const char *name,
                        int         originals,
                        int         certified,
                        int         copies)
{
  g_return_if_fail (OS_IS_RECORD (self));
  g_return_if_fail (name != NULL);

  g_ptr_array_add (self->documents, os_record_document_new (name, originals, certified, copies));
}

void
os_record_clear_documents (OsRecord *self)
{
  g_return_if_fail (OS_IS_RECORD (self));
  g_ptr_array_set_size (self->documents, 0);
}

OsStatus
os_record_get_status (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), 0);
  return self->status;
}

void
os_record_set_status (OsRecord *self,
                      OsStatus  status)
{
  g_return_if_fail (OS_IS_RECORD (self));
  g_return_if_fail (status >= OS_STATUS_FIRST && status <= OS_STATUS_LAST);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}


OsDueState
os_record_compute_due_state (OsRecord *self,
                             gint64    now,
                             gint64    near_due_at)
{
  g_return_val_if_fail (OS_IS_RECORD (self), OS_DUE_STATE_NONE);

  switch (self->status)
    {
    case OS_STATUS_REGISTERED:
    case OS_STATUS_REFUSED:
    case OS_STATUS_WITHDRAWN:
    case OS_STATUS_STOPPED:
      return OS_DUE_STATE_NONE;

    case OS_STATUS_SUPPLEMENT:
    case OS_STATUS_PAYMENT:
      return OS_DUE_STATE_PAUSED;

    case OS_STATUS_RESOLVED:
    case OS_STATUS_RETURNED:
      {
        GDate finished, due;

        if (self->due_at == 0 || self->finished_at == 0)
          return OS_DUE_STATE_NONE;
        if (self->finished_at > self->due_at)
          return OS_DUE_STATE_LATE;
        finished = os_datetime_local_date (self->finished_at);
        due = os_datetime_local_date (self->due_at);
        return g_date_compare (&finished, &due) < 0 ? OS_DUE_STATE_EARLY : OS_DUE_STATE_ON_TIME;
      }

    case OS_STATUS_RECEIVED:
    case OS_STATUS_PROCESSING:
    default:
      if (self->due_at == 0)
        return OS_DUE_STATE_NONE;
      if (now > self->due_at)
        return OS_DUE_STATE_OVERDUE;
      if (self->due_at <= near_due_at)
        return OS_DUE_STATE_NEAR_DUE;
      return OS_DUE_STATE_IN_TIME;
    }
}

OsProcessState *
os_record_get_process_state (OsRecord *self)
{
  g_return_val_if_fail (OS_IS_RECORD (self), NULL);
  return self->process_state;
}

void
os_record_take_process_state (OsRecord       *self,
                              OsProcessState *state)
{
  g_return_if_fail (OS_IS_RECORD (self));

  if (self->process_state == state)
    return;
  g_clear_pointer (&self->process_state, os_process_state_free);
  self->process_state = state;
}
