/* test-desk-pages.c: the reception, records and preferences pages in a real window.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <string.h>

#include "os-blob-store.h"
#include "os-demo.h"
#include "os-preferences-window.h"
#include "os-reception-page.h"
#include "os-attachment-viewer.h"
#include "os-record-list.h"
#include "os-record-window.h"
#include "os-scan-window.h"
#include "os-records-page.h"
#include "os-slip-window.h"
#include "desk-test.h"
#include "os-test-util.h"

#define GOOD_QR "001090012345|123456789|Nguyễn Thị Ánh Tuyết|05091990|Nữ|Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội|15082021"

typedef DeskTestFixture Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  desk_test_fixture_open (f, "onestop-desk-XXXXXX");
  g_assert_true (os_demo_load_catalogue (f->store, &error));
  g_assert_no_error (error);
}


static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  desk_test_fixture_close (f);
}

static void
show (Fixture   *f,
      GtkWidget *child)
{
  desk_test_show (GTK_WINDOW (f->window), child);
}

static GObject *
child (gpointer    widget,
       GType       type,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (object);
  return object;
}

static const char *
text_of (gpointer widget,
         GType    type,
         const char *name)
{
  return gtk_editable_get_text (GTK_EDITABLE (child (widget, type, name)));
}

static void
set_text (gpointer    widget,
          GType       type,
          const char *name,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (child (widget, type, name)), text);
}

#define R OS_TYPE_RECEPTION_PAGE

static void
choose_procedure (OsReceptionPage *page,
                  const char      *query)
{
  set_text (page, R, "procedure_search", query);
  /* GtkSearchEntry delays search-changed; wait for the filter to apply. */
  for (int i = 0; i < 100; i++)
    {
      g_usleep (5000);
      desk_test_iterate ();
    }
  g_signal_emit_by_name (child (page, R, "procedure_search"), "activate");
  desk_test_iterate ();
}

static void
test_reception_qr (Fixture       *f,
                   gconstpointer  data)
{
  OsReceptionPage *page = g_object_new (OS_TYPE_RECEPTION_PAGE, NULL);

  os_reception_page_set_store (page, f->store, NULL);
  show (f, GTK_WIDGET (page));

  /* A good line typed into the name row fills the applicant. */
  set_text (page, R, "name_row", GOOD_QR);
  g_signal_emit_by_name (child (page, R, "name_row"), "entry-activated");
  g_assert_cmpstr (text_of (page, R, "name_row"), ==, "Nguyễn Thị Ánh Tuyết");
  g_assert_cmpstr (text_of (page, R, "id_row"), ==, "001090012345");
  g_assert_cmpstr (text_of (page, R, "birth_row"), ==, "05/09/1990");
  g_assert_true (g_str_has_prefix (text_of (page, R, "address_row"), "Số 12 ngõ 34"));

  /* A malformed line after what the officer typed puts the row back and changes nothing else. */
  set_text (page, R, "phone_row", "0912");
  {
    /* A reader types after what is there, as keys would. */
    int position = 4;
    gtk_editable_insert_text (GTK_EDITABLE (child (page, R, "phone_row")),
                              "00109001234|123456789|Nguyễn Văn An|01021990|Nam|Hà Nội|15082021", -1, &position);
  }
  g_signal_emit_by_name (child (page, R, "phone_row"), "entry-activated");
  g_assert_cmpstr (text_of (page, R, "phone_row"), ==, "0912");
  g_assert_cmpstr (text_of (page, R, "name_row"), ==, "Nguyễn Thị Ánh Tuyết");

  /* Garbage with separators, too. */
  set_text (page, R, "email_row", "|||abc|||");
  g_signal_emit_by_name (child (page, R, "email_row"), "entry-activated");
  g_assert_cmpstr (text_of (page, R, "email_row"), ==, "");
  g_assert_cmpint (os_store_count_records (f->store), ==, 0);
}

