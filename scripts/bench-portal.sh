#!/usr/bin/env bash
# The portal's pages against the quota API, in the same run, on a generated data set: for one
# municipality, each page fetched N times one after another by a logged-in person (curl with
# the session cookie), and the quota endpoint the same N times with a token; the median and the
# 90th percentile of each, and each page's median over the quota endpoint's.
#
#   cargo build --release --bin quotamonitor
#   scripts/bench-portal.sh sqlite national     # 340 municipalities, 2024-2026, 1000000 lettings a year
#   scripts/bench-portal.sh postgres year       # one year of real volume: 200000 lettings
#
# BENCH_REQUESTS sets N (default 41). QUOTAMONITOR_BIN picks the binary (default
# target/release/quotamonitor).
set -euo pipefail
backend="${1:-sqlite}"
size="${2:-national}"
requests="${BENCH_REQUESTS:-41}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${QUOTAMONITOR_BIN:-$root/target/release/quotamonitor}"
pg_server="${QUOTAMONITOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_db="qm_bench_portal_$$"
work="$(mktemp -d)"
municipality=GM1001
year=2026

cleanup() {
    [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null
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

echo "## $backend, $size data set ($(date -u +%F), $(nproc) cores, $requests requests each)"
"$bin" generate "${shape[@]}" 2>/dev/null | sed 's/^/generate: /'
if [[ "$backend" == postgres ]]; then psql "$QUOTAMONITOR_DATABASE_URL" -qc "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null; fi
token="$("$bin" token create --org "$municipality")"
password="bench-wachtwoord-$$"
printf '%s\n' "$password" | "$bin" user add --org "$municipality" --email bench@example.nl \
    --name "Bench" --password-stdin >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$bin" serve --bind "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.2; done
jar="$work/cookies"
form_token="$(curl -fsS -c "$jar" -b "$jar" "$base/login" | grep -oE 'name="form_token" value="[0-9a-f]+"' | grep -oE '[0-9a-f]{64}')"
curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=bench@example.nl" \
    --data-urlencode "password=$password" --data-urlencode "form_token=$form_token" "$base/login"

# time_total of N sequential requests, in ms, one per line (after one request to warm up).
times() {
    local url="$1"; shift
    curl -fsS -o /dev/null "$@" "$url"
    for _ in $(seq 1 "$requests"); do
        curl -fsS -o /dev/null -w '%{time_total}\n' "$@" "$url"
    done | awk '{ printf "%.2f\n", $1 * 1000 }'
}
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%s %s\n", v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)] }'; }

quota="$(times "$base/api/v1/municipalities/$municipality/quota?period=$year" -H "Authorization: Bearer $token" | stats)"
quota_median="${quota% *}"
printf '| %s | %s | %s | %s |\n' "page" "median ms" "p90 ms" "median / quota API"
printf '|---|---|---|---|\n'
printf '| quota API (`period=%s`) | %s | %s | 1.00 |\n' "$year" "${quota% *}" "${quota#* }"
for page in "/municipalities/$municipality?year=$year" "/municipalities/$municipality/signals" \
    "/municipalities/$municipality/afspraken" "/municipalities/$municipality/status-holders" \
    "/municipalities/$municipality/reports?year=$year"; do
    result="$(times "$base$page" -b "$jar" | stats)"
    ratio="$(awk -v a="${result% *}" -v b="$quota_median" 'BEGIN { printf "%.2f", a / b }')"
    printf '| `%s` | %s | %s | %s |\n' "$page" "${result% *}" "${result#* }" "$ratio"
done
