#!/usr/bin/env bash
# Import benchmark: generated Online Retail style dumps of about 1M and 5M order lines, imported by
# `lifecycle import orders` (parse, validate, normalise, dedupe, load with indexes), side by side
# with the sqlite3 shell's bare `.import` of the same file into a plain table, in the same run.
# A third row times SQLite alone storing what the import stored: the sqlite3 shell copying the rows the
# import stored (imports, users, products, orders, order_lines; nothing to parse or check) into a
# new, empty warehouse with the same schema, in one transaction, with the importer's settings;
# a fourth times reading those rows back (a scan of every column), which the copy includes.
# The copy's ORDER BY keeps SQLite from its transfer optimization (raw records copied into an
# empty table), so every row and index entry is inserted one by one, as the import does.
# Then the real UCI Online Retail dump (../shared/data, when present) as the README's tour imports it:
# into a new warehouse, again into the same one (every line a duplicate), and by `.import`.
# Prints seconds, rows/s and peak RSS for each, then the machine (cores, load). Usage:
# bench/import.sh [WORKDIR]; IMPORT_BENCH_USERS="36000" (or "" for the Online Retail rows alone) picks the
# generated sizes.
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
        'BEGIN { printf "%-44s %10d %8.2f %12.0f %10.1f\n", l, r, s, r / s, k / 1024 }'
}

printf "%-44s %10s %8s %12s %10s\n" "run" "lines" "seconds" "rows/s" "peak MB"
for users in ${IMPORT_BENCH_USERS-36000 180000}; do
    dir="$work/users-$users"
    if [ ! -f "$dir/orders.csv" ]; then "$bin" generate --users "$users" --seed 42 --out "$dir" >/dev/null 2>&1; fi
    lines=$(($(wc -l < "$dir/orders.csv") - 1))
    rm -f "$dir"/bench.db* "$dir"/plain.db*
    measure "lifecycle import ($users users)" "$lines" \
        "$bin" import orders "$dir/orders.csv" --format online-retail --timezone Europe/London --db "$dir/bench.db"
    measure "sqlite3 .import ($users users)" "$lines" \
        sqlite3 "$dir/plain.db" ".import --csv $dir/orders.csv order_lines"
    rm -f "$dir"/floor.db*
    "$bin" migrate --db "$dir/floor.db" >/dev/null
    measure "sqlite3 copy into schema ($users users)" "$lines" \
        sqlite3 "$dir/floor.db" "PRAGMA synchronous = NORMAL" "PRAGMA cache_size = -65536" "PRAGMA foreign_keys = OFF" \
            "ATTACH '$dir/bench.db' AS src" "BEGIN" \
            "INSERT INTO imports SELECT * FROM src.imports ORDER BY id" \
            "INSERT INTO users SELECT * FROM src.users ORDER BY id" \
            "INSERT INTO products SELECT * FROM src.products ORDER BY id" \
            "INSERT INTO orders SELECT * FROM src.orders ORDER BY id" \
            "INSERT INTO order_lines SELECT * FROM src.order_lines ORDER BY id" "COMMIT"
    # What reading those rows back costs, which the copy's time includes: a scan of every column.
    measure "sqlite3 scan of stored rows ($users users)" "$lines" \
        sqlite3 "$dir/bench.db" "PRAGMA cache_size = -65536" \
            "SELECT total(id + length(external_id) + coalesce(length(country), 0) + coalesce(signed_up_at, 0) + import_id) FROM users" \
            "SELECT total(id + length(external_id) + coalesce(length(name), 0) + is_merchandise + import_id) FROM products" \
            "SELECT total(id + length(external_id) + coalesce(user_id, 0) + ordered_at + length(kind) + coalesce(length(country), 0)
                          + length(currency) + amount_micros + line_count + item_count + import_id) FROM orders" \
            "SELECT total(id + order_id + coalesce(product_id, 0) + (line_key >> 20) + occurrence + quantity
                          + coalesce(unit_price_micros, 0) + amount_micros + coalesce(length(description), 0) + line_at
                          + source_line + import_id) FROM order_lines"
    held="SELECT (SELECT count(*) FROM users) || ' users, ' || (SELECT count(*) FROM orders) || ' orders, '
                 || (SELECT count(*) FROM order_lines) || ' lines'"
    copied=$(sqlite3 "$dir/floor.db" "$held")
    stored=$(sqlite3 "$dir/bench.db" "$held")
    [ "$copied" = "$stored" ] || { echo "bench: the copy holds $copied, the import $stored" >&2; exit 1; }
    rm -f "$dir"/bench.db* "$dir"/plain.db* "$dir"/floor.db*
done

retail="$repo/../shared/data/online-retail/online_retail.csv.gz"
if [ -f "$retail" ]; then
    dir="$work/online-retail"
    mkdir -p "$dir"
    rm -f "$dir"/retail.db* "$dir"/plain.db*
    lines=$(($(gzip -dc "$retail" | wc -l) - 1))
    measure "lifecycle import (Online Retail)" "$lines" \
        "$bin" import orders "$retail" --format online-retail --timezone Europe/London --db "$dir/retail.db"
    measure "lifecycle import again (Online Retail)" "$lines" \
        "$bin" import orders "$retail" --format online-retail --timezone Europe/London --db "$dir/retail.db"
    gzip -dc "$retail" > "$dir/online_retail.csv"
    measure "sqlite3 .import (Online Retail, unzipped)" "$lines" \
        sqlite3 "$dir/plain.db" ".import --csv $dir/online_retail.csv order_lines"
    rm -f "$dir"/retail.db* "$dir"/plain.db* "$dir/online_retail.csv"
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
