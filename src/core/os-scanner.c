/* os-scanner.c: document scanners through SANE, on one worker thread.
 *
 * SANE is not thread-safe, so every SANE call (sane_init and sane_exit included) runs on
 * one worker thread, as in simple-scan: requests go in through a GAsyncQueue, pages and
 * results come back with g_main_context_invoke on the caller's main context. The worker
 * never holds the last reference to a task (nor, through it, to the scanner): it hands
 * each one over to the caller's context, so the scanner is always finalized there.
 *
 * A device is opened for each request and closed after it, so a failed scan leaves
 * nothing behind and the next one starts clean.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include "os-error.h"
#include "os-scanner.h"

/* Larger frames than this are refused rather than risk running out of memory. */
#define MAX_FRAME_BYTES ((gsize) G_MAXINT)
#define READ_BUFFER_SIZE 65536

struct _OsScanner
{
  GObject      parent_instance;

  GAsyncQueue *requests;  /* of Request, popped by the worker */
  GThread     *thread;    /* NULL until the first request */
};

G_DEFINE_FINAL_TYPE (OsScanner, os_scanner, G_TYPE_OBJECT)

enum {
  PAGE_SCANNED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The one live scanner: SANE allows one session per process. */
static GWeakRef default_scanner;

/* Boxed types */

OsScannerDevice *
os_scanner_device_copy (const OsScannerDevice *device)
{
  OsScannerDevice *copy;

  g_return_val_if_fail (device != NULL, NULL);

  copy = g_new0 (OsScannerDevice, 1);
  copy->name = g_strdup (device->name);
  copy->vendor = g_strdup (device->vendor);
  copy->model = g_strdup (device->model);
  copy->type = g_strdup (device->type);
  return copy;
}

void
os_scanner_device_free (OsScannerDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->vendor);
  g_free (device->model);
  g_free (device->type);
  g_free (device);
}

G_DEFINE_BOXED_TYPE (OsScannerDevice, os_scanner_device,
                     os_scanner_device_copy, os_scanner_device_free)

OsScanRequest *
os_scan_request_copy (const OsScanRequest *request)
{
  OsScanRequest *copy;

  g_return_val_if_fail (request != NULL, NULL);

  copy = g_new0 (OsScanRequest, 1);
  copy->device = g_strdup (request->device);
  copy->dpi = request->dpi;
  copy->mode = request->mode;
  copy->source = request->source;
  copy->options = g_strdupv (request->options);
  copy->max_pages = request->max_pages;
  return copy;
}

void
os_scan_request_free (OsScanRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->device);
  g_strfreev (request->options);
  g_free (request);
}

G_DEFINE_BOXED_TYPE (OsScanRequest, os_scan_request,
                     os_scan_request_copy, os_scan_request_free)

OsScannerCapabilities *
os_scanner_capabilities_copy (const OsScannerCapabilities *caps)
{
  OsScannerCapabilities *copy;

  g_return_val_if_fail (caps != NULL, NULL);

  copy = g_new0 (OsScannerCapabilities, 1);
  *copy = *caps;
  copy->resolutions = caps->resolutions != NULL ? g_array_copy (caps->resolutions) : NULL;
  return copy;
}

void
os_scanner_capabilities_free (OsScannerCapabilities *caps)
{
  if (caps == NULL)
    return;
  g_clear_pointer (&caps->resolutions, g_array_unref);
  g_free (caps);
}

G_DEFINE_BOXED_TYPE (OsScannerCapabilities, os_scanner_capabilities,
                     os_scanner_capabilities_copy, os_scanner_capabilities_free)

/* Requests and what comes back from the worker */

typedef enum
{
  REQUEST_QUIT,
  REQUEST_LIST_DEVICES,
  REQUEST_CAPABILITIES,
  REQUEST_SCAN,
} RequestKind;

typedef struct
{
  RequestKind    kind;
  GTask         *task;    /* handed back to the caller's context by complete_*() */
  char          *device;  /* REQUEST_CAPABILITIES */
  OsScanRequest *scan;    /* REQUEST_SCAN */
} Request;

static void
request_free (Request *request)
{
  /* Every task must have been handed back: dropping it here could finalize the scanner on
   * its own worker thread. */
  g_assert (request->task == NULL);
  g_free (request->device);
  g_clear_pointer (&request->scan, os_scan_request_free);
  g_free (request);
}

typedef struct
{
  GTask          *task;
  GError         *error;
  gpointer        pointer;
  GDestroyNotify  pointer_free;
  gssize          value;
} Completion;

static gboolean
complete_in_caller (gpointer data)
{
  Completion *completion = data;

  if (completion->error != NULL)
    g_task_return_error (completion->task, g_steal_pointer (&completion->error));
  else if (completion->pointer_free != NULL)
    g_task_return_pointer (completion->task, g_steal_pointer (&completion->pointer),
                           completion->pointer_free);
  else
    g_task_return_int (completion->task, completion->value);

  g_object_unref (completion->task);
  g_free (completion);
  return G_SOURCE_REMOVE;
}

/* Takes request->task and hands it to its context with the result. */
static void
complete (Request        *request,
          GError         *error,
          gpointer        pointer,
          GDestroyNotify  pointer_free,
          gssize          value)
{
  Completion *completion = g_new0 (Completion, 1);
  GMainContext *context = g_task_get_context (request->task);

  completion->task = g_steal_pointer (&request->task);
  completion->error = error;
  completion->pointer = pointer;
  completion->pointer_free = pointer_free;
  completion->value = value;
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, complete_in_caller, completion, NULL);
}

