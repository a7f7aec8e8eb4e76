#!/usr/bin/env bash
# Import benchmark: generated Online Retail style dumps of about 1M and 5M order lines, imported by
# `lifecycle import orders` (parse, validate, normalise, dedupe, load with indexes), side by side
# with the sqlite3 shell's bare `.import` of the same file into a plain table, in the same run.
# Prints seconds, rows/s and peak RSS for each. Usage: bench/import.sh [WORKDIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"

measure() {  # label rows command...  -> one table row
    local label=$1 rows=$2; shift 2
    local out
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
    out=$(tail -1 "$work/time.txt")
    local seconds=${out% *} kb=${out#* }
    awk -v l="$label" -v r="$rows" -v s="$seconds" -v k="$kb" \
        'BEGIN { printf "%-34s %10d %8.2f %12.0f %10.1f\n", l, r, s, r / s, k / 1024 }'
}

printf "%-34s %10s %8s %12s %10s\n" "run" "lines" "seconds" "rows/s" "peak MB"
for users in 36000 180000; do
    dir="$work/users-$users"
    if [ ! -f "$dir/orders.csv" ]; then "$bin" generate --users "$users" --seed 42 --out "$dir" >/dev/null 2>&1; fi
    lines=$(($(wc -l < "$dir/orders.csv") - 1))
    rm -f "$dir"/bench.db* "$dir"/plain.db*
    measure "lifecycle import ($users users)" "$lines" \
        "$bin" import orders "$dir/orders.csv" --format online-retail --timezone Europe/London --db "$dir/bench.db"
    measure "sqlite3 .import ($users users)" "$lines" \
        sqlite3 "$dir/plain.db" ".import --csv $dir/orders.csv order_lines"
    rm -f "$dir"/bench.db* "$dir"/plain.db*
done
