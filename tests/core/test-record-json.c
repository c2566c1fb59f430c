/* test-record-json.c: a record as the JSON object the store syncs and the server keeps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "os-datetime.h"
#include "os-error.h"
#include "os-process-engine.h"
#include "os-record-json.h"

static char *
to_data (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static OsRecord *
full_record (void)
{
  OsRecord *record = os_record_new ();
  OsTimeLimit limit = { OS_TIME_UNIT_CALENDAR_DAYS, 15, 15 * 60 };

  os_record_set_id (record, "0190a2b4-0000-7000-8000-000000000001");
  os_record_set_code (record, "000.00.06.H56-261102-0001");
  os_record_set_procedure (record, "p-1", "1.000656.000.00.00.H56", "Đăng ký khai sinh", "Hộ tịch");
  os_record_set_time_limit (record, &limit);
  os_record_set_applicant_name (record, "Nguyễn Thị Hoa");
  os_record_set_id_number (record, "038190000123");
  os_record_set_birth_date (record, "1990-05-17");
  os_record_set_phone (record, "0912345678");
  os_record_set_email (record, "hoa@example.vn");
  os_record_set_address (record, "Phường Hạc Thành, Thanh Hóa");
  os_record_set_sets (record, 2);
  os_record_set_delivery (record, OS_DELIVERY_POST);
  os_record_set_channel (record, OS_CHANNEL_ONLINE);
  os_record_set_notes (record, "Ghi chú \"có ngoặc\"");
  os_record_set_officer (record, "Lê Thị Tiếp Nhận");
  os_record_set_reason (record, "");
  os_record_set_status (record, OS_STATUS_PROCESSING);
  os_record_set_received_at (record, 1793000000);
  os_record_set_due_at (record, 1794000000);
  os_record_set_finished_at (record, 0);
  os_record_set_returned_at (record, 0);
  os_record_set_book_entry (record, 2026, 42);
  os_record_add_document (record, "Tờ khai", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng sinh", 1, 1, 2);
  return record;
}

static OsProcessState *
some_state (void)
{
  OsProcessState *state = os_process_state_new ();
  OsProcessEntry *entry = g_new0 (OsProcessEntry, 1);

  g_free (state->process_id);
  state->process_id = g_strdup ("proc-1");
  state->process_version = 3;
  g_free (state->step_id);
  state->step_id = g_strdup ("s3");
  g_free (state->step_name);
  state->step_name = g_strdup ("Thụ lý");
  g_free (state->step_role);
  state->step_role = g_strdup ("specialist");
  g_free (state->assignee);
  state->assignee = g_strdup ("nguyen.van.a");
  state->co_processors = g_strsplit ("pham.thi.b,do.van.c", ",", -1);
  state->step_entered_at = 1793001000;
  state->step_due_at = 1793100000;
  state->supplements = 1;
  state->result = OS_RESULT_NONE;

  entry->seq = 1;
  entry->action = OS_ACTION_HAND_OVER;
  entry->outcome = OS_OUTCOME_ACCEPT;
  entry->at = 1793000500;
  entry->actor = g_strdup ("le.thi.tn");
  entry->actor_name = g_strdup ("Lê Thị Tiếp Nhận");
  entry->desk = g_strdup ("desk-1");
  entry->from_step = g_strdup ("s1");
  entry->to_step = g_strdup ("s3");
  entry->assignee = g_strdup ("");
  entry->reason = g_strdup ("");
  entry->note = g_strdup ("");
  entry->before = g_strdup ("{\"state\":{}}");
  g_ptr_array_add (state->entries, entry);
  return state;
}

static void
test_round_trip (void)
{
  g_autoptr(OsRecord) record = full_record ();
  g_autoptr(OsRecord) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  JsonObject *object;

  node = os_record_to_json (record, "000.00.06.H56", "unit-7");
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "agency"), ==, "000.00.06.H56");
  g_assert_cmpstr (json_object_get_string_member (object, "unit_id"), ==, "unit-7");
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (object, "time_unit"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (object, "cutoff_minutes"), ==, 900);
  g_assert_false (json_object_has_member (object, "process"));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (object, "documents")), ==, 2);

  back = os_record_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_null (os_record_get_process_state (back));
  g_assert_cmpstr (os_record_get_applicant_name (back), ==, "Nguyễn Thị Hoa");
  g_assert_cmpint (os_record_get_channel (back), ==, OS_CHANNEL_ONLINE);
  g_assert_cmpint (os_record_get_delivery (back), ==, OS_DELIVERY_POST);
  g_assert_cmpint (os_record_get_book_number (back), ==, 42);
  g_assert_cmpint (os_record_get_due_at (back), ==, 1794000000);

  node2 = os_record_to_json (back, "000.00.06.H56", "unit-7");
  first = to_data (node);
  second = to_data (node2);
  g_assert_cmpstr (first, ==, second);
}

static void
test_round_trip_process (void)
{
  g_autoptr(OsRecord) record = full_record ();
  g_autoptr(OsRecord) back = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  OsProcessState *state;

  os_record_take_process_state (record, some_state ());
  node = os_record_to_json (record, "000.00.06.H56", NULL);
  g_assert_false (json_object_has_member (json_node_get_object (node), "unit_id"));
  g_assert_true (json_object_has_member (json_node_get_object (node), "process"));

  back = os_record_new_from_json (node, &error);
  g_assert_no_error (error);
  state = os_record_get_process_state (back);
  g_assert_nonnull (state);
  g_assert_cmpstr (state->process_id, ==, "proc-1");
  g_assert_cmpint (state->process_version, ==, 3);
  g_assert_cmpstr (state->co_processors[1], ==, "do.van.c");
  g_assert_cmpuint (state->entries->len, ==, 1);
  g_assert_cmpstr (((OsProcessEntry *) g_ptr_array_index (state->entries, 0))->before, ==, "{\"state\":{}}");

  node2 = os_record_to_json (back, "000.00.06.H56", NULL);
  first = to_data (node);
  second = to_data (node2);
  g_assert_cmpstr (first, ==, second);

  /* Taking a state again replaces (and frees) the old one; NULL clears. */
  os_record_take_process_state (back, os_process_state_new ());
  g_assert_cmpstr (os_record_get_process_state (back)->process_id, ==, "");
  os_record_take_process_state (back, NULL);
  g_assert_null (os_record_get_process_state (back));
}