static void
complete_error (Request *request,
                GError  *error)
{
  g_assert (error != NULL);
  complete (request, error, NULL, NULL, 0);
}

typedef struct
{
  GTask     *task;
  GdkPixbuf *page;
  int        dpi;
  guint      index;
} PageReady;

static gboolean
emit_page_in_caller (gpointer data)
{
  PageReady *ready = data;

  if (!g_cancellable_is_cancelled (g_task_get_cancellable (ready->task)))
    g_signal_emit (g_task_get_source_object (ready->task), signals[PAGE_SCANNED], 0,
                   ready->page, ready->dpi, ready->index);

  g_object_unref (ready->page);
  g_object_unref (ready->task);
  g_free (ready);
  return G_SOURCE_REMOVE;
}

static void
post_page (GTask     *task,
           GdkPixbuf *page,
           int        dpi,
           guint      index)
{
  PageReady *ready = g_new0 (PageReady, 1);

  ready->task = g_object_ref (task);
  ready->page = page;
  ready->dpi = dpi;
  ready->index = index;
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              emit_page_in_caller, ready, NULL);
}

/* Errors */

static GError *
error_from_status (SANE_Status  status,
                   OsScanSource source)
{
  switch (status)
    {
    case SANE_STATUS_CANCELLED:
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Đã hủy quét."));
    case SANE_STATUS_DEVICE_BUSY:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_BUSY,
                                  _("Máy quét đang bận, có thể một chương trình khác đang dùng. "
                                    "Hãy đợi một lát rồi quét lại."));
    case SANE_STATUS_JAMMED:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_JAMMED,
                                  _("Giấy bị kẹt trong máy quét. Hãy gỡ tờ giấy bị kẹt, "
                                    "đặt lại các trang chưa quét rồi quét lại."));
    case SANE_STATUS_NO_DOCS:
      if (source == OS_SCAN_SOURCE_FLATBED)
        return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_NO_DOCS,
                                    _("Không có tài liệu trên mặt kính máy quét."));
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_NO_DOCS,
                                  _("Khay nạp giấy trống. Hãy đặt giấy vào khay nạp rồi quét lại."));
    case SANE_STATUS_COVER_OPEN:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_COVER_OPEN,
                                  _("Nắp máy quét đang mở. Hãy đóng nắp rồi quét lại."));
    case SANE_STATUS_IO_ERROR:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE,
                                  _("Mất kết nối với máy quét. Hãy kiểm tra cáp và nguồn điện "
                                    "của máy quét rồi thử lại."));
    case SANE_STATUS_ACCESS_DENIED:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE,
                                  _("Không có quyền sử dụng máy quét này."));
    case SANE_STATUS_INVAL:
    case SANE_STATUS_UNSUPPORTED:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER_OPTION,
                                  _("Máy quét không chấp nhận các thiết lập đã chọn "
                                    "(độ phân giải, chế độ màu hoặc nguồn giấy)."));
    case SANE_STATUS_NO_MEM:
      return g_error_new_literal (OS_ERROR, OS_ERROR_SCANNER,
                                  _("Không đủ bộ nhớ để quét trang này."));
    case SANE_STATUS_GOOD:
    case SANE_STATUS_EOF:
    default:
      return g_error_new (OS_ERROR, OS_ERROR_SCANNER,
                          _("Máy quét báo lỗi không xác định (%s)."), sane_strstatus (status));
    }
}

static GError *
error_from_open_status (SANE_Status  status,
                        const char  *device)
{
  if (status == SANE_STATUS_INVAL || status == SANE_STATUS_UNSUPPORTED)
    return g_error_new (OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE,
                        _("Không tìm thấy máy quét “%s”. Hãy kiểm tra máy quét đã được bật "
                          "và kết nối chưa."), device);
  return error_from_status (status, OS_SCAN_SOURCE_FLATBED);
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Đã hủy quét."));
}

/* Options */

static int
find_option (SANE_Handle                     handle,
             const char                     *name,
             const SANE_Option_Descriptor  **descriptor)
{
  SANE_Int n_options = 0;

  if (sane_control_option (handle, 0, SANE_ACTION_GET_VALUE, &n_options, NULL) != SANE_STATUS_GOOD)
    return -1;

  for (SANE_Int i = 1; i < n_options; i++)
    {
      const SANE_Option_Descriptor *d = sane_get_option_descriptor (handle, i);

      if (d != NULL && d->name != NULL && g_strcmp0 (d->name, name) == 0)
        {
          if (descriptor != NULL)
            *descriptor = d;
          return i;
        }
    }
  return -1;
}

/* An option the frontend may set now, or -1. */
static int
find_settable_option (SANE_Handle                     handle,
                      const char                     *name,
                      SANE_Value_Type                 type,
                      const SANE_Option_Descriptor  **descriptor)
{
  const SANE_Option_Descriptor *d = NULL;
  int index = find_option (handle, name, &d);

  if (index < 0 || d->type != type
      || !SANE_OPTION_IS_ACTIVE (d->cap) || !SANE_OPTION_IS_SETTABLE (d->cap))
    return -1;
  *descriptor = d;
  return index;
}