static void
test_reception_save (Fixture       *f,
                     gconstpointer  data)
{
  OsReceptionPage *page = g_object_new (OS_TYPE_RECEPTION_PAGE, NULL);
  g_autoptr(OsRecord) saved = NULL;
  GtkListBox *documents;
  GtkCheckButton *check;

  os_reception_page_set_store (page, f->store, NULL);
  show (f, GTK_WIDGET (page));

  /* Nothing chosen: saving is refused and writes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "reception.save", NULL));
  g_assert_cmpint (os_store_count_records (f->store), ==, 0);

  choose_procedure (page, "khai tu");
  set_text (page, R, "name_row", "Trần Văn Bình");

  /* A wrong birth date is refused and writes nothing. */
  set_text (page, R, "birth_row", "31/02/1990");
  gtk_widget_activate_action (GTK_WIDGET (page), "reception.save", NULL);
  g_assert_cmpint (os_store_count_records (f->store), ==, 0);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (child (page, R, "birth_row")), "error"));
  set_text (page, R, "birth_row", "01/02/1950");

  /* No document ticked: refused. */
  gtk_widget_activate_action (GTK_WIDGET (page), "reception.save", NULL);
  g_assert_cmpint (os_store_count_records (f->store), ==, 0);

  documents = GTK_LIST_BOX (child (page, R, "documents_list"));
  check = g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (documents, 0)), "check");
  gtk_check_button_set_active (check, TRUE);
  g_signal_connect_swapped (page, "record-saved", G_CALLBACK (g_set_object), &saved);
  gtk_widget_activate_action (GTK_WIDGET (page), "reception.save", NULL);
  desk_test_iterate ();

  g_assert_cmpint (os_store_count_records (f->store), ==, 1);
  g_assert_nonnull (saved);
  g_assert_cmpstr (os_record_get_procedure_name (saved), ==, "Đăng ký khai tử");
  g_assert_cmpstr (os_record_get_birth_date (saved), ==, "1950-02-01");
  g_assert_cmpuint (os_record_get_documents (saved)->len, ==, 1);
  g_assert_cmpint (((OsRecordDocument *) g_ptr_array_index (os_record_get_documents (saved), 0))->originals, ==, 1);
  g_assert_cmpuint (desk_test_count_toplevels (OS_TYPE_SLIP_WINDOW), ==, 1);
  /* The form is empty for the next applicant. */
  g_assert_cmpstr (text_of (page, R, "name_row"), ==, "");
}

#define L OS_TYPE_RECORDS_PAGE

static void
on_open_record (OsRecordsPage *page,
                gint64         local_id,
                gint64        *out)
{
  *out = local_id;
}

static void
test_records_scanner (Fixture       *f,
                      gconstpointer  data)
{
  OsRecordsPage *page = g_object_new (OS_TYPE_RECORDS_PAGE, NULL);
  g_autoptr(OsDemoGenerator) generator = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 opened = 0;
  OsRecord *target;
  GListModel *model;

  generator = os_demo_generator_new (f->store, 7, now - 30 * 86400, now, 300);
  records = os_demo_generator_next (generator, 300);
  g_assert_true (os_store_insert_prepared (f->store, records, TRUE, &error));
  g_assert_no_error (error);
  target = g_ptr_array_index (records, 42);

  os_records_page_set_store (page, f->store);
  show (f, GTK_WIDGET (page));
  g_signal_connect (page, "open-record", G_CALLBACK (on_open_record), &opened);
  model = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (child (page, L, "column_view"))));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, records->len);

  /* A reader types the receipt's code and Enter: that record opens. */
  set_text (page, L, "search_entry", os_record_get_code (target));
  g_signal_emit_by_name (child (page, L, "search_entry"), "activate");
  g_assert_cmpint (opened, ==, os_record_get_local_id (target));

  /* A well-formed code that is not here opens nothing. */
  opened = 0;
  set_text (page, L, "search_entry", "000.00.11.H26-200101-0001");
  g_signal_emit_by_name (child (page, L, "search_entry"), "activate");
  g_assert_cmpint (opened, ==, 0);

  /* A wrong date in the range filter is flagged and the list is left as it was. */
  set_text (page, L, "search_entry", "");
  g_signal_emit_by_name (child (page, L, "search_entry"), "activate");
  set_text (page, L, "from_entry", "32/13/2026");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (child (page, L, "from_entry")), "error"));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, records->len);
}

