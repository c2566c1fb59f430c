/* os-types.h: small enumerations of the domain (DOMAIN.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The national public-service portal's status codes. */
typedef enum
{
  OS_STATUS_REGISTERED = 1,   /* Mới đăng ký */
  OS_STATUS_RECEIVED = 2,     /* Được tiếp nhận */
  OS_STATUS_REFUSED = 3,      /* Không được tiếp nhận */
  OS_STATUS_PROCESSING = 4,   /* Đang xử lý */
  OS_STATUS_SUPPLEMENT = 5,   /* Yêu cầu bổ sung giấy tờ */
  OS_STATUS_PAYMENT = 6,      /* Yêu cầu thực hiện nghĩa vụ tài chính */
  OS_STATUS_WITHDRAWN = 7,    /* Công dân yêu cầu rút hồ sơ */
  OS_STATUS_STOPPED = 8,      /* Dừng xử lý */
  OS_STATUS_RESOLVED = 9,     /* Đã xử lý xong */
  OS_STATUS_RETURNED = 10,    /* Đã trả kết quả */
} OsStatus;

#define OS_STATUS_FIRST OS_STATUS_REGISTERED
#define OS_STATUS_LAST OS_STATUS_RETURNED

/* How a record reached the desk; values are the portal's channel codes. */
typedef enum
{
  OS_CHANNEL_IN_PERSON = 1,
  OS_CHANNEL_ONLINE = 2,
  OS_CHANNEL_POST = 3,
} OsChannel;

/* Where the applicant collects the result. */
typedef enum
{
  OS_DELIVERY_DESK = 0,
  OS_DELIVERY_POST = 1,
} OsDelivery;

/* Where a record stands against its due date. */
typedef enum
{
  OS_DUE_STATE_NONE = 0,      /* refused, withdrawn: no clock */
  OS_DUE_STATE_IN_TIME,
  OS_DUE_STATE_NEAR_DUE,
  OS_DUE_STATE_OVERDUE,
  OS_DUE_STATE_PAUSED,        /* waiting for a supplement or a payment */
  OS_DUE_STATE_EARLY,         /* finished before the due date */
  OS_DUE_STATE_ON_TIME,       /* finished on the due date */
  OS_DUE_STATE_LATE,          /* finished after the due moment */
} OsDueState;

/* A procedure's resolution time (DOMAIN.md, "Due dates"). */
typedef enum
{
  OS_TIME_UNIT_SESSIONS = 0,      /* working time counted in sessions (half-days); 0 = same session */
  OS_TIME_UNIT_CALENDAR_DAYS = 1, /* calendar days; only the final date moves off a day off */
  OS_TIME_UNIT_SAME_DAY = 2,      /* "ngay trong ngày": by the end of the working day it was
                                   * received (the next one after hours or the cut-off) */
} OsTimeUnit;

typedef struct
{
  OsTimeUnit unit;
  int        amount;          /* sessions for OS_TIME_UNIT_SESSIONS, days for calendar days,
                               * unused for the same day */
  int        cutoff_minutes;  /* minutes after midnight after which reception counts from the
                               * next working day; -1 when the procedure has no cut-off */
} OsTimeLimit;

char       *os_time_limit_to_string (const OsTimeLimit *limit);

const char *os_status_to_string     (OsStatus    status);
const char *os_due_state_to_string  (OsDueState  state);
const char *os_channel_to_string    (OsChannel   channel);
gboolean    os_status_is_finished   (OsStatus    status);
gboolean    os_status_is_paused     (OsStatus    status);

G_END_DECLS