static gboolean
contains_any (const char         *haystack,
              const char * const *needles)
{
  for (guint i = 0; needles != NULL && needles[i] != NULL; i++)
    if (strstr (haystack, needles[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The first entry of a string-list option that mentions one of @keywords and none of
 * @avoid, compared case-insensitively. */
static const char *
choose_string (const SANE_Option_Descriptor *d,
               const char * const           *keywords,
               const char * const           *avoid)
{
  if (d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
    return NULL;

  for (guint i = 0; d->constraint.string_list[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (d->constraint.string_list[i], -1);

      if (contains_any (lower, keywords) && !contains_any (lower, avoid))
        return d->constraint.string_list[i];
    }
  return NULL;
}

static const char * const gray_words[] = { "gray", "grey", NULL };
static const char * const color_words[] = { "color", "colour", NULL };
static const char * const lineart_words[] = { "lineart", "line art", "binary", "black & white",
                                              "black and white", NULL };
static const char * const flatbed_words[] = { "flatbed", "platen", "document table", NULL };
static const char * const feeder_words[] = { "adf", "feeder", "automatic document", NULL };
static const char * const not_simplex_words[] = { "duplex", "back", "rear", NULL };
static const char * const duplex_words[] = { "duplex", NULL };

static const char *
mode_string (const SANE_Option_Descriptor *d,
             OsScanMode                    mode)
{
  switch (mode)
    {
    case OS_SCAN_MODE_GRAY:
      return choose_string (d, gray_words, NULL);
    case OS_SCAN_MODE_COLOR:
      return choose_string (d, color_words, NULL);
    case OS_SCAN_MODE_LINEART:
      return choose_string (d, lineart_words, NULL);
    default:
      g_assert_not_reached ();
    }
}

static const char *
source_string (const SANE_Option_Descriptor *d,
               OsScanSource                  source)
{
  switch (source)
    {
    case OS_SCAN_SOURCE_FLATBED:
      return choose_string (d, flatbed_words, NULL);
    case OS_SCAN_SOURCE_FEEDER:
      return choose_string (d, feeder_words, not_simplex_words);
    case OS_SCAN_SOURCE_DUPLEX:
      return choose_string (d, duplex_words, NULL);
    default:
      g_assert_not_reached ();
    }
}

static SANE_Status
set_string (SANE_Handle                   handle,
            int                           index,
            const SANE_Option_Descriptor *d,
            const char                   *value)
{
  g_autofree char *buffer = NULL;

  if (d->size <= 0 || strlen (value) >= (gsize) d->size)
    return SANE_STATUS_INVAL;
  buffer = g_malloc0 (d->size);
  g_strlcpy (buffer, value, d->size);
  return sane_control_option (handle, index, SANE_ACTION_SET_VALUE, buffer, NULL);
}

static SANE_Status
set_word (SANE_Handle handle,
          int         index,
          SANE_Word   value)
{
  return sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &value, NULL);
}

static double
word_to_double (const SANE_Option_Descriptor *d,
                SANE_Word                     word)
{
  return d->type == SANE_TYPE_FIXED ? SANE_UNFIX (word) : (double) word;
}

static SANE_Word
double_to_word (const SANE_Option_Descriptor *d,
                double                        value)
{
  return d->type == SANE_TYPE_FIXED ? SANE_FIX (value) : (SANE_Word) lround (value);
}

/* The option holding the resolution, INT or FIXED, or -1. */
static int
find_resolution (SANE_Handle                     handle,
                 const SANE_Option_Descriptor  **descriptor)
{
  const SANE_Option_Descriptor *d = NULL;
  int index = find_option (handle, SANE_NAME_SCAN_RESOLUTION, &d);

  if (index < 0 || (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED)
      || d->size != sizeof (SANE_Word) || !SANE_OPTION_IS_ACTIVE (d->cap))
    return -1;
  *descriptor = d;
  return index;
}

static int
get_resolution (SANE_Handle handle)
{
  const SANE_Option_Descriptor *d = NULL;
  int index = find_resolution (handle, &d);
  SANE_Word word = 0;

  if (index < 0
      || sane_control_option (handle, index, SANE_ACTION_GET_VALUE, &word, NULL) != SANE_STATUS_GOOD)
    return 0;
  return (int) lround (word_to_double (d, word));
}

/* Sets the offered resolution nearest @dpi; returns the one the device then reports. */
static gboolean
set_resolution (SANE_Handle   handle,
                int           dpi,
                int          *actual,
                GError      **error)
{
  const SANE_Option_Descriptor *d = NULL;
  int index = find_resolution (handle, &d);
  double value = dpi;

  if (index < 0)
    {
      *actual = dpi;  /* a fixed-resolution device that does not say which */
      return TRUE;
    }

  if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      const SANE_Word *list = d->constraint.word_list;
      double best = -1;

      for (SANE_Word i = 1; i <= list[0]; i++)
        {
          double candidate = word_to_double (d, list[i]);

          if (best < 0 || fabs (candidate - dpi) < fabs (best - dpi))
            best = candidate;
        }
      if (best > 0)
        value = best;
    }
  else if (d->constraint_type == SANE_CONSTRAINT_RANGE)
    {
      double min = word_to_double (d, d->constraint.range->min);
      double max = word_to_double (d, d->constraint.range->max);
      double quant = word_to_double (d, d->constraint.range->quant);

      value = CLAMP (value, min, max);
      if (quant > 0)
        value = MIN (max, min + round ((value - min) / quant) * quant);
    }

  if (SANE_OPTION_IS_SETTABLE (d->cap)
      && set_word (handle, index, double_to_word (d, value)) != SANE_STATUS_GOOD)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                   _("Máy quét không quét được với độ phân giải %d dpi."), dpi);
      return FALSE;
    }

  *actual = get_resolution (handle);
  if (*actual <= 0)
    *actual = (int) lround (value);
  return TRUE;
}

/* Sets the bit depth if the device lets us choose it; FALSE if it cannot be @depth. */
static gboolean
set_depth (SANE_Handle handle,
           int         depth)
{
  const SANE_Option_Descriptor *d = NULL;
  int index = find_settable_option (handle, SANE_NAME_BIT_DEPTH, SANE_TYPE_INT, &d);

  if (index < 0)
    return FALSE;
  if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      gboolean offered = FALSE;

      for (SANE_Word i = 1; i <= d->constraint.word_list[0]; i++)
        offered |= d->constraint.word_list[i] == depth;
      if (!offered)
        return FALSE;
    }
  return set_word (handle, index, depth) == SANE_STATUS_GOOD;
}

static gboolean
depth_offered (SANE_Handle handle,
               int         depth)
{
  const SANE_Option_Descriptor *d = NULL;

  if (find_settable_option (handle, SANE_NAME_BIT_DEPTH, SANE_TYPE_INT, &d) < 0
      || d->constraint_type != SANE_CONSTRAINT_WORD_LIST)
    return FALSE;
  for (SANE_Word i = 1; i <= d->constraint.word_list[0]; i++)
    if (d->constraint.word_list[i] == depth)
      return TRUE;
  return FALSE;
}

static gboolean
set_source (SANE_Handle    handle,
            OsScanSource   source,
            GError       **error)
{
  const SANE_Option_Descriptor *d = NULL;
  const SANE_Option_Descriptor *duplex_d = NULL;
  int index = find_settable_option (handle, SANE_NAME_SCAN_SOURCE, SANE_TYPE_STRING, &d);
  int duplex_index = find_option (handle, "duplex", &duplex_d);
  const char *value = NULL;
  gboolean duplex_option = FALSE;
  SANE_Status status = SANE_STATUS_INVAL;

  if (duplex_index >= 0 && duplex_d->type != SANE_TYPE_BOOL)
    duplex_index = -1;

  if (index >= 0)
    {
      value = source_string (d, source);
      /* Some backends have a feeder source and a separate "duplex" switch. */
      if (value == NULL && source == OS_SCAN_SOURCE_DUPLEX && duplex_index >= 0)
        {
          value = source_string (d, OS_SCAN_SOURCE_FEEDER);
          duplex_option = TRUE;
        }
    }

  if (value == NULL)
    {
      if (source == OS_SCAN_SOURCE_FLATBED)
        return TRUE;  /* a flatbed-only device, or one without a source option */
      if (source == OS_SCAN_SOURCE_FEEDER || index < 0 || source_string (d, OS_SCAN_SOURCE_FEEDER) == NULL)
        g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                             _("Máy quét này không có khay nạp giấy tự động."));
      else
        g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                             _("Máy quét này không quét được hai mặt."));
      return FALSE;
    }

  if (set_string (handle, index, d, value) != SANE_STATUS_GOOD)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                   _("Máy quét không chọn được nguồn giấy “%s”."), value);
      return FALSE;
    }

  /* The duplex switch may only become active once the feeder is chosen. */
  duplex_index = find_settable_option (handle, "duplex", SANE_TYPE_BOOL, &duplex_d);
  if (duplex_index >= 0)
    status = set_word (handle, duplex_index, duplex_option ? SANE_TRUE : SANE_FALSE);
  if (duplex_option && status != SANE_STATUS_GOOD)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                           _("Máy quét này không quét được hai mặt."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_mode (SANE_Handle   handle,
          OsScanMode    mode,
          GError      **error)
{
  const SANE_Option_Descriptor *d = NULL;
  int index = find_settable_option (handle, SANE_NAME_SCAN_MODE, SANE_TYPE_STRING, &d);
  const char *value = index >= 0 ? mode_string (d, mode) : NULL;
  int depth = mode == OS_SCAN_MODE_LINEART ? 1 : 8;

  /* Without a line-art mode, gray at one bit per pixel is the same thing. */
  if (value == NULL && index >= 0 && mode == OS_SCAN_MODE_LINEART)
    value = mode_string (d, OS_SCAN_MODE_GRAY);

  if (index >= 0 && value == NULL)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                           mode == OS_SCAN_MODE_COLOR ? _("Máy quét này không quét được ảnh màu.")
                           : mode == OS_SCAN_MODE_GRAY ? _("Máy quét này không quét được ảnh xám.")
                           : _("Máy quét này không quét được ảnh đen trắng."));
      return FALSE;
    }

  if (value != NULL && set_string (handle, index, d, value) != SANE_STATUS_GOOD)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                   _("Máy quét không chọn được chế độ “%s”."), value);
      return FALSE;
    }

  /* Backends such as the test one keep the depth from the previous scan: choose it every
   * time. A real line-art mode sets its own depth. */
  if (!set_depth (handle, depth) && mode == OS_SCAN_MODE_LINEART
      && value != NULL && mode_string (d, OS_SCAN_MODE_LINEART) == NULL)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                           _("Máy quét này không quét được ảnh đen trắng."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_bool (const char *text,
            SANE_Word  *value)
{
  static const char * const yes[] = { "yes", "true", "on", "1", NULL };
  static const char * const no[] = { "no", "false", "off", "0", NULL };

  if (g_strv_contains (yes, text))
    *value = SANE_TRUE;
  else if (g_strv_contains (no, text))
    *value = SANE_FALSE;
  else
    return FALSE;
  return TRUE;
}

/* Sets one "name=value" backend option from OsScanRequest.options. */
static gboolean
set_extra_option (SANE_Handle   handle,
                  const char   *spec,
                  GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (spec, "=", 2);
  const char *name = parts[0] != NULL ? parts[0] : "";
  const char *text = parts[0] != NULL ? parts[1] : NULL;
  const SANE_Option_Descriptor *d = NULL;
  int index = find_option (handle, name, &d);
  SANE_Status status = SANE_STATUS_INVAL;
  g_autofree char *lower = g_ascii_strdown (text != NULL ? text : "yes", -1);
  SANE_Word word = 0;
  char *end = NULL;

  if (index < 0 || !SANE_OPTION_IS_ACTIVE (d->cap) || !SANE_OPTION_IS_SETTABLE (d->cap))
    {
      g_set_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                   _("Máy quét không có tùy chọn “%s”."), name);
      return FALSE;
    }

  switch (d->type)
    {
    case SANE_TYPE_BUTTON:
      status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, NULL, NULL);
      break;
    case SANE_TYPE_BOOL:
      if (parse_bool (lower, &word))
        status = set_word (handle, index, word);
      break;
    case SANE_TYPE_INT:
    case SANE_TYPE_FIXED:
      if (text != NULL && *text != '\0' && d->size == sizeof (SANE_Word))
        {
          double value = g_ascii_strtod (text, &end);

          if (*end == '\0')
            status = set_word (handle, index, double_to_word (d, value));
        }
      break;
    case SANE_TYPE_STRING:
      if (text != NULL)
        {
          const char *value = text;

          if (d->constraint_type == SANE_CONSTRAINT_STRING_LIST)
            {
              value = NULL;
              for (guint i = 0; d->constraint.string_list[i] != NULL; i++)
                if (g_ascii_strcasecmp (d->constraint.string_list[i], text) == 0)
                  value = d->constraint.string_list[i];
            }
          if (value != NULL)
            status = set_string (handle, index, d, value);
        }
      break;
    case SANE_TYPE_GROUP:
    default:
      break;
    }

  if (status != SANE_STATUS_GOOD)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_SCANNER_OPTION,
                   _("Máy quét không nhận giá trị “%s” cho tùy chọn “%s”."),
                   text != NULL ? text : "", name);
      return FALSE;
    }
  return TRUE;
}

