/* bench-server.c: onestop-server under 50 desk clients over HTTPS on loopback.
 *
 *   with-postgres.sh bench-server [--clients=50] [--records=400] [--batch=10]
 *                                 [--servers=1] [--workers=8] [--pullers=5] [--smoke]
 *
 * Starts one or two onestop-server processes (tests/common/os-test-server.h) on the cluster
 * with-postgres.sh made, logs --clients desk clients in (one SoupSession each, all async in
 * this process), leases each a block of codes, then every client pushes its --records
 * `receive` mutations in batches of --batch, one batch in flight per client, as fast as
 * the server answers. Then --pullers clients each read the whole change feed (pages of
 * 1000). Prints records pushed/s and push latency p50/p90/p99/max per batch, first paced
 * at --rate records/s in all, then flat out; records pulled/s;
 * and each server's peak resident memory (VmHWM) and current RSS.
 *
 * Targets (issue 3): ≥ 2,000 records/s pushed, ≥ 20,000 records/s pulled, p99 push < 100 ms.
 * Speed never fails the program; it exits 1 when something is functionally wrong (a
 * mutation not applied, a feed that misses or repeats a record).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gprintf.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "bench-stats.h"
#include "os-test-server.h"

#define AGENCY "000.00.11.H26"

/* Today in Vietnam: the server leases numbers only from yesterday to a week ahead. */
static char day_iso[11];     /* YYYY-MM-DD */
static char day_code[7];     /* YYMMDD, as in record codes */

static void
init_day (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (7 * 3600);   /* Vietnam has no DST */
  g_autoptr(GDateTime) now = g_date_time_new_now (zone);
  g_autofree char *iso = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *code = g_date_time_format (now, "%y%m%d");

  g_strlcpy (day_iso, iso, sizeof day_iso);
  g_strlcpy (day_code, code, sizeof day_code);
}

static int opt_clients = 50;
static int opt_records = 400;
static int opt_batch = 10;
static int opt_servers = 1;
static int opt_pullers = 5;
static int opt_rate = 2000;
static gboolean opt_smoke = FALSE;

static GOptionEntry entries[] = {
  { "clients", 0, 0, G_OPTION_ARG_INT, &opt_clients, "Concurrent desk clients (50)", "N" },
  { "records", 0, 0, G_OPTION_ARG_INT, &opt_records, "Records each client pushes (400)", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &opt_batch, "Mutations per push (10)", "N" },
  { "servers", 0, 0, G_OPTION_ARG_INT, &opt_servers, "Server processes, 1 or 2 (1)", "N" },
  { "pullers", 0, 0, G_OPTION_ARG_INT, &opt_pullers, "Clients reading the whole feed (5)", "N" },
  { "rate", 0, 0, G_OPTION_ARG_INT, &opt_rate,
    "Records/s all clients push together in the paced phase (2000)", "N" },
  { "smoke", 0, 0, G_OPTION_ARG_NONE, &opt_smoke, "4 clients, 20 records: check it works", NULL },
  { NULL }
};

typedef struct {
  guint         index;
  OsTestServer *server;
  SoupSession  *session;
  char         *token;
  char         *client_id;
  gint          next_code;
  gint          last_code;
  gint          pushed;
  gint          to_push;     /* left in this phase */
  gint64        sent_at;
  gint64        due;         /* paced phase: when the next batch goes */
  /* pulling */
  char         *cursor;
  guint         pulled;
  GHashTable   *seen;
} Client;

static GMainLoop *loop;
static guint pending;
static gint64 interval_us;   /* paced phase: between two batches of one client; 0 unpaced */
static GArray *latencies;   /* ms per batch */
static gboolean failed;
static guint total_pulled;

static void
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format,
      ...)
{
  va_list ap;

  va_start (ap, format);
  g_vfprintf (stderr, format, ap);
  va_end (ap);
  fputc ('\n', stderr);
  failed = TRUE;
}

