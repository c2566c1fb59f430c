/* os-demo.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "os-admin-unit.h"
#include "os-datetime.h"
#include "os-demo.h"
#include "os-error.h"
#include "os-process-engine.h"
#include "os-record-code.h"
#include "os-store-process.h"

#define CATALOGUE_PATH "/vn/onestop/core/demo/procedures.json"

/* The demo process (PROCESS-CONTRACT.md "Demo data"), published as version 1 for every
 * procedure of the demo catalogue. */
#define DEMO_PROCESS_ID "0190d3a0-5e00-7000-8000-00000000d001"
#define DEMO_PUBLISHER "Quản trị hệ thống (dữ liệu mẫu)"
#define DEMO_PROCESS_DAYS 120   /* records received before that follow no process */

static const char demo_process[] =
  "{\"id\": \"" DEMO_PROCESS_ID "\", \"version\": 0, \"name\": \"Quy trình một cửa liên thông mẫu\", "
  "\"start\": \"s1\", \"procedures\": [], \"published_at\": 0, \"published_by\": \"\", \"steps\": ["
  "{\"id\": \"s1\", \"name\": \"Tiếp nhận\", \"unit\": \"\", \"role\": \"reception\", \"budget\": 1, "
  "\"abilities\": [\"hand_over\"], \"x\": 40, \"y\": 120},"
  "{\"id\": \"s2\", \"name\": \"Phân công\", \"unit\": \"\", \"role\": \"department_head\", \"budget\": 1, "
  "\"abilities\": [\"assign\", \"hand_over\"], \"x\": 280, \"y\": 120},"
  "{\"id\": \"s3\", \"name\": \"Thụ lý\", \"unit\": \"\", \"role\": \"specialist\", \"budget\": 4, "
  "\"abilities\": [\"process\", \"pause_payment\"], \"x\": 520, \"y\": 120},"
  "{\"id\": \"s4\", \"name\": \"Thẩm định\", \"unit\": \"\", \"role\": \"department_head\", \"budget\": 1, "
  "\"abilities\": [\"review\"], \"x\": 760, \"y\": 120},"
  "{\"id\": \"s5\", \"name\": \"Ký duyệt\", \"unit\": \"\", \"role\": \"leader\", \"budget\": 1, "
  "\"abilities\": [\"sign\"], \"x\": 1000, \"y\": 120},"
  "{\"id\": \"s6\", \"name\": \"Trả kết quả\", \"unit\": \"\", \"role\": \"reception\", \"budget\": 0, "
  "\"abilities\": [\"collect_fee\", \"return\"], \"x\": 1240, \"y\": 120}], "
  "\"links\": ["
  "{\"id\": \"l1\", \"from\": \"s1\", \"to\": \"s2\", \"outcome\": \"accept\"},"
  "{\"id\": \"l2\", \"from\": \"s2\", \"to\": \"s3\", \"outcome\": \"accept\"},"
  "{\"id\": \"l3\", \"from\": \"s3\", \"to\": \"s4\", \"outcome\": \"accept\"},"
  "{\"id\": \"l4\", \"from\": \"s4\", \"to\": \"s5\", \"outcome\": \"accept\"},"
  "{\"id\": \"l5\", \"from\": \"s5\", \"to\": \"s6\", \"outcome\": \"accept\"},"
  "{\"id\": \"l6\", \"from\": \"s3\", \"to\": \"s1\", \"outcome\": \"supplement\"},"
  "{\"id\": \"l7\", \"from\": \"s4\", \"to\": \"s1\", \"outcome\": \"supplement\"},"
  "{\"id\": \"l8\", \"from\": \"s4\", \"to\": \"s3\", \"outcome\": \"rework\"},"
  "{\"id\": \"l9\", \"from\": \"s5\", \"to\": \"s3\", \"outcome\": \"rework\"},"
  "{\"id\": \"l10\", \"from\": \"s3\", \"to\": \"s6\", \"outcome\": \"refuse\"},"
  "{\"id\": \"l11\", \"from\": \"s4\", \"to\": \"s6\", \"outcome\": \"refuse\"}]}";

/* Publishes the demo process for every procedure of the catalogue. */
static gboolean
publish_demo_process (OsStore  *store,
                      GError  **error)
{
  g_autoptr(OsProcess) process = os_process_new_from_data (demo_process, error);
  GListModel *procedures = os_store_get_procedures (store);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (process == NULL)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (procedures); i++)
    {
      g_autoptr(OsProcedure) procedure = g_list_model_get_item (procedures, i);

      g_strv_builder_add (ids, os_procedure_get_id (procedure));
    }
  list = g_strv_builder_end (ids);
  os_process_set_procedures (process, (const char * const *) list);
  os_process_set_published (process, 1, g_get_real_time () / G_USEC_PER_SEC, DEMO_PUBLISHER);
  return os_store_put_process_version (store, process, error);
}

