/* os-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "os-types.h"

const char *
os_status_to_string (OsStatus status)
{
  switch (status)
    {
    case OS_STATUS_REGISTERED: return _("Mới đăng ký");
    case OS_STATUS_RECEIVED:   return _("Được tiếp nhận");
    case OS_STATUS_REFUSED:    return _("Không được tiếp nhận");
    case OS_STATUS_PROCESSING: return _("Đang xử lý");
    case OS_STATUS_SUPPLEMENT: return _("Yêu cầu bổ sung giấy tờ");
    case OS_STATUS_PAYMENT:    return _("Yêu cầu thực hiện nghĩa vụ tài chính");
    case OS_STATUS_WITHDRAWN:  return _("Công dân yêu cầu rút hồ sơ");
    case OS_STATUS_STOPPED:    return _("Dừng xử lý");
    case OS_STATUS_RESOLVED:   return _("Đã xử lý xong");
    case OS_STATUS_RETURNED:   return _("Đã trả kết quả");
    default:                   return _("Không rõ");
    }
}

const char *
os_due_state_to_string (OsDueState state)
{
  switch (state)
    {
    case OS_DUE_STATE_IN_TIME:  return _("Còn hạn");
    case OS_DUE_STATE_NEAR_DUE: return _("Sắp đến hạn");
    case OS_DUE_STATE_OVERDUE:  return _("Quá hạn");
    case OS_DUE_STATE_PAUSED:   return _("Tạm dừng");
    case OS_DUE_STATE_EARLY:    return _("Trước hạn");
    case OS_DUE_STATE_ON_TIME:  return _("Đúng hạn");
    case OS_DUE_STATE_LATE:     return _("Trễ hạn");
    case OS_DUE_STATE_NONE:
    default:                    return "";
    }
}

const char *
os_channel_to_string (OsChannel channel)
{
  switch (channel)
    {
    case OS_CHANNEL_ONLINE: return _("Trực tuyến");
    case OS_CHANNEL_POST:   return _("Qua bưu chính");
    case OS_CHANNEL_IN_PERSON:
    default:                return _("Trực tiếp");
    }
}

gboolean
os_status_is_finished (OsStatus status)
{
  return status == OS_STATUS_REFUSED ||
         status == OS_STATUS_WITHDRAWN ||
         status == OS_STATUS_STOPPED ||
         status == OS_STATUS_RESOLVED ||
         status == OS_STATUS_RETURNED;
}

gboolean
os_status_is_paused (OsStatus status)
{
  return status == OS_STATUS_SUPPLEMENT || status == OS_STATUS_PAYMENT;
}

char *
os_time_limit_to_string (const OsTimeLimit *limit)
{
  g_return_val_if_fail (limit != NULL, NULL);

  if (limit->unit == OS_TIME_UNIT_CALENDAR_DAYS)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d ngày", "%d ngày", limit->amount),
                            limit->amount);

  if (limit->unit == OS_TIME_UNIT_SAME_DAY)
    return g_strdup (_("Trong ngày"));

  if (limit->amount == 0)
    return g_strdup (_("Trong buổi"));

  if (limit->amount % 2 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d ngày làm việc", "%d ngày làm việc",
                                         limit->amount / 2),
                            limit->amount / 2);

  /* Half days: 1 session = 0,5 working day. */
  return g_strdup_printf (_("%d,5 ngày làm việc"), limit->amount / 2);
}
