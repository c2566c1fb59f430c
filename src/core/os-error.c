/* os-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "os-error.h"

G_DEFINE_QUARK (os-error-quark, os_error)