/* Source first (it may change the other options' lists), then mode and depth, then the
 * resolution, then the caller's backend options. */
static gboolean
configure (SANE_Handle           handle,
           const OsScanRequest  *request,
           int                  *dpi,
           GError              **error)
{
  if (!set_source (handle, request->source, error)
      || !set_mode (handle, request->mode, error)
      || !set_resolution (handle, request->dpi, dpi, error))
    return FALSE;

  for (guint i = 0; request->options != NULL && request->options[i] != NULL; i++)
    if (!set_extra_option (handle, request->options[i], error))
      return FALSE;

  /* A backend option may have changed the resolution. */
  if (get_resolution (handle) > 0)
    *dpi = get_resolution (handle);
  return TRUE;
}

/* Frames to pixbufs */

static guint8
sample (const guint8 *row,
        int           i,
        int           depth,
        gboolean      one_is_black)
{
  guint16 wide;

  switch (depth)
    {
    case 1:
      if ((row[i / 8] >> (7 - i % 8)) & 1)
        return one_is_black ? 0 : 255;
      return one_is_black ? 255 : 0;
    case 16:
      memcpy (&wide, row + 2 * i, sizeof wide);  /* SANE sends host byte order */
      return wide >> 8;
    case 8:
    default:
      return row[i];
    }
}