/* A standalone desk (no server): no sync column, and editing a record still works. */
static void
test_records_standalone_edit (Fixture       *f,
                              gconstpointer  data)
{
  OsRecordsPage *page = g_object_new (OS_TYPE_RECORDS_PAGE, NULL);
  g_autoptr(OsDemoGenerator) generator = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(OsRecordList) list = NULL;
  g_autoptr(OsRecord) first = NULL;
  g_autoptr(OsRecord) saved = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  OsRecordWindow *window;
  OsRecord *target = NULL;

  g_assert_false (os_store_is_enrolled (f->store));
  generator = os_demo_generator_new (f->store, 11, now - 10 * 86400, now, 40);
  records = os_demo_generator_next (generator, 40);
  g_assert_true (os_store_insert_prepared (f->store, records, TRUE, &error));
  g_assert_no_error (error);

  list = os_record_list_new (f->store);
  g_assert_false (os_record_list_get_with_sync_state (list));
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpint (os_record_list_item_get_sync_state (first), ==, OS_RECORD_SYNC_SYNCED);

  os_records_page_set_store (page, f->store);
  show (f, GTK_WIDGET (page));
  desk_test_iterate ();
  g_assert_false (gtk_column_view_column_get_visible (os_records_page_get_sync_column (page)));

  /* The first record the list shows that may still be edited. */
  for (guint i = 0; i < records->len && target == NULL; i++)
    {
      OsRecord *r = g_ptr_array_index (records, i);

      if (os_record_get_status (r) == OS_STATUS_RECEIVED || os_record_get_status (r) == OS_STATUS_SUPPLEMENT)
        target = r;
    }
  g_assert_nonnull (target);
  window = os_record_window_new (f->store, NULL, os_record_get_local_id (target), &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (GTK_WIDGET (window)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "record.edit", NULL));
  g_assert_true (os_record_window_get_editing (window));
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window), OS_TYPE_RECORD_WINDOW,
                                                                      "address_row")),
                         "Số 5 Hoàng Đạo Thúy, Thanh Xuân, Hà Nội");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "record.save", NULL));
  g_assert_false (os_record_window_get_editing (window));
  saved = os_store_load_record (f->store, os_record_get_local_id (target), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (os_record_get_address (saved), ==, "Số 5 Hoàng Đạo Thúy, Thanh Xuân, Hà Nội");
  g_assert_cmpstr (os_record_get_applicant_name (saved), ==, os_record_get_applicant_name (target));
}

#define P OS_TYPE_PREFERENCES_WINDOW