static int
parse_cutoff (const char *text)
{
  int h, m;

  if (text == NULL || sscanf (text, "%d:%d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
    return -1;
  return h * 60 + m;
}

gboolean
os_demo_load_catalogue (OsStore  *store,
                        GError  **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *agency;
  JsonArray *procedures;

  g_return_val_if_fail (OS_IS_STORE (store), FALSE);

  if (g_list_model_get_n_items (os_store_get_procedures (store)) > 0)
    return TRUE;

  bytes = g_resources_lookup_data (CATALOGUE_PATH, 0, error);
  if (bytes == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_INVALID_INPUT,
                           _("Danh mục thủ tục mẫu không đúng định dạng."));
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  if (json_object_has_member (root, "agency"))
    {
      g_autoptr(OsAgency) current = os_store_dup_agency (store);

      agency = JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "agency"))
               ? json_object_get_object_member (root, "agency") : NULL;
      if (agency != NULL && !os_agency_identifier_is_valid (current->identifier))
        {
          g_autoptr(OsAgency) demo =
            os_agency_new (json_object_get_string_member_with_default (agency, "identifier", ""),
                           json_object_get_string_member_with_default (agency, "name", ""),
                           json_object_get_string_member_with_default (agency, "parent_name", ""),
                           json_object_get_string_member_with_default (agency, "place", ""),
                           json_object_get_string_member_with_default (agency, "desk_name", ""));

          if (!os_store_set_agency (store, demo, error))
            return FALSE;
        }
    }

  /* The catalogue is data an admin may edit: skip what is missing or of the wrong type
   * rather than trip json-glib's checks. */
  procedures = json_object_has_member (root, "procedures") &&
               JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "procedures"))
               ? json_object_get_array_member (root, "procedures") : NULL;
  for (guint i = 0; procedures && i < json_array_get_length (procedures); i++)
    {
      JsonNode *element = json_array_get_element (procedures, i);
      JsonObject *p = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonObject *time = NULL;
      JsonArray *docs;
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      g_auto(GStrv) documents = NULL;
      g_autoptr(OsProcedure) procedure = NULL;
      OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, 0, -1 };

      if (p == NULL ||
          json_object_get_string_member_with_default (p, "id", NULL) == NULL ||
          json_object_get_string_member_with_default (p, "name", NULL) == NULL)
        continue;

      if (json_object_has_member (p, "time") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (p, "time")))
        time = json_object_get_object_member (p, "time");
      if (time != NULL)
        {
          const char *unit = json_object_get_string_member_with_default (time, "unit", "sessions");

          if (g_strcmp0 (unit, "calendar-days") == 0)
            limit.unit = OS_TIME_UNIT_CALENDAR_DAYS;
          else if (g_strcmp0 (unit, "same-day") == 0)
            limit.unit = OS_TIME_UNIT_SAME_DAY;
          else
            limit.unit = OS_TIME_UNIT_SESSIONS;
          limit.amount = MAX (0, (int) json_object_get_int_member_with_default (time, "amount", 0));
        }
      limit.cutoff_minutes = parse_cutoff (json_object_get_string_member_with_default (p, "cutoff", NULL));

      procedure = os_procedure_new (json_object_get_string_member (p, "id"),
                                    json_object_get_string_member_with_default (p, "code", ""),
                                    json_object_get_string_member (p, "name"),
                                    json_object_get_string_member_with_default (p, "field", ""),
                                    &limit);
      os_procedure_set_fee (procedure, json_object_get_string_member_with_default (p, "fee", ""));

      docs = json_object_has_member (p, "documents") &&
             JSON_NODE_HOLDS_ARRAY (json_object_get_member (p, "documents"))
             ? json_object_get_array_member (p, "documents") : NULL;
      for (guint j = 0; docs && j < json_array_get_length (docs); j++)
        {
          JsonNode *doc = json_array_get_element (docs, j);

          if (JSON_NODE_HOLDS_VALUE (doc) && json_node_get_value_type (doc) == G_TYPE_STRING)
            g_strv_builder_add (names, json_node_get_string (doc));
        }
      documents = g_strv_builder_end (names);
      os_procedure_set_documents (procedure, (const char * const *) documents);

      if (!os_store_add_procedure (store, procedure,
                                   json_object_get_string_member_with_default (p, "result", ""),
                                   error))
        return FALSE;
    }

  return os_store_set_setting (store, "demo", "1", error);
}

