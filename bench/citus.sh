#!/usr/bin/env bash
# PostgreSQL/Citus against SQLite, in the same run, from the same file: the real Online Retail
# dump (../shared/data, 541,909 lines) by default, or any online-retail layout file given (e.g.
# `lifecycle generate --users 36000 --no-events --out DIR` for about 1M lines, DIR/orders.csv).
# Starts a 2-worker Citus cluster with ../shared/citus/cluster.sh in a temporary directory
# (stopped at the end), builds lifecycle in release, and prints for each engine:
# - the import's seconds, rows/s and the lifecycle process's peak RSS, then a second import of
#   the same file (all duplicates);
# - the questions (rfm, weekly and monthly retention, activity, the report, the feature build)
#   the lifetime-value model (train clv, score clv) and the churn models (train churn with
#   logistic regression and with boosted trees, score churn), segments (train segments, the
#   segments report), recommendations (train, score) and satisfaction (train, the scores): wall
#   seconds and peak RSS of the
#   lifecycle process on each engine, and on Citus where the time went: CPU seconds of the
#   coordinator's and of the workers' servers during the command (each postmaster's own and its
#   exited backends' time, from /proc/PID/stat), against the client's own CPU; and the bytes the
#   client read from the server (rchar of its /proc/PID/io, bench/process_io.py), also per customer.
# Run as root (cluster.sh starts the servers as the postgres user).
# Usage: bench/citus.sh [FILE.csv[.gz]] [WORKDIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
file=${1:-$repo/../shared/data/online-retail/online_retail.csv.gz}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
[ -f "$file" ] || { echo "bench: no $file"; exit 1; }

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"

cluster=$(mktemp -d /tmp/lifecycle-bench-citus-XXXXXX)
chmod 711 "$cluster"
trap 'bash "$repo/../shared/citus/cluster.sh" stop "$cluster" >/dev/null 2>&1 || true; rm -rf "$cluster"' EXIT
url=$(bash "$repo/../shared/citus/cluster.sh" start "$cluster" 2 | tail -1)
"$bin" migrate --db "$url" >/dev/null

measure() {  # label command...  -> one table row, from the import's --json summary and GNU time
    local label=$1; shift
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$@" --json >"$work/summary.json" 2>"$work/stderr.txt" \
        || { cat "$work/stderr.txt" >&2; echo "bench: failed: $*" >&2; exit 1; }
    local out kb
    out=$(tail -1 "$work/time.txt"); kb=${out#* }
    python3 - "$label" "$kb" "$work/summary.json" <<'PY'
import json, sys
label, kb, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = json.load(open(path))[0]
print(f"{label:<36} {s['read']:>9} {s['loaded']:>9} {s['duplicates']:>9} {s['rejected']:>8} {s['seconds']:>8.2f} {s['rows_per_second']:>10.0f} {kb / 1024:>8.1f}")
PY
}

echo "file: $file"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-36s %9s %9s %9s %8s %8s %10s %8s\n" "run" "read" "loaded" "dupl." "rejected" "seconds" "rows/s" "peak MB"
rm -f "$work"/bench.db*
args=(--format online-retail --timezone Europe/London)
measure "SQLite: import" "$bin" import orders "$file" "${args[@]}" --db "$work/bench.db"
measure "Citus (2 workers): import" "$bin" import orders "$file" "${args[@]}" --db "$url"
measure "SQLite: same file again" "$bin" import orders "$file" "${args[@]}" --db "$work/bench.db"
measure "Citus (2 workers): same file again" "$bin" import orders "$file" "${args[@]}" --db "$url"

# CPU seconds used so far by the servers of one node: the postmaster and every backend it has
# reaped (utime + stime + cutime + cstime of /proc/PID/stat). A backend is reaped a moment after
# its client leaves: settle() waits until each node runs no more processes than when idle, so
# a command's backends are counted in its own row, not the next one's.
idle_processes() { pgrep -c -P "$(head -1 "$1/postmaster.pid")"; }
settle() {
    local node tries
    for node in "$cluster"/coordinator/ "$cluster"/worker*/; do
        for tries in $(seq 50); do
            [ "$(idle_processes "$node")" -le "${idle[$node]}" ] && break
            sleep 0.1
        done
    done
}
server_cpu() {  # node directory -> seconds
    local pid
    pid=$(head -1 "$1/postmaster.pid")
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13 + $14 + $15) / hz }' "/proc/$pid/stat"
}
calc() { awk "BEGIN { print $* }"; }
workers_cpu() {
    local total=0 node
    for node in "$cluster"/worker*/; do total=$(calc "$total + $(server_cpu "$node")"); done
    echo "$total"
}

