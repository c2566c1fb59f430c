/* os-demo.h: the demo catalogue and generated sample records.
 *
 * Everything written here is marked as demo data (records.demo = 1, setting "demo" = 1).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "os-store.h"

G_BEGIN_DECLS

typedef struct _OsDemoGenerator OsDemoGenerator;

/* Loads the demo agency and procedure catalogue shipped in the resources, unless the
 * store already has a catalogue. */
gboolean         os_demo_load_catalogue  (OsStore         *store,
                                          GError         **error);
/* A new store gets the catalogue and @n_records sample records received over the
 * @days working days up to @now; a store that has records is left alone. */
gboolean         os_demo_populate        (OsStore         *store,
                                          guint            n_records,
                                          guint            days,
                                          gint64           now,
                                          GError         **error);

/* Generates @total records, in order of reception, spread over the working days
 * between @start and @now, with every status and due state represented. Publishes the
 * demo process (version 1, every procedure of the catalogue) first: records still in
 * progress stand at its steps. The catalogue alone (os_demo_load_catalogue) has none. */
OsDemoGenerator *os_demo_generator_new   (OsStore         *store,
                                          guint32          seed,
                                          gint64           start,
                                          gint64           now,
                                          guint            total);
/* The next @count records (fewer at the end), ready for os_store_insert_prepared(). */
GPtrArray       *os_demo_generator_next  (OsDemoGenerator *self,
                                          guint            count);
void             os_demo_generator_free  (OsDemoGenerator *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OsDemoGenerator, os_demo_generator_free)

G_END_DECLS