static void
copy_frame (GdkPixbuf             *pixbuf,
            const SANE_Parameters *params,
            const guint8          *data,
            int                    lines)
{
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  int width = MIN (gdk_pixbuf_get_width (pixbuf), params->pixels_per_line);
  int height = MIN (gdk_pixbuf_get_height (pixbuf), lines);
  int depth = params->depth;

  for (int y = 0; y < height; y++)
    {
      const guint8 *in = data + (gsize) y * params->bytes_per_line;
      guint8 *out = pixels + (gsize) y * rowstride;

      for (int x = 0; x < width; x++)
        {
          switch (params->format)
            {
            case SANE_FRAME_GRAY:
              out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = sample (in, x, depth, TRUE);
              break;
            case SANE_FRAME_RGB:
              for (int c = 0; c < 3; c++)
                out[3 * x + c] = sample (in, 3 * x + c, depth, FALSE);
              break;
            case SANE_FRAME_RED:
              out[3 * x] = sample (in, x, depth, FALSE);
              break;
            case SANE_FRAME_GREEN:
              out[3 * x + 1] = sample (in, x, depth, FALSE);
              break;
            case SANE_FRAME_BLUE:
              out[3 * x + 2] = sample (in, x, depth, FALSE);
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }
}

static gboolean
check_parameters (const SANE_Parameters  *params,
                  GError                **error)
{
  gboolean format_ok = params->format == SANE_FRAME_GRAY || params->format == SANE_FRAME_RGB
                       || params->format == SANE_FRAME_RED || params->format == SANE_FRAME_GREEN
                       || params->format == SANE_FRAME_BLUE;
  gboolean depth_ok = params->depth == 1 || params->depth == 8 || params->depth == 16;
  int samples = params->format == SANE_FRAME_RGB ? 3 : 1;

  if (!format_ok || !depth_ok)
    {
      g_set_error (error, OS_ERROR, OS_ERROR_SCANNER,
                   _("Máy quét gửi ảnh theo định dạng chưa được hỗ trợ "
                     "(kiểu khung %d, %d bit)."), params->format, params->depth);
      return FALSE;
    }
  if (params->pixels_per_line <= 0 || params->bytes_per_line <= 0
      || (gint64) params->bytes_per_line * 8 < (gint64) params->pixels_per_line * samples * params->depth)
    {
      g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER,
                           _("Máy quét báo kích thước ảnh không hợp lệ."));
      return FALSE;
    }
  return TRUE;
}

/* Reads the frame just started, until EOF. */
static GByteArray *
read_frame (SANE_Handle             handle,
            const SANE_Parameters  *params,
            GCancellable           *cancellable,
            OsScanSource            source,
            GError                **error)
{
  g_autoptr(GByteArray) frame = NULL;
  g_autofree guint8 *buffer = g_malloc (READ_BUFFER_SIZE);
  gsize expected = params->lines > 0 ? (gsize) params->lines * params->bytes_per_line : 0;

  frame = g_byte_array_sized_new (MIN (expected, MAX_FRAME_BYTES));
  for (;;)
    {
      SANE_Int length = 0;
      SANE_Status status;

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_propagate_error (error, cancelled_error ());
          return NULL;
        }

      status = sane_read (handle, buffer, READ_BUFFER_SIZE, &length);
      if (status == SANE_STATUS_EOF)
        break;
      if (status != SANE_STATUS_GOOD)
        {
          g_propagate_error (error, error_from_status (status, source));
          return NULL;
        }
      if (length <= 0)
        continue;
      if (frame->len + (gsize) length > MAX_FRAME_BYTES)
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER,
                               _("Trang quét quá lớn. Hãy chọn độ phân giải thấp hơn."));
          return NULL;
        }
      g_byte_array_append (frame, buffer, length);
    }
  return g_steal_pointer (&frame);
}