ask() {  # label db command... -> "seconds peak_MB client_cpu bytes_read"
    local label=$1 db=$2; shift 2
    python3 "$repo/bench/process_io.py" -o "$work/time.txt" "$bin" "$@" --db "$db" >"$work/answer.out" 2>"$work/stderr.txt" \
        || { cat "$work/stderr.txt" >&2; echo "bench: failed: $label on $db" >&2; exit 1; }
    awk '{ printf "%.2f %.1f %.2f %d", $1, $2 / 1024, $3, $4 }' "$work/time.txt"
}

echo
echo "questions (release build; seconds and peak RSS of the lifecycle process; on Citus the CPU"
echo "seconds of the coordinator's and the workers' servers during the command, and the client's;"
customers=$("$bin" query "SELECT count(*) AS n FROM users" --format csv --db "$url" | tail -1)
echo "and the bytes the client read, in all and per customer, of $customers customers)"
printf "%-30s %9s %8s | %9s %8s %9s %9s %9s %9s %8s %7s\n" "question" "SQLite s" "peak MB" "Citus s" "peak MB" \
    "coord. s" "workers s" "client s" "read MB" "B/cust." "ratio"
questions=(
    "rfm|rfm --format csv"
    "rfm --as-of 2011-07-01|rfm --as-of 2011-07-01 --format csv"
    "retention (month)|retention --format csv"
    "retention --period week|retention --period week --format csv"
    "activity|activity --format csv"
    "report|report --out $work/report.html"
    "features build|features build"
    "train clv|train clv --format csv"
    "score clv|score clv --format csv"
    "train churn|train churn --format csv"
    "train churn --model gbt|train churn --model gbt --format csv"
    "score churn|score churn --format csv"
    "train segments --k 4|train segments --k 4 --format csv"
    "segments|segments --format csv"
    "train recommendations|train recommendations --format csv"
    "score recommendations|score recommendations --format csv"
    "train satisfaction|train satisfaction --format csv"
    "satisfaction|satisfaction --format csv"
)
declare -A idle
sleep 2
for node in "$cluster"/coordinator/ "$cluster"/worker*/; do idle[$node]=$(idle_processes "$node"); done
for entry in "${questions[@]}"; do
    label=${entry%%|*}
    read -r -a command <<<"${entry#*|}"
    read -r file_s file_mb _ <<<"$(ask "$label" "$work/bench.db" "${command[@]}")"
    settle
    coordinator_before=$(server_cpu "$cluster/coordinator"); workers_before=$(workers_cpu)
    read -r citus_s citus_mb client_cpu client_read <<<"$(ask "$label" "$url" "${command[@]}")"
    settle
    coordinator=$(calc "$(server_cpu "$cluster/coordinator") - $coordinator_before")
    workers=$(calc "$(workers_cpu) - $workers_before")
    [ -n "$file_s" ] && [ -n "$citus_s" ] || { echo "bench: $label failed" >&2; exit 1; }
    printf "%-30s %9.2f %8.1f | %9.2f %8.1f %9.2f %9.2f %9.2f %9.2f %8.1f %6.1fx\n" "$label" "$file_s" "$file_mb" "$citus_s" "$citus_mb" \
        "$coordinator" "$workers" "$client_cpu" "$(calc "$client_read / 1048576")" "$(calc "$client_read / $customers")" \
        "$(calc "$citus_s / ($file_s + 0.005)")"
done
