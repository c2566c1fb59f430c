/* bench-stats.h: the figures every benchmark prints from its timings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

typedef struct
{
  double median;
  double p90;
  double p99;
  double max;
} BenchStats;

/* Sorts @values (doubles) in place. Median: the middle value, or the mean of the two middle
 * ones; percentiles: nearest rank (the smallest value with at least that share at or below
 * it). All 0 for no values. */
BenchStats bench_stats_of (GArray *values);
/* The same for a plain array of @n doubles. */
BenchStats bench_stats_of_array (double *values,
                                 guint   n);
