#!/usr/bin/env bash
# Lifetime-value benchmark: `lifecycle train clv` (read purchases with SQL, summarise, fit BG/NBD
# and Gamma-Gamma, check the holdout, store the snapshot) on the full CDNOW master (23,570
# customers) and on a generated shop of USERS customers (1,000,000 by default), with wall-clock
# seconds and peak RSS; then the Python lifetimes package fitting the same summaries in the same
# run (bench/reference/clv_lifetimes.py; skipped when lifetimes is not installed).
# Usage: bench/clv.sh [WORKDIR] [USERS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
users=${2:-1000000}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
cdnow="$repo/../shared/data/cdnow/CDNOW_master.txt"

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"
python_ok=$(python3 -c 'import lifetimes' 2>/dev/null && echo yes || echo no)

db="$work/cdnow.db"
[ -f "$db" ] || "$bin" import orders "$cdnow" --format cdnow --timezone UTC --db "$db" >/dev/null 2>&1
/usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" train clv --db "$db" --period week --observation-end 1997-09-30 > "$work/train.txt" 2>&1
read -r seconds rss < "$work/time.txt"
printf 'CDNOW master, 23,570 customers: lifecycle train clv %.2f s, %d MB peak RSS\n' "$seconds" "$((rss / 1024))"
grep -E 'r |alpha|^BG/NBD|^Gamma-Gamma|holdout to' "$work/train.txt" | sed 's/^/    /'
"$bin" clv summary --db "$db" --period week --observation-end 1997-09-30 --format csv > "$work/cdnow-summary.csv"
if [ "$python_ok" = yes ]; then echo "  lifetimes on the same summary:"; python3 "$repo/bench/reference/clv_lifetimes.py" "$work/cdnow-summary.csv" | sed 's/^/    /'; fi

dir="$work/users-$users"
db="$dir/clv.db"
if [ ! -f "$db" ]; then
    [ -f "$dir/orders.csv" ] || "$bin" generate --users "$users" --seed 42 --out "$dir" --no-events >/dev/null
    "$bin" import orders "$dir/orders.csv" --format online-retail --timezone Europe/London --db "$db" >/dev/null 2>&1
fi
customers=$(sqlite3 "$db" "SELECT count(DISTINCT user_id) FROM orders WHERE kind = 'purchase'")
orders=$(sqlite3 "$db" "SELECT count(*) FROM orders WHERE kind = 'purchase'")
/usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" train clv --db "$db" --period week --observation-end 2011-09-30 > "$work/train.txt" 2>&1
read -r seconds rss < "$work/time.txt"
printf 'generated shop, %s customers, %s purchase orders: lifecycle train clv %.2f s, %d MB peak RSS\n' "$customers" "$orders" "$seconds" "$((rss / 1024))"
grep -E '^BG/NBD|^Gamma-Gamma|holdout to' "$work/train.txt" | sed 's/^/    /'
"$bin" clv summary --db "$db" --period week --observation-end 2011-09-30 --format csv > "$work/generated-summary.csv"
if [ "$python_ok" = yes ]; then echo "  lifetimes on the same summary:"; python3 "$repo/bench/reference/clv_lifetimes.py" "$work/generated-summary.csv" | sed 's/^/    /'; fi
