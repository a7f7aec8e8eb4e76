#!/usr/bin/env bash
# Analytics benchmark: `lifecycle rfm` and `lifecycle retention --period month` on a generated
# dump of about 5M order lines (180,000 customers, seed 42), after import, side by side with the
# equivalent pandas code in the same run (bench/analytics_pandas.py; skipped without pandas).
# Prints the best and the median of RUNS wall-clock runs of each command, then pandas' seconds.
# Usage: bench/analytics.sh [WORKDIR] [USERS]     (RUNS=5 by default)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
users=${2:-180000}
runs=${RUNS:-5}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"
dir="$work/users-$users"
db="$dir/analytics.db"
if [ ! -f "$dir/orders.csv" ]; then "$bin" generate --users "$users" --seed 42 --out "$dir" --no-events >/dev/null; fi
lines=$(($(wc -l < "$dir/orders.csv") - 1))
if [ ! -f "$db" ]; then
    "$bin" import orders "$dir/orders.csv" --format online-retail --timezone Europe/London --db "$db" >/dev/null 2>&1
fi
orders=$(sqlite3 "$db" "SELECT count(*) FROM orders" 2>/dev/null || echo "?")
customers=$(sqlite3 "$db" "SELECT count(DISTINCT user_id) FROM orders WHERE kind = 'purchase'" 2>/dev/null || echo "?")
echo "dump: $lines order lines, $orders orders, $customers customers ($dir/orders.csv)"

median=0
timed() {  # label command...  -> prints "label best median" over $runs runs; sets $median
    local label=$1; shift
    local times=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -o "$work/time.txt" -f '%e' "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
        times+=("$(tail -1 "$work/time.txt")")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)] }')
    printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{ t[NR] = $1 } END { printf "%-42s %8.2f %8.2f\n", l, t[1], t[int((NR + 1) / 2)] }'
}

printf "%-42s %8s %8s\n" "lifecycle (release build)" "best s" "median s"
timed "rfm" "$bin" rfm --db "$db" --format csv
export RFM_MEDIAN=$median
timed "retention --period month" "$bin" retention --period month --db "$db" --format csv
export RETENTION_MEDIAN=$median
timed "activity --period month (not a target)" "$bin" activity --period month --db "$db" --format csv

if python3 -c "import pandas" 2>/dev/null; then
    echo
    echo "pandas $(python3 -c 'import pandas; print(pandas.__version__)') (bench/analytics_pandas.py, same definitions, same run):"
    python3 "$repo/bench/analytics_pandas.py" "$db" "$dir/orders.csv" | python3 -c '
import json, sys
r = json.load(sys.stdin)
w, c = r["warehouse"], r["csv"]
print("%-42s %8s %8s %8s" % ("", "load s", "rfm s", "ret. s"))
print("%-42s %8.2f %8.2f %8.2f" % ("from the dump (read_csv, invoices)", c["load_seconds"], c["rfm_seconds"], c["retention_seconds"]))
print("%-42s %8.2f %8.2f %8.2f" % ("from the warehouse (read_sql)", w["load_seconds"], w["rfm_seconds"], w["retention_seconds"]))
print("same answers from both sources: %s; segments: %s" % (c["same_answers"], json.dumps(r["digest"]["segments"], sort_keys=True)))
import os
rfm, ret = float(os.environ["RFM_MEDIAN"]), float(os.environ["RETENTION_MEDIAN"])
print()
print("pandas seconds over lifecycle median seconds    %8s %8s" % ("rfm", "ret."))
print("%-42s %7.1fx %7.1fx" % ("pandas from the dump (load + question)", (c["load_seconds"] + c["rfm_seconds"]) / rfm, (c["load_seconds"] + c["retention_seconds"]) / ret))
print("%-42s %7.1fx %7.1fx" % ("pandas from the warehouse (load + question)", (w["load_seconds"] + w["rfm_seconds"]) / rfm, (w["load_seconds"] + w["retention_seconds"]) / ret))
print("%-42s %7.1fx %7.1fx" % ("pandas, orders already in memory", w["rfm_seconds"] / rfm, w["retention_seconds"] / ret))
'
    echo
    echo "lifecycle's segments, to compare:"
    "$bin" rfm --db "$db" --format csv 2>/dev/null | cut -d, -f1,2
else
    echo "(pandas not installed: pip install pandas to time the equivalent pandas code)"
fi