static void
test_defaults (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\": \"r1\", \"applicant_name\": \"A\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = os_record_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_id (record), ==, "r1");
  g_assert_cmpstr (os_record_get_code (record), ==, "");
  g_assert_cmpint (os_record_get_status (record), ==, OS_STATUS_RECEIVED);
  g_assert_cmpint (os_record_get_sets (record), ==, 1);
  g_assert_cmpint (os_record_get_channel (record), ==, OS_CHANNEL_IN_PERSON);
  g_assert_cmpint (os_record_get_delivery (record), ==, OS_DELIVERY_DESK);
  g_assert_cmpint (os_record_get_time_limit (record)->cutoff_minutes, ==, -1);
  g_assert_cmpint (os_record_get_time_limit (record)->unit, ==, OS_TIME_UNIT_SESSIONS);
  g_assert_cmpint (os_record_get_due_at (record), ==, 0);
  g_assert_cmpuint (os_record_get_documents (record)->len, ==, 0);
  g_assert_null (os_record_get_process_state (record));
}

static void
test_lenient_like_store (void)
{
  /* What the store always tolerated: sets clamped, documents without a name skipped,
   * null members taken as missing. */
  g_autoptr(JsonNode) node = parse ("{\"sets\": 0, \"phone\": null, \"process\": null,"
                                    " \"documents\": [{\"name\": \"\"}, {\"name\": \"Tờ khai\", \"copies\": 2}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = os_record_new_from_json (node, &error);
  OsRecordDocument *doc;

  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_sets (record), ==, 1);
  g_assert_cmpstr (os_record_get_phone (record), ==, "");
  g_assert_null (os_record_get_process_state (record));
  g_assert_cmpuint (os_record_get_documents (record)->len, ==, 1);
  doc = g_ptr_array_index (os_record_get_documents (record), 0);
  g_assert_cmpstr (doc->name, ==, "Tờ khai");
  g_assert_cmpint (doc->copies, ==, 2);
}

static void
test_bad (void)
{
  static const char * const bad[] = {
    "[]",
    "\"record\"",
    "{\"status\": 0}",
    "{\"status\": 11}",
    "{\"status\": \"4\"}",
    "{\"status\": 4.5}",
    "{\"id\": 7}",
    "{\"applicant_name\": true}",
    "{\"channel\": 9}",
    "{\"delivery\": -1}",
    "{\"time_unit\": 3}",
    "{\"time_amount\": -2}",
    "{\"cutoff_minutes\": -5}",
    "{\"due_at\": \"2026-11-02\"}",
    "{\"documents\": {}}",
    "{\"documents\": [\"Tờ khai\"]}",
    "{\"documents\": [{\"name\": 3}]}",
    "{\"documents\": [{\"name\": \"A\", \"copies\": -1}]}",
    "{\"process\": []}",
    "{\"process\": {\"pause\": \"forever\"}}",
    "{\"process\": {\"result\": 1}}",
    "{\"process\": {\"entries\": {}}}",
    "{\"process\": {\"entries\": [{\"action\": \"fly\"}]}}",
    "{\"process\": {\"entries\": [{\"action\": \"sign\", \"rolled_back\": \"no\"}]}}",
    "{\"process\": {\"co_processors\": [1]}}",
    "{\"process\": {\"process_version\": -1}}",
    /* Instants outside 1970 … 9999 (os-datetime.h), the record's, the state's, the entries'. */
    "{\"received_at\": -1}",
    "{\"due_at\": 253402300800}",
    "{\"finished_at\": 4611686018427387903}",
    "{\"returned_at\": -9223372036854775808}",
    "{\"process\": {\"step_due_at\": 253402300800}}",
    "{\"process\": {\"step_entered_at\": -1}}",
    "{\"process\": {\"paused_at\": 9223372036854775807}}",
    "{\"process\": {\"original_due_at\": -86400}}",
    "{\"process\": {\"entries\": [{\"action\": \"sign\", \"at\": 253402300800}]}}",
    "{\"process\": {\"entries\": [{\"action\": \"sign\", \"step_due_at\": -1}]}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(OsRecord) record = os_record_new_from_json (node, &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (record);
      g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
      g_assert_nonnull (error->message);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (os_record_new_from_json (NULL, &error));
    g_assert_error (error, OS_ERROR, OS_ERROR_PROTOCOL);
  }
}

