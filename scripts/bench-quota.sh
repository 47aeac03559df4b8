#!/usr/bin/env bash
# Read-path load test on loopback, bounded in time. For one backend and one data size it
# generates the data set, then measures side by side, in the same run:
#   - the service's quota endpoint (one municipality, one half year) under wrk;
#   - the ceiling: a minimal actix handler running the same aggregate SQL statement
#     (examples/quota_ceiling.rs), and the same handler returning a fixed JSON body;
#   - the same aggregate run by the database's own client (pgbench; for SQLite the sqlite3
#     library through Python's sqlite3 module);
#   - the time to produce the half-year report in each format.
#
#   cargo build --release --bin quotamonitor --example quota_ceiling
#   scripts/bench-quota.sh sqlite national    # 340 municipalities, 2024-2026, 1000000 lettings a year
#   scripts/bench-quota.sh postgres year      # one year of real volume: 200000 lettings
#
# BENCH_SECONDS sets each load phase's length (default 10), BENCH_ROUNDS how many times the
# service and the ceilings take turns (default 3; the median is reported). Needs wrk
# (apt-get install wrk).
set -euo pipefail
backend="${1:-sqlite}"
size="${2:-national}"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/target/release/quotamonitor"
ceiling="$root/target/release/examples/quota_ceiling"
pg_server="${QUOTAMONITOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_db="qm_bench_quota_$$"
work="$(mktemp -d)"
municipality=GM1001
period=2026-H1

cleanup() {
    kill ${pids:-} 2>/dev/null || true
    wait 2>/dev/null || true
    [[ "$backend" == postgres ]] && psql "$pg_server" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

case "$size" in
    national) shape=(--municipalities 340 --corporations 280 --from 2024 --to 2026 --per-year 1000000) ;;
    year) shape=(--municipalities 340 --corporations 280 --from 2026 --to 2026 --per-year 200000) ;;
    *) echo "size is national or year" >&2; exit 2 ;;
esac
case "$backend" in
    sqlite) export QUOTAMONITOR_DATABASE_URL="sqlite://$work/bench.db" ;;
    postgres)
        psql "$pg_server" -qc "CREATE DATABASE $pg_db" >/dev/null
        export QUOTAMONITOR_DATABASE_URL="${pg_server%/*}/$pg_db" ;;
    *) echo "backend is sqlite or postgres" >&2; exit 2 ;;
esac
export QUOTAMONITOR_LOG_LEVEL=warn

echo "## $backend, $size data set ($(date -u +%F), $(nproc) cores)"
"$bin" generate "${shape[@]}" 2>/dev/null | sed 's/^/generate: /'
# Statistics for the planner, and the generator's dirty pages flushed, so the measurement
# starts on a settled database.
if [[ "$backend" == postgres ]]; then psql "$QUOTAMONITOR_DATABASE_URL" -qc "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null; fi
token="$("$bin" token create --org "$municipality")"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
service_port="$(port)"; ceiling_port="$(port)"
"$bin" serve --bind "127.0.0.1:$service_port" > "$work/serve.log" 2>&1 & pids="$!"
"$ceiling" "127.0.0.1:$ceiling_port" > "$work/ceiling.log" 2>&1 & pids="$pids $!"
up=""
for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$service_port/health" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$ceiling_port/static" >/dev/null 2>&1; then
        up=yes
        break
    fi
    sleep 0.2
done
if [[ -z "$up" ]]; then
    echo "the service or the ceiling did not start:" >&2
    cat "$work/serve.log" "$work/ceiling.log" >&2
    exit 1
fi
from=2026-01-01; to=2026-06-30
lettings="$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$service_port/api/v1/municipalities/$municipality/quota?period=$period" | python3 -c 'import json,sys; print(json.load(sys.stdin)["scopes"][0]["lettings"])')"
echo "quota of $municipality for $period covers $lettings counted lettings"

