#!/usr/bin/env bash
# Growth of the churn commands from 1M to 10M order lines, each size started from the same state
# (not timed in a unit test). For each warehouse given, interleaved, RUNS rounds:
#   train churn   after dropping every feature build (it builds its two as-ofs, then fits);
#   score churn   after dropping its as-of's build (the first score after a train builds it);
#   score churn   again, with the features built (scoring alone).
# Prints seconds, user and system CPU and peak RSS of each run. The warehouses must hold the
# shops' orders (e.g. those bench/questions.sh leaves: WORKDIR/generated-36000.db and
# generated-360000.db); their feature builds are dropped, nothing else changes.
# Usage: bench/churn_growth.sh BINARY RUNS DB...
set -euo pipefail
bin=$1 runs=$2
shift 2
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell"; exit 1; }
timed() { /usr/bin/time -f "%e s user %U sys %S peak %M KB" "$@" 2>&1 >/dev/null | tail -1; }

for round in $(seq 1 "$runs"); do
    for db in "$@"; do
        name=$(basename "$db")
        sqlite3 "$db" "DELETE FROM user_features; DELETE FROM feature_builds;"
        echo "round $round $name train churn (no features): $(timed "$bin" train churn --db "$db")"
        last=$(sqlite3 "$db" "SELECT max(as_of) FROM feature_builds")
        sqlite3 "$db" "DELETE FROM user_features WHERE as_of = $last; DELETE FROM feature_builds WHERE as_of = $last;"
        echo "round $round $name score churn (builds its as-of): $(timed "$bin" score churn --db "$db" --format csv)"
        echo "round $round $name score churn (features built): $(timed "$bin" score churn --db "$db" --format csv)"
    done
done
