/* os-code-scan.h: scan one page from the glass and read the QR codes and barcodes on it
 * (a citizen ID card, or a receipt brought back by the applicant).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "os-scanner.h"

G_BEGIN_DECLS

/* Uses @device, or the first scanner found when it is NULL or absent. Finishes with the
 * codes found (OsPageCode, possibly none) or an error in the officer's language. */
void       os_code_scan_async  (OsScanner           *scanner,
                                const char          *device,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data);
GPtrArray *os_code_scan_finish (GAsyncResult        *result,
                                GError             **error);

G_END_DECLS