/* Generator --------------------------------------------------------------------- */

static const char * const family_names[] = {
  "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
  "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ",
};
static const char * const middle_names[] = {
  "Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Hoài",
  "Xuân", "Bảo", "Gia", "Kim", "Anh", "Mạnh",
};
static const char * const given_names[] = {
  "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
  "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Phúc",
  "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn",
  "Tuyết", "Uyên", "Việt", "Yến", "Ánh", "Đạt", "Ấn",
};
static const char * const streets[] = {
  "phố Đội Cấn", "phố Kim Mã", "phố Liễu Giai", "phố Nguyễn Thái Học", "phố Phan Đình Phùng",
  "phố Quán Thánh", "ngõ Núi Trúc", "phố Giảng Võ", "phố Văn Cao", "đường Hoàng Hoa Thám",
};
static const char * const officers[] = {
  "Nguyễn Thị Lan", "Trần Minh Đức", "Lê Thu Hà", "Phạm Quang Huy",
};
static const char * const reasons_refuse[] = {
  "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan.",
  "Người nộp không phải là người có quyền yêu cầu theo quy định.",
};
static const char * const reasons_supplement[] = {
  "Bổ sung bản sao giấy tờ tùy thân có chứng thực.",
  "Tờ khai chưa có chữ ký của người yêu cầu; đề nghị ký và ghi rõ họ tên.",
};

struct _OsDemoGenerator
{
  OsStore    *store;
  OsCalendar *calendar;
  OsAgency   *agency;
  GPtrArray  *procedures;
  GRand      *rand;
  GArray     *days;       /* working days (GDate) between start and now */
  int         last_minutes; /* office minutes of the last day that are past at now */
  char       *locality;   /* "Phường X, Thành phố Y" of the demo agency */
  gint64      now;
  guint       total;
  guint       produced;
  guint       day_index;
  guint       day_number; /* last record number issued on the current day */
  int         book_year;
  int         book_number;
  /* Processes: where records in progress stand (a generator of its own, so the records
   * themselves come out as they always did for a seed). */
  GRand      *prand;
  char       *officer;    /* the settings' officer: some records are assigned to them */
  GHashTable *processes;  /* procedure id → OsProcess, or NULL for none */
};


static void
os_demo_unref0 (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

OsDemoGenerator *
os_demo_generator_new (OsStore *store,
                       guint32  seed,
                       gint64   start,
                       gint64   now,
                       guint    total)
{
  OsDemoGenerator *self = g_new0 (OsDemoGenerator, 1);
  GTimeZone *tz = os_datetime_zone ();
  g_autoptr(GDateTime) s = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) e = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) ls = g_date_time_to_timezone (s, tz);
  g_autoptr(GDateTime) le = g_date_time_to_timezone (e, tz);
  GListModel *procedures = os_store_get_procedures (store);
  GDate day, last;

  /* Sample records follow the sample process: it belongs to demo data, never to a real
   * desk's catalogue (a desk working with a server takes the server's processes). */
  {
    g_autoptr(GError) error = NULL;

    if (!publish_demo_process (store, &error))
      g_warning ("The demo process was not published: %s", error->message);
  }
  self->store = g_object_ref (store);
  self->calendar = g_object_ref (os_store_get_calendar (store));
  self->agency = os_store_dup_agency (store);
  {
    const char *commune = g_str_has_prefix (self->agency->name, "UBND ")
                          ? self->agency->name + strlen ("UBND ") : self->agency->name;
    OsAdminUnit *province = os_admin_unit_find_province_of (commune);

    self->locality = province ? g_strdup_printf ("%s, %s", commune, os_admin_unit_get_name (province))
                              : g_strdup (commune);
  }
  self->rand = g_rand_new_with_seed (seed);
  self->prand = g_rand_new_with_seed (seed ^ 0x70726f63);
  self->officer = os_store_dup_officer (store);
  self->processes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) os_demo_unref0);
  self->now = now;
  self->total = total;
  self->procedures = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (procedures); i++)
    g_ptr_array_add (self->procedures, g_list_model_get_item (procedures, i));

  self->days = g_array_new (FALSE, FALSE, sizeof (GDate));
  g_date_clear (&day, 1);
  g_date_clear (&last, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (ls), g_date_time_get_month (ls),
                  g_date_time_get_year (ls));
  g_date_set_dmy (&last, g_date_time_get_day_of_month (le), g_date_time_get_month (le),
                  g_date_time_get_year (le));
  for (; g_date_compare (&day, &last) <= 0; g_date_add_days (&day, 1))
    if (os_calendar_is_working_day (self->calendar, &day))
      g_array_append_val (self->days, day);

  /* The last day counts only up to now: its records are spread over the office time that
   * has passed (none before the office opens: then the day is left out), so every record
   * is received before now and exactly @total are made at any hour. */
  {
    int ms, me, as, ae;
    int minutes = g_date_time_get_hour (le) * 60 + g_date_time_get_minute (le);

    os_calendar_get_office_hours (self->calendar, &ms, &me, &as, &ae);
    self->last_minutes = CLAMP (minutes - ms, 0, me - ms) + CLAMP (minutes - as, 0, ae - as);
    if (self->days->len > 0 &&
        g_date_compare (&g_array_index (self->days, GDate, self->days->len - 1), &last) == 0 &&
        self->last_minutes == 0)
      g_array_set_size (self->days, self->days->len - 1);
    else if (self->days->len == 0 ||
             g_date_compare (&g_array_index (self->days, GDate, self->days->len - 1), &last) != 0)
      self->last_minutes = (me - ms) + (ae - as);
  }

  return self;
}