static void
test_preferences_rejects (Fixture       *f,
                          gconstpointer  data)
{
  OsPreferencesWindow *prefs = os_preferences_window_new (f->store, NULL);
  g_autoptr(OsAgency) before = os_store_dup_agency (f->store);
  g_autoptr(OsAgency) after = NULL;
  int ms, me, as, ae;

  gtk_window_present (GTK_WINDOW (prefs));
  desk_test_iterate ();

  set_text (prefs, P, "identifier_row", "not an identifier");
  g_signal_emit_by_name (child (prefs, P, "identifier_row"), "apply");
  after = os_store_dup_agency (f->store);
  g_assert_cmpstr (after->identifier, ==, before->identifier);

  set_text (prefs, P, "morning_start_row", "25:00");
  g_signal_emit_by_name (child (prefs, P, "morning_start_row"), "apply");
  os_calendar_get_office_hours (os_store_get_calendar (f->store), &ms, &me, &as, &ae);
  g_assert_cmpint (ms, ==, 7 * 60 + 30);

  set_text (prefs, P, "morning_start_row", "08:00");
  g_signal_emit_by_name (child (prefs, P, "morning_start_row"), "apply");
  os_calendar_get_office_hours (os_store_get_calendar (f->store), &ms, &me, &as, &ae);
  g_assert_cmpint (ms, ==, 8 * 60);

  /* Declaring a day off shows up in the calendar. */
  set_text (prefs, P, "declare_date_row", "05/01/2026");
  set_text (prefs, P, "declare_label_row", "Nghỉ bù thử");
  {
    GDate date;

    g_date_clear (&date, 1);
    g_date_set_dmy (&date, 5, 1, 2026);
    g_assert_true (os_calendar_is_working_day (os_store_get_calendar (f->store), &date));
    gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.declare", NULL);
    g_assert_false (os_calendar_is_working_day (os_store_get_calendar (f->store), &date));

    /* A date that does not exist is refused. */
    set_text (prefs, P, "declare_date_row", "30/02/2026");
    gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.declare", NULL);
    g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (child (prefs, P, "declare_date_row")), "error"));
  }
}

static gint64
count_attachments (OsStore *store,
                   gint64   local_id)
{
  g_autoptr(GPtrArray) list = os_store_list_attachments (store, local_id, NULL);

  g_assert_nonnull (list);
  return list->len;
}

static void
wait_for_attachments (OsStore *store,
                      gint64   local_id,
                      gint64   expected)
{
  for (int i = 0; i < 500 && count_attachments (store, local_id) != expected; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpint (count_attachments (store, local_id), ==, expected);
}

static void
test_record_attachments (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsDemoGenerator) generator = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 120, 80);
  g_autofree char *png = g_build_filename (f->dir, "giay-to.png", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "hong.pdf", NULL);
  g_autoptr(GFile) png_file = g_file_new_for_path (png);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  OsRecordWindow *first, *second;
  gint64 a, b;

  generator = os_demo_generator_new (f->store, 11, now - 10 * 86400, now, 2);
  records = os_demo_generator_next (generator, 2);
  g_assert_true (os_store_insert_prepared (f->store, records, TRUE, &error));
  a = os_record_get_local_id (g_ptr_array_index (records, 0));
  b = os_record_get_local_id (g_ptr_array_index (records, 1));

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, png, "png", &error, NULL));
  g_assert_true (g_file_set_contents (bad, "%PDF-1.7 not really a PDF", -1, &error));

  first = os_record_window_new (f->store, NULL, a, &error);
  g_assert_no_error (error);
  second = os_record_window_new (f->store, NULL, b, &error);
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (first));

  /* A broken file is refused and attaches nothing. */
  os_record_window_attach_file (first, bad_file);
  for (int i = 0; i < 50; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpint (count_attachments (f->store, a), ==, 0);

  /* The same picture on two records is stored once. */
  os_record_window_attach_file (first, png_file);
  wait_for_attachments (f->store, a, 1);
  os_record_window_attach_file (second, png_file);
  wait_for_attachments (f->store, b, 1);

  {
    g_autoptr(GPtrArray) list = os_store_list_attachments (f->store, a, NULL);
    OsAttachment *attachment = g_ptr_array_index (list, 0);
    g_autofree char *unreferenced = NULL;

    g_assert_cmpstr (attachment->file_name, ==, "giay-to.png");
    g_assert_cmpstr (attachment->mime_type, ==, "image/png");
    g_assert_true (os_store_remove_attachment (f->store, attachment->id, &unreferenced, &error));
    g_assert_null (unreferenced);  /* the second record still uses the file */
  }

  gtk_window_destroy (GTK_WINDOW (second));
}

static void
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  for (int i = 0; i < 1000 && !done (data); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (done (data));
}

