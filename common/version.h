/* SPDX-License-Identifier: MIT */
/* version.h — oomwatch's version: the one place it is written. Every program
 * prints it (check_oom -V, oomwatch-agent -V, collectd's log at init), and
 * debian/changelog must agree (tests/package/test_version.sh). */
#ifndef OOMW_VERSION_H
#define OOMW_VERSION_H

#define OOMWATCH_VERSION "0.2.0"

#endif
