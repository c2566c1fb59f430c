#!/bin/sh
# run-all.sh BUILD_DIR: builds what the benchmarks need, makes (or reuses) the database of
# a million generated records, runs bench-store and bench-startup, and prints a summary
# table against the targets of the issue. Full outputs go to BUILD_DIR/tests/bench/results/.
#
#   BENCH_DB=PATH      the big database (default BUILD_DIR/tests/bench/onestop-bench-1m.sqlite3;
#                      made by bench-generate if missing, reused if it holds 1,000,000 records)
#   BENCH_RUNS=N       runs per query (bench-store, default 7) and per start-up (default 5)
#   BENCH_SAVES=N      saves per durability setting (default 200)
#
# Never fails because of a figure; exits non-zero only when a program found something
# functionally wrong (or could not run).
#
# SPDX-License-Identifier: GPL-3.0-or-later

set -u

if [ $# -ne 1 ] || [ ! -f "$1/build.ninja" ]; then
  echo "usage: $0 BUILD_DIR (a meson build directory of the project)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build_dir=$(cd "$1" && pwd)
bench="$build_dir/tests/bench"
results="$bench/results"
db=${BENCH_DB:-$bench/onestop-bench-1m.sqlite3}
runs=${BENCH_RUNS:-7}
startup_runs=${BENCH_RUNS:-5}
saves=${BENCH_SAVES:-200}
status=0

export TZ="${TZ:-Asia/Ho_Chi_Minh}"

echo "== Building"
ninja -C "$build_dir" tests/bench/bench-generate tests/bench/bench-store tests/bench/bench-startup \
  src/desk/onestop-desk data/gschemas.compiled >/dev/null || { echo "build failed" >&2; exit 1; }
mkdir -p "$results"

echo "== Database: $db"
"$bench/bench-generate" "$db" >"$results/generate.log" 2>"$results/generate.err" || status=1
cat "$results/generate.log"

echo "== bench-store ($runs runs per query, $saves saves per setting)"
"$bench/bench-store" --db="$db" --runs="$runs" --saves="$saves" --work-dir="$bench" --explain \
  >"$results/store.log" 2>"$results/store.err" || status=1
grep -e '^FAIL' -e 'functional' "$results/store.err" "$results/store.log"

echo "== bench-startup ($startup_runs runs per configuration)"
"$here/bench-startup.sh" "$build_dir" "$db" "$startup_runs" >"$results/startup.log" 2>"$results/startup.err"
case $? in
  0) ;;
  77) echo "bench-startup skipped: $(cat "$results/startup.err")" ;;
  *) status=1; cat "$results/startup.err" ;;
esac
sed -n '/^render/,$p' "$results/startup.log" | grep -v '^summary:'

# The summary: "summary: KEY VALUE" lines of every program, and generate-*: lines.
cat "$results/generate.log" "$results/store.log" "$results/startup.log" 2>/dev/null |
awk '
  /^summary: / { v[$2] = $3 }
  /^generate-records-per-s:/ { v["generate-rate"] = $2 }
  /^generate-seconds:/ { v["generate-s"] = $2 }
  function has(k) { return (k in v) && v[k] != "" }
  function row(what, figure, baseline, target, ok) {
    printf "%-44s %-22s %-30s %-10s %s\n", what, figure, baseline, target, ok
  }
  function verdict(x, limit) { return x + 0 < limit ? "met" : "MISSED" }
  function ratio(a, b) { return (b + 0 > 0) ? sprintf("%.1f×", a / b) : "-" }
  END {
    printf "\n== Summary (medians; full output in results/)\n"
    row("measure", "figure", "baseline (same run)", "target", "")
    if (has("generate-rate"))
      row("generate 1M records", v["generate-rate"] " rec/s", v["generate-s"] " s in all", "-", "")
    split("cairo gl", rs, " "); split("reception records", ps, " ")
    for (i = 1; i <= 2; i++) for (j = 1; j <= 2; j++) {
      k = "startup-" rs[i] "-" ps[j]
      if (!has(k "-ms")) continue
      row("start-up " rs[i] ", " ps[j] " page (first frame)", v[k "-ms"] " ms (wall " v[k "-wall-ms"] ")",
          "empty db " v[k "-empty-ms"] " ms: " ratio(v[k "-ms"], v[k "-empty-ms"]), "< 1000 ms",
          verdict(v[k "-ms"], 1000))
      row("  resident memory at first frame", v[k "-rss-mb"] " MB", "", "< 200 MB", verdict(v[k "-rss-mb"], 200))
    }
    if (has("search-keystroke-median-ms")) {
      row("search, median over all keystrokes", v["search-keystroke-median-ms"] " ms",
          "p90 " v["search-keystroke-p90-ms"] " ms", "< 50 ms", verdict(v["search-keystroke-median-ms"], 50))
      row("search, slowest keystroke (its median)", v["search-keystroke-worst-median-ms"] " ms",
          "LIKE scan: see store.log", "< 50 ms", verdict(v["search-keystroke-worst-median-ms"], 50))
    }
    if (has("filter-median-ms"))
      row("filtered listing, median / slowest", v["filter-median-ms"] " / " v["filter-worst-median-ms"] " ms",
          "", "(50 ms)", verdict(v["filter-worst-median-ms"], 50))
    if (has("save-full-median-ms")) {
      row("save, synchronous=FULL", v["save-full-median-ms"] " ms (p90 " v["save-full-p90-ms"] ")",
          "OFF " v["save-off-median-ms"] " ms: " ratio(v["save-full-median-ms"], v["save-off-median-ms"]),
          "< 20 ms", verdict(v["save-full-median-ms"], 20))
      row("  slowest save (a WAL checkpoint)", v["save-full-max-ms"] " ms", "", "-", "")
    }
    if (has("scroll-rows-loaded"))
      row("scroll 5,000 rows + jump to end", v["scroll-rows-loaded"] " rows read",
          "of " v["scroll-n-items"] " in the list", "not all", (v["scroll-rows-loaded"] + 0 < v["scroll-n-items"] + 0) ? "met" : "MISSED")
    if (has("rss-kb"))
      row("bench-store process (no GTK)", int(v["rss-peak-kb"] / 1024) " MB peak", "", "-", "")
  }'

exit $status