void
os_demo_generator_free (OsDemoGenerator *self)
{
  if (self == NULL)
    return;

  g_object_unref (self->store);
  g_object_unref (self->calendar);
  os_agency_free (self->agency);
  g_free (self->locality);
  g_ptr_array_unref (self->procedures);
  g_rand_free (self->rand);
  g_rand_free (self->prand);
  g_free (self->officer);
  g_hash_table_unref (self->processes);
  g_array_unref (self->days);
  g_free (self);
}

#define PICK(rand, array) (array[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static gint64
instant_on (const GDate *date,
            int          minutes)
{
  GTimeZone *tz = os_datetime_zone ();
  g_autoptr(GDateTime) dt = g_date_time_new (tz, g_date_get_year (date), g_date_get_month (date),
                                             g_date_get_day (date), minutes / 60, minutes % 60, 0);

  return g_date_time_to_unix (dt);
}

static void
fill_applicant (OsDemoGenerator *self,
                OsRecord        *record)
{
  GRand *r = self->rand;
  g_autofree char *name = g_strdup_printf ("%s %s %s", PICK (r, family_names),
                                           PICK (r, middle_names), PICK (r, given_names));
  int birth_year = g_rand_int_range (r, 1950, 2006);
  g_autofree char *id = g_strdup_printf ("001%d%02d%06d", birth_year < 2000 ? 0 : 2,
                                         birth_year % 100, g_rand_int_range (r, 0, 1000000));
  g_autofree char *birth = g_strdup_printf ("%04d-%02d-%02d", birth_year,
                                            g_rand_int_range (r, 1, 13), g_rand_int_range (r, 1, 29));
  g_autofree char *phone = g_strdup_printf ("09%08d", g_rand_int_range (r, 0, 100000000));
  g_autofree char *address = g_strdup_printf ("Số %d %s, %s", g_rand_int_range (r, 1, 200),
                                              PICK (r, streets), self->locality);

  os_record_set_applicant_name (record, name);
  os_record_set_id_number (record, id);
  os_record_set_birth_date (record, birth);
  os_record_set_phone (record, phone);
  os_record_set_address (record, address);
}

/* Sets a plausible status and the finished/returned instants from where the record's
 * due date stands against now. */
static void
fill_state (OsDemoGenerator *self,
            OsRecord        *record)
{
  GRand *r = self->rand;
  gint64 received = os_record_get_received_at (record);
  gint64 due = os_record_get_due_at (record);
  int roll = g_rand_int_range (r, 0, 100);
  gboolean past_due = due <= self->now;
  OsStatus status;

  if (roll < 3)
    status = OS_STATUS_REFUSED;
  else if (roll < 5)
    status = OS_STATUS_WITHDRAWN;
  else if (roll < 6)
    status = OS_STATUS_STOPPED;
  else if (roll < 10)
    status = OS_STATUS_SUPPLEMENT;
  else if (roll < 12)
    status = OS_STATUS_PAYMENT;
  else if (past_due)
    status = roll < 20 ? OS_STATUS_PROCESSING : roll < 30 ? OS_STATUS_RESOLVED : OS_STATUS_RETURNED;
  else
    status = roll < 45 ? OS_STATUS_PROCESSING : roll < 65 ? OS_STATUS_RECEIVED
           : roll < 85 ? OS_STATUS_RESOLVED : OS_STATUS_RETURNED;

  os_record_set_status (record, status);

  switch (status)
    {
    case OS_STATUS_REFUSED:
      os_record_set_reason (record, PICK (r, reasons_refuse));
      os_record_set_due_at (record, 0);
      break;

    case OS_STATUS_SUPPLEMENT:
      os_record_set_reason (record, PICK (r, reasons_supplement));
      break;

    case OS_STATUS_RESOLVED:
    case OS_STATUS_RETURNED:
      {
        gint64 span = MAX (600, due - received);
        gint64 finished;

        if (g_rand_int_range (r, 0, 100) < 12)
          finished = due + g_rand_int_range (r, 3600, 4 * 86400);   /* late */
        else
          finished = received + (gint64) (span * g_rand_double_range (r, 0.3, 1.0));
        finished = MIN (finished, self->now - 60);
        finished = MAX (finished, received + 60);
        os_record_set_finished_at (record, finished);
        if (status == OS_STATUS_RETURNED)
          os_record_set_returned_at (record,
                                     MIN (self->now - 30, finished + g_rand_int_range (r, 600, 2 * 86400)));
        break;
      }

    case OS_STATUS_WITHDRAWN:
    case OS_STATUS_STOPPED:
      os_record_set_finished_at (record, MIN (self->now - 60, received + 86400));
      break;

    default:
      break;
    }
}

