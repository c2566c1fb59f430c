/* test-desk-sync.c: the desk's side of working with a server, in a real (Xvfb) display:
 * the header's sync status in each state, the list of refused changes (resend, discard
 * after confirming), the reception form when no leased number is left, the record's own
 * sync state and the login window. A small SoupServer in the test plays the server's
 * failures (503, 401); the real server is in tests/ui/test-sync-login.py.
 *
 * Run by tests/account/run-keyring-test.sh (the session's token goes to a keyring) under
 * xvfb-run. With ONESTOP_SHOT_DIR set, it saves a picture of each header state there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "os-account.h"
#include "os-attachment-viewer.h"
#include "os-blob-store.h"
#include "os-datetime.h"
#include "os-demo.h"
#include "os-error.h"
#include "os-login-window.h"
#include "os-preferences-window.h"
#include "os-reception-page.h"
#include "os-record-list.h"
#include "os-record-window.h"
#include "os-records-page.h"
#include "os-refused-item.h"
#include "os-refused-window.h"
#include "os-store-private.h"
#include "os-sync-button.h"
#include "desk-test.h"
#include "os-test-core.h"
#include "os-test-util.h"

#define AGENCY "000.00.11.H26"
#define DESK_ID "0190a1b2-0000-7000-8000-000000000001"
#define PASSWORD "mat-khau-cua-lan"

/* The fake server ------------------------------------------------------------------------ */

typedef struct
{
  SoupServer *server;
  guint       status;      /* what every request gets */
  char       *base_url;
  guint       requests;
  char       *blob_path;   /* "/api/v1/blobs/SHA256", served whole when set */
  GBytes     *blob;
  guint       blob_requests;
} FakeServer;

