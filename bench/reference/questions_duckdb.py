#!/usr/bin/env python3
"""The questions of bench/questions.sh answered by DuckDB, with the definitions of docs/QUERIES.md
and docs/LEARNING.md written in DuckDB SQL, and the answer written in the CSV layout of
`lifecycle ... --format csv` as docs/OUTPUT.md fixes it (headers: the JSON row keys; money exact
with trailing zeros dropped; reals and shares as the shortest text of the double, shares as
fractions; booleans `true`/`false`; null empty), so the two files can be compared cell by cell.

It reads the rows the warehouse holds, exported by bench/questions.sh (`load`, not timed):
orders (id, customer = users.external_id or empty for a guest, user_id = users.id, whose shuffle
breaks RFM's ties, ordered_at in Unix seconds UTC, kind, amount_micros, country = users.country)
and order lines (order_id, product_id). Periods are
taken in UTC: the bench warehouses have no reporting time zone. The bench shops have no events,
so the event features are those of a user without events (0 or NULL).

Usage:
  questions_duckdb.py load DB.duckdb ORDERS.csv LINES.csv
  questions_duckdb.py ask DB.duckdb OUT.csv QUESTION [OPTIONS]   prints the seconds taken
      QUESTION: rfm | retention | activity | features, with lifecycle's options
      (--as-of DATE, --since DATE, --country NAME, --period, --mode, --metric, --cohort)
  questions_duckdb.py compare LIFECYCLE.csv DUCKDB.csv          exit 1 when they differ: reals and
      shares within 1e-9 relative, every other cell the same text (see REAL below)
The seconds of `ask` run from opening the database to the closed CSV file (connect, queries,
formatting, writing); starting Python and importing duckdb are not counted.
"""
import argparse
import csv
import math
import sys
import time
from datetime import date, datetime, timedelta, timezone

EPOCH = date(1970, 1, 1)

# The standard segment grid (migration 0005's rfm_segment_map), in display order.
SEGMENTS = [("Champions", "54 55"), ("Loyal Customers", "34 35 44 45"), ("Potential Loyalists", "42 43 52 53"),
            ("New Customers", "51"), ("Promising", "41"), ("Need Attention", "33"), ("About To Sleep", "31 32"),
            ("Can't Lose Them", "15 25"), ("At Risk", "13 14 23 24"), ("Hibernating", "11 12 21 22")]
CELL_SEGMENT = {int(cell): name for name, cells in SEGMENTS for cell in cells.split()}
POSITION = {name: index for index, (name, _) in enumerate(SEGMENTS)}


# Formatting, as the CLI's machine output (docs/OUTPUT.md "Values"; Sources/Warehouse/Output/Cell.swift).
def money(micros):
    """Money: the exact decimal of the micro-units, trailing zeros dropped (`2228427.401`, `12.5`, `3`)."""
    sign = "-" if micros < 0 else ""
    whole, fraction = divmod(abs(micros), 1_000_000)
    fraction = f"{fraction:06d}".rstrip("0")
    return f"{sign}{whole}" + (f".{fraction}" if fraction else "")


def real(value):
    """A real or a share: the shortest text that reads back to the same double; empty (null) when absent or not finite."""
    return "" if value is None or not math.isfinite(value) else repr(float(value))


def flag(value):
    """A bool: `true` / `false`."""
    return "true" if value else "false"


