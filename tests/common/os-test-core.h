/* os-test-core.h: fixtures built from the core library that several test programs share
 * (accounts, officers' databases, records).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "os-account.h"
#include "os-record.h"
#include "os-store.h"

G_BEGIN_DECLS

/* A birth registration received by @officer for applicant @name: one set, one form. */
OsRecord *os_test_new_record            (const char  *name,
                                         const char  *officer);
/* What an earlier online login to @server_url left below @accounts_dir: the officer's
 * database with the offline verifier of @password and @full_name. Returns that store. */
OsStore  *os_test_prepare_officer       (const char  *accounts_dir,
                                         const char  *server_url,
                                         const char  *user,
                                         const char  *password,
                                         const char  *full_name);
/* os_account_login_async() run to its end. */
gboolean  os_test_account_login         (OsAccount   *account,
                                         const char  *user,
                                         const char  *password,
                                         GError     **error);
/* The refresh token the keyring holds for @user on @server (NULL for none). */
char     *os_test_credentials_lookup    (const char  *server,
                                         const char  *user);

G_END_DECLS