/* Reads one page whose first frame has been started; three-pass scanners send one frame
 * per colour and need sane_start before each of the others. */
static GdkPixbuf *
read_page (SANE_Handle    handle,
           GCancellable  *cancellable,
           OsScanSource   source,
           GError       **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  for (guint n_frames = 0;; n_frames++)
    {
      g_autoptr(GByteArray) frame = NULL;
      SANE_Parameters params;
      SANE_Status status;
      int lines;

      if (n_frames > 0 && (status = sane_start (handle)) != SANE_STATUS_GOOD)
        {
          g_propagate_error (error, error_from_status (status, source));
          return NULL;
        }

      status = sane_get_parameters (handle, &params);
      if (status != SANE_STATUS_GOOD)
        {
          g_propagate_error (error, error_from_status (status, source));
          return NULL;
        }
      if (!check_parameters (&params, error))
        return NULL;
      if (n_frames >= 3 || (n_frames > 0 && params.format == SANE_FRAME_GRAY)
          || (n_frames > 0 && params.format == SANE_FRAME_RGB))
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER,
                               _("Máy quét gửi các khung ảnh không khớp nhau."));
          return NULL;
        }

      frame = read_frame (handle, &params, cancellable, source, error);
      if (frame == NULL)
        return NULL;

      lines = (int) (frame->len / (guint) params.bytes_per_line);
      if (params.lines > 0)
        lines = MIN (lines, params.lines);
      if (lines <= 0)
        {
          g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER,
                               _("Máy quét không gửi dữ liệu ảnh nào."));
          return NULL;
        }

      if (pixbuf == NULL)
        {
          pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, params.pixels_per_line, lines);
          if (pixbuf == NULL)
            {
              g_set_error_literal (error, OS_ERROR, OS_ERROR_SCANNER,
                                   _("Không đủ bộ nhớ để quét trang này."));
              return NULL;
            }
          if (params.format != SANE_FRAME_GRAY && params.format != SANE_FRAME_RGB)
            gdk_pixbuf_fill (pixbuf, 0x000000ff);
        }
      copy_frame (pixbuf, &params, frame->data, lines);

      if (params.last_frame)
        return g_steal_pointer (&pixbuf);
    }
}

/* The worker's requests */

static void
run_list_devices (Request *request)
{
  const SANE_Device **devices = NULL;
  SANE_Status status = sane_get_devices (&devices, SANE_FALSE);
  g_autoptr(GPtrArray) array = NULL;

  if (status != SANE_STATUS_GOOD)
    {
      complete_error (request, error_from_status (status, OS_SCAN_SOURCE_FLATBED));
      return;
    }

  array = g_ptr_array_new_with_free_func ((GDestroyNotify) os_scanner_device_free);
  for (guint i = 0; devices != NULL && devices[i] != NULL; i++)
    {
      OsScannerDevice device = {
        .name = (char *) devices[i]->name,
        .vendor = (char *) (devices[i]->vendor != NULL ? devices[i]->vendor : ""),
        .model = (char *) (devices[i]->model != NULL ? devices[i]->model : ""),
        .type = (char *) (devices[i]->type != NULL ? devices[i]->type : ""),
      };

      if (device.name != NULL)
        g_ptr_array_add (array, os_scanner_device_copy (&device));
    }
  complete (request, NULL, g_steal_pointer (&array), (GDestroyNotify) g_ptr_array_unref, 0);
}

