#!/usr/bin/env bash
# Recommendations benchmark on the real Online Retail dump (../shared/data/online-retail): imports
# it into a fresh warehouse (release build), then runs `lifecycle train recommendations` RUNS times
# (temporal holdout evaluation of item-to-item and popularity, then the final fit, stored as a
# snapshot) and prints, per run, the seconds of the final neighbour computation (as the command
# reports it), the whole command's wall-clock seconds and peak RSS (GNU time); then
# `score recommendations` once; then the scipy reference on the same pairs (skipped without scipy).
# Usage: bench/recommendations.sh [WORKDIR]     (RUNS=3 by default)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
runs=${RUNS:-3}
data="$repo/../shared/data/online-retail/online_retail.csv.gz"
mkdir -p "$work"
[ -f "$data" ] || { echo "bench: $data is not present"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"
db="$work/online-retail.db"
rm -f "$db" "$db-wal" "$db-shm"
"$bin" import orders "$data" --format online-retail --timezone Europe/London --db "$db" >/dev/null 2>&1

printf "%-28s %14s %10s %10s\n" "run" "neighbours s" "total s" "peak MB"
for run in $(seq 1 "$runs"); do
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" train recommendations --db "$db" --format json \
        > "$work/train.json" 2>/dev/null
    read -r seconds kb < <(tail -1 "$work/time.txt")
    fit=$(python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["fit_seconds"])' "$work/train.json")
    awk -v r="train recommendations #$run" -v f="$fit" -v s="$seconds" -v k="$kb" \
        'BEGIN { printf "%-28s %14s %10.2f %10.1f\n", r, f, s, k / 1024 }'
done
/usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" score recommendations --db "$db" --format csv >/dev/null 2>&1
read -r seconds kb < <(tail -1 "$work/time.txt")
awk -v s="$seconds" -v k="$kb" 'BEGIN { printf "%-28s %14s %10.2f %10.1f\n", "score recommendations", "", s, k / 1024 }'

"$bin" train recommendations --db "$db" --format table 2>&1 | sed 's/^/  /'
if python3 -c 'import numpy, scipy' 2>/dev/null; then
    python3 "$repo/bench/reference/recommendations_scipy.py" "$db" recommendations@1
else
    echo "scipy reference skipped: pip install numpy scipy"
fi
