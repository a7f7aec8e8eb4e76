#!/usr/bin/env bash
# Every question against DuckDB, and how every command grows with the data (issue 14).
#
# For each shop: generate it (`lifecycle generate --users N --seed 42 --no-events`, N = 36,000,
# 180,000, 360,000: about 1M, 5M, 10M order lines), import it (seconds and peak RSS, beside the
# sqlite3 shell's bare `.import` of the same file into a plain table), export the rows DuckDB
# needs (orders with the customer's external id, users.id for RFM's tie key and country, order
# lines; not timed) and load them
# into DuckDB (not timed). Then a matrix of questions, each asked of lifecycle (`--format csv`)
# and of DuckDB (bench/reference/questions_duckdb.py: the same definitions in DuckDB SQL, the same
# CSV layout), interleaved (lifecycle, DuckDB, lifecycle, DuckDB...) so contention hits both,
# best of RUNS (3); the two answers are compared cell by cell in the machine output of
# docs/OUTPUT.md (reals and shares within 1e-9 relative, integers, money, text, dates and booleans
# as the same text; the feature build on the rows it stored), and any mismatch is printed with
# MISMATCH and makes the script exit 1 at the end. Last, `train churn`, `score churn`, `train clv`, `train segments`
# once each. With pandas installed, bench/analytics_pandas.py answers the default `rfm` and
# `retention --period month` from each warehouse as a notebook would, beside lifecycle's time (the
# RFM segment counts must be equal).
# Prints per question: lifecycle seconds, DuckDB seconds, their ratio, lifecycle peak RSS (GNU
# time %M); then, over the generated shops, the growth of every command from the smallest to the
# largest (time ratio beside the line ratio) and the peak RSS of each on the largest; the load
# average. DuckDB's seconds run from opening its database to the written CSV (Python's start and
# `import duckdb` not counted); lifecycle's are the whole command, process start included.
#
# A second shape (UNIFORM customers, default 200,000; 0 skips it): about 5M lines of customers
# over three years, most with one or two orders, bought uniformly (bench/reference/uniform_shop.py,
# as the generator cannot make it), imported in UTC.
#
# Usage: bench/questions.sh [WORKDIR] [SIZES]      SIZES: users per generated shop, quoted,
#        default "36000 180000 360000"; RUNS=3, UNIFORM=200000 in the environment, and ONLY=REGEX
#        to time only the commands whose label matches (the import always runs).
# Needs GNU time, the sqlite3 shell, python3 with duckdb (pip install duckdb); without duckdb the
# lifecycle side is still timed and DuckDB is skipped with a message.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
sizes=(${2:-36000 180000 360000})
runs=${RUNS:-3}
uniform=${UNIFORM:-200000}
mkdir -p "$work"
work=$(cd "$work" && pwd)
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
duck="$repo/bench/reference/questions_duckdb.py"
if ! python3 -c "import duckdb" 2>/dev/null; then
    pip install duckdb >/dev/null 2>&1 || pip install --break-system-packages duckdb >/dev/null 2>&1 || true
fi
# Prints the module's version when python3 can import it (true), else the reason (false).
python_module() {  # module reason
    python3 -c "import $1" 2>/dev/null || { echo "$2"; return 1; }
    echo "$1 $(python3 -c "import $1; print($1.__version__)") (pip)"
}
with_duckdb=0 with_pandas=0
python_module duckdb "DuckDB could not be installed (pip install duckdb failed): timing lifecycle alone, no answers compared" && with_duckdb=1
python_module pandas "pandas not installed (pip install pandas): no pandas column" && with_pandas=1
echo "$(nproc) cores"

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"
echo "lifecycle $(git -C "$repo" rev-parse --short HEAD) (release build), sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(uname -sm)"
results="$work/results.tsv"   # shop, command, seconds, peak KB: for the growth table
: > "$results"
mismatches=0 failures=0

timed() {  # out-file command... -> "seconds peak_kb" of one run, output in out-file
    local out=$1; shift
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" > "$out" 2> "$work/stderr.txt" \
        || { echo "bench: failed: $*" >&2; cat "$work/stderr.txt" >&2; exit 1; }
    tail -1 "$work/time.txt"
}