static gboolean
viewer_ready (gpointer viewer)
{
  return os_attachment_viewer_get_n_pages (viewer) > 0 &&
         gtk_picture_get_paintable (GTK_PICTURE (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "picture"))) != NULL;
}

static gboolean
viewer_failed (gpointer viewer)
{
  return *gtk_label_get_label (GTK_LABEL (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "status_label"))) != '\0' &&
         !g_str_has_suffix (gtk_label_get_label (GTK_LABEL (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "status_label"))), "…");
}

static gboolean
viewer_thumbnails_drawn (gpointer viewer)
{
  return os_attachment_viewer_get_n_thumbnails (viewer) == 3;
}

static void
test_viewer (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *pdf = g_build_filename (f->dir, "ba-trang.pdf", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "hong.pdf", NULL);
  g_autoptr(GFile) pdf_file = g_file_new_for_path (pdf);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface = cairo_pdf_surface_create (pdf, 595, 842);
  cairo_t *cr = cairo_create (surface);
  OsAttachmentViewer *viewer, *broken;
  GtkSingleSelection *strip;
  GdkPaintable *first;

  for (int i = 0; i < 3; i++)
    {
      cairo_rectangle (cr, 50, 50 + 100 * i, 200, 80);
      cairo_fill (cr);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_assert_true (g_file_set_contents (bad, "%PDF-1.7 broken", -1, &error));

  viewer = os_attachment_viewer_new (pdf_file, "ba-trang.pdf");
  gtk_window_present (GTK_WINDOW (viewer));
  wait_until (viewer_ready, viewer);
  g_assert_cmpint (os_attachment_viewer_get_n_pages (viewer), ==, 3);
  first = gtk_picture_get_paintable (GTK_PICTURE (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "picture")));

  /* Page Down shows the next page, drawn anew. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.next", NULL));
  g_assert_cmpint (os_attachment_viewer_get_page (viewer), ==, 1);
  for (int i = 0; i < 500 && gtk_picture_get_paintable (GTK_PICTURE (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "picture"))) == first; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_true (gtk_picture_get_paintable (GTK_PICTURE (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "picture"))) != first);

  /* The strip draws a thumbnail of each page in view (all three fit). */
  wait_until (viewer_thumbnails_drawn, viewer);
  g_assert_cmpuint (os_attachment_viewer_get_n_thumbnails (viewer), ==, 3);

  /* Choosing a thumbnail shows its page; paging on moves the strip along. */
  strip = GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (child (viewer, OS_TYPE_ATTACHMENT_VIEWER,
                                                                                 "thumbnails_view"))));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (strip)), ==, 3);
  g_assert_cmpuint (gtk_single_selection_get_selected (strip), ==, 1);
  gtk_single_selection_set_selected (strip, 2);
  g_assert_cmpint (os_attachment_viewer_get_page (viewer), ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (viewer), "viewer.previous", NULL));
  g_assert_cmpuint (gtk_single_selection_get_selected (strip), ==, 1);
  g_signal_emit_by_name (child (viewer, OS_TYPE_ATTACHMENT_VIEWER, "thumbnails_view"), "activate", 0u);
  g_assert_cmpint (os_attachment_viewer_get_page (viewer), ==, 0);

  /* Printing, exported to PDF through the same operation as Ctrl+P: every page. */
  if (os_test_have_tools ((const char *[]) { "pdfinfo", NULL }, "pdfinfo (poppler-utils) is not installed"))
    {
      g_autofree char *printed = g_build_filename (f->dir, "in-ra.pdf", NULL);
      g_autofree char *info = NULL;

      g_assert_true (os_attachment_viewer_export_pdf (viewer, printed, &error));
      g_assert_no_error (error);
      info = os_test_run_tool ((const char *[]) { "pdfinfo", printed, NULL });
      g_assert_nonnull (strstr (info, "\nPages:           3\n"));
    }

  /* A broken file says so and shows nothing. */
  broken = os_attachment_viewer_new (bad_file, "hong.pdf");
  gtk_window_present (GTK_WINDOW (broken));
  wait_until (viewer_failed, broken);
  g_assert_cmpint (os_attachment_viewer_get_n_pages (broken), ==, 0);
}

