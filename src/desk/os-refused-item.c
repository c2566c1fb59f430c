/* os-refused-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "os-refused-item.h"

struct _OsRefusedItem
{
  GObject        parent_instance;

  OsQuarantined *quarantined;
};

G_DEFINE_FINAL_TYPE (OsRefusedItem, os_refused_item, G_TYPE_OBJECT)

const char *
os_refused_item_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "receive") == 0)
    return _("Tiếp nhận hồ sơ");
  if (g_strcmp0 (kind, "refuse") == 0)
    return _("Từ chối tiếp nhận");
  if (g_strcmp0 (kind, "request-supplement") == 0)
    return _("Yêu cầu bổ sung hồ sơ");
  if (g_strcmp0 (kind, "update") == 0)
    return _("Sửa hồ sơ");
  if (g_strcmp0 (kind, "attach") == 0)
    return _("Đính kèm tệp");
  if (g_strcmp0 (kind, "detach") == 0)
    return _("Gỡ tệp đính kèm");
  if (g_strcmp0 (kind, "delete") == 0)
    return _("Xóa hồ sơ");
  if (g_strcmp0 (kind, "action") == 0)
    return _("Thao tác trong quy trình xử lý");
  return kind ? kind : "";
}

gint64
os_refused_item_fixed_at (OsStore             *store,
                          const OsQuarantined *q)
{
  g_autoptr(GPtrArray) events = NULL;
  gint64 local_id;
  gint64 at = 0;
  /* An "update" that was refused has its own line, written with the change. */
  gboolean skip_own = g_strcmp0 (q->kind, "update") == 0;

  g_return_val_if_fail (OS_IS_STORE (store), 0);
  g_return_val_if_fail (q != NULL, 0);

  local_id = os_store_lookup_record (store, q->record_id);
  if (local_id == 0)
    return 0;
  events = os_store_list_events (store, local_id, NULL);
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      OsRecordEvent *e = g_ptr_array_index (events, i);

      if (g_strcmp0 (e->action, "update") != 0 || e->at < q->created_at)
        continue;
      if (skip_own)
        {
          skip_own = FALSE;
          continue;
        }
      at = MAX (at, e->at);
    }
  return at;
}

OsRefusedItem *
os_refused_item_new (OsQuarantined *quarantined)
{
  OsRefusedItem *self;

  g_return_val_if_fail (quarantined != NULL, NULL);

  self = g_object_new (OS_TYPE_REFUSED_ITEM, NULL);
  self->quarantined = quarantined;
  return self;
}

const OsQuarantined *
os_refused_item_get (OsRefusedItem *self)
{
  g_return_val_if_fail (OS_IS_REFUSED_ITEM (self), NULL);
  return self->quarantined;
}

static void
os_refused_item_finalize (GObject *object)
{
  OsRefusedItem *self = (OsRefusedItem *) object;

  g_clear_pointer (&self->quarantined, os_quarantined_free);

  G_OBJECT_CLASS (os_refused_item_parent_class)->finalize (object);
}

static void
os_refused_item_class_init (OsRefusedItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = os_refused_item_finalize;
}

static void
os_refused_item_init (OsRefusedItem *self)
{
}