static void
fake_handler (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  FakeServer *fake = user_data;
  const char *body;

  fake->requests++;
  if (fake->blob != NULL && g_strcmp0 (path, fake->blob_path) == 0)
    {
      fake->blob_requests++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/octet-stream", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (fake->blob, NULL), g_bytes_get_size (fake->blob));
      return;
    }
  if (fake->status == 401)
    body = "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Phiên đăng nhập đã bị thu hồi.\"}}";
  else
    body = "{\"error\":{\"code\":\"unavailable\",\"message\":\"Cơ sở dữ liệu của máy chủ không trả lời.\"}}";
  soup_server_message_set_status (msg, fake->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static FakeServer *
fake_server_new (void)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  fake->status = 503;
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, fake_handler, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->base_url = g_strdup_printf ("http://127.0.0.1:%d/api/v1", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_free (fake->base_url);
  g_free (fake->blob_path);
  g_clear_pointer (&fake->blob, g_bytes_unref);
  g_free (fake);
}

/* Fixture --------------------------------------------------------------------------------- */

typedef struct
{
  char       *dir;
  FakeServer *fake;
  OsAccount  *account;
  OsStore    *store;
  GtkWidget  *window;
} Fixture;

/* What an earlier online login left: the officer's database with the verifier. */
static void
prepare_officer (Fixture    *f,
                 const char *user)
{
  g_autoptr(OsStore) store = os_test_prepare_officer (f->dir, f->fake->base_url, user, PASSWORD, "Nguyễn Thị Lan");
  g_autoptr(OsAgency) agency = os_agency_new (AGENCY, "UBND Phường Trung Hòa", "", "Hà Nội", "Bộ phận Một cửa");
  g_autoptr(GError) error = NULL;

  g_assert_true (os_store_set_agency (store, agency, &error));
  g_assert_true (os_demo_load_catalogue (store, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("onestop-desk-sync-XXXXXX", &error);
  g_assert_no_error (error);
  f->fake = fake_server_new ();
  prepare_officer (f, "lan");

  /* The server answers 503: the officer is let in offline. */
  f->account = os_account_new (f->fake->base_url, DESK_ID, NULL);
  os_account_set_accounts_dir (f->account, f->dir);
  g_assert_true (os_test_account_login (f->account, "lan", PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_true (os_account_get_offline (f->account));
  f->store = g_object_ref (os_account_get_store (f->account));

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1000, 700);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  desk_test_close_windows ();
  desk_test_iterate ();
  g_clear_object (&f->store);
  g_clear_object (&f->account);
  fake_server_free (f->fake);
  os_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
show (GtkWidget *window)
{
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  desk_test_iterate ();
}

static void
shoot (GtkWidget  *widget,
       const char *name)
{
  const char *dir = g_getenv ("ONESTOP_SHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  for (int i = 0; i < 20; i++)
    {
      g_usleep (10000);
      desk_test_iterate ();
    }
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static OsRecord *
receive (Fixture    *f,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  OsRecord *record = os_test_new_record (name, "Nguyễn Thị Lan");

  g_assert_true (os_store_receive (f->store, record, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  return record;
}

/* The server refuses the oldest pending change for good, as a push answer would. */
static void
refuse_oldest (Fixture    *f,
               const char *code,
               const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = os_store_next_push_batch (f->store, 1, NULL, &error);
  OsOutboxEntry *entry;
  OsPushResult result = { 0 };

  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 1);
  entry = g_ptr_array_index (batch, 0);
  result.id = entry->id;
  result.record_id = entry->record_id;
  result.status = OS_PUSH_REFUSED;
  result.error_code = code;
  result.error_message = message;
  g_assert_true (os_store_save_push_results (f->store, &result, 1, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static void
sync_once (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;

  os_sync_engine_sync_async (os_account_get_engine (f->account), NULL, os_test_store_result, &result);
  /* It fails: the fake server answers only errors. */
  g_assert_false (os_sync_engine_sync_finish (os_account_get_engine (f->account), os_test_wait_result (&result), NULL));
  desk_test_iterate ();
}

/* Tests ------------------------------------------------------------------------------------- */

static void
test_sync_button (Fixture       *f,
                  gconstpointer  data)
{
  OsSyncButton *button = g_object_new (OS_TYPE_SYNC_BUTTON, NULL);
  GtkWidget *header = adw_header_bar_new ();
  g_autoptr(OsRecord) first = NULL;
  g_autoptr(OsRecord) second = NULL;
  GtkWidget *logout;

  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (button));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new ("Một cửa", "UBND Phường Trung Hòa"));
  gtk_window_set_titlebar (GTK_WINDOW (f->window), header);
  gtk_window_set_child (GTK_WINDOW (f->window), gtk_label_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 120);
  os_sync_button_set_account (button, f->account);
  show (f->window);

  g_assert_cmpstr (os_sync_button_get_status_text (button), ==, "Đã đồng bộ");
  shoot (f->window, "header-synced");

  first = receive (f, "Nguyễn Văn An");
  desk_test_iterate ();
  g_assert_cmpstr (os_sync_button_get_status_text (button), ==, "Còn 1 hồ sơ chờ gửi");
  shoot (f->window, "header-waiting");

  /* Refused for good and nothing else waiting: the header says so, not "synced". */
  refuse_oldest (f, "stale_version", "Hồ sơ đã được sửa ở quầy khác.");
  desk_test_iterate ();
  g_assert_cmpstr (os_sync_button_get_status_text (button), ==, "1 thay đổi bị từ chối");
  shoot (f->window, "header-refused");

  second = receive (f, "Trần Thị Bình");
  desk_test_iterate ();
  g_assert_cmpstr (os_sync_button_get_status_text (button), ==, "Còn 1 hồ sơ chờ gửi");

  /* The server fails (503): an error with its reason. */
  sync_once (f);
  g_assert_cmpint (os_sync_engine_get_state (os_account_get_engine (f->account)), ==, OS_SYNC_STATE_ERROR);
  g_assert_true (g_str_has_prefix (os_sync_button_get_status_text (button), "Lỗi: "));
  g_assert_cmpuint (strlen (os_sync_button_get_status_text (button)), >, strlen ("Lỗi: "));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (gtk_widget_get_first_child (GTK_WIDGET (button))), "error"));
  shoot (f->window, "header-error");

  /* The server no longer accepts the session. */
  f->fake->status = 401;
  sync_once (f);
  g_assert_cmpint (os_sync_engine_get_state (os_account_get_engine (f->account)), ==, OS_SYNC_STATE_LOGGED_OUT);
  g_assert_cmpstr (os_sync_button_get_status_text (button), ==, "Cần đăng nhập lại");
  logout = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (button), OS_TYPE_SYNC_BUTTON, "logout_button"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (logout)), ==, "Đăng _nhập lại");
  shoot (f->window, "header-logged-out");
  g_assert_cmpuint (f->fake->requests, >, 0);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 &&
         gtk_widget_get_mapped (widget);
}

/* A mapped button below @root labelled @label. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  return desk_test_find_widget (root, is_button_labelled, label);
}

static void
test_refused_window (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(OsRecord) first = receive (f, "Nguyễn Văn An");
  g_autoptr(OsRecord) second = receive (f, "Trần Thị Bình");
  g_autoptr(GPtrArray) events_before = NULL;
  g_autoptr(GPtrArray) events_after = NULL;
  g_autoptr(GError) error = NULL;
  OsRefusedWindow *window;
  GListModel *model;
  const OsQuarantined *q;
  GtkWidget *discard;
  GtkWidget *resend;
  AdwMessageDialog *dialog;

  refuse_oldest (f, "stale_version", "Hồ sơ đã được sửa ở quầy khác.");
  refuse_oldest (f, "code_taken", "Số hồ sơ này đã được dùng cho hồ sơ khác.");
  {
    g_autoptr(GPtrArray) quarantined = os_store_list_quarantined (f->store, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (quarantined->len, ==, 2);
  }

  window = os_refused_window_new (f->store, os_account_get_engine (f->account));
  show (GTK_WIDGET (window));
  model = os_refused_window_get_model (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  {
    g_autoptr(OsRefusedItem) item = g_list_model_get_item (model, 0);

    q = os_refused_item_get (item);
    g_assert_cmpstr (q->record_code, ==, os_record_get_code (first));
    g_assert_cmpstr (q->applicant_name, ==, "Nguyễn Văn An");
    g_assert_cmpstr (q->error_message, ==, "Hồ sơ đã được sửa ở quầy khác.");
    g_assert_cmpstr (os_refused_item_kind_label (q->kind), ==, "Tiếp nhận hồ sơ");
  }
  shoot (GTK_WIDGET (window), "refused-list");

  /* "Bỏ" asks first; "Hủy" keeps the change. */
  events_before = os_store_list_events (f->store, os_record_get_local_id (first), &error);
  discard = find_button (GTK_WIDGET (window), "_Bỏ");
  g_assert_nonnull (discard);
  g_signal_emit_by_name (discard, "clicked");
  desk_test_iterate ();
  dialog = desk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Bỏ thay đổi này?");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  desk_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  {
    g_autoptr(GPtrArray) quarantined = os_store_list_quarantined (f->store, NULL);

    g_assert_cmpuint (quarantined->len, ==, 2);
  }

  /* Confirmed: the first is dropped, with a line in the record's history. */
  g_assert_null (desk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Bỏ"), "clicked");
  desk_test_iterate ();
  dialog = desk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));
  desk_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  events_after = os_store_list_events (f->store, os_record_get_local_id (first), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events_after->len, ==, events_before->len + 1);

  /* "Gửi lại" puts the other back in the outbox, as a new change. */
  resend = find_button (GTK_WIDGET (window), "_Gửi lại");
  g_assert_nonnull (resend);
  g_signal_emit_by_name (resend, "clicked");
  desk_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 1);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (second)), ==, OS_RECORD_SYNC_PENDING);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                   OS_TYPE_REFUSED_WINDOW, "stack"))), ==, "empty");
}

#define R OS_TYPE_RECEPTION_PAGE

static const char *
page_text (OsReceptionPage *page,
           const char      *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (page), R, name)));
}

