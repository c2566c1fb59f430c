/* os-record-json.c: see os-record-json.h.
 *
 * The members and their meanings are those the store has always synced (record_payload in
 * os-store.c), plus `process` (os_process_state_to_json) when the record follows a process.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-process-engine.h"
#include "os-record-json.h"

JsonNode *
os_record_to_json (OsRecord   *record,
                   const char *agency,
                   const char *unit_id)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *documents;
  OsProcessState *state;
  const OsTimeLimit *limit;

  g_return_val_if_fail (OS_IS_RECORD (record), NULL);

  documents = os_record_get_documents (record);
  limit = os_record_get_time_limit (record);

#define ADD_STRING(key, value) \
  G_STMT_START { const char *v_ = (value); json_builder_set_member_name (b, key); \
                 json_builder_add_string_value (b, v_ ? v_ : ""); } G_STMT_END
#define ADD_INT(key, value) \
  G_STMT_START { json_builder_set_member_name (b, key); \
                 json_builder_add_int_value (b, value); } G_STMT_END

  json_builder_begin_object (b);
  ADD_STRING ("id", os_record_get_id (record));
  ADD_STRING ("code", os_record_get_code (record));
  ADD_STRING ("agency", agency);
  if (unit_id != NULL && *unit_id != '\0')
    ADD_STRING ("unit_id", unit_id);
  ADD_STRING ("procedure_id", os_record_get_procedure_id (record));
  ADD_STRING ("procedure_code", os_record_get_procedure_code (record));
  ADD_STRING ("procedure_name", os_record_get_procedure_name (record));
  ADD_STRING ("field", os_record_get_field (record));
  ADD_INT ("time_unit", limit->unit);
  ADD_INT ("time_amount", limit->amount);
  ADD_INT ("cutoff_minutes", limit->cutoff_minutes);
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
  ADD_INT ("finished_at", os_record_get_finished_at (record));
  ADD_INT ("returned_at", os_record_get_returned_at (record));
  ADD_INT ("book_volume", os_record_get_book_volume (record));
  ADD_INT ("book_number", os_record_get_book_number (record));
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

  state = os_record_get_process_state (record);
  if (state != NULL)
    {
      json_builder_set_member_name (b, "process");
      json_builder_add_value (b, os_process_state_to_json (state));
    }
  json_builder_end_object (b);

#undef ADD_STRING
#undef ADD_INT

  return json_builder_get_root (b);
}

static gboolean
bad_member (const char  *name,
            GError     **error)
{
  g_set_error (error, OS_ERROR, OS_ERROR_PROTOCOL,
               _("Dữ liệu hồ sơ không hợp lệ (trường “%s”)."), name);
  return FALSE;
}

/* A string member: @fallback when absent or null; FALSE (error set) for another type. */
static gboolean
get_string (JsonObject  *object,
            const char  *name,
            const char  *fallback,
            const char **value,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *value = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad_member (name, error);
  *value = json_node_get_string (node);
  return TRUE;
}

/* An integer member in [@min, @max]: @fallback when absent or null. */
static gboolean
get_int (JsonObject  *object,
         const char  *name,
         gint64       fallback,
         gint64       min,
         gint64       max,
         gint64      *value,
         GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 v;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *value = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad_member (name, error);
  v = json_node_get_int (node);
  if (v < min || v > max)
    return bad_member (name, error);
  *value = v;
  return TRUE;
}