# One question: lifecycle and DuckDB interleaved, best of $runs, answers compared.
# ask shop db label features|report|- lifecycle-args...   (DuckDB gets the same arguments)
ask() {
    local shop=$1 db=$2 label=$3 kind=$4; shift 4
    [[ -n ${ONLY:-} && ! $label =~ $ONLY ]] && return
    local best=999999 best_kb=0 duck_best=999999 t kb d r question verdict=""
    local shift_args=()
    for _ in $(seq "$runs"); do
        case $kind in
            features) r=$(timed "$work/out.txt" "$bin" "$@" --db "$db"); read -r t kb <<< "$r" ;;
            report) r=$(timed "$work/out.txt" "$bin" "$@" --db "$db" --out "$work/report.html"); read -r t kb <<< "$r" ;;
            *) r=$(timed "$work/lifecycle.csv" "$bin" "$@" --db "$db" --format csv); read -r t kb <<< "$r" ;;
        esac
        if awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
        [ "$kb" -gt "$best_kb" ] && best_kb=$kb
        if [ "$with_duckdb" = 1 ] && [ "$kind" != report ]; then
            question=$1 shift_args=("${@:2}")
            [ "$kind" = features ] && { question=features; shift_args=("${@:3}"); }
            d=$(python3 "$duck" ask "$work/$shop.duckdb" "$work/duckdb.csv" "$question" "${shift_args[@]}")
            if awk -v a="$d" -v b="$duck_best" 'BEGIN { exit !(a < b) }'; then duck_best=$d; fi
        fi
    done
    if [ "$with_duckdb" = 1 ] && [ "$kind" != report ]; then
        if [ "$kind" = features ]; then  # the rows the build stored for that as-of
            sqlite3 -csv -header "$db" "SELECT u.external_id AS customer, f.recency_days, f.frequency, f.monetary_micros,
                f.tenure_days, f.avg_order_value_micros, f.orders_30d, f.orders_90d, f.orders_365d, f.revenue_30d_micros,
                f.revenue_90d_micros, f.revenue_365d_micros, f.mean_days_between_orders, f.sd_days_between_orders,
                f.returns_count, f.return_share, f.distinct_products, f.views_30d, f.carts_30d, f.purchase_events_30d,
                f.reviews_30d, f.days_since_last_event, f.avg_review_score, f.country
                FROM user_features f JOIN users u ON u.id = f.user_id WHERE f.as_of = unixepoch('$mid')
                ORDER BY u.external_id" > "$work/lifecycle.csv"
        fi
        if verdict=$(python3 "$duck" compare "$work/lifecycle.csv" "$work/duckdb.csv"); then
            verdict="equal"
        else
            echo "$verdict"
            mismatches=$((mismatches + 1))
            cp "$work/lifecycle.csv" "$work/mismatch-$shop-$mismatches-lifecycle.csv"
            cp "$work/duckdb.csv" "$work/mismatch-$shop-$mismatches-duckdb.csv"
            verdict="MISMATCH"
        fi
        awk -v l="$label" -v s="$best" -v d="$duck_best" -v k="$best_kb" -v v="$verdict" \
            'BEGIN { printf "%-52s %8.2f %8.2f %7.1fx %8.0f  %s\n", l, s, d, s / (d > 0 ? d : 0.001), k / 1024, v }'
    else
        awk -v l="$label" -v s="$best" -v k="$best_kb" -v why="$([ "$kind" = report ] && echo "no DuckDB equivalent" || echo "no DuckDB")" \
            'BEGIN { printf "%-52s %8.2f %8s %8s %8.0f  %s\n", l, s, "-", "-", k / 1024, why }'
    fi
    printf '%s\t%s\t%s\t%s\n' "$shop" "$label" "$best" "$best_kb" >> "$results"
}

once() {  # shop db label lifecycle-args... -> one timed run of a command with no DuckDB side; a failure is printed and counted
    local shop=$1 db=$2 label=$3 t kb r; shift 3
    [[ -n ${ONLY:-} && ! $label =~ $ONLY ]] && return
    if ! /usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" "$@" --db "$db" > "$work/out.txt" 2> "$work/stderr.txt"; then
        printf '%-52s FAILED: %s\n' "$label" "$(grep -m1 '^Error' "$work/stderr.txt" | cut -c1-160)"
        failures=$((failures + 1))
        return
    fi
    read -r t kb < <(tail -1 "$work/time.txt")
    awk -v l="$label" -v s="$t" -v k="$kb" 'BEGIN { printf "%-52s %8.2f %8s %8s %8.0f\n", l, s, "-", "-", k / 1024 }'
    printf '%s\t%s\t%s\t%s\n' "$shop" "$label" "$t" "$kb" >> "$results"
}