static void
test_no_code_block (Fixture       *f,
                    gconstpointer  data)
{
  OsReceptionPage *page = g_object_new (OS_TYPE_RECEPTION_PAGE, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autofree char *today = NULL;
  GtkWidget *search;
  GtkListBox *documents;
  AdwMessageDialog *dialog;

  /* Bound to a server, with no number leased for today. */
  g_assert_true (os_store_set_server (f->store, f->fake->base_url, DESK_ID, &error));
  g_assert_no_error (error);
  os_reception_page_set_store (page, f->store, NULL);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (page));
  show (f->window);

  search = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), R, "procedure_search"));
  gtk_editable_set_text (GTK_EDITABLE (search), "khai tu");
  for (int i = 0; i < 100; i++)
    {
      g_usleep (5000);
      desk_test_iterate ();
    }
  g_signal_emit_by_name (search, "activate");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (page), R, "name_row")), "Trần Văn Bình");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (page), R, "phone_row")), "0912345678");
  documents = GTK_LIST_BOX (gtk_widget_get_template_child (GTK_WIDGET (page), R, "documents_list"));
  gtk_check_button_set_active (g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (documents, 0)), "check"), TRUE);
  g_signal_connect_swapped (page, "record-saved", G_CALLBACK (g_set_object), &saved);

  gtk_widget_activate_action (GTK_WIDGET (page), "reception.save", NULL);
  desk_test_iterate ();
  /* Nothing saved, no number invented, a dialog says why, the form keeps everything. */
  g_assert_cmpint (os_store_count_records (f->store), ==, 0);
  g_assert_null (saved);
  dialog = desk_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Hết số hiệu hồ sơ được cấp cho hôm nay");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Đồng bộ ngay"));
  g_assert_cmpstr (page_text (page, "name_row"), ==, "Trần Văn Bình");
  g_assert_cmpstr (page_text (page, "phone_row"), ==, "0912345678");
  shoot (GTK_WIDGET (dialog), "no-code-block");
  adw_message_dialog_response (dialog, "close");
  gtk_window_destroy (GTK_WINDOW (dialog));
  desk_test_iterate ();

  /* The server leased numbers: the same form saves with the first of them. */
  {
    GDate date = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);

    today = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                             g_date_get_day (&date));
    g_assert_true (os_store_add_code_block (f->store, AGENCY, today, 41, 50, &error));
    g_assert_no_error (error);
    g_assert_cmpint (os_store_count_free_codes (f->store, AGENCY, &date), ==, 10);
  }
  gtk_widget_activate_action (GTK_WIDGET (page), "reception.save", NULL);
  desk_test_iterate ();
  g_assert_cmpint (os_store_count_records (f->store), ==, 1);
  g_assert_nonnull (saved);
  g_assert_true (g_str_has_suffix (os_record_get_code (saved), "-0041"));
}

static gboolean
is_label (GtkWidget     *widget,
          gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  return desk_test_find_widget (root, is_label, text) != NULL;
}

static void
test_record_sync_state (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = NULL;
  OsRecordWindow *window;

  g_assert_true (os_store_set_server (f->store, f->fake->base_url, DESK_ID, &error));
  {
    GDate date = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);
    g_autofree char *day = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                                            g_date_get_day (&date));

    g_assert_true (os_store_add_code_block (f->store, AGENCY, day, 1, 10, &error));
  }
  record = receive (f, "Nguyễn Văn An");
  window = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  show (GTK_WIDGET (window));
  g_assert_true (has_label (GTK_WIDGET (window), "Đồng bộ với máy chủ"));
  g_assert_true (has_label (GTK_WIDGET (window), "Đang chờ gửi lên máy chủ"));
  g_assert_false (has_label (GTK_WIDGET (window), "Máy chủ đã nhận mọi thay đổi của hồ sơ"));

  /* The window follows the store: refused now. */
  refuse_oldest (f, "invalid", "Thiếu số định danh.");
  desk_test_iterate ();
  g_assert_false (has_label (GTK_WIDGET (window), "Đang chờ gửi lên máy chủ"));
  g_assert_true (has_label (GTK_WIDGET (window),
                            "Máy chủ đã từ chối một thay đổi: xem danh sách thay đổi bị từ chối (Ctrl+Shift+E)"));
}

/* Editing a record (issue 3: fix, then resend) ------------------------------------------ */

#define W OS_TYPE_RECORD_WINDOW

/* Bound to the server, with numbers leased for today. */
static void
enroll (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GDate date = os_datetime_local_date (g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *day = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date), g_date_get_month (&date),
                                          g_date_get_day (&date));

  g_assert_true (os_store_set_server (f->store, f->fake->base_url, DESK_ID, &error));
  g_assert_no_error (error);
  g_assert_true (os_store_add_code_block (f->store, AGENCY, day, 1, 50, &error));
  g_assert_no_error (error);
}

static gint64
record_version (Fixture  *f,
                OsRecord *record)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version;

  g_assert_cmpint (sqlite3_prepare_v2 (os_store_get_db (f->store), "SELECT version FROM records WHERE local_id = ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, os_record_get_local_id (record));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* The record's newest outbox row: its kind and base version (kind NULL when none). */
static char *
last_outbox (Fixture  *f,
             OsRecord *record,
             gint64   *base_version,
             int      *state)
{
  sqlite3_stmt *stmt = NULL;
  char *kind = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (os_store_get_db (f->store),
                                       "SELECT kind, base_version, state FROM outbox WHERE record_id = ?1 "
                                       "ORDER BY seq DESC LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, os_record_get_id (record), -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *base_version = sqlite3_column_int64 (stmt, 1);
      if (state != NULL)
        *state = sqlite3_column_int (stmt, 2);
    }
  sqlite3_finalize (stmt);
  return kind;
}

/* The server applies the oldest pending change (a push answer). */
static void
apply_oldest (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batch = os_store_next_push_batch (f->store, 1, NULL, &error);
  OsOutboxEntry *entry;
  OsPushResult result = { 0 };

  g_assert_no_error (error);
  g_assert_cmpuint (batch->len, ==, 1);
  entry = g_ptr_array_index (batch, 0);
  result.id = entry->id;
  result.record_id = entry->record_id;
  result.status = OS_PUSH_APPLIED;
  result.version = entry->base_version + 1;
  g_assert_true (os_store_save_push_results (f->store, &result, 1, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
}

static void
set_field (OsRecordWindow *window,
           const char     *name,
           const char     *text)
{
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), W, name)), text);
}

