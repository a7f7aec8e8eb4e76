#!/usr/bin/env bash
# Import into PostgreSQL/Citus against SQLite, in the same run, from the same file: the real
# Online Retail dump (../shared/data, 541,909 lines) by default, or any online-retail layout
# file given. Starts a 2-worker Citus cluster with ../shared/citus/cluster.sh in a temporary
# directory (stopped at the end), builds lifecycle in release, and prints for each engine the
# import's seconds, rows/s and the lifecycle process's peak RSS, then a second import of the same
# file (all duplicates). Run as root (cluster.sh starts the servers as the postgres user).
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