static int
compare_int (gconstpointer a,
             gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

static GArray *
collect_resolutions (SANE_Handle handle)
{
  static const int common[] = { 50, 75, 100, 150, 200, 240, 300, 400, 600, 1200 };
  const SANE_Option_Descriptor *d = NULL;
  GArray *resolutions = g_array_new (FALSE, FALSE, sizeof (int));

  if (find_resolution (handle, &d) < 0)
    return resolutions;

  if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      for (SANE_Word i = 1; i <= d->constraint.word_list[0]; i++)
        {
          int dpi = (int) lround (word_to_double (d, d->constraint.word_list[i]));
          gboolean seen = FALSE;

          for (guint j = 0; j < resolutions->len; j++)
            seen |= g_array_index (resolutions, int, j) == dpi;
          if (dpi > 0 && !seen)
            g_array_append_val (resolutions, dpi);
        }
      g_array_sort (resolutions, compare_int);
    }
  else
    {
      double min = 1, max = 600;

      if (d->constraint_type == SANE_CONSTRAINT_RANGE)
        {
          min = word_to_double (d, d->constraint.range->min);
          max = word_to_double (d, d->constraint.range->max);
        }
      for (guint i = 0; i < G_N_ELEMENTS (common); i++)
        if (common[i] >= min && common[i] <= max)
          g_array_append_val (resolutions, common[i]);
    }
  return resolutions;
}

static void
run_capabilities (Request *request)
{
  g_autoptr(OsScannerCapabilities) caps = g_new0 (OsScannerCapabilities, 1);
  const SANE_Option_Descriptor *d = NULL;
  SANE_Handle handle = NULL;
  SANE_Status status = sane_open (request->device, &handle);

  if (status != SANE_STATUS_GOOD)
    {
      complete_error (request, error_from_open_status (status, request->device));
      return;
    }

  caps->resolutions = collect_resolutions (handle);
  caps->default_dpi = get_resolution (handle);

  if (find_settable_option (handle, SANE_NAME_SCAN_MODE, SANE_TYPE_STRING, &d) >= 0)
    {
      for (OsScanMode mode = OS_SCAN_MODE_GRAY; mode <= OS_SCAN_MODE_LINEART; mode++)
        if (mode_string (d, mode) != NULL)
          caps->modes |= OS_SCAN_BIT (mode);
    }
  else
    {
      SANE_Parameters params;

      if (sane_get_parameters (handle, &params) == SANE_STATUS_GOOD)
        caps->modes = OS_SCAN_BIT (params.format == SANE_FRAME_GRAY
                                   ? (params.depth == 1 ? OS_SCAN_MODE_LINEART : OS_SCAN_MODE_GRAY)
                                   : OS_SCAN_MODE_COLOR);
    }
  if ((caps->modes & OS_SCAN_BIT (OS_SCAN_MODE_GRAY)) && depth_offered (handle, 1))
    caps->modes |= OS_SCAN_BIT (OS_SCAN_MODE_LINEART);

  if (find_settable_option (handle, SANE_NAME_SCAN_SOURCE, SANE_TYPE_STRING, &d) >= 0)
    {
      for (OsScanSource source = OS_SCAN_SOURCE_FLATBED; source <= OS_SCAN_SOURCE_DUPLEX; source++)
        if (source_string (d, source) != NULL)
          caps->sources |= OS_SCAN_BIT (source);
      if ((caps->sources & OS_SCAN_BIT (OS_SCAN_SOURCE_FEEDER)) && find_option (handle, "duplex", NULL) >= 0)
        caps->sources |= OS_SCAN_BIT (OS_SCAN_SOURCE_DUPLEX);
    }
  else
    {
      caps->sources = OS_SCAN_BIT (OS_SCAN_SOURCE_FLATBED);
    }
  caps->has_feeder = (caps->sources & (OS_SCAN_BIT (OS_SCAN_SOURCE_FEEDER) | OS_SCAN_BIT (OS_SCAN_SOURCE_DUPLEX))) != 0;
  caps->has_duplex = (caps->sources & OS_SCAN_BIT (OS_SCAN_SOURCE_DUPLEX)) != 0;

  sane_close (handle);
  complete (request, NULL, g_steal_pointer (&caps), (GDestroyNotify) os_scanner_capabilities_free, 0);
}

static void
run_scan (Request *request)
{
  const OsScanRequest *scan = request->scan;
  GCancellable *cancellable = g_task_get_cancellable (request->task);
  gboolean feeder = scan->source != OS_SCAN_SOURCE_FLATBED;
  g_autoptr(GError) error = NULL;
  SANE_Handle handle = NULL;
  SANE_Status status;
  guint n_pages = 0;
  int dpi = 0;

  status = sane_open (scan->device, &handle);
  if (status != SANE_STATUS_GOOD)
    {
      complete_error (request, error_from_open_status (status, scan->device));
      return;
    }

  if (configure (handle, scan, &dpi, &error))
    {
      for (;;)
        {
          GdkPixbuf *page;

          if (g_cancellable_is_cancelled (cancellable))
            {
              error = cancelled_error ();
              break;
            }

          status = sane_start (handle);
          if (status != SANE_STATUS_GOOD)
            {
              error = error_from_status (status, scan->source);
              break;
            }

          page = read_page (handle, cancellable, scan->source, &error);
          if (page == NULL)
            break;
          post_page (request->task, page, dpi, n_pages++);

          if (!feeder || (scan->max_pages > 0 && n_pages >= scan->max_pages))
            break;
        }

      /* At the end of a feeder batch, "no documents" only means the batch is done. */
      if (feeder && n_pages > 0 && g_error_matches (error, OS_ERROR, OS_ERROR_SCANNER_NO_DOCS))
        g_clear_error (&error);

      sane_cancel (handle);
    }
  sane_close (handle);

  if (error != NULL)
    complete_error (request, g_steal_pointer (&error));
  else
    complete (request, NULL, NULL, NULL, n_pages);
}