static GtkWidget *
template_widget (OsRecordWindow *window,
                 const char     *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), W, name));
}

static gboolean
has_event (Fixture    *f,
           OsRecord   *record,
           const char *action)
{
  g_autoptr(GPtrArray) events = os_store_list_events (f->store, os_record_get_local_id (record), NULL);

  for (guint i = 0; events && i < events->len; i++)
    if (g_strcmp0 (((OsRecordEvent *) g_ptr_array_index (events, i))->action, action) == 0)
      return TRUE;
  return FALSE;
}

static gboolean has_label_containing (GtkWidget *root, const char *text);

static void
count_signal (guint *count)
{
  (*count)++;
}

static void
test_record_edit (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autofree char *kind = NULL;
  OsRecordWindow *window;
  gint64 before, base = -1;
  guint records_changed = 0;

  enroll (f);
  record = receive (f, "Nguyễn Văn An");
  apply_oldest (f);   /* the server has it: the edit is made against its version */
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 0);
  before = record_version (f, record);
  g_assert_cmpint (before, >, 0);

  window = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  os_record_window_set_sync_engine (window, os_account_get_engine (f->account));
  show (GTK_WIDGET (window));
  g_assert_false (os_record_window_get_editing (window));
  g_assert_false (gtk_widget_get_visible (template_widget (window, "edit_group")));
  g_assert_true (gtk_widget_is_sensitive (template_widget (window, "edit_button")));

  /* Ctrl+E's action: the form, filled with the saved values. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "record.edit", NULL));
  desk_test_iterate ();
  g_assert_true (os_record_window_get_editing (window));
  g_assert_true (gtk_widget_get_visible (template_widget (window, "edit_group")));
  g_assert_true (gtk_widget_get_visible (template_widget (window, "save_button")));
  g_assert_false (gtk_widget_get_visible (template_widget (window, "edit_button")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_widget (window, "name_row"))), ==, "Nguyễn Văn An");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_widget (window, "id_row"))), ==, "001099012345");

  set_field (window, "name_row", "  Nguyễn   Văn Ân ");
  set_field (window, "id_row", "001099054321");
  set_field (window, "birth_row", "05/09/1990");
  set_field (window, "phone_row", "0912345678");
  set_field (window, "email_row", "an.nguyen@example.vn");
  set_field (window, "address_row", "Số 1 Trung Hòa, Cầu Giấy, Hà Nội");
  set_field (window, "notes_row", "Sửa số định danh theo CCCD");
  adw_combo_row_set_selected (ADW_COMBO_ROW (template_widget (window, "delivery_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (template_widget (window, "channel_row")), 2);
  g_signal_connect_swapped (f->store, "records-changed", G_CALLBACK (count_signal), &records_changed);
  shoot (GTK_WIDGET (window), "f-record-edit");

  /* Ctrl+S's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "record.save", NULL));
  desk_test_iterate ();
  g_assert_false (os_record_window_get_editing (window));
  g_assert_cmpuint (records_changed, ==, 1);
  g_signal_handlers_disconnect_by_data (f->store, &records_changed);

  /* One "update" in the outbox, made against the version before the edit. */
  kind = last_outbox (f, record, &base, NULL);
  g_assert_cmpstr (kind, ==, "update");
  g_assert_cmpint (base, ==, before);
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 1);
  g_assert_cmpint (record_version (f, record), ==, before + 1);

  saved = os_store_load_record (f->store, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_applicant_name (saved), ==, "Nguyễn Văn Ân");
  g_assert_cmpstr (os_record_get_id_number (saved), ==, "001099054321");
  g_assert_cmpstr (os_record_get_birth_date (saved), ==, "1990-09-05");
  g_assert_cmpstr (os_record_get_phone (saved), ==, "0912345678");
  g_assert_cmpstr (os_record_get_email (saved), ==, "an.nguyen@example.vn");
  g_assert_cmpstr (os_record_get_notes (saved), ==, "Sửa số định danh theo CCCD");
  g_assert_cmpint (os_record_get_delivery (saved), ==, OS_DELIVERY_POST);
  g_assert_cmpint (os_record_get_channel (saved), ==, OS_CHANNEL_POST);
  /* What the form does not touch stays. */
  g_assert_cmpstr (os_record_get_code (saved), ==, os_record_get_code (record));
  g_assert_cmpstr (os_record_get_procedure_name (saved), ==, "Đăng ký khai sinh");
  g_assert_cmpint (os_record_get_received_at (saved), ==, os_record_get_received_at (record));

  /* The window shows the saved record and its history the update. */
  g_assert_true (has_event (f, record, "update"));
  g_assert_true (has_label_containing (GTK_WIDGET (window), " — Sửa hồ sơ"));
  g_assert_true (has_label (GTK_WIDGET (window), "Nguyễn Văn Ân"));
  g_assert_true (has_label (GTK_WIDGET (window), "Đang chờ gửi lên máy chủ"));

  /* Edit again, change nothing, Escape: nothing more is written. */
  g_assert_true (os_record_window_begin_edit (window));
  set_field (window, "notes_row", "Một ghi chú chưa lưu");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "record.escape", NULL));
  g_assert_false (os_record_window_get_editing (window));
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 1);
  g_assert_true (os_record_window_begin_edit (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (template_widget (window, "notes_row"))), ==,
                   "Sửa số định danh theo CCCD");
  g_assert_true (os_record_window_save_edit (window));
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 1);
  g_assert_cmpint (record_version (f, record), ==, before + 1);
}

typedef struct
{
  const char *row;
  const char *text;
  const char *message;
} BadInput;