/* Processes ------------------------------------------------------------------------ */

static const char * const specialists[] = {
  "Vũ Thị Hồng", "Đỗ Văn Khải", "Ngô Thanh Tùng",
};
static const char * const heads[] = { "Hoàng Minh Tuấn" };
static const char * const leaders[] = { "Bùi Quốc Việt" };

static OsProcess *
process_for (OsDemoGenerator *self,
             OsProcedure     *procedure)
{
  const char *id = os_procedure_get_id (procedure);
  gpointer process;

  if (!g_hash_table_lookup_extended (self->processes, id, NULL, &process))
    {
      process = os_store_find_process_for_procedure (self->store, id);
      g_hash_table_insert (self->processes, g_strdup (id), process);
    }
  return process;
}

/* Who of the demo staff does the work of @step. */
static const char *
worker_for (OsDemoGenerator     *self,
            const OsProcessStep *step)
{
  GRand *r = self->prand;

  if (g_strcmp0 (step->role, OS_ROLE_SPECIALIST) == 0)
    return PICK (r, specialists);
  if (g_strcmp0 (step->role, OS_ROLE_HEAD) == 0)
    return PICK (r, heads);
  if (g_strcmp0 (step->role, OS_ROLE_LEADER) == 0)
    return PICK (r, leaders);
  return PICK (r, officers);
}

static OsAction
work_action (const OsProcessStep *step)
{
  if (step->abilities & OS_STEP_CAN_PROCESS)
    return OS_ACTION_PROCESS;
  if (step->abilities & OS_STEP_CAN_REVIEW)
    return OS_ACTION_REVIEW;
  if (step->abilities & OS_STEP_CAN_SIGN)
    return OS_ACTION_SIGN;
  return OS_ACTION_HAND_OVER;
}

static gint64
step_deadline (OsDemoGenerator     *self,
               const OsProcessStep *step,
               gint64               entered)
{
  OsTimeLimit limit = { OS_TIME_UNIT_SESSIONS, step->budget, -1 };

  return step->budget > 0 ? os_calendar_compute_due (self->calendar, entered, &limit) : 0;
}

static void
add_entry (OsProcessState      *state,
           OsAction             action,
           OsOutcome            outcome,
           gint64               at,
           const char          *actor,
           const OsProcessStep *from,
           const OsProcessStep *to,
           const char          *assignee,
           const char          *reason,
           gint64               from_due)
{
  OsProcessEntry *e = g_new0 (OsProcessEntry, 1);

  e->seq = (int) state->entries->len + 1;
  e->action = action;
  e->outcome = outcome;
  e->at = at;
  e->actor = g_strdup (actor);
  e->actor_name = g_strdup (actor);
  e->desk = g_strdup ("");
  e->from_step = g_strdup (from ? from->id : "");
  e->to_step = g_strdup (to ? to->id : "");
  e->assignee = g_strdup (assignee ? assignee : "");
  e->reason = g_strdup (reason ? reason : "");
  e->note = g_strdup ("");
  e->step_due_at = from_due;
  e->before = g_strdup ("");
  g_ptr_array_add (state->entries, e);
}

static void
stand_at (OsProcessState      *state,
          const OsProcessStep *step,
          gint64               entered,
          gint64               due,
          const char          *assignee)
{
  g_free (state->step_id);
  g_free (state->step_name);
  g_free (state->step_unit);
  g_free (state->step_role);
  g_free (state->assignee);
  state->step_id = g_strdup (step ? step->id : "");
  state->step_name = g_strdup (step ? step->name : "");
  state->step_unit = g_strdup (step ? step->unit : "");
  state->step_role = g_strdup (step ? step->role : "");
  state->assignee = g_strdup (assignee ? assignee : "");
  state->step_entered_at = entered;
  state->step_due_at = due;
}

