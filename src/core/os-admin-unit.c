/* os-admin-unit.c
 *
 * The units come from data/administrative-units-2025.json in the core GResource, read once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>

#include "os-admin-unit.h"

#define UNITS_PATH "/vn/onestop/core/administrative-units-2025.json"

struct _OsAdminUnit
{
  GObject  parent_instance;

  char    *code;
  char    *name;
  char    *short_name;
};

G_DEFINE_FINAL_TYPE (OsAdminUnit, os_admin_unit, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CODE,
  PROP_NAME,
  PROP_SHORT_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GListStore *provinces;
static GHashTable *communes;   /* province code → GListStore */

static void
os_admin_unit_finalize (GObject *object)
{
  OsAdminUnit *self = (OsAdminUnit *) object;

  g_free (self->code);
  g_free (self->name);
  g_free (self->short_name);

  G_OBJECT_CLASS (os_admin_unit_parent_class)->finalize (object);
}

static void
os_admin_unit_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  OsAdminUnit *self = OS_ADMIN_UNIT (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_string (value, self->code);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_SHORT_NAME:
      g_value_set_string (value, self->short_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
os_admin_unit_class_init (OsAdminUnitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = os_admin_unit_finalize;
  object_class->get_property = os_admin_unit_get_property;

  properties[PROP_CODE] =
    g_param_spec_string ("code", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHORT_NAME] =
    g_param_spec_string ("short-name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
os_admin_unit_init (OsAdminUnit *self)
{
}

/* "Thành phố Hà Nội" → "Hà Nội", "Xã Ba Vì" → "Ba Vì", "Đặc khu Phú Quốc" → "Phú Quốc". */
static char *
strip_kind (const char *name)
{
  static const char * const kinds[] = { "Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu " };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_has_prefix (name, kinds[i]))
      return g_strdup (name + strlen (kinds[i]));
  return g_strdup (name);
}

static OsAdminUnit *
unit_new (const char *code,
          const char *name)
{
  OsAdminUnit *self = g_object_new (OS_TYPE_ADMIN_UNIT, NULL);

  self->code = g_strdup (code ? code : "");
  self->name = g_strdup (name ? name : "");
  self->short_name = strip_kind (self->name);
  return self;
}

static void
ensure_loaded (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *array = NULL;

  if (provinces != NULL)
    return;

  provinces = g_list_store_new (OS_TYPE_ADMIN_UNIT);
  communes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  bytes = g_resources_lookup_data (UNITS_PATH, 0, NULL);
  parser = json_parser_new ();
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_warning ("The administrative units could not be read from %s", UNITS_PATH);
      return;
    }

  array = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "provinces");
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *p = json_array_get_object_element (array, i);
      JsonArray *units;
      g_autoptr(OsAdminUnit) province = NULL;
      GListStore *list;

      if (p == NULL)
        continue;
      province = unit_new (json_object_get_string_member_with_default (p, "code", ""),
                           json_object_get_string_member_with_default (p, "name", ""));
      g_list_store_append (provinces, province);

      list = g_list_store_new (OS_TYPE_ADMIN_UNIT);
      g_hash_table_insert (communes, g_strdup (province->code), list);
      units = json_object_has_member (p, "units") ? json_object_get_array_member (p, "units") : NULL;
      for (guint j = 0; units && j < json_array_get_length (units); j++)
        {
          JsonObject *u = json_array_get_object_element (units, j);
          g_autoptr(OsAdminUnit) unit = NULL;

          if (u == NULL)
            continue;
          unit = unit_new (json_object_get_string_member_with_default (u, "code", ""),
                           json_object_get_string_member_with_default (u, "name", ""));
          g_list_store_append (list, unit);
        }
    }
}

OsAdminUnit *
os_admin_unit_new (const char *code,
                   const char *name)
{
  return unit_new (code, name);
}

const char *
os_admin_unit_get_code (OsAdminUnit *self)
{
  g_return_val_if_fail (OS_IS_ADMIN_UNIT (self), NULL);
  return self->code;
}

const char *
os_admin_unit_get_name (OsAdminUnit *self)
{
  g_return_val_if_fail (OS_IS_ADMIN_UNIT (self), NULL);
  return self->name;
}

const char *
os_admin_unit_get_short_name (OsAdminUnit *self)
{
  g_return_val_if_fail (OS_IS_ADMIN_UNIT (self), NULL);
  return self->short_name;
}

GListModel *
os_admin_unit_list_provinces (void)
{
  ensure_loaded ();
  return g_object_ref (G_LIST_MODEL (provinces));
}

GListModel *
os_admin_unit_list_communes (const char *province_code)
{
  GListStore *list;

  ensure_loaded ();
  list = province_code ? g_hash_table_lookup (communes, province_code) : NULL;
  if (list == NULL)
    return G_LIST_MODEL (g_list_store_new (OS_TYPE_ADMIN_UNIT));
  return g_object_ref (G_LIST_MODEL (list));
}

OsAdminUnit *
os_admin_unit_find_province_of (const char *commune_name)
{
  guint n;

  ensure_loaded ();
  if (commune_name == NULL)
    return NULL;
  /* An agency's name works too: "UBND Phường Cầu Giấy". */
  if (g_str_has_prefix (commune_name, "UBND "))
    commune_name += strlen ("UBND ");

  n = g_list_model_get_n_items (G_LIST_MODEL (provinces));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(OsAdminUnit) province = g_list_model_get_item (G_LIST_MODEL (provinces), i);
      GListModel *list = g_hash_table_lookup (communes, province->code);
      guint m = g_list_model_get_n_items (list);

      for (guint j = 0; j < m; j++)
        {
          g_autoptr(OsAdminUnit) unit = g_list_model_get_item (list, j);

          if (g_strcmp0 (unit->name, commune_name) == 0)
            return province;  /* the store keeps its reference */
        }
    }
  return NULL;
}