static void
test_record_edit_invalid (Fixture       *f,
                          gconstpointer  data)
{
  static const BadInput bad[] = {
    { "name_row", "   ", "Chưa nhập họ và tên người nộp hồ sơ." },
    { "id_row", "12345", "Số định danh cá nhân phải có đúng 12 chữ số." },
    { "id_row", "00109901234x", "Số định danh cá nhân phải có đúng 12 chữ số." },
    { "birth_row", "31/02/1990", "Ngày sinh không hợp lệ, hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990." },
    { "birth_row", "01/01/2999", "Ngày sinh không hợp lệ, hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990." },
    { "email_row", "an.nguyen@example", "Địa chỉ thư điện tử “an.nguyen@example” không hợp lệ." },
    { "email_row", "an nguyen@example.vn", "Địa chỉ thư điện tử “an nguyen@example.vn” không hợp lệ." },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) returned = NULL;
  g_autoptr(OsRecord) saved = NULL;
  OsRecordWindow *window;
  OsRecordWindow *finished;
  gint64 version, outbox;
  GtkWidget *edit_button;

  enroll (f);
  record = receive (f, "Nguyễn Văn An");
  version = record_version (f, record);
  outbox = os_store_count_outbox (f->store);

  window = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  show (GTK_WIDGET (window));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GtkLabel *message = GTK_LABEL (template_widget (window, "edit_error"));

      g_assert_true (os_record_window_begin_edit (window));
      set_field (window, "name_row", "Nguyễn Văn Bình");
      set_field (window, bad[i].row, bad[i].text);
      g_assert_false (os_record_window_save_edit (window));
      desk_test_iterate ();
      /* Still editing, a clear message, the row marked, nothing written. */
      g_assert_true (os_record_window_get_editing (window));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (message)));
      g_assert_cmpstr (gtk_label_get_label (message), ==, bad[i].message);
      g_assert_true (gtk_widget_has_css_class (template_widget (window, bad[i].row), "error"));
      g_assert_cmpint (os_store_count_outbox (f->store), ==, outbox);
      g_assert_cmpint (record_version (f, record), ==, version);
      if (i == 1)
        shoot (GTK_WIDGET (window), "f-record-edit-invalid");
      os_record_window_cancel_edit (window);
    }
  saved = os_store_load_record (f->store, os_record_get_local_id (record), &error);
  g_assert_cmpstr (os_record_get_applicant_name (saved), ==, "Nguyễn Văn An");
  g_assert_false (has_event (f, record, "update"));

  /* A record whose result was returned cannot be edited: the button says why. */
  returned = os_test_new_record ("Lê Thị Cúc", "Nguyễn Thị Lan");
  g_assert_true (os_store_receive (f->store, returned, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  os_record_set_status (returned, OS_STATUS_RETURNED);
  os_record_set_finished_at (returned, g_get_real_time () / G_USEC_PER_SEC);
  os_record_set_returned_at (returned, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_true (os_store_update_record (f->store, returned, g_get_real_time () / G_USEC_PER_SEC, &error));
  g_assert_no_error (error);
  finished = os_record_window_new (f->store, NULL, os_record_get_local_id (returned), &error);
  g_assert_no_error (error);
  show (GTK_WIDGET (finished));
  edit_button = template_widget (finished, "edit_button");
  g_assert_false (gtk_widget_is_sensitive (edit_button));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (edit_button), "Đã trả kết quả"));
  g_assert_false (os_record_window_begin_edit (finished));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (finished), "record.edit", NULL) &&
                  os_record_window_get_editing (finished));
  g_assert_false (os_record_window_get_editing (finished));
}