/* Whether @t falls in a session of a working day; @minutes: its local minutes after
 * midnight (-1 on a day off). */
static gboolean
in_office (OsDemoGenerator *self,
           gint64           t,
           int             *minutes)
{
  int ms, me, as, ae;
  g_autoptr(GDateTime) local = os_datetime_local (t);
  GDate date = os_datetime_local_date (t);

  os_calendar_get_office_hours (self->calendar, &ms, &me, &as, &ae);
  *minutes = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  if (!os_calendar_is_working_day (self->calendar, &date))
    *minutes = -1;
  return *minutes >= 0 && ((*minutes >= ms && *minutes < me) || (*minutes >= as && *minutes < ae));
}

/* @t moved into office hours of a working day, within [@lower, @upper]: to the next
 * session's start (plus up to 40 minutes taken from @t), or else back to the end of the
 * session before; unchanged when neither fits. Sample officers act at work, not at one in
 * the morning. */
static gint64
office_time (OsDemoGenerator *self,
             gint64           t,
             gint64           lower,
             gint64           upper)
{
  int ms, me, as, ae, minutes;
  const gint64 offset = (t % 2400 + 2400) % 2400;
  gint64 candidate;

  os_calendar_get_office_hours (self->calendar, &ms, &me, &as, &ae);
  candidate = t - t % 60;
  for (int i = 0; i < 32 && candidate <= upper; i++)
    {
      if (in_office (self, candidate, &minutes))
        return candidate >= lower ? candidate : t;
      if (minutes >= 0 && minutes < ms)
        candidate += (gint64) (ms - minutes) * 60 + offset;
      else if (minutes >= 0 && minutes >= me && minutes < as)
        candidate += (gint64) (as - minutes) * 60 + offset;
      else
        candidate += (gint64) (24 * 60 - MAX (minutes, 0) + ms) * 60 + offset;
    }
  candidate = t - t % 60;
  for (int i = 0; i < 32 && candidate >= lower; i++)
    {
      if (in_office (self, candidate, &minutes))
        return candidate <= upper ? candidate : t;
      if (minutes >= ae)
        candidate -= (gint64) (minutes - ae + 1) * 60 + offset;
      else if (minutes >= me && minutes < as)
        candidate -= (gint64) (minutes - me + 1) * 60 + offset;
      else
        candidate -= (gint64) (MAX (minutes, 0) + 24 * 60 - ae + 1) * 60 + offset;
    }
  return t;
}

/* Places a record still in progress on @process as its status says, with the actions that
 * brought it there: received → the first step; in progress → one of the steps after it
 * (some behind schedule, the specialist's step assigned, often to the settings' officer);
 * paused for a supplement or a payment; resolved → waiting at the return step with the
 * result. Finished records, and those received long before @now, follow no process (as
 * records received before processes existed). */
