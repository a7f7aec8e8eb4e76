#!/usr/bin/env bash
# Churn learners benchmark: `lifecycle train churn --model logistic`, `--model gbt` and `--model
# sequence` (release build, wall-clock seconds and peak RSS of the whole command, and the fit's own
# seconds as the snapshot records them), then LightGBM and scikit-learn's
# HistGradientBoostingClassifier fitting the same feature rows with the same settings
# (bench/reference/churn_gbt.py), and PyTorch training the same GRU on the same histories
# (bench/reference/sequence_torch_train.py; skipped with a note when torch is not installed), in the
# same run, on Online Retail, on CDNOW (label: no purchase in the next 26 weeks) and on generated
# shops of USERS customers (36,000 and 180,000 by default: about 1M and 5M order lines). Holdout ROC
# AUC and log loss for each.
# Usage: bench/churn.sh [WORKDIR] [USERS...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
shift || true
sizes=("${@:-36000 180000}")
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
python3 -c 'import lightgbm, sklearn' 2>/dev/null || { echo "bench: needs pip install scikit-learn lightgbm"; exit 1; }

swift build --package-path "$repo" -c release --product lifecycle >&2
bin="$repo/.build/release/lifecycle"

train() {  # label db model [options...] -> one line
    local label=$1 db=$2 model=$3
    shift 3
    /usr/bin/time -o "$work/time.txt" -f '%e %M' "$bin" train churn --db "$db" --model "$model" "$@" --format json > "$work/train.json" 2>"$work/train.err" \
        || { cat "$work/train.err" >&2; exit 1; }
    read -r seconds rss < "$work/time.txt"
    python3 - "$work/train.json" "$label" "$model" "$seconds" "$rss" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
p, metric = m["parameters"], {r["metric"]: r["model"] for r in m["rows"]}
print(f"  lifecycle {sys.argv[2]:20s} iterations={p['iterations']} roc_auc={metric['ROC AUC']:.6f} log_loss={metric['log loss']:.6f} "
      f"fit_seconds={p['training_seconds']:.3f} command_seconds={float(sys.argv[4]):.2f} peak_rss_mb={int(sys.argv[5]) // 1024}")
PY
}

compare() {  # label db [horizon days]
    local label=$1 db=$2 days=${3:-90}
    echo "$label"
    train logistic "$db" logistic --horizon "${days}d"
    train "gbt, 100 rounds" "$db" gbt --horizon "${days}d" --validation-fraction 0 --max-iterations 100
    train gbt "$db" gbt --horizon "${days}d"
    train sequence "$db" sequence --horizon "${days}d"
    local as_of eval
    as_of=$(python3 -c "import json; print(json.load(open('$work/train.json'))['as_of'][:10])")
    eval=$(python3 -c "import json; print(json.load(open('$work/train.json'))['parameters']['evaluation_as_of'][:10])")
    python3 "$repo/bench/reference/churn_gbt.py" "$db" "$as_of" "$eval" "$days" | sed 's/^/  /'
    if python3 -c 'import torch' 2>/dev/null; then
        python3 "$repo/bench/reference/sequence_torch_train.py" "$db" "$as_of" "$eval" "$days" | sed 's/^/  /'
    else
        echo "  (PyTorch not installed: pip install torch to compare the sequence model)"
    fi
}

retail="$repo/../shared/data/online-retail/online_retail.csv.gz"
if [ -f "$retail" ]; then
    db="$work/online-retail.db"
    [ -f "$db" ] || "$bin" import orders "$retail" --format online-retail --timezone Europe/London --db "$db" >/dev/null 2>&1
    compare "Online Retail (541,909 lines)" "$db"
fi
cdnow="$repo/../shared/data/cdnow/CDNOW_master.txt"
if [ -f "$cdnow" ]; then
    db="$work/cdnow.db"
    [ -f "$db" ] || "$bin" import orders "$cdnow" --format cdnow --timezone UTC --db "$db" >/dev/null 2>&1
    compare "CDNOW master (69,659 purchases)" "$db" 182
fi
for users in ${sizes[@]}; do
    dir="$work/users-$users"
    db="$dir/churn.db"
    if [ ! -f "$db" ]; then
        [ -f "$dir/orders.csv" ] || "$bin" generate --users "$users" --seed 42 --out "$dir" >/dev/null
        "$bin" import users "$dir/users.csv" --format csv --db "$db" >/dev/null 2>&1
        "$bin" import orders "$dir/orders.csv" --format online-retail --timezone Europe/London --db "$db" >/dev/null 2>&1
        "$bin" import events "$dir/events.csv" --format csv --db "$db" >/dev/null 2>&1
    fi
    compare "generated shop, $users users ($(($(wc -l < "$dir/orders.csv") - 1)) lines)" "$db"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