static gboolean
is_visible_label_containing (GtkWidget     *widget,
                             gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
has_label_containing (GtkWidget  *root,
                      const char *text)
{
  return desk_test_find_widget (root, is_visible_label_containing, text) != NULL;
}

static void
test_refused_fix (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *kind = NULL;
  OsRefusedWindow *refused;
  OsRecordWindow *editor;
  GtkWidget *fix;
  gint64 base = -1;
  int state = -1;

  enroll (f);
  record = receive (f, "Nguyễn Văn An");
  refuse_oldest (f, "invalid_id_number", "Số định danh 001099012345 không khớp với Cơ sở dữ liệu quốc gia về dân cư.");

  refused = os_refused_window_new (f->store, os_account_get_engine (f->account));
  show (GTK_WIDGET (refused));
  g_assert_cmpuint (g_list_model_get_n_items (os_refused_window_get_model (refused)), ==, 1);
  shoot (GTK_WIDGET (refused), "f-refused-list");

  /* "Sửa" opens the record in edit mode. */
  fix = find_button (GTK_WIDGET (refused), "_Sửa");
  g_assert_nonnull (fix);
  g_assert_true (gtk_widget_is_sensitive (fix));
  g_assert_null (desk_test_find_toplevel (OS_TYPE_RECORD_WINDOW));
  g_signal_emit_by_name (fix, "clicked");
  desk_test_iterate ();
  editor = desk_test_find_toplevel (OS_TYPE_RECORD_WINDOW);
  g_assert_nonnull (editor);
  g_assert_true (os_record_window_get_editing (editor));
  while (!gtk_widget_get_mapped (GTK_WIDGET (editor)))
    g_main_context_iteration (NULL, TRUE);
  desk_test_iterate ();
  /* The record says it was refused, why, and what to do. */
  g_assert_true (has_label_containing (GTK_WIDGET (editor), "Máy chủ từ chối thay đổi “Tiếp nhận hồ sơ”"));
  g_assert_true (has_label_containing (GTK_WIDGET (editor), "không khớp với Cơ sở dữ liệu quốc gia"));
  /* The form itself keeps the server's reason in sight. */
  g_assert_nonnull (strstr (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (template_widget (editor, "edit_group"))),
                            "Lý do máy chủ từ chối: Số định danh 001099012345 không khớp"));
  shoot (GTK_WIDGET (editor), "f-record-edit-refused");

  set_field (editor, "id_row", "001099054321");
  g_assert_true (os_record_window_save_edit (editor));
  desk_test_iterate ();
  /* Saved, waiting behind the refused change until "Gửi lại". */
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (record)), ==, OS_RECORD_SYNC_REFUSED);
  g_assert_true (has_label_containing (GTK_WIDGET (editor), "bấm “Gửi lại” để gửi bản đã sửa"));
  g_assert_nonnull (find_button (GTK_WIDGET (editor), "_Gửi lại"));
  /* Opened again later, the record still says the fix waits for "Gửi lại". */
  {
    OsRecordWindow *again = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);

    g_assert_no_error (error);
    show (GTK_WIDGET (again));
    g_assert_nonnull (find_button (GTK_WIDGET (again), "_Gửi lại"));
    g_assert_null (find_button (GTK_WIDGET (again), "Sửa rồi gửi lại"));
    gtk_window_destroy (GTK_WINDOW (again));
    desk_test_iterate ();
  }
  /* The refused list says the fix waits for "Gửi lại". */
  g_assert_true (has_label_containing (GTK_WIDGET (refused), "bấm “Gửi lại” để gửi bản đã sửa."));
  shoot (GTK_WIDGET (refused), "f-refused-list-fixed");

  /* "Gửi lại" in the list: one new mutation with the fixed record, nothing refused. */
  g_signal_emit_by_name (find_button (GTK_WIDGET (refused), "_Gửi lại"), "clicked");
  desk_test_iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (os_refused_window_get_model (refused)), ==, 0);
  g_assert_cmpint (os_store_count_outbox (f->store), ==, 1);
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 0);
  kind = last_outbox (f, record, &base, &state);
  g_assert_cmpstr (kind, ==, "receive");   /* the server never had it: created again */
  g_assert_cmpint (base, ==, 0);
  g_assert_cmpint (state, ==, 0);
  g_assert_cmpint (os_store_get_record_sync_state (f->store, os_record_get_id (record)), ==, OS_RECORD_SYNC_PENDING);
  {
    g_autoptr(GPtrArray) batch = os_store_next_push_batch (f->store, 10, NULL, &error);
    OsOutboxEntry *entry;

    g_assert_no_error (error);
    g_assert_cmpuint (batch->len, ==, 1);
    entry = g_ptr_array_index (batch, 0);
    g_assert_nonnull (strstr (entry->payload, "001099054321"));
  }
  saved = os_store_load_record (f->store, os_record_get_local_id (record), &error);
  g_assert_cmpstr (os_record_get_id_number (saved), ==, "001099054321");
  /* The editor follows: no refused row any more. */
  g_assert_false (has_label_containing (GTK_WIDGET (editor), "Máy chủ từ chối thay đổi"));
}

/* The record window's own "Gửi lại" after "Sửa rồi gửi lại". */
static void
test_record_fix_resend (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  OsRecordWindow *window;
  GtkWidget *fix;

  enroll (f);
  record = receive (f, "Nguyễn Văn An");
  apply_oldest (f);

  /* An edit the server refuses, then the fix. */
  window = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  show (GTK_WIDGET (window));
  g_assert_true (os_record_window_begin_edit (window));
  set_field (window, "phone_row", "0900000000");
  g_assert_true (os_record_window_save_edit (window));
  refuse_oldest (f, "invalid_phone", "Số điện thoại không có thật.");
  desk_test_iterate ();
  fix = find_button (GTK_WIDGET (window), "Sửa rồi gửi lại");
  g_assert_nonnull (fix);
  g_assert_true (has_label_containing (GTK_WIDGET (window), "Số điện thoại không có thật."));
  shoot (GTK_WIDGET (window), "f-record-refused");
  g_signal_emit_by_name (fix, "clicked");
  desk_test_iterate ();
  g_assert_true (os_record_window_get_editing (window));
  set_field (window, "phone_row", "0912345678");
  g_assert_true (os_record_window_save_edit (window));
  desk_test_iterate ();
  g_assert_null (find_button (GTK_WIDGET (window), "Sửa rồi gửi lại"));
  g_signal_emit_by_name (find_button (GTK_WIDGET (window), "_Gửi lại"), "clicked");
  desk_test_iterate ();
  g_assert_cmpint (os_store_count_quarantined (f->store), ==, 0);
  g_assert_cmpint (os_store_count_pending (f->store), ==, 1);
  g_assert_true (has_event (f, record, "sync-resend"));
  {
    gint64 base = -1;
    g_autofree char *kind = last_outbox (f, record, &base, NULL);

    /* The server has version 1 (the receive it applied): an update against it. */
    g_assert_cmpstr (kind, ==, "update");
    g_assert_cmpint (base, ==, 1);
  }
}

static guint
count_images_with_tooltip (GtkWidget  *root,
                           const char *tooltip)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_IMAGE (c) && gtk_widget_get_mapped (c) && g_strcmp0 (gtk_widget_get_tooltip_text (c), tooltip) == 0)
        n++;
      n += count_images_with_tooltip (c, tooltip);
    }
  return n;
}

static OsRecordSyncState
list_state_of (OsRecordList *list,
               OsRecord     *record)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(OsRecord) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (os_record_get_local_id (item) == os_record_get_local_id (record))
        return os_record_list_item_get_sync_state (item);
    }
  g_assert_not_reached ();
}