static JsonNode *
sync_json (Client     *c,
           const char *method,
           const char *path,
           const char *body,
           guint      *status)
{
  g_autofree char *url = g_strconcat (os_test_server_get_base_url (c->server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *text = NULL;

  if (c->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", c->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, "application/json",
                                              g_bytes_new_static (body, strlen (body)));
  answer = soup_session_send_and_read (c->session, msg, NULL, NULL);
  *status = soup_message_get_status (msg);
  if (answer == NULL)
    return NULL;
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return json_from_string (text, NULL);
}

static char *
record_mutation (Client *c)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *mutation = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  g_autofree char *hash = NULL;
  gint number = c->next_code++;

  payload = g_strdup_printf (
    "{\"id\":\"%s\",\"code\":\"" AGENCY "-%s-%04d\",\"procedure_id\":\"dang-ky-khai-sinh\","
    "\"procedure_code\":\"1.001193\",\"procedure_name\":\"Đăng ký khai sinh\","
    "\"applicant_name\":\"Nguyễn Thị Minh Khai %u\",\"id_number\":\"0010%08d\",\"birth_date\":\"1990-05-17\","
    "\"phone\":\"0912345678\",\"email\":\"\",\"address\":\"Số 12 ngõ 34 phố Trần Thái Tông, Cầu Giấy, Hà Nội\","
    "\"sets\":1,\"delivery\":0,\"channel\":1,\"notes\":\"\",\"officer\":\"Lê Văn Bình\",\"reason\":\"\","
    "\"status\":1,\"received_at\":1795400000,\"due_at\":1795600000,\"documents\":["
    "{\"name\":\"Tờ khai đăng ký khai sinh\",\"originals\":1,\"certified\":0,\"copies\":0},"
    "{\"name\":\"Giấy chứng sinh\",\"originals\":1,\"certified\":0,\"copies\":0}]}",
    id, day_code, number, c->index, number);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, payload, -1);
  return g_strdup_printf ("{\"id\":\"%s\",\"record_id\":\"%s\",\"kind\":\"receive\",\"base_version\":0,"
                          "\"payload_hash\":\"%s\",\"action_time\":1795400000,\"payload\":%s}",
                          mutation, id, hash, payload);
}

static void push_next (Client *c);

static void
push_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Client *c = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  double ms = (g_get_monotonic_time () - c->sent_at) / 1000.0;

  g_array_append_val (latencies, ms);
  if (answer == NULL || soup_message_get_status (msg) != 200)
    fail ("client %u: push failed: %u %s", c->index, soup_message_get_status (msg),
          error ? error->message : "");
  else
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
      const char *p = text;
      guint applied = 0;

      while ((p = strstr (p, "\"applied\"")) != NULL)
        {
          applied++;
          p++;
        }
      c->pushed += applied;
      if (strstr (text, "\"rejected\"") != NULL)
        fail ("client %u: rejected: %s", c->index, text);
    }
  g_object_unref (msg);
  if (failed)
    {
      g_main_loop_quit (loop);
      return;
    }
  if (interval_us > 0)
    {
      gint64 wait_us;

      c->due += interval_us;
      wait_us = c->due - g_get_monotonic_time ();
      if (wait_us > 0)
        {
          g_timeout_add_once ((guint) (wait_us / 1000), (GSourceOnceFunc) push_next, c);
          return;
        }
    }
  push_next (c);
}

static void
push_next (Client *c)
{
  g_autoptr(GString) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  SoupMessage *msg;
  gint n = MIN (opt_batch, c->to_push);

  if (n <= 0)
    {
      if (--pending == 0)
        g_main_loop_quit (loop);
      return;
    }
  body = g_string_sized_new (1200 * n);
  g_string_append_printf (body, "{\"client_id\":\"%s\",\"mutations\":[", c->client_id);
  for (gint i = 0; i < n; i++)
    {
      g_autofree char *m = record_mutation (c);

      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, m);
    }
  g_string_append (body, "]}");
  c->to_push -= n;

  url = g_strconcat (os_test_server_get_base_url (c->server), "/sync/push", NULL);
  msg = soup_message_new ("POST", url);
  auth = g_strconcat ("Bearer ", c->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_set_request_body_from_bytes (msg, "application/json",
                                            g_bytes_new_take (body->str, body->len));
  g_string_free (g_steal_pointer (&body), FALSE);
  /* A push may be repeated safely (idempotency keys): without this flag libsoup opens a
   * new TLS connection for every POST instead of reusing the kept-alive one. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  c->sent_at = g_get_monotonic_time ();
  soup_session_send_and_read_async (c->session, msg, G_PRIORITY_DEFAULT, NULL, push_done_cb, c);
}

static void pull_next (Client *c);

/* Full check (--smoke): every change parsed, none twice. Otherwise the page is only
 * scanned (changes counted, cursor taken from its tail), so the figure is the server's and
 * not json-glib's in this process: the tests check the feed's content. */
static gboolean
take_page (Client     *c,
           const char *text,
           gsize       len,
           gboolean   *more)
{
  if (opt_smoke)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonObject *page;
      JsonArray *changes;

      if (!json_parser_load_from_data (parser, text, len, NULL))
        return FALSE;
      page = json_node_get_object (json_parser_get_root (parser));
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          const char *id = json_object_get_string_member (json_array_get_object_element (changes, i), "id");

          if (!g_hash_table_add (c->seen, g_strdup (id)))
            fail ("client %u: change of %s twice in the feed", c->index, id);
        }
      c->pulled += json_array_get_length (changes);
      g_free (c->cursor);
      c->cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
      *more = json_object_get_boolean_member (page, "has_more");
      return TRUE;
    }
  else
    {
      g_autofree char *copy = g_strndup (text, len);
      const char *tail = g_strrstr (copy, "\"next_cursor\":\"");
      const char *end;

      if (tail == NULL || (end = strchr (tail + 15, '"')) == NULL)
        return FALSE;
      for (const char *p = copy; (p = strstr (p, "\"op\": \"")) != NULL && p < tail; p++)
        c->pulled++;
      g_free (c->cursor);
      c->cursor = g_strndup (tail + 15, end - (tail + 15));
      *more = strstr (end, "\"has_more\":true") != NULL;
      return TRUE;
    }
}