/* The bounds themselves are instants like any other. */
static void
test_instant_bounds (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autofree char *text = g_strdup_printf ("{\"received_at\": %" G_GINT64_FORMAT ", \"due_at\": %" G_GINT64_FORMAT
                                           ", \"process\": {\"step_due_at\": %" G_GINT64_FORMAT ","
                                           " \"entries\": [{\"action\": \"sign\", \"at\": %" G_GINT64_FORMAT "}]}}",
                                           OS_INSTANT_MIN, OS_INSTANT_MAX, OS_INSTANT_MAX, OS_INSTANT_MAX);
  OsProcessState *state;

  node = parse (text);
  record = os_record_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (os_record_get_received_at (record), ==, 0);
  g_assert_cmpint (os_record_get_due_at (record), ==, G_GINT64_CONSTANT (253402300799));
  state = os_record_get_process_state (record);
  g_assert_cmpint (state->step_due_at, ==, OS_INSTANT_MAX);
  g_assert_cmpint (((OsProcessEntry *) g_ptr_array_index (state->entries, 0))->at, ==, OS_INSTANT_MAX);
}

/* os-datetime's helpers take any gint64 without a GLib critical (tests abort on one). */
static void
test_datetime_out_of_range (void)
{
  static const gint64 instants[] = {
    G_MININT64, G_MININT64 / 2, G_GINT64_CONSTANT (-62135596801), -1, 0,
    G_GINT64_CONSTANT (253402300799), G_GINT64_CONSTANT (253402300800), G_MAXINT64 / 2, G_MAXINT64,
  };
  GDate date;

  for (guint i = 0; i < G_N_ELEMENTS (instants); i++)
    {
      g_autoptr(GDateTime) local = os_datetime_local (instants[i]);
      g_autofree char *with_time = os_datetime_format (instants[i], TRUE);
      g_autofree char *day = os_datetime_format (instants[i], FALSE);
      GDate d = os_datetime_local_date (instants[i]);

      g_test_message ("%" G_GINT64_FORMAT, instants[i]);
      g_assert_nonnull (local);
      g_assert_true (g_date_valid (&d));
      g_assert_nonnull (with_time);
      g_assert_nonnull (day);
      if (instants[i] != 0)
        g_assert_cmpuint (strlen (day), >=, strlen ("1/1/1"));
    }

  /* Past the end: the last day of 9999; before 0001: year 1. */
  {
    g_autofree char *day = os_datetime_format (G_MAXINT64, FALSE);
    GDate d = os_datetime_local_date (G_MININT64);

    g_assert_cmpstr (day, ==, "31/12/9999");
    g_assert_cmpint (g_date_get_year (&d), ==, 1);
  }
  /* In range: unchanged. */
  {
    g_autofree char *day = os_datetime_format (G_GINT64_CONSTANT (1793552400), TRUE);

    g_assert_cmpstr (day, ==, "02/11/2026 00:00");
  }

  /* os_date_start_instant: an invalid date gives 0, a date past 9999 the last one. */
  g_date_clear (&date, 1);
  g_assert_cmpint (os_date_start_instant (&date), ==, 0);
  g_date_set_dmy (&date, 1, 1, 20000);
  g_assert_cmpint (os_date_start_instant (&date), >, G_GINT64_CONSTANT (253402300799) - 2 * 86400);
  g_assert_cmpint (os_date_start_instant (&date), <=, G_GINT64_CONSTANT (253402300799));
  g_date_set_dmy (&date, 2, 11, 2026);
  g_assert_cmpint (os_date_start_instant (&date), ==, G_GINT64_CONSTANT (1793552400));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/record-json/round-trip", test_round_trip);
  g_test_add_func ("/record-json/round-trip-process", test_round_trip_process);
  g_test_add_func ("/record-json/defaults", test_defaults);
  g_test_add_func ("/record-json/lenient-like-store", test_lenient_like_store);
  g_test_add_func ("/record-json/bad", test_bad);
  g_test_add_func ("/record-json/instant-bounds", test_instant_bounds);
  g_test_add_func ("/record-json/datetime-out-of-range", test_datetime_out_of_range);

  return g_test_run ();
}