static void
test_records_sync_column (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(OsRecord) synced = NULL;
  g_autoptr(OsRecord) waiting = NULL;
  g_autoptr(OsRecord) refused = NULL;
  g_autoptr(OsRecordList) list = NULL;
  g_autoptr(GError) error = NULL;
  OsRecordsPage *page = g_object_new (OS_TYPE_RECORDS_PAGE, NULL);
  const char *refused_text = "Máy chủ đã từ chối một thay đổi của hồ sơ";

  enroll (f);
  synced = receive (f, "Nguyễn Văn An");
  apply_oldest (f);
  /* Nothing waits: the list skips the outbox and says synced. */
  {
    g_autoptr(OsRecordList) empty = os_record_list_new (f->store);

    g_assert_cmpint (os_store_count_outbox (f->store), ==, 0);
    g_assert_true (os_record_list_get_with_sync_state (empty));
    g_assert_cmpint (list_state_of (empty, synced), ==, OS_RECORD_SYNC_SYNCED);
  }
  refused = receive (f, "Trần Thị Bình");
  refuse_oldest (f, "invalid", "Thiếu giấy tờ.");
  waiting = receive (f, "Lê Văn Cường");

  /* The list's own query gives each record its state. */
  list = os_record_list_new (f->store);
  g_assert_true (os_record_list_get_with_sync_state (list));
  g_assert_cmpint (list_state_of (list, synced), ==, OS_RECORD_SYNC_SYNCED);
  g_assert_cmpint (list_state_of (list, waiting), ==, OS_RECORD_SYNC_PENDING);
  g_assert_cmpint (list_state_of (list, refused), ==, OS_RECORD_SYNC_REFUSED);
  /* Search mode reads it too. */
  os_record_list_set_query (list, "Trần Thị Bình", 0, OS_DUE_STATE_NONE, 0, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpint (list_state_of (list, refused), ==, OS_RECORD_SYNC_REFUSED);

  /* The page shows the column with an icon per state, named for screen readers. */
  os_records_page_set_store (page, f->store);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 400);
  show (f->window);
  gtk_test_widget_wait_for_draw (f->window);
  desk_test_iterate ();
  g_assert_true (gtk_column_view_column_get_visible (os_records_page_get_sync_column (page)));
  g_assert_cmpstr (gtk_column_view_column_get_title (os_records_page_get_sync_column (page)), ==, "Đồng bộ");
  g_assert_cmpuint (count_images_with_tooltip (f->window, "Đã đồng bộ với máy chủ"), ==, 1);
  g_assert_cmpuint (count_images_with_tooltip (f->window, "Đang chờ gửi lên máy chủ"), ==, 1);
  g_assert_cmpuint (count_images_with_tooltip (f->window, refused_text), ==, 1);
  shoot (f->window, "f-records-sync-column");

  /* The store changes: the rows on screen follow without a reload. */
  {
    g_autoptr(GPtrArray) q = os_store_list_quarantined (f->store, &error);

    g_assert_no_error (error);
    g_assert_true (os_store_resend_quarantined (f->store, ((OsQuarantined *) g_ptr_array_index (q, 0))->id, &error));
    g_assert_no_error (error);
  }
  desk_test_iterate ();
  g_assert_cmpuint (count_images_with_tooltip (f->window, refused_text), ==, 0);
  g_assert_cmpuint (count_images_with_tooltip (f->window, "Đang chờ gửi lên máy chủ"), ==, 2);

  /* An item read before the change (a cached page of another list) is read again once
   * the list hears of the change. */
  {
    g_autoptr(OsRecord) item = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpint (os_record_get_local_id (item), ==, os_record_get_local_id (refused));
    g_assert_cmpint (os_record_list_item_get_sync_state (item), ==, OS_RECORD_SYNC_REFUSED);
    os_record_list_sync_changed (list);
    g_assert_cmpint (os_record_list_get_sync_state (list, item), ==, OS_RECORD_SYNC_PENDING);
    g_assert_cmpint (os_record_list_item_get_sync_state (item), ==, OS_RECORD_SYNC_PENDING);
  }
}

static void
set_row (gpointer    window,
         const char *name,
         const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                      OS_TYPE_PREFERENCES_WINDOW, name)), text);
}

static void
test_preferences_server (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new ("vn.onestop.Desk");
  OsPreferencesWindow *prefs = os_preferences_window_new (f->store, settings);
  GObject *url_row = gtk_widget_get_template_child (GTK_WIDGET (prefs), OS_TYPE_PREFERENCES_WINDOW, "server_url_row");
  g_autofree char *url = NULL;
  g_autofree char *desk = NULL;

  show (GTK_WIDGET (prefs));

  /* Not an address: refused, nothing saved. */
  set_row (prefs, "server_url_row", "motcua.example.gov.vn");
  g_signal_emit_by_name (url_row, "apply");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (url, ==, "");
  g_free (url);

  /* A desk id that is not one: refused. */
  set_row (prefs, "server_url_row", "https://motcua.example.gov.vn:8443/api/v1");
  set_row (prefs, "desk_id_row", "quay-1");
  g_signal_emit_by_name (url_row, "apply");
  url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (url, ==, "");
  g_free (url);

  set_row (prefs, "desk_id_row", " 0190A1B2-0000-7000-8000-000000000001 ");
  g_signal_emit_by_name (url_row, "apply");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  url = g_settings_get_string (settings, "server-url");
  desk = g_settings_get_string (settings, "desk-id");
  g_assert_cmpstr (url, ==, "https://motcua.example.gov.vn:8443/api/v1");
  g_assert_cmpstr (desk, ==, DESK_ID);
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "desk-id");
}

static void
on_logged_in (OsLoginWindow *login,
              gboolean      *done)
{
  *done = TRUE;
}