static void
pull_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Client *c = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  gboolean more = FALSE;

  if (answer == NULL || soup_message_get_status (msg) != 200 ||
      !take_page (c, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), &more))
    {
      fail ("client %u: pull failed: %u %s", c->index, soup_message_get_status (msg),
            error ? error->message : "");
      g_object_unref (msg);
      g_main_loop_quit (loop);
      return;
    }
  g_object_unref (msg);
  if (more)
    pull_next (c);
  else if (--pending == 0)
    g_main_loop_quit (loop);
}

static void
pull_next (Client *c)
{
  g_autofree char *url = g_strdup_printf ("%s/sync/changes?cursor=%s&limit=1000",
                                          os_test_server_get_base_url (c->server), c->cursor);
  g_autofree char *auth = g_strconcat ("Bearer ", c->token, NULL);
  SoupMessage *msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_session_send_and_read_async (c->session, msg, G_PRIORITY_DEFAULT, NULL, pull_done_cb, c);
}


static gint64
status_kb (GPid        pid,
           const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (line = strstr (text, field)) == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (field), NULL, 10);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— onestop-server under concurrent desks");
  g_autoptr(GError) error = NULL;
  g_autofree char *desk = NULL;
  OsTestServer *servers[2] = { NULL, NULL };
  Client *clients;
  gint64 t0;
  double push_s, pull_s;
  BenchStats stats;
  guint total_pushed = 0;
  guint phase_pushed[2] = { 0, 0 };
  double rate[2] = { 0, 0 }, p99[2] = { 0, 0 };

  setlocale (LC_ALL, "");
  init_day ();
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_smoke)
    {
      opt_clients = 4;
      opt_records = 20;
      opt_pullers = 2;
    }
  opt_servers = CLAMP (opt_servers, 1, 2);
  opt_batch = CLAMP (opt_batch, 1, 100);
  opt_records = CLAMP (opt_records, 1, 1000);
  opt_pullers = CLAMP (opt_pullers, 1, opt_clients);
  if (g_getenv ("ONESTOP_TEST_CONNINFO") == NULL)
    {
      g_printerr ("Run under tests/common/with-postgres.sh\n");
      return 77;
    }

  servers[0] = os_test_server_new ();
  g_free (os_test_server_add_unit (servers[0], AGENCY, "UBND Phường Cầu Giấy", NULL));
  g_free (os_test_server_add_user (servers[0], "bench", "bench", "reception", AGENCY));
  desk = os_test_server_add_desk (servers[0], AGENCY, "Quầy 1");
  if (opt_servers == 2)
    servers[1] = os_test_server_new_copy (servers[0]);
  for (int s = 0; s < opt_servers; s++)
    os_test_server_start (servers[s]);

  /* Log in and lease (not measured: Argon2id makes logins deliberately slow). */
  clients = g_new0 (Client, opt_clients);
  for (int i = 0; i < opt_clients; i++)
    {
      Client *c = &clients[i];
      g_autofree char *login = NULL;
      g_autofree char *lease = NULL;
      g_autoptr(JsonNode) session = NULL;
      g_autoptr(JsonNode) block = NULL;
      guint status = 0;

      c->index = i;
      c->server = servers[i % opt_servers];
      c->session = os_test_server_new_session (c->server);
      c->client_id = g_uuid_string_random ();
      c->cursor = g_strdup ("");
      c->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      login = g_strdup_printf ("{\"username\":\"bench\",\"password\":\"bench\",\"desk_id\":\"%s\","
                               "\"client_id\":\"%s\"}", desk, c->client_id);
      session = sync_json (c, "POST", "/auth/login", login, &status);
      if (status != 200)
        g_error ("login failed: %u", status);
      c->token = g_strdup (json_object_get_string_member (json_node_get_object (session), "access_token"));
      lease = g_strdup_printf ("{\"client_id\":\"%s\",\"agency_code\":\"" AGENCY "\",\"day\":\"%s\","
                               "\"count\":%d}", c->client_id, day_iso, opt_records);
      block = sync_json (c, "POST", "/codes/lease", lease, &status);
      if (status != 200)
        g_error ("lease failed: %u", status);
      c->next_code = json_object_get_int_member (json_node_get_object (block), "first");
      c->last_code = json_object_get_int_member (json_node_get_object (block), "last");
      if (c->last_code - c->next_code + 1 != opt_records)
        g_error ("short lease");
    }

  latencies = g_array_new (FALSE, FALSE, sizeof (double));
  loop = g_main_loop_new (NULL, FALSE);

  g_print ("bench-server: %d server(s), %d clients, %d records each in batches of %d, HTTPS on loopback\n",
           opt_servers, opt_clients, opt_records, opt_batch);

  /* Push, first paced at --rate records/s in all (latency at that load), then as fast as
   * the server answers (the most it takes). Half the records each. */
  for (int phase = 0; phase < 2; phase++)
    {
      gint64 start_us;

      interval_us = (phase == 0 && opt_rate > 0)
                    ? (gint64) opt_clients * opt_batch * G_USEC_PER_SEC / opt_rate : 0;
      g_array_set_size (latencies, 0);
      pending = opt_clients;
      start_us = g_get_monotonic_time ();
      for (int i = 0; i < opt_clients; i++)
        {
          Client *c = &clients[i];

          c->to_push = phase == 0 ? opt_records / 2 : opt_records - opt_records / 2;
          if (interval_us > 0)
            {
              /* Spread the clients over one interval, as desks would be. */
              c->due = start_us + g_random_int_range (0, (gint32) MIN (interval_us, G_MAXINT32));
              g_timeout_add_once ((guint) ((c->due - start_us) / 1000), (GSourceOnceFunc) push_next, c);
            }
          else
            push_next (c);
        }
      g_main_loop_run (loop);
      push_s = (g_get_monotonic_time () - start_us) / 1e6;
      stats = bench_stats_of (latencies);
      phase_pushed[phase] = 0;
      for (int i = 0; i < opt_clients; i++)
        phase_pushed[phase] += clients[i].pushed;
      if (phase == 1)
        phase_pushed[1] -= phase_pushed[0];
      g_print ("push %s: %u records in %.2f s = %.0f records/s (%u batches of <= %d); "
               "latency per batch p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
               interval_us > 0 ? "paced" : "flat out", phase_pushed[phase], push_s,
               phase_pushed[phase] / push_s, latencies->len, opt_batch,
               stats.median, stats.p90, stats.p99, stats.max);
      rate[phase] = phase_pushed[phase] / push_s;
      p99[phase] = stats.p99;
      if (failed)
        break;
    }
  for (int i = 0; i < opt_clients; i++)
    total_pushed += clients[i].pushed;
  if (total_pushed != (guint) (opt_clients * opt_records))
    fail ("%u records applied, %d pushed", total_pushed, opt_clients * opt_records);

  /* Pull */
  pending = opt_pullers;
  t0 = g_get_monotonic_time ();
  for (int i = 0; i < opt_pullers; i++)
    pull_next (&clients[i]);
  if (!failed)
    g_main_loop_run (loop);
  pull_s = (g_get_monotonic_time () - t0) / 1e6;
  for (int i = 0; i < opt_pullers; i++)
    {
      total_pulled += clients[i].pulled;
      if (clients[i].pulled != total_pushed)
        fail ("client %d pulled %u changes of %u records", i, clients[i].pulled, total_pushed);
    }

  g_print ("pull: %u records by %d clients in %.2f s = %.0f records/s (pages of 1000)\n",
           total_pulled, opt_pullers, pull_s, total_pulled / pull_s);
  for (int s = 0; s < opt_servers; s++)
    {
      GPid pid = os_test_server_get_pid (servers[s]);

      g_print ("server %d memory: VmHWM %" G_GINT64_FORMAT " kB, VmRSS %" G_GINT64_FORMAT " kB\n",
               s + 1, status_kb (pid, "VmHWM:"), status_kb (pid, "VmRSS:"));
    }
  g_print ("summary: push paced at %d rec/s: got %.0f rec/s, p99 %.1f ms (target < 100); "
           "flat out %.0f rec/s, p99 %.1f ms (target >= 2000); pull %.0f rec/s (target >= 20000)\n",
           opt_rate, rate[0], p99[0], rate[1], p99[1], total_pulled / pull_s);

  for (int i = 0; i < opt_clients; i++)
    {
      g_object_unref (clients[i].session);
      g_free (clients[i].token);
      g_free (clients[i].client_id);
      g_free (clients[i].cursor);
      g_hash_table_unref (clients[i].seen);
    }
  g_free (clients);
  for (int s = 0; s < 2; s++)
    os_test_server_free (servers[s]);
  g_array_unref (latencies);
  g_main_loop_unref (loop);
  return failed ? 1 : 0;
}
