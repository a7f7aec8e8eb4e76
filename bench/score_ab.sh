#!/usr/bin/env bash
# A/B of `score churn` (not a unit test): two lifecycle binaries, e.g. the build before a change
# and after it, score the same warehouse interleaved A, B, A, B... RUNS times each, with the
# features of its as-of already built, so only scoring and storing are compared. The warehouse
# needs a trained churn model (`lifecycle train churn`). Prints each run's seconds and peak RSS.
# Usage: bench/score_ab.sh BINARY_A BINARY_B DB [RUNS]
set -euo pipefail
a=$1 b=$2 db=$3 runs=${4:-3}
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
"$b" score churn --db "$db" --format csv >/dev/null 2>&1   # builds the as-of's features once
for round in $(seq 1 "$runs"); do
    for side in A B; do
        bin=$a; [ "$side" = B ] && bin=$b
        echo "round $round $side: $(/usr/bin/time -f "%e s peak %M KB" "$bin" score churn --db "$db" --format csv 2>&1 >/dev/null | tail -1)"
    done
done