static void
test_login_window (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GtkApplication) app = gtk_application_new ("vn.onestop.DeskTest", G_APPLICATION_NON_UNIQUE);
  g_autoptr(OsAccount) account = os_account_new (f->fake->base_url, DESK_ID, NULL);
  g_autoptr(GError) error = NULL;
  OsLoginWindow *login;
  GtkLabel *message;
  gboolean done = FALSE;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  os_account_set_accounts_dir (account, f->dir);
  login = os_login_window_new (app, account, "khach");
  g_signal_connect (login, "logged-in", G_CALLBACK (on_logged_in), &done);
  show (GTK_WIDGET (login));
  message = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (login), OS_TYPE_LOGIN_WINDOW, "message_label"));

  /* No password: said at once, nothing asked of the server. */
  gtk_widget_activate_action (GTK_WIDGET (login), "login.submit", NULL);
  g_assert_cmpstr (gtk_label_get_label (message), ==, "Hãy nhập mật khẩu.");

  /* The server is down and this officer never logged in here. */
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (login), OS_TYPE_LOGIN_WINDOW,
                                                                      "password_row")), "bat-ky");
  gtk_widget_activate_action (GTK_WIDGET (login), "login.submit", NULL);
  while (strstr (gtk_label_get_label (message), "chưa từng đăng nhập") == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (done);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (message), "error"));

  /* An officer who did: unlocked offline, and the window says so. */
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (login), OS_TYPE_LOGIN_WINDOW,
                                                                      "username_row")), "lan");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (login), OS_TYPE_LOGIN_WINDOW,
                                                                      "password_row")), PASSWORD);
  gtk_widget_activate_action (GTK_WIDGET (login), "login.submit", NULL);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (os_account_get_offline (account));
  g_assert_cmpstr (gtk_label_get_label (message), ==, "Đã mở khóa ngoại tuyến: máy chủ chưa liên lạc được.");
  gtk_window_destroy (GTK_WINDOW (login));
}

/* A file another desk attached is fetched from the server when the officer opens it. */
static GBytes *
one_page_pdf (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "onestop-fetch-XXXXXX.pdf", NULL);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  char *data = NULL;
  gsize length = 0;
  int fd = g_mkstemp (path);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  surface = cairo_pdf_surface_create (path, 595, 842);
  cr = cairo_create (surface);
  cairo_move_to (cr, 72, 72);
  cairo_show_text (cr, "Giay khai sinh");
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  g_unlink (path);
  return g_bytes_new_take (data, length);
}

static gboolean
is_button_with_tooltip (GtkWidget     *widget,
                        gconstpointer  tooltip)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static GtkWidget *
find_tooltip_button (GtkWidget  *root,
                     const char *tooltip)
{
  return desk_test_find_widget (root, is_button_with_tooltip, tooltip);
}

/* Runs the main loop until a viewer shows or @seconds pass. */
static GtkWindow *
wait_viewer (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  GtkWindow *viewer;

  while ((viewer = desk_test_find_toplevel (OS_TYPE_ATTACHMENT_VIEWER)) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return viewer;
}

static void
test_attachment_fetch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OsRecord) record = NULL;
  g_autoptr(GBytes) pdf = one_page_pdf ();
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pdf);
  g_autofree char *attachment = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  OsSyncEngine *engine = os_account_get_engine (f->account);
  OsRecordWindow *window;
  GtkWidget *open;
  gsize length = 0;

  enroll (f);
  record = receive (f, "Trần Thị Bình");
  /* As a pull from another desk leaves it: the row, not the file. */
  attachment = os_store_add_attachment (f->store, os_record_get_local_id (record), "", "giay-khai-sinh.pdf",
                                        "application/pdf", sha256, (gint64) g_bytes_get_size (pdf), 1,
                                        g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  g_assert_nonnull (attachment);
  g_assert_null (os_blob_store_get_path (os_sync_engine_get_blob_store (engine), sha256));

  window = os_record_window_new (f->store, NULL, os_record_get_local_id (record), &error);
  g_assert_no_error (error);
  os_record_window_set_sync_engine (window, engine);
  show (GTK_WIDGET (window));
  open = find_tooltip_button (GTK_WIDGET (window), "Mở giay-khai-sinh.pdf");
  g_assert_nonnull (open);

  /* The server fails: no viewer, no file, the window goes on. */
  g_signal_emit_by_name (open, "clicked");
  g_assert_null (wait_viewer (1.5));
  g_assert_null (os_blob_store_get_path (os_sync_engine_get_blob_store (engine), sha256));

  /* The server has it: fetched, checked, kept, shown. */
  f->fake->blob = g_bytes_ref (pdf);
  f->fake->blob_path = g_strdup_printf ("/api/v1/blobs/%s", sha256);
  g_signal_emit_by_name (open, "clicked");
  g_assert_nonnull (wait_viewer (10));
  g_assert_cmpuint (f->fake->blob_requests, >=, 1);
  path = os_blob_store_get_path (os_sync_engine_get_blob_store (engine), sha256);
  g_assert_nonnull (path);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (contents, length, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  /* The keyring's session bus has no accessibility bus to offer. */
  g_setenv ("GTK_A11Y", "none", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/desk/sync/button", Fixture, NULL, fixture_set_up, test_sync_button, fixture_tear_down);
  g_test_add ("/desk/sync/refused-window", Fixture, NULL, fixture_set_up, test_refused_window, fixture_tear_down);
  g_test_add ("/desk/sync/no-code-block", Fixture, NULL, fixture_set_up, test_no_code_block, fixture_tear_down);
  g_test_add ("/desk/sync/record-state", Fixture, NULL, fixture_set_up, test_record_sync_state, fixture_tear_down);
  g_test_add ("/desk/sync/record-edit", Fixture, NULL, fixture_set_up, test_record_edit, fixture_tear_down);
  g_test_add ("/desk/sync/record-edit-invalid", Fixture, NULL, fixture_set_up, test_record_edit_invalid, fixture_tear_down);
  g_test_add ("/desk/sync/refused-fix", Fixture, NULL, fixture_set_up, test_refused_fix, fixture_tear_down);
  g_test_add ("/desk/sync/record-fix-resend", Fixture, NULL, fixture_set_up, test_record_fix_resend, fixture_tear_down);
  g_test_add ("/desk/sync/attachment-fetch", Fixture, NULL, fixture_set_up, test_attachment_fetch, fixture_tear_down);
  g_test_add ("/desk/sync/records-sync-column", Fixture, NULL, fixture_set_up, test_records_sync_column, fixture_tear_down);
  g_test_add ("/desk/sync/preferences", Fixture, NULL, fixture_set_up, test_preferences_server, fixture_tear_down);
  g_test_add ("/desk/sync/login-window", Fixture, NULL, fixture_set_up, test_login_window, fixture_tear_down);

  return g_test_run ();
}
