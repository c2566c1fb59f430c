/* os-api-private.h: reading JSON answers without tripping json-glib's type checks.
 *
 * Each returns NULL / FALSE when @object is NULL, the member is absent or of another type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *os_api_json_string (JsonObject *object, const char *name);
gboolean    os_api_json_int    (JsonObject *object, const char *name, gint64 *value);
gboolean    os_api_json_bool   (JsonObject *object, const char *name, gboolean *value);
JsonObject *os_api_json_object (JsonObject *object, const char *name);
JsonArray  *os_api_json_array  (JsonObject *object, const char *name);

G_END_DECLS
