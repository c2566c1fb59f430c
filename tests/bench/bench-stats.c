/* bench-stats.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "bench-stats.h"

#include <stdlib.h>

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The value of nearest rank @per_mille/1000 in the @n sorted @values. */
static double
nearest_rank (const double *values,
              guint         n,
              guint         per_mille)
{
  guint rank = (guint) (((guint64) n * per_mille + 999) / 1000);

  return values[MIN (n, MAX (rank, 1)) - 1];
}

BenchStats
bench_stats_of_array (double *values,
                      guint   n)
{
  BenchStats s = { 0, 0, 0, 0 };

  if (n == 0)
    return s;
  qsort (values, n, sizeof (double), compare_doubles);
  s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  s.p90 = nearest_rank (values, n, 900);
  s.p99 = nearest_rank (values, n, 990);
  s.max = values[n - 1];
  return s;
}

BenchStats
bench_stats_of (GArray *values)
{
  return bench_stats_of_array ((double *) (void *) values->data, values->len);
}