# pandas, as a notebook answers the two questions bench/analytics_pandas.py defines (the default
# `rfm` and `retention --period month`, orders read from this warehouse), beside lifecycle's best
# time for them above; the RFM segment counts must be equal. Prints pandas' load and each
# question's compute with the orders already in memory, and lifecycle's time over that compute.
pandas_side() {  # shop db
    local shop=$1 db=$2
    [ "$with_pandas" = 1 ] || return 0
    [[ -n ${ONLY:-} ]] && ! [[ "rfm" =~ $ONLY || "retention --period month" =~ $ONLY ]] && return
    python3 "$repo/bench/analytics_pandas.py" "$db" > "$work/pandas.json"
    "$bin" rfm --db "$db" --format csv > "$work/lifecycle.csv" 2> /dev/null
    python3 - "$work/pandas.json" "$work/lifecycle.csv" "$results" "$shop" <<'PANDAS' || mismatches=$((mismatches + 1))
import csv, json, sys
pandas = json.load(open(sys.argv[1]))
ours = {row["segment"]: int(row["users"]) for row in csv.DictReader(open(sys.argv[2]))}
best = {row[1]: float(row[2]) for row in csv.reader(open(sys.argv[3]), delimiter="\t") if row[0] == sys.argv[4]}
w = pandas["warehouse"]
print("pandas (bench/analytics_pandas.py), orders read from the warehouse in %.2f s, then in memory:" % w["load_seconds"])
for label, key in (("rfm", "rfm_seconds"), ("retention --period month", "retention_seconds")):
    if label in best:
        print("%-52s %8.2f %8.2f %7.1fx  pandas compute only (load not counted)" % ("  " + label, best[label], w[key], best[label] / max(w[key], 0.001)))
equal = pandas["digest"]["segments"] == ours
print("  RFM segment counts, lifecycle and pandas: %s" % ("equal" if equal else "MISMATCH %s against %s" % (ours, pandas["digest"]["segments"])))
sys.exit(0 if equal else 1)
PANDAS
}