static gpointer
worker_main (gpointer data)
{
  g_autoptr(GAsyncQueue) requests = data;
  SANE_Int version = 0;
  SANE_Status init_status = sane_init (&version, NULL);

  if (init_status != SANE_STATUS_GOOD)
    g_warning ("sane_init failed: %s", sane_strstatus (init_status));

  for (;;)
    {
      Request *request = g_async_queue_pop (requests);
      GError *error = NULL;

      if (request->kind == REQUEST_QUIT)
        {
          request_free (request);
          break;
        }

      if (init_status != SANE_STATUS_GOOD)
        complete_error (request, g_error_new (OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE,
                                              _("Không khởi động được hệ thống máy quét (%s)."),
                                              sane_strstatus (init_status)));
      else if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (request->task), &error))
        complete_error (request, error);
      else if (request->kind == REQUEST_LIST_DEVICES)
        run_list_devices (request);
      else if (request->kind == REQUEST_CAPABILITIES)
        run_capabilities (request);
      else if (request->kind == REQUEST_SCAN)
        run_scan (request);
      else
        g_assert_not_reached ();

      request_free (request);
    }

  if (init_status == SANE_STATUS_GOOD)
    sane_exit ();
  return NULL;
}

/* OsScanner */

static void
push_request (OsScanner *self,
              Request   *request)
{
  if (self->thread == NULL)
    self->thread = g_thread_new ("os-scanner", worker_main, g_async_queue_ref (self->requests));
  g_async_queue_push (self->requests, request);
}

static void
os_scanner_finalize (GObject *object)
{
  OsScanner *self = OS_SCANNER (object);

  if (self->thread != NULL)
    {
      Request *quit = g_new0 (Request, 1);

      quit->kind = REQUEST_QUIT;
      g_async_queue_push (self->requests, quit);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  g_clear_pointer (&self->requests, g_async_queue_unref);

  G_OBJECT_CLASS (os_scanner_parent_class)->finalize (object);
}

static void
os_scanner_class_init (OsScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_scanner_finalize;

  /**
   * OsScanner::page-scanned:
   * @page: the page, RGB without alpha
   * @dpi: its resolution
   * @index: its place in the scan, from 0
   */
  signals[PAGE_SCANNED] =
    g_signal_new ("page-scanned",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, GDK_TYPE_PIXBUF, G_TYPE_INT, G_TYPE_UINT);
}

static void
os_scanner_init (OsScanner *self)
{
  self->requests = g_async_queue_new ();
}

OsScanner *
os_scanner_new (void)
{
  OsScanner *self = g_weak_ref_get (&default_scanner);

  if (self == NULL)
    {
      self = g_object_new (OS_TYPE_SCANNER, NULL);
      g_weak_ref_set (&default_scanner, self);
    }
  return self;
}

void
os_scanner_list_devices_async (OsScanner           *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  Request *request;

  g_return_if_fail (OS_IS_SCANNER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->kind = REQUEST_LIST_DEVICES;
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, os_scanner_list_devices_async);
  push_request (self, request);
}

GPtrArray *
os_scanner_list_devices_finish (OsScanner     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (OS_IS_SCANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == os_scanner_list_devices_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
os_scanner_get_capabilities_async (OsScanner           *self,
                                   const char          *device,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Request *request;

  g_return_if_fail (OS_IS_SCANNER (self));
  g_return_if_fail (device != NULL && *device != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->kind = REQUEST_CAPABILITIES;
  request->device = g_strdup (device);
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, os_scanner_get_capabilities_async);
  push_request (self, request);
}

OsScannerCapabilities *
os_scanner_get_capabilities_finish (OsScanner     *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (OS_IS_SCANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == os_scanner_get_capabilities_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
os_scanner_scan_async (OsScanner           *self,
                       const OsScanRequest *scan,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Request *request;

  g_return_if_fail (OS_IS_SCANNER (self));
  g_return_if_fail (scan != NULL);
  g_return_if_fail (scan->device != NULL && *scan->device != '\0');
  g_return_if_fail (scan->dpi > 0);
  g_return_if_fail (scan->mode <= OS_SCAN_MODE_LINEART);
  g_return_if_fail (scan->source <= OS_SCAN_SOURCE_DUPLEX);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->kind = REQUEST_SCAN;
  request->scan = os_scan_request_copy (scan);
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, os_scanner_scan_async);
  push_request (self, request);
}

gboolean
os_scanner_scan_finish (OsScanner     *self,
                        GAsyncResult  *result,
                        guint         *n_pages,
                        GError       **error)
{
  gssize count;

  g_return_val_if_fail (OS_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == os_scanner_scan_async, FALSE);

  count = g_task_propagate_int (G_TASK (result), error);
  if (n_pages != NULL)
    *n_pages = count >= 0 ? (guint) count : 0;
  return count >= 0;
}
