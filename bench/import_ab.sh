#!/usr/bin/env bash
# A/B import timing: two lifecycle binaries (e.g. the build before a change and after it) import
# the same generated Online Retail style dumps (about 1M and 5M order lines) into fresh
# warehouses, interleaved A, B, A, B... RUNS times each, in one run, so machine load hits both
# alike. Prints each run's seconds and peak RSS and the best and median of each binary.
# A third column of each run, `sqlite3 .import` of the same file into a plain table, gives the
# yardstick of the same moment. Usage: bench/import_ab.sh BINARY_A BINARY_B [WORKDIR] [RUNS];
# AB_USERS="36000 180000" (the default) picks the generated sizes (360000: about 10M lines).
set -euo pipefail
a=$1 b=$2
work=${3:-$(mktemp -d)}
runs=${4:-3}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }

for users in ${AB_USERS:-36000 180000}; do
    dir="$work/users-$users"
    [ -f "$dir/orders.csv" ] || "$a" generate --users "$users" --seed 42 --out "$dir" --no-events >/dev/null 2>&1
    lines=$(($(wc -l < "$dir/orders.csv") - 1))
    : > "$work/times-$users.txt"
    for run in $(seq "$runs"); do
        for side in A B; do
            bin=$a; [ "$side" = B ] && bin=$b
            rm -f "$dir"/ab.db*
            /usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" import orders "$dir/orders.csv" --format online-retail \
                --timezone Europe/London --db "$dir/ab.db" >/dev/null 2>&1 || { echo "bench: $side failed" >&2; exit 1; }
            read -r seconds kb < "$work/time.txt"
            printf '%s %s %s\n' "$side" "$seconds" "$kb" >> "$work/times-$users.txt"
            printf '%8d lines  run %d  %s  %6.2f s  %6.1f MB\n' "$lines" "$run" "$side" "$seconds" "$(echo "$kb / 1024" | bc -l)"
        done
        rm -f "$dir"/ab.db* "$dir"/plain.db*
        /usr/bin/time -o "$work/time.txt" -f '%e %M' sqlite3 "$dir/plain.db" ".import --csv $dir/orders.csv order_lines" >/dev/null 2>&1
        read -r seconds kb < "$work/time.txt"
        printf '%s %s %s\n' "sqlite3" "$seconds" "$kb" >> "$work/times-$users.txt"
        printf '%8d lines  run %d  %s  %6.2f s\n' "$lines" "$run" "sqlite3 .import" "$seconds"
        rm -f "$dir"/plain.db*
    done
    for side in A B sqlite3; do
        awk -v s="$side" '$1 == s { print $2 }' "$work/times-$users.txt" | sort -n | awk -v s="$side" -v l="$lines" '
            { t[++n] = $1 } END {
            m = (n % 2) ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
            printf "%8d lines  %s  best %.2f s  median %.2f s  (%d runs)\n", l, s, t[1], m, n }'
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