# wrk: requests/s, p50 and p99 in ms
load() {
    wrk -t2 -c16 -d"${seconds}s" --latency "$@" 2>/dev/null | awk '
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        END { printf "%.0f %.2f %.2f\n", rps, ms(p50), ms(p99) }'
}
# The service and its ceilings take turns, BENCH_ROUNDS times each, and each column is the
# median over the rounds: on two shared cores a burst of noise (a scheduler hiccup, the
# database's background writer) then does not land on one side only.
for _ in $(seq 1 "$rounds"); do
    load -H "Authorization: Bearer $token" "http://127.0.0.1:$service_port/api/v1/municipalities/$municipality/quota?period=$period" >> "$work/service.txt"
    load "http://127.0.0.1:$ceiling_port/aggregate?municipality=$municipality&from=$from&to=$to" >> "$work/handler.txt"
    load "http://127.0.0.1:$ceiling_port/static" >> "$work/static.txt"
done
medians() { python3 -c 'import statistics, sys; rows = [l.split() for l in open(sys.argv[1]) if l.strip()]; print(" ".join(f"{statistics.median(float(r[i]) for r in rows):g}" for i in range(3)))' "$1"; }
read -r s_rps s_p50 s_p99 < <(medians "$work/service.txt")
read -r c_rps c_p50 c_p99 < <(medians "$work/handler.txt")
read -r f_rps f_p50 f_p99 < <(medians "$work/static.txt")
echo "rounds (requests/s p50 p99), service: $(paste -sd'|' "$work/service.txt"); handler: $(paste -sd'|' "$work/handler.txt")"

# The statement the service runs for a quota: the half year's months of the per-month
# aggregate, summed per corporation and classification (db::quota::count_period_groups).
sql="SELECT corporation, is_social, is_counted, urgency, within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant, CAST(SUM(lettings) AS BIGINT) FROM letting_month_counts WHERE municipality = '$municipality' AND contract_month >= ${from:0:4}${from:5:2} AND contract_month <= ${to:0:4}${to:5:2} GROUP BY corporation, is_social, is_counted, urgency, within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant"
if [[ "$backend" == postgres ]]; then
    echo "$sql;" > "$work/query.sql"
    read -r d_rps d_p50 < <(pgbench -n -T "$seconds" -c 2 -j 2 -f "$work/query.sql" "$QUOTAMONITOR_DATABASE_URL" 2>/dev/null | awk '/^tps/ { tps = $3 } /latency average/ { lat = $4 } END { printf "%.0f %.2f\n", tps, lat }')
    d_label="pgbench, 2 clients (tps, mean ms)"
else
    read -r d_rps d_p50 < <(python3 - "$work/bench.db" "$sql" "$seconds" <<'PY'
import sqlite3, sys, time
db, sql, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
conn = sqlite3.connect(db)
n, start, times = 0, time.perf_counter(), []
while time.perf_counter() - start < seconds:
    t = time.perf_counter(); conn.execute(sql).fetchall(); times.append(time.perf_counter() - t); n += 1
times.sort()
print(f"{n / (time.perf_counter() - start):.0f} {1000 * times[len(times) // 2]:.2f}")
PY
)
    d_label="sqlite3 library, 1 client (per s, p50 ms)"
fi

echo
echo "| path (median of $rounds rounds of ${seconds} s) | requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|"
echo "| service: GET quota ($period) | $s_rps | $s_p50 | $s_p99 |"
echo "| ceiling: minimal actix handler, same aggregate SQL | $c_rps | $c_p50 | $c_p99 |"
echo "| ceiling: actix fixed JSON body | $f_rps | $f_p50 | $f_p99 |"
echo "| database client: same SQL, $d_label | $d_rps | $d_p50 | |"
python3 -c "print(f'| service / aggregate handler | {$s_rps / max($c_rps, 1):.0%} of requests/s | | {$s_p99 / max($c_p99, 0.001):.2f}x p99 |')"

echo
echo "| report $period | median of 21 (ms) |"
echo "|---|---|"
for format in json csv xlsx html; do
    times=()
    for _ in $(seq 1 21); do
        times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$service_port/api/v1/municipalities/$municipality/reports/$period?format=$format")")
    done
    median="$(printf '%s\n' "${times[@]}" | sort -n | sed -n 11p)"
    python3 -c "print(f'| $format | {1000 * $median:.1f} |')"
done
