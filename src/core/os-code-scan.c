/* os-code-scan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-code-scan.h"
#include "os-error.h"
#include "os-page-codes.h"

#define CARD_DPI 300

typedef struct
{
  OsScanner *scanner;
  char      *device;
  GdkPixbuf *page;
  gulong     handler;
} CodeScan;

static void
code_scan_free (CodeScan *scan)
{
  g_clear_signal_handler (&scan->handler, scan->scanner);
  g_clear_object (&scan->scanner);
  g_clear_object (&scan->page);
  g_free (scan->device);
  g_free (scan);
}

static void
find_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  CodeScan *scan = data;
  GError *error = NULL;
  GPtrArray *codes = os_page_codes_find (scan->page, &error);

  if (codes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, codes, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_page (OsScanner *scanner,
         GdkPixbuf *page,
         int        dpi,
         guint      index,
         CodeScan  *scan)
{
  if (scan->page == NULL)
    scan->page = g_object_ref (page);
}

static void
on_scanned (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CodeScan *scan = g_task_get_task_data (task);
  GError *error = NULL;

  if (!os_scanner_scan_finish (OS_SCANNER (source), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (scan->page == NULL)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_SCANNER, _("Máy quét không trả về trang nào."));
      return;
    }
  g_task_run_in_thread (task, find_thread);
}

static void
on_devices (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CodeScan *scan = g_task_get_task_data (task);
  g_autoptr(GPtrArray) devices = NULL;
  GError *error = NULL;
  OsScanRequest request = { 0 };
  GCancellable *cancellable;
  const char *chosen = NULL;

  devices = os_scanner_list_devices_finish (OS_SCANNER (source), result, &error);
  if (devices == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    {
      OsScannerDevice *device = g_ptr_array_index (devices, i);

      if (chosen == NULL || g_strcmp0 (device->name, scan->device) == 0)
        chosen = device->name;
    }
  if (chosen == NULL)
    {
      g_task_return_new_error (task, OS_ERROR, OS_ERROR_SCANNER_UNAVAILABLE,
                               _("Không tìm thấy máy quét nào. Hãy kiểm tra máy quét đã bật và cắm vào máy tính."));
      return;
    }

  request.device = (char *) chosen;
  request.dpi = CARD_DPI;
  request.mode = OS_SCAN_MODE_GRAY;
  request.source = OS_SCAN_SOURCE_FLATBED;
  scan->handler = g_signal_connect (scan->scanner, "page-scanned", G_CALLBACK (on_page), scan);
  cancellable = g_task_get_cancellable (task);
  os_scanner_scan_async (scan->scanner, &request, cancellable, on_scanned, g_steal_pointer (&task));
}

void
os_code_scan_async (OsScanner           *scanner,
                    const char          *device,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task;
  CodeScan *scan;

  g_return_if_fail (OS_IS_SCANNER (scanner));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, os_code_scan_async);
  scan = g_new0 (CodeScan, 1);
  scan->scanner = g_object_ref (scanner);
  scan->device = g_strdup (device);
  g_task_set_task_data (task, scan, (GDestroyNotify) code_scan_free);
  os_scanner_list_devices_async (scanner, cancellable, on_devices, task);
}

GPtrArray *
os_code_scan_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