def round_away(x):
    """SQLite's round(): half away from zero."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


# Periods: day numbers since 1970-01-01 (UTC), ISO weeks from Monday, months as year * 12 + month - 1.
def period_sql(period, day):
    if period == "day":
        return day
    if period == "week":
        return f"(({day}) + 3) // 7"
    return f"(year(DATE '1970-01-01' + CAST({day} AS INTEGER)) * 12 + month(DATE '1970-01-01' + CAST({day} AS INTEGER)) - 1)"


def period_of_day(period, day):
    if period == "day":
        return day
    if period == "week":
        return (day + 3) // 7
    d = EPOCH + timedelta(days=day)
    return d.year * 12 + d.month - 1


def first_day(period, n):
    if period == "day":
        return n
    if period == "week":
        return n * 7 - 3
    return (date(n // 12, n % 12 + 1, 1) - EPOCH).days


def next_first_day(period, n):
    return first_day(period, n + 1)


def label(period, n):
    start = EPOCH + timedelta(days=first_day(period, n))
    if period == "day":
        return start.isoformat()
    if period == "week":
        year, week, _ = (start + timedelta(days=3)).isocalendar()
        return f"{year}-W{week:02d}"
    return start.isoformat()[:7]


def instant(text):
    """A --as-of/--since date (midnight UTC: no reporting zone) as Unix seconds."""
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def scope(con, options):
    """as-of (default: midnight UTC after the last order of any kind) and the WHERE of the rows."""
    if options.as_of:
        as_of = instant(options.as_of)
    else:
        as_of = (con.execute("SELECT max(ordered_at) FROM orders").fetchone()[0] // 86400 + 1) * 86400
    where = f"customer IS NOT NULL AND ordered_at < {as_of}"
    if options.country:
        where += " AND country = '" + options.country.replace("'", "''") + "'"
    return as_of, where


def rfm(con, options):
    as_of, where = scope(con, options)
    if options.since:
        where += f" AND ordered_at >= {instant(options.since)}"
    rows = con.execute(f"""
        WITH customers AS (
            SELECT customer, any_value(user_id) AS user_id, ({as_of} - max(ordered_at) FILTER (WHERE kind = 'purchase')) // 86400 AS recency,
                   count(*) FILTER (WHERE kind = 'purchase') AS frequency, sum(amount_micros) AS monetary
            FROM orders WHERE {where} AND kind IN ('purchase', 'return')
            GROUP BY customer HAVING count(*) FILTER (WHERE kind = 'purchase') > 0),
        scored AS (
            SELECT recency, frequency, monetary,
                   ntile(5) OVER (ORDER BY -recency, tie) AS r, ntile(5) OVER (ORDER BY frequency, tie) AS f
            FROM (SELECT *, (((user_id & 2147483647) * 1327217885) & 2147483647) | (user_id & -2147483648) AS tie FROM customers))
        SELECT r * 10 + f, count(*), sum(recency), sum(frequency), sum(monetary) FROM scored GROUP BY 1""").fetchall()
    segments = {}
    for cell, users, recency, frequency, revenue in rows:
        total = segments.setdefault(CELL_SEGMENT[cell], [0, 0, 0, 0])
        for index, value in enumerate((users, recency, frequency, revenue)):
            total[index] += int(value)
    customers = sum(s[0] for s in segments.values())
    revenue = sum(s[3] for s in segments.values())
    out = []
    for name in sorted(segments, key=POSITION.get):
        users, recency, frequency, micros = segments[name]
        out.append([name, users, real(users / customers), real(recency / users), real(frequency / users),
                    money(round_away(micros / users)), money(micros), real(micros / revenue) if revenue else ""])
    return ["segment", "users", "share", "avg_recency_days", "avg_frequency", "avg_monetary", "revenue", "revenue_share"], out


def retention(con, options):
    as_of, where = scope(con, options)
    period = options.period
    last = period_of_day(period, (as_of - 1) // 86400)
    as_of_n = period_of_day(period, as_of // 86400)
    if options.cohort == "first-purchase":
        members = "SELECT customer, first_n AS c, last_n FROM spans"
    else:
        members = "SELECT a.customer, a.n AS c, s.last_n FROM acts a JOIN spans s USING (customer) WHERE a.orders > 0"
    since = f"WHERE c >= {period_of_day(period, instant(options.since) // 86400)}" if options.since else ""
    money_columns = options.metric != "users"
    rows = con.execute(f"""
        WITH acts AS (
            SELECT customer, {period_sql(period, 'ordered_at // 86400')} AS n,
                   count(*) FILTER (WHERE kind = 'purchase') AS orders, sum(amount_micros) AS revenue
            FROM orders WHERE {where} AND kind IN ('purchase', 'return')
            GROUP BY ALL),
        spans AS (SELECT customer, min(n) AS first_n, max(n) AS last_n FROM acts WHERE orders > 0 GROUP BY customer),
        members AS ({members}),
        sizes AS (SELECT c, count(*) AS users FROM members {since} GROUP BY c),
        grid AS (SELECT c, users, unnest(range(0, {last} - c + 1)) AS k FROM sizes),
        reach AS (SELECT c, last_n - c AS k, count(*) AS ended FROM members GROUP BY ALL),
        active AS (
            SELECT m.c, a.n - m.c AS k, count(*) FILTER (WHERE a.orders > 0) AS active_users,
                   sum(a.orders) AS orders, sum(a.revenue) AS revenue
            FROM members m JOIN acts a ON a.customer = m.customer AND a.n >= m.c
            WHERE {'TRUE' if money_columns else 'a.orders > 0'}
            GROUP BY ALL)
        SELECT g.c, g.k, g.users, coalesce(a.active_users, 0),
               sum(coalesce(r.ended, 0)) OVER (PARTITION BY g.c ORDER BY g.k DESC ROWS UNBOUNDED PRECEDING),
               coalesce(a.orders, 0), coalesce(a.revenue, 0)
        FROM grid g
        LEFT JOIN active a ON a.c = g.c AND a.k = g.k
        LEFT JOIN reach r ON r.c = g.c AND r.k = g.k
        ORDER BY g.c, g.k""").fetchall()
    out = []
    base = None
    names = {}  # cohort -> (label, start), computed once per cohort
    for c, k, users, active, reached, orders, revenue in rows:
        if options.metric == "users":
            value, base = (active if options.mode == "classic" else reached), users
        else:
            value = orders if options.metric == "orders" else revenue
            if k == 0:
                base = value
        if c not in names:
            names[c] = (label(period, c), (EPOCH + timedelta(days=first_day(period, c))).isoformat())
        show = money if options.metric == "revenue" else str
        out.append([*names[c], users, show(base), k, show(value), real(value / base) if base else "", flag(c + k < as_of_n)])
    return ["cohort", "cohort_start", "cohort_users", "base", "k", "value", "share", "complete"], out


def activity(con, options):
    as_of, where = scope(con, options)
    period = options.period
    n_of = lambda column: period_sql(period, column)
    end_day = (as_of - 1) // 86400 + 1  # the first day not observed
    # Months: the rolling WAU of every observed day (the users active that day or the six days
    # before), summed per month; each active day covers itself and the six days after it.
    weekly = f"""
        UNION ALL SELECT 'w', {period_sql('month', 'day')}, count(*), 0, 0, 0, 0, 0
        FROM (SELECT DISTINCT customer, day + k AS day FROM days, range(7) AS shift(k) WHERE day + k < {end_day}) GROUP BY 2""" \
        if period == "month" else ""
    tables = con.execute(f"""
        WITH days AS (SELECT DISTINCT customer, ordered_at // 86400 AS day FROM orders WHERE {where} AND kind = 'purchase'),
        pairs AS (SELECT customer, {n_of('day')} AS n, count(*) AS days FROM days GROUP BY ALL),
        states AS (SELECT n, days, lag(n) OVER w AS previous, lead(n) OVER w AS following
                   FROM pairs WINDOW w AS (PARTITION BY customer ORDER BY n)),
        per_period AS (
            SELECT n, count(*) AS active, sum(days) AS user_days, count(*) FILTER (WHERE previous IS NULL) AS new_users,
                   count(*) FILTER (WHERE previous = n - 1) AS returning_users,
                   count(*) FILTER (WHERE previous < n - 1) AS resurrecting_users,
                   0 AS dormant
            FROM states GROUP BY n
            UNION ALL
            SELECT n + 1, 0, 0, 0, 0, 0, count(*) FROM states WHERE following IS NULL OR following > n + 1 GROUP BY n + 1),
        money AS (
            SELECT {n_of('ordered_at // 86400')} AS n, count(*) FILTER (WHERE kind = 'purchase') AS orders, sum(amount_micros) AS revenue
            FROM orders WHERE {where} AND kind IN ('purchase', 'return') GROUP BY 1),
        firsts AS (
            SELECT {n_of('first_at // 86400')} AS n, count(*) AS first_purchases
            FROM (SELECT min(ordered_at) AS first_at FROM orders WHERE {where} AND kind = 'purchase' GROUP BY customer) GROUP BY 1)
        SELECT 'a', n, sum(active), sum(user_days), sum(new_users), sum(returning_users), sum(resurrecting_users), sum(dormant) FROM per_period GROUP BY n
        UNION ALL SELECT 'm', n, orders, revenue, 0, 0, 0, 0 FROM money
        UNION ALL SELECT 'f', n, first_purchases, 0, 0, 0, 0, 0 FROM firsts{weekly}""").fetchall()
    active, money_by, firsts, weekly_by = {}, {}, {}, {}
    for kind, n, *values in tables:
        {"a": active, "m": money_by, "f": firsts, "w": weekly_by}[kind][n] = [int(v) for v in values]
    last = period_of_day(period, (as_of - 1) // 86400)
    as_of_n = period_of_day(period, as_of // 86400)
    seen = [n for n, v in active.items() if v[0] > 0]
    start = period_of_day(period, instant(options.since) // 86400) if options.since else (min(seen) if seen else last)
    out, previous_active = [], None
    for n in range(start, last + 1):
        users, user_days, new, returning, resurrecting, dormant = active.get(n, [0] * 6)
        orders, revenue = money_by.get(n, [0, 0])[:2]
        days = min(next_first_day(period, n), end_day) - first_day(period, n)
        dau = user_days / days if days > 0 else None
        wau = weekly_by.get(n, [0])[0] / days if period == "month" and days > 0 else None
        stickiness = "" if period == "day" else (real(dau / users) if users > 0 and dau is not None else "")
        churn = real(dormant / previous_active) if previous_active else ""
        start_day = (EPOCH + timedelta(days=first_day(period, n))).isoformat()
        out.append([label(period, n), start_day, flag(n < as_of_n), days, users, real(dau), real(wau), stickiness,
                    new, returning, resurrecting, dormant, churn, firsts.get(n, [0])[0], orders, money(revenue)])
        previous_active = users
    return ["period", "start", "complete", "days", "active_users", "avg_dau", "avg_wau", "stickiness", "new", "returning",
            "resurrecting", "dormant", "churn", "first_purchases", "orders", "revenue"], out


FEATURE_COLUMNS = ["customer", "recency_days", "frequency", "monetary_micros", "tenure_days", "avg_order_value_micros",
                   "orders_30d", "orders_90d", "orders_365d", "revenue_30d_micros", "revenue_90d_micros",
                   "revenue_365d_micros", "mean_days_between_orders", "sd_days_between_orders", "returns_count",
                   "return_share", "distinct_products", "views_30d", "carts_30d", "purchase_events_30d", "reviews_30d",
                   "days_since_last_event", "avg_review_score", "country"]


def features(con, options):
    """sql/user_features.sql for one as-of, for shops without events."""
    as_of, where = scope(con, options)
    rows = con.execute(f"""
        WITH purchases AS (SELECT id, customer, ordered_at, amount_micros, country FROM orders WHERE {where} AND kind = 'purchase'),
        per_user AS (
            SELECT customer, any_value(country) AS country, count(*) AS frequency, min(ordered_at) AS first_at,
                   max(ordered_at) AS last_at, sum(amount_micros) AS gross,
                   count(*) FILTER (WHERE ordered_at >= {as_of - 30 * 86400}) AS o30,
                   count(*) FILTER (WHERE ordered_at >= {as_of - 90 * 86400}) AS o90,
                   count(*) FILTER (WHERE ordered_at >= {as_of - 365 * 86400}) AS o365,
                   coalesce(sum(amount_micros) FILTER (WHERE ordered_at >= {as_of - 30 * 86400}), 0) AS r30,
                   coalesce(sum(amount_micros) FILTER (WHERE ordered_at >= {as_of - 90 * 86400}), 0) AS r90,
                   coalesce(sum(amount_micros) FILTER (WHERE ordered_at >= {as_of - 365 * 86400}), 0) AS r365
            FROM purchases GROUP BY customer),
        gaps AS (SELECT customer, (ordered_at - lag(ordered_at) OVER (PARTITION BY customer ORDER BY ordered_at, id)) / 86400.0 AS gap
                 FROM purchases),
        gap_stats AS (SELECT customer, avg(gap) AS mean_gap, sqrt(greatest(avg(gap * gap) - avg(gap) * avg(gap), 0)) AS sd_gap
                      FROM gaps WHERE gap IS NOT NULL GROUP BY customer),
        returns AS (SELECT customer, count(*) AS n, sum(amount_micros) AS micros FROM orders WHERE {where} AND kind = 'return' GROUP BY customer),
        products AS (SELECT p.customer, count(DISTINCT l.product_id) AS n FROM purchases p JOIN lines l ON l.order_id = p.id GROUP BY p.customer)
        SELECT u.customer, ({as_of} - u.last_at) / 86400.0, u.frequency, u.gross + coalesce(r.micros, 0),
               ({as_of} - u.first_at) / 86400.0, CAST(trunc(u.gross / u.frequency) AS BIGINT), u.o30, u.o90, u.o365, u.r30, u.r90, u.r365,
               g.mean_gap, g.sd_gap, coalesce(r.n, 0), coalesce(r.n, 0) * 1.0 / u.frequency, coalesce(p.n, 0),
               0, 0, 0, 0, NULL, NULL, u.country
        FROM per_user u
        LEFT JOIN gap_stats g USING (customer) LEFT JOIN returns r USING (customer) LEFT JOIN products p USING (customer)
        ORDER BY u.customer""").fetchall()
    return FEATURE_COLUMNS, [["" if v is None else v for v in row] for row in rows]


QUESTIONS = {"rfm": rfm, "retention": retention, "activity": activity, "features": features}


def ask(arguments):
    import duckdb
    parser = argparse.ArgumentParser(prog="questions_duckdb.py ask")
    parser.add_argument("db")
    parser.add_argument("out")
    parser.add_argument("question", choices=sorted(QUESTIONS))
    parser.add_argument("--as-of", dest="as_of")
    parser.add_argument("--since")
    parser.add_argument("--country")
    parser.add_argument("--period", default="month", choices=["day", "week", "month"])
    parser.add_argument("--mode", default="classic", choices=["classic", "unbounded"])
    parser.add_argument("--metric", default="users", choices=["users", "orders", "revenue"])
    parser.add_argument("--cohort", default="first-purchase", choices=["first-purchase", "recurring"])
    options = parser.parse_args(arguments)
    started = time.perf_counter()
    con = duckdb.connect(options.db, read_only=True)
    header, rows = QUESTIONS[options.question](con, options)
    with open(options.out, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    con.close()
    print(f"{time.perf_counter() - started:.3f}")


def load(arguments):
    import duckdb
    db, orders, lines = arguments
    con = duckdb.connect(db)
    con.execute(f"""CREATE OR REPLACE TABLE orders AS SELECT * FROM read_csv('{orders}', header = true, delim = ',', quote = '"', escape = '"', columns = {{
                        'id': 'BIGINT', 'customer': 'VARCHAR', 'user_id': 'BIGINT', 'ordered_at': 'BIGINT', 'kind': 'VARCHAR',
                        'amount_micros': 'BIGINT', 'country': 'VARCHAR'}})""")
    con.execute(f"""CREATE OR REPLACE TABLE lines AS SELECT * FROM read_csv('{lines}', header = true, delim = ',', columns = {{
                        'order_id': 'BIGINT', 'product_id': 'BIGINT'}})""")
    print(con.execute("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM lines)").fetchone())
    con.close()


# How two answers are compared (docs/OUTPUT.md "Values"). Reals and shares are written by both
# sides as the shortest text of a double; both compute each as the same quotient of exact integers
# (share = users / customers, avg_dau = user_days / days, ...), so they should agree to the bit,
# but a double summed in another order (the features' mean and standard deviation of gaps,
# DuckDB's parallel sums) may differ in its last bits. They are equal within 1e-9 relative
# (absolute for magnitudes below 1, as shares are): millions of ulps of slack, while one unit more
# or less in any count behind them (customers, orders, user-days: all below 10^9) moves them by more than that; a null (empty) real equals only a null. Every other cell (integers, money, text,
# dates, booleans, and the features' integer micro-units) must be the same text: money is exact
# and written in one form (trailing zeros dropped), so equal amounts are equal texts.
REAL = {
    # rfm
    "share", "avg_recency_days", "avg_frequency", "revenue_share",
    # activity (retention's only real is "share")
    "avg_dau", "avg_wau", "stickiness", "churn",
    # the stored feature rows
    "recency_days", "tenure_days", "mean_days_between_orders", "sd_days_between_orders", "return_share",
    "days_since_last_event", "avg_review_score"}
RELATIVE = 1e-9


def same(column, a, b):
    if a == b:
        return True
    if column not in REAL or a == "" or b == "":
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return math.isfinite(x) and math.isfinite(y) and abs(x - y) <= RELATIVE * max(1.0, abs(x), abs(y))


def compare(arguments):
    left_path, right_path = arguments
    with open(left_path, newline="") as handle:
        left = list(csv.reader(handle))
    with open(right_path, newline="") as handle:
        right = list(csv.reader(handle))
    problems = []
    if not left or not right or left[0] != right[0]:
        problems.append(f"headers differ: {left[0] if left else None} / {right[0] if right else None}")
    elif len(left) != len(right):
        problems.append(f"{len(left) - 1} rows / {len(right) - 1} rows")
    else:
        header = left[0]
        for number, (a, b) in enumerate(zip(left[1:], right[1:]), start=2):
            if len(a) != len(header) or len(b) != len(header):
                problems.append(f"line {number}: {len(a)} / {len(b)} fields for {len(header)} columns")
            for column, x, y in zip(header, a, b):
                if not same(column, x, y):
                    problems.append(f"line {number}, {column}: {x!r} / {y!r}")
            if len(problems) >= 5:
                break
    if problems:
        print("MISMATCH " + left_path + " / " + right_path + ": " + "; ".join(problems[:5]))
        sys.exit(1)
    print(f"equal ({len(left) - 1} rows)")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "ask":
        ask(sys.argv[2:])
    elif command == "load":
        load(sys.argv[2:])
    elif command == "compare":
        compare(sys.argv[2:])
    else:
        sys.exit(__doc__)