/* SANE's own test backend, configured in a private directory (TESTING.md). */
static char *sane_dir;

static void
set_up_sane (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *dll = NULL;
  g_autofree char *test_conf = NULL;

  sane_dir = g_dir_make_tmp ("onestop-sane-XXXXXX", &error);
  g_assert_no_error (error);
  dll = g_build_filename (sane_dir, "dll.conf", NULL);
  test_conf = g_build_filename (sane_dir, "test.conf", NULL);
  g_assert_true (g_file_set_contents (dll, "test\n", -1, &error));
  if (!g_file_get_contents ("/etc/sane.d/test.conf", &conf, NULL, NULL))
    conf = g_strdup ("");
  g_assert_true (g_file_set_contents (test_conf, conf, -1, &error));
  g_setenv ("SANE_CONFIG_DIR", sane_dir, TRUE);
}


static gboolean
devices_listed (gpointer window)
{
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (child (window, OS_TYPE_SCAN_WINDOW, "device_dropdown")));

  return model != NULL && g_list_model_get_n_items (model) > 0;
}

typedef struct { OsScanWindow *window; guint pages; } PagesWanted;

static gboolean
scanned_enough (gpointer data)
{
  PagesWanted *wanted = data;

  return os_scan_window_get_n_pages (wanted->window) >= wanted->pages &&
         gtk_widget_is_sensitive (GTK_WIDGET (child (wanted->window, OS_TYPE_SCAN_WINDOW, "scan_button")));
}