static void
place_on_process (OsDemoGenerator *self,
                  OsRecord        *record,
                  OsProcess       *process)
{
  GRand *r = self->prand;
  OsStatus status = os_record_get_status (record);
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  OsProcessState *state;
  OsProcessStep *step;
  gint64 received = os_record_get_received_at (record);
  gint64 end, entered;
  guint k;
  char *holder = NULL;

  /* The steps the record goes through when all goes well. */
  for (step = os_process_find_step (process, os_process_get_start (process));
       step != NULL && chain->len < 16;)
    {
      OsProcessLink *link;

      g_ptr_array_add (chain, step);
      link = os_process_find_outcome (process, step->id, OS_OUTCOME_ACCEPT);
      step = link ? os_process_find_step (process, link->to) : NULL;
    }
  if (chain->len < 3 || received < self->now - DEMO_PROCESS_DAYS * 86400)
    return;

  switch (status)
    {
    case OS_STATUS_RECEIVED:
      k = 0;
      break;
    case OS_STATUS_PROCESSING:
      k = 1 + g_rand_int_range (r, 0, chain->len - 2);
      break;
    case OS_STATUS_SUPPLEMENT:
    case OS_STATUS_PAYMENT:
      k = MIN (2, chain->len - 2);   /* asked by the specialist's step */
      break;
    case OS_STATUS_RESOLVED:
      k = chain->len - 1;
      break;
    default:
      return;
    }

  /* When the record entered each step of the chain up to k. */
  end = status == OS_STATUS_RESOLVED ? os_record_get_finished_at (record) : self->now;
  if (status == OS_STATUS_RESOLVED || k == 0)
    entered = k == 0 ? received : end;
  else if (g_rand_int_range (r, 0, 100) < 65)
    {
      /* Most stand well within their step's budget... */
      step = g_ptr_array_index (chain, k);
      entered = end - g_rand_int_range (r, 600, MAX (1200, step->budget * 3 * 3600));
    }
  else
    entered = received + (gint64) ((end - received) * g_rand_double_range (r, 0.3, 0.8));  /* ...some do not */
  if (k > 0)
    entered = office_time (self, entered, received + 60 * k, end);
  if (status == OS_STATUS_RESOLVED)
    os_record_set_finished_at (record, entered);   /* signed in office hours */
  entered = CLAMP (entered, received + 60 * k, MAX (received + 60 * k, end));
  g_array_append_val (times, received);
  for (guint i = 1; i < k; i++)
    {
      gint64 t = received + (gint64) ((entered - received) * (i + g_rand_double_range (r, -0.3, 0.3)) / k);

      t = office_time (self, t, g_array_index (times, gint64, i - 1) + 60, entered - 60 * (gint64) (k - i));
      t = MAX (t, g_array_index (times, gint64, i - 1) + 60);
      g_array_append_val (times, t);
    }
  if (k > 0)
    {
      entered = MAX (entered, g_array_index (times, gint64, k - 1) + 60);
      g_array_append_val (times, entered);
    }

  state = os_process_state_new ();
  g_free (state->process_id);
  state->process_id = g_strdup (os_process_get_id (process));
  state->process_version = os_process_get_version (process);

  for (guint i = 0; i < k; i++)
    {
      OsProcessStep *from = g_ptr_array_index (chain, i);
      OsProcessStep *to = g_ptr_array_index (chain, i + 1);
      gint64 at = g_array_index (times, gint64, i + 1);
      const char *assignee = NULL;

      if (g_strcmp0 (to->role, OS_ROLE_SPECIALIST) == 0)
        assignee = g_rand_int_range (r, 0, 100) < 50 ? self->officer : PICK (r, specialists);
      add_entry (state, work_action (from), OS_OUTCOME_ACCEPT, at,
                 holder ? holder : worker_for (self, from), from, to, assignee, NULL,
                 step_deadline (self, from, g_array_index (times, gint64, i)));
      holder = (char *) assignee;
    }

  step = g_ptr_array_index (chain, k);
  entered = g_array_index (times, gint64, k);
  stand_at (state, step, entered, step_deadline (self, step, entered), holder);

  switch (status)
    {
    case OS_STATUS_SUPPLEMENT:
      {
        OsProcessLink *link = os_process_find_outcome (process, step->id, OS_OUTCOME_SUPPLEMENT);
        OsProcessStep *back = link ? os_process_find_step (process, link->to) : NULL;
        gint64 at = MIN (self->now - 60,
                         office_time (self, entered + g_rand_int_range (r, 600, 8 * 3600), entered + 60, self->now - 60));

        if (back == NULL)
          {
            os_process_state_free (state);
            return;
          }
        add_entry (state, work_action (step), OS_OUTCOME_SUPPLEMENT, at, holder ? holder : worker_for (self, step),
                   step, back, NULL, os_record_get_reason (record), state->step_due_at);
        stand_at (state, back, at, 0, NULL);
        state->pause = OS_PAUSE_SUPPLEMENT;
        state->paused_at = at;
        g_free (state->paused_step);
        state->paused_step = g_strdup (step->id);
        state->supplements = 1;
        break;
      }

    case OS_STATUS_PAYMENT:
      {
        gint64 at = MIN (self->now - 60,
                         office_time (self, entered + g_rand_int_range (r, 600, 8 * 3600), entered + 60, self->now - 60));

        add_entry (state, OS_ACTION_REQUEST_PAYMENT, OS_OUTCOME_ACCEPT, at, holder ? holder : worker_for (self, step),
                   step, step, holder, NULL, state->step_due_at);
        state->pause = OS_PAUSE_PAYMENT;
        state->paused_at = at;
        g_free (state->paused_step);
        state->paused_step = g_strdup (step->id);
        break;
      }

    case OS_STATUS_RESOLVED:
      state->result = OS_RESULT_APPROVED;
      break;

    default:
      break;
    }

  os_record_take_process_state (record, state);
}

