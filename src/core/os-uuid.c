/* os-uuid.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-uuid.h"

char *
os_uuid_v7_new_at (gint64 unix_ms)
{
  guint8 b[16];

  b[0] = (unix_ms >> 40) & 0xff;
  b[1] = (unix_ms >> 32) & 0xff;
  b[2] = (unix_ms >> 24) & 0xff;
  b[3] = (unix_ms >> 16) & 0xff;
  b[4] = (unix_ms >> 8) & 0xff;
  b[5] = unix_ms & 0xff;
  for (guint i = 6; i < 16; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (&b[i], &r, MIN (4, 16 - i));
    }
  b[6] = 0x70 | (b[6] & 0x0f);   /* version 7 */
  b[8] = 0x80 | (b[8] & 0x3f);   /* variant 10 */

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
os_uuid_v7_new (void)
{
  return os_uuid_v7_new_at (g_get_real_time () / 1000);
}