shop() {  # name csv zone
    local name=$1 csv=$2 zone=$3 t kb r
    local db="$work/$name.db" lines
    lines=$(($(wc -l < "$csv") - 1))
    rm -f "$db" "$db"-* "$work/plain.db"
    r=$(timed "$work/out.txt" "$bin" import orders "$csv" --format online-retail --timezone "$zone" --db "$db")
    read -r t kb <<< "$r"
    local plain
    r=$(timed "$work/out.txt" sqlite3 "$work/plain.db" ".import --csv $csv order_lines")
    read -r plain _ <<< "$r"
    rm -f "$work/plain.db"
    local orders customers countries
    orders=$(sqlite3 "$db" "SELECT count(*) FROM orders")
    customers=$(sqlite3 "$db" "SELECT count(DISTINCT user_id) FROM orders WHERE kind = 'purchase'")
    echo
    echo "== $name: $lines order lines, $orders orders, $customers customers ($csv)"
    [ "$(sqlite3 "$db" "SELECT count(*) FROM reporting_offsets")" = 0 ] || { echo "bench: $db has a reporting zone; DuckDB works in UTC" >&2; exit 1; }
    # The middle of the data, on a first of the month: --as-of and --since of the matrix.
    mid=$(sqlite3 "$db" "SELECT strftime('%Y-%m-01', (min(ordered_at) + max(ordered_at)) / 2, 'unixepoch') FROM orders")
    late=$(sqlite3 "$db" "SELECT strftime('%Y-%m-01', max(ordered_at), 'unixepoch') FROM orders")
    country=$(sqlite3 "$db" "SELECT country FROM users WHERE country IS NOT NULL AND country <> 'United Kingdom'
                             GROUP BY country ORDER BY count(*) DESC, country LIMIT 1")
    printf '%s\t%s\t%s\t%s\n' "$name" "lines" "$lines" 0 >> "$results"
    echo "MID = $mid (the middle of the data), LATE = $late (the first of the last month), C = $country (the most common country after the United Kingdom)"
    echo "load average after the import: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-52s %8s %8s %8s %8s\n' "command" "seconds" "DuckDB s" "ratio" "peak MB"
    awk -v s="$t" -v k="$kb" -v p="$plain" \
        'BEGIN { printf "%-52s %8.2f %8s %8s %8.0f  sqlite3 .import %.2f s: %.2fx\n", "import orders", s, "-", "-", k / 1024, p, s / p }'
    printf '%s\t%s\t%s\t%s\n' "$name" "import orders" "$t" "$kb" >> "$results"

    if [ "$with_duckdb" = 1 ]; then
        sqlite3 -csv -header "$db" "SELECT o.id, u.external_id AS customer, o.user_id, o.ordered_at, o.kind, o.amount_micros, u.country
                                    FROM orders o LEFT JOIN users u ON u.id = o.user_id" > "$work/$name-orders.csv"
        sqlite3 -csv -header "$db" "SELECT order_id, product_id FROM order_lines" > "$work/$name-lines.csv"
        rm -f "$work/$name.duckdb"
        python3 "$duck" load "$work/$name.duckdb" "$work/$name-orders.csv" "$work/$name-lines.csv" >/dev/null
        rm -f "$work/$name-orders.csv" "$work/$name-lines.csv"
    fi

    ask "$name" "$db" "rfm" - rfm
    ask "$name" "$db" "rfm --as-of MID" - rfm --as-of "$mid"
    ask "$name" "$db" "rfm --as-of LATE" - rfm --as-of "$late"
    ask "$name" "$db" "rfm --since MID" - rfm --since "$mid"
    ask "$name" "$db" "rfm --country C" - rfm --country "$country"
    for period in month week day; do
        ask "$name" "$db" "retention --period $period" - retention --period "$period"
        ask "$name" "$db" "retention --period $period --mode unbounded" - retention --period "$period" --mode unbounded
        ask "$name" "$db" "retention --period $period --metric revenue" - retention --period "$period" --metric revenue
        ask "$name" "$db" "retention --period $period --cohort recurring" - retention --period "$period" --cohort recurring
    done
    ask "$name" "$db" "retention --period week --country C" - retention --period week --country "$country"
    ask "$name" "$db" "retention --period month --since MID" - retention --period month --since "$mid"
    ask "$name" "$db" "retention --period month --as-of MID" - retention --period month --as-of "$mid"
    for period in month week day; do
        ask "$name" "$db" "activity --period $period" - activity --period "$period"
    done
    ask "$name" "$db" "features build --as-of MID" features features build --as-of "$mid"
    ask "$name" "$db" "report (rfm, retention, activity...)" report report
    pandas_side "$name" "$db"
    echo "load average after the questions: $(cut -d' ' -f1-3 /proc/loadavg)"
    once "$name" "$db" "train churn" train churn
    once "$name" "$db" "score churn" score churn
    once "$name" "$db" "train clv" train clv
    once "$name" "$db" "train segments" train segments
}

for users in "${sizes[@]}"; do
    dir="$work/users-$users"
    [ -f "$dir/orders.csv" ] || "$bin" generate --users "$users" --seed 42 --out "$dir" --no-events >/dev/null 2>&1
    shop "generated-$users" "$dir/orders.csv" Europe/London
done
if [ "$uniform" -gt 0 ]; then
    csv="$work/uniform-$uniform/orders.csv"
    mkdir -p "$(dirname "$csv")"
    if [ ! -f "$csv" ]; then
        python3 "$repo/bench/reference/uniform_shop.py" "$csv.part" "$uniform" >/dev/null && mv "$csv.part" "$csv"
    fi
    shop "uniform-$uniform" "$csv" UTC
fi

# Growth from the smallest to the largest generated shop, and peak RSS on the largest.
if [ "${#sizes[@]}" -gt 1 ]; then
    small="generated-${sizes[0]}" large="generated-${sizes[${#sizes[@]} - 1]}"
    echo
    echo "== growth from $small to $large"
    awk -F'\t' -v s="$small" -v l="$large" '
        $1 == s { t[$2] = $3 } $1 == l { u[$2] = $3; k[$2] = $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
        END {
            printf "%-52s %8s %8s %8s %8s\n", "command", "small s", "large s", "growth", "peak MB"
            for (i = 1; i <= n; i++) {
                c = order[i]
                if (c == "lines") { printf "%-52s %8d %8d %7.2fx\n", "order lines", t[c], u[c], u[c] / t[c]; continue }
                printf "%-52s %8.2f %8.2f %7.2fx %8.0f\n", c, t[c], u[c], u[c] / (t[c] > 0 ? t[c] : 0.005), k[c] / 1024
            }
        }' "$results"
fi
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores); results in $results"
if [ "$failures" -gt 0 ]; then echo "FAILED: $failures commands (above)"; fi
if [ "$mismatches" -gt 0 ]; then
    echo "MISMATCH: $mismatches answers differ between lifecycle and DuckDB (copies in $work/mismatch-*)"
fi
[ "$mismatches" = 0 ] && [ "$failures" = 0 ]