GPtrArray *
os_demo_generator_next (OsDemoGenerator *self,
                        guint            count)
{
  GPtrArray *records = g_ptr_array_new_with_free_func (g_object_unref);
  int ms, me, as, ae;

  g_return_val_if_fail (self != NULL, records);

  if (self->days->len == 0 || self->procedures->len == 0)
    return records;

  os_calendar_get_office_hours (self->calendar, &ms, &me, &as, &ae);

  while (records->len < count && self->produced < self->total)
    {
      guint day_index = (guint) ((guint64) self->produced * self->days->len / self->total);
      /* The records of day d are numbers [first(d), first(d + 1)) of the whole run. */
      guint first = (guint) (((guint64) day_index * self->total + self->days->len - 1) / self->days->len);
      guint next = (guint) (((guint64) (day_index + 1) * self->total + self->days->len - 1) / self->days->len);
      guint per_day = MAX (1, next - first);
      const GDate *day = &g_array_index (self->days, GDate, day_index);
      OsProcedure *procedure = g_ptr_array_index (self->procedures,
                                                  g_rand_int_range (self->rand, 0, self->procedures->len));
      g_autoptr(OsRecord) record = os_record_new ();
      g_autofree char *code = NULL;
      g_autofree char *id = NULL;
      GStrv documents = os_procedure_get_documents (procedure);
      int office_minutes = day_index + 1 == self->days->len ? self->last_minutes : (me - ms) + (ae - as);
      int slot, minutes;
      gint64 received;

      if (day_index != self->day_index || self->produced == 0)
        {
          self->day_index = day_index;
          self->day_number = 0;
        }
      if (g_date_get_year (day) != self->book_year)
        {
          self->book_year = g_date_get_year (day);
          self->book_number = 0;
        }

      /* Spread the day's records over its office hours, in order. */
      slot = (int) ((gint64) MIN (self->produced - first, per_day - 1) * office_minutes * 60 / per_day);
      minutes = slot / 60 < me - ms ? ms + slot / 60 : as + slot / 60 - (me - ms);
      received = instant_on (day, minutes) + slot % 60;
      if (received >= self->now)
        break;

      self->day_number++;
      self->book_number++;
      code = os_record_code_format (self->agency->identifier, day, MIN (self->day_number, OS_RECORD_CODE_MAX_NUMBER));
      id = g_strdup_printf ("demo-%08u-%08x", self->produced, g_rand_int (self->rand));

      os_record_set_id (record, id);
      os_record_set_code (record, code);
      os_record_set_procedure (record, os_procedure_get_id (procedure), os_procedure_get_code (procedure),
                               os_procedure_get_name (procedure), os_procedure_get_field (procedure));
      os_record_set_time_limit (record, os_procedure_get_time_limit (procedure));
      fill_applicant (self, record);
      for (guint i = 0; documents[i]; i++)
        os_record_add_document (record, documents[i], 1, g_rand_int_range (self->rand, 0, 2), 0);
      os_record_set_sets (record, 1);
      os_record_set_channel (record, g_rand_int_range (self->rand, 0, 10) < 8 ? OS_CHANNEL_IN_PERSON
                                     : g_rand_boolean (self->rand) ? OS_CHANNEL_ONLINE : OS_CHANNEL_POST);
      os_record_set_delivery (record, g_rand_int_range (self->rand, 0, 10) < 9 ? OS_DELIVERY_DESK
                                                                                : OS_DELIVERY_POST);
      os_record_set_officer (record, PICK (self->rand, officers));
      os_record_set_book_entry (record, self->book_year, self->book_number);
      os_record_set_received_at (record, received);
      os_record_set_due_at (record, os_calendar_compute_due (self->calendar, received,
                                                             os_procedure_get_time_limit (procedure)));
      fill_state (self, record);
      {
        OsProcess *process = process_for (self, procedure);

        if (process != NULL)
          place_on_process (self, record, process);
      }

      g_ptr_array_add (records, g_steal_pointer (&record));
      self->produced++;
    }

  return records;
}

gboolean
os_demo_populate (OsStore  *store,
                  guint     n_records,
                  guint     days,
                  gint64    now,
                  GError  **error)
{
  g_autoptr(OsDemoGenerator) generator = NULL;
  g_autoptr(GPtrArray) records = NULL;
  gint64 start;

  g_return_val_if_fail (OS_IS_STORE (store), FALSE);

  if (!os_demo_load_catalogue (store, error))
    return FALSE;
  if (os_store_count_records (store) > 0)
    return TRUE;

  /* Weekends and holidays take about a third of the calendar. */
  start = now - (gint64) days * 7 / 5 * 86400;
  generator = os_demo_generator_new (store, 20251123, start, now, n_records);
  records = os_demo_generator_next (generator, n_records);
  return os_store_insert_prepared (store, records, TRUE, error);
}