static void
test_scan_to_attachment (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(OsDemoGenerator) generator = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  OsRecordWindow *record_window;
  OsScanWindow *scan;
  OsRecord *record;
  gint64 id;

  generator = os_demo_generator_new (f->store, 5, now - 5 * 86400, now, 1);
  records = os_demo_generator_next (generator, 1);
  g_assert_true (os_store_insert_prepared (f->store, records, TRUE, &error));
  record = g_ptr_array_index (records, 0);
  id = os_record_get_local_id (record);

  record_window = os_record_window_new (f->store, NULL, id, &error);
  g_assert_no_error (error);
  scan = os_scan_window_new (record_window, record, NULL);
  gtk_window_present (GTK_WINDOW (scan));
  wait_until (devices_listed, scan);

  /* Three pages from the glass at 150 dpi, one scan each, as an officer turns the pages. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (scan, OS_TYPE_SCAN_WINDOW, "dpi_dropdown")), 0);
  for (guint i = 1; i <= 3; i++)
    {
      PagesWanted wanted = { scan, i };

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scan), "scan.scan", NULL));
      wait_until (scanned_enough, &wanted);
    }
  g_assert_cmpuint (os_scan_window_get_n_pages (scan), ==, 3);

  /* Arranging: the grid follows the pages; rotating keeps the count. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_grid_view_get_model (
    GTK_GRID_VIEW (child (scan, OS_TYPE_SCAN_WINDOW, "pages_view")))), 1);
  gtk_widget_activate_action (GTK_WIDGET (scan), "scan.rotate", NULL);
  g_assert_cmpuint (os_scan_window_get_n_pages (scan), ==, 3);

  gtk_widget_activate_action (GTK_WIDGET (scan), "scan.save", NULL);
  wait_for_attachments (f->store, id, 1);

  attachments = os_store_list_attachments (f->store, id, &error);
  g_assert_no_error (error);
  {
    OsAttachment *a = g_ptr_array_index (attachments, 0);

    g_assert_cmpstr (a->mime_type, ==, "application/pdf");
    g_assert_cmpint (a->pages, ==, 3);
    g_assert_true (g_str_has_prefix (a->file_name, os_record_get_code (record)));
  }
}

static double
pdf_page_width (const char *path)
{
  g_autofree char *info = os_test_run_tool ((const char *[]) { "pdfinfo", path, NULL });
  const char *size = strstr (info, "Page size:");

  g_assert_nonnull (size);
  return g_ascii_strtod (size + strlen ("Page size:"), NULL);
}

/* Pages go to the papers they belong to, one PDF each; a crop set in millimetres shows in
 * the PDF's page size. */
static void
test_scan_assign_crop (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(OsDemoGenerator) generator = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) attachments = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OsBlobStore) blobs = NULL;
  g_autofree char *blob_root = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  OsRecordWindow *record_window;
  OsScanWindow *scan;
  OsRecord *record;
  GtkSingleSelection *pages;
  GtkDropDown *documents;
  PagesWanted wanted;
  const char *first_paper, *second_paper;
  gint64 id;

  if (!os_test_have_tools ((const char *[]) { "pdfinfo", NULL }, "pdfinfo (poppler-utils) is not installed"))
    return;

  generator = os_demo_generator_new (f->store, 5, now - 5 * 86400, now, 1);
  records = os_demo_generator_next (generator, 1);
  record = g_ptr_array_index (records, 0);
  /* Two papers, whatever the demo chose. */
  os_record_clear_documents (record);
  os_record_add_document (record, "Tờ khai", 1, 0, 0);
  os_record_add_document (record, "Giấy chứng nhận", 0, 1, 0);
  g_assert_true (os_store_insert_prepared (f->store, records, TRUE, &error));
  g_assert_no_error (error);
  id = os_record_get_local_id (record);

  record_window = os_record_window_new (f->store, NULL, id, &error);
  g_assert_no_error (error);
  scan = os_scan_window_new (record_window, record, NULL);
  gtk_window_present (GTK_WINDOW (scan));
  wait_until (devices_listed, scan);

  /* Three sheets through the feeder at 150 dpi (80 × 100 mm pages). */
  g_setenv ("ONESTOP_SCANNER_OPTIONS", "onestop-max-pages=3", TRUE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (scan, OS_TYPE_SCAN_WINDOW, "dpi_dropdown")), 0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (scan, OS_TYPE_SCAN_WINDOW, "source_dropdown")), 1);
  wanted = (PagesWanted) { scan, 3 };
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scan), "scan.scan", NULL));
  wait_until (scanned_enough, &wanted);
  g_unsetenv ("ONESTOP_SCANNER_OPTIONS");
  g_assert_cmpuint (os_scan_window_get_n_pages (scan), ==, 3);

  /* New pages went to the first paper; the third is the certificate. */
  pages = GTK_SINGLE_SELECTION (gtk_grid_view_get_model (GTK_GRID_VIEW (child (scan, OS_TYPE_SCAN_WINDOW, "pages_view"))));
  documents = GTK_DROP_DOWN (child (scan, OS_TYPE_SCAN_WINDOW, "document_dropdown"));
  gtk_single_selection_set_selected (pages, 2);
  g_assert_cmpuint (gtk_drop_down_get_selected (documents), ==, 0);
  gtk_drop_down_set_selected (documents, 1);
  /* Selecting another page shows its paper, without changing the page just given away. */
  gtk_single_selection_set_selected (pages, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (documents), ==, 0);
  gtk_single_selection_set_selected (pages, 2);
  g_assert_cmpuint (gtk_drop_down_get_selected (documents), ==, 1);

  /* Crop 10 mm off the left and 20 mm off the right of the first page: 50 mm remain. */
  gtk_single_selection_set_selected (pages, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scan), "scan.crop", NULL));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (child (scan, OS_TYPE_SCAN_WINDOW, "crop_revealer"))));
  /* Ctrl+K puts the keyboard in the first margin. */
  {
    GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (scan));
    GtkWidget *top = GTK_WIDGET (child (scan, OS_TYPE_SCAN_WINDOW, "crop_top"));

    g_assert_true (focus == top || (focus != NULL && gtk_widget_is_ancestor (focus, top)));
  }
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (scan, OS_TYPE_SCAN_WINDOW, "crop_left")), 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child (scan, OS_TYPE_SCAN_WINDOW, "crop_right")), 20);
  /* The margins belong to that page: another page shows none. */
  gtk_single_selection_set_selected (pages, 1);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (scan, OS_TYPE_SCAN_WINDOW, "crop_left"))), ==, 0);
  gtk_single_selection_set_selected (pages, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (child (scan, OS_TYPE_SCAN_WINDOW, "crop_left"))), ==, 10);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scan), "scan.save", NULL));
  wait_for_attachments (f->store, id, 2);

  attachments = os_store_list_attachments (f->store, id, &error);
  g_assert_no_error (error);
  first_paper = ((OsAttachment *) g_ptr_array_index (attachments, 0))->document_name;
  second_paper = ((OsAttachment *) g_ptr_array_index (attachments, 1))->document_name;
  g_assert_true ((g_str_equal (first_paper, "Tờ khai") && g_str_equal (second_paper, "Giấy chứng nhận")) ||
                 (g_str_equal (first_paper, "Giấy chứng nhận") && g_str_equal (second_paper, "Tờ khai")));

  blob_root = g_build_filename (f->dir, "blobs", NULL);
  blobs = os_blob_store_new (blob_root);
  for (guint i = 0; i < attachments->len; i++)
    {
      OsAttachment *a = g_ptr_array_index (attachments, i);
      g_autofree char *path = os_blob_store_get_path (blobs, a->sha256);

      g_assert_nonnull (path);
      g_assert_nonnull (strstr (a->file_name, a->document_name));
      if (g_str_equal (a->document_name, "Tờ khai"))
        {
          g_assert_cmpint (a->pages, ==, 2);
          /* 50 mm = 141.7 pt (the uncut page is 80 mm = 226.8 pt). */
          g_assert_cmpfloat_with_epsilon (pdf_page_width (path), 50 / 25.4 * 72, 1.5);
        }
      else
        {
          g_assert_cmpint (a->pages, ==, 1);
          g_assert_cmpfloat_with_epsilon (pdf_page_width (path), 80 / 25.4 * 72, 1.5);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  set_up_sane ();
  desk_test_init (&argc, &argv);

  g_test_add ("/desk/reception/qr", Fixture, NULL, fixture_set_up, test_reception_qr, fixture_tear_down);
  g_test_add ("/desk/reception/save", Fixture, NULL, fixture_set_up, test_reception_save, fixture_tear_down);
  g_test_add ("/desk/records/standalone-edit", Fixture, NULL, fixture_set_up, test_records_standalone_edit, fixture_tear_down);
  g_test_add ("/desk/records/scanner", Fixture, NULL, fixture_set_up, test_records_scanner, fixture_tear_down);
  g_test_add ("/desk/record/attachments", Fixture, NULL, fixture_set_up, test_record_attachments, fixture_tear_down);
  g_test_add ("/desk/scan/to-attachment", Fixture, NULL, fixture_set_up, test_scan_to_attachment, fixture_tear_down);
  g_test_add ("/desk/scan/assign-crop", Fixture, NULL, fixture_set_up, test_scan_assign_crop, fixture_tear_down);
  g_test_add ("/desk/viewer", Fixture, NULL, fixture_set_up, test_viewer, fixture_tear_down);
  g_test_add ("/desk/preferences/rejects", Fixture, NULL, fixture_set_up, test_preferences_rejects, fixture_tear_down);

  {
    int status = g_test_run ();

    os_test_remove_tree (sane_dir);
    g_free (sane_dir);
    return status;
  }
}