OsRecord *
os_record_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(OsRecord) record = os_record_new ();
  JsonObject *data;
  JsonNode *member;
  OsTimeLimit limit;
  const char *id, *code, *procedure_id, *procedure_code, *procedure_name, *field;
  const char *applicant_name, *id_number, *birth_date, *phone, *email, *address;
  const char *notes, *officer, *reason;
  gint64 time_unit, time_amount, cutoff, sets, delivery, channel, status;
  gint64 received_at, due_at, finished_at, returned_at, book_volume, book_number;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_PROTOCOL,
                           _("Dữ liệu hồ sơ không phải là một đối tượng JSON."));
      return NULL;
    }
  data = json_node_get_object (node);

  if (!get_string (data, "id", "", &id, error) ||
      !get_string (data, "code", "", &code, error) ||
      !get_string (data, "procedure_id", "", &procedure_id, error) ||
      !get_string (data, "procedure_code", "", &procedure_code, error) ||
      !get_string (data, "procedure_name", "", &procedure_name, error) ||
      !get_string (data, "field", "", &field, error) ||
      !get_string (data, "applicant_name", "", &applicant_name, error) ||
      !get_string (data, "id_number", "", &id_number, error) ||
      !get_string (data, "birth_date", "", &birth_date, error) ||
      !get_string (data, "phone", "", &phone, error) ||
      !get_string (data, "email", "", &email, error) ||
      !get_string (data, "address", "", &address, error) ||
      !get_string (data, "notes", "", &notes, error) ||
      !get_string (data, "officer", "", &officer, error) ||
      !get_string (data, "reason", "", &reason, error) ||
      !get_int (data, "time_unit", OS_TIME_UNIT_SESSIONS, OS_TIME_UNIT_SESSIONS, OS_TIME_UNIT_SAME_DAY,
                &time_unit, error) ||
      !get_int (data, "time_amount", 0, 0, G_MAXINT, &time_amount, error) ||
      !get_int (data, "cutoff_minutes", -1, -1, 24 * 60, &cutoff, error) ||
      /* The store has always clamped the number of sets rather than refused it. */
      !get_int (data, "sets", 1, G_MININT, G_MAXINT, &sets, error) ||
      !get_int (data, "delivery", OS_DELIVERY_DESK, OS_DELIVERY_DESK, OS_DELIVERY_POST, &delivery, error) ||
      !get_int (data, "channel", OS_CHANNEL_IN_PERSON, OS_CHANNEL_IN_PERSON, OS_CHANNEL_POST, &channel, error) ||
      !get_int (data, "status", OS_STATUS_RECEIVED, OS_STATUS_FIRST, OS_STATUS_LAST, &status, error) ||
      /* Instants GDateTime can always hold (os-datetime.h). */
      !get_int (data, "received_at", 0, OS_INSTANT_MIN, OS_INSTANT_MAX, &received_at, error) ||
      !get_int (data, "due_at", 0, OS_INSTANT_MIN, OS_INSTANT_MAX, &due_at, error) ||
      !get_int (data, "finished_at", 0, OS_INSTANT_MIN, OS_INSTANT_MAX, &finished_at, error) ||
      !get_int (data, "returned_at", 0, OS_INSTANT_MIN, OS_INSTANT_MAX, &returned_at, error) ||
      !get_int (data, "book_volume", 0, G_MININT, G_MAXINT, &book_volume, error) ||
      !get_int (data, "book_number", 0, G_MININT, G_MAXINT, &book_number, error))
    return NULL;

  os_record_set_id (record, id);
  os_record_set_code (record, code);
  os_record_set_procedure (record, procedure_id, procedure_code, procedure_name, field);
  limit.unit = (OsTimeUnit) time_unit;
  limit.amount = (int) time_amount;
  limit.cutoff_minutes = (int) cutoff;
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, applicant_name);
  os_record_set_id_number (record, id_number);
  os_record_set_birth_date (record, birth_date);
  os_record_set_phone (record, phone);
  os_record_set_email (record, email);
  os_record_set_address (record, address);
  os_record_set_sets (record, (int) CLAMP (sets, 1, G_MAXINT));
  os_record_set_delivery (record, (OsDelivery) delivery);
  os_record_set_channel (record, (OsChannel) channel);
  os_record_set_notes (record, notes);
  os_record_set_officer (record, officer);
  os_record_set_reason (record, reason);
  os_record_set_status (record, (OsStatus) status);
  os_record_set_received_at (record, received_at);
  os_record_set_due_at (record, due_at);
  os_record_set_finished_at (record, finished_at);
  os_record_set_returned_at (record, returned_at);
  os_record_set_book_entry (record, (int) book_volume, (int) book_number);

  member = json_object_get_member (data, "documents");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      JsonArray *docs;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        {
          bad_member ("documents", error);
          return NULL;
        }
      docs = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (docs); i++)
        {
          JsonNode *element = json_array_get_element (docs, i);
          JsonObject *d;
          const char *name;
          gint64 originals, certified, copies;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              bad_member ("documents", error);
              return NULL;
            }
          d = json_node_get_object (element);
          if (!get_string (d, "name", "", &name, error) ||
              !get_int (d, "originals", 0, 0, G_MAXINT, &originals, error) ||
              !get_int (d, "certified", 0, 0, G_MAXINT, &certified, error) ||
              !get_int (d, "copies", 0, 0, G_MAXINT, &copies, error))
            return NULL;
          /* As the store always did: a line without a name is no document. */
          if (*name == '\0')
            continue;
          os_record_add_document (record, name, (int) originals, (int) certified, (int) copies);
        }
    }

  member = json_object_get_member (data, "process");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      OsProcessState *state = os_process_state_from_json (member, error);

      if (state == NULL)
        return NULL;
      os_record_take_process_state (record, state);
    }

  return g_steal_pointer (&record);
}
