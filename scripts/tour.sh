#!/usr/bin/env bash
# Runs the README's five-minute tour against `serve --demo` on a fresh database and checks the
# answers: quota status with every metric for the total and each corporation.
#   scripts/tour.sh [sqlite|postgres]
# QUOTAMONITOR_BIN picks the binary (default: target/debug/quotamonitor).
set -euo pipefail
backend="${1:-sqlite}"
bin="${QUOTAMONITOR_BIN:-target/debug/quotamonitor}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
pg_server="${QUOTAMONITOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_db="qm_tour_$$"

cleanup() {
    [[ -n "${server_pid:-}" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    if [[ "$backend" == postgres ]]; then
        psql "$pg_server" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
    sqlite) export QUOTAMONITOR_DATABASE_URL="sqlite://$work/demo.db" ;;
    postgres)
        psql "$pg_server" -qc "CREATE DATABASE $pg_db" >/dev/null
        export QUOTAMONITOR_DATABASE_URL="${pg_server%/*}/$pg_db" ;;
    *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac

(cd "$work" && exec "$bin" serve --demo --bind "127.0.0.1:$port") > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.2
done

# The demo prints `export QM_...=qm_...` lines; take them as the README tells a reader to.
eval "$(grep -E '^\s*export QM_[A-Z0-9_]+=qm_[0-9a-f]+' "$work/serve.log" | sed 's/#.*//')"
BASE="http://127.0.0.1:$port"

echo "-- tour on $backend"
# 1. health, no token
curl -fsS "$BASE/health"; echo
# 2. the quota status for 2026 as the municipality sees it
curl -fsS -H "Authorization: Bearer $QM_GM0629" "$BASE/api/v1/municipalities/GM0629/quota?period=2026" > "$work/quota.json"
# 3. the same for the first half year, as a tenant association
curl -fsS -H "Authorization: Bearer $QM_HV_ROZENSTEIN" "$BASE/api/v1/municipalities/GM0629/quota?period=2026-H1" > "$work/quota-h1.json"
# 4. a corporation posts a letting (CSV from Dutch Excel) and reads it back
printf 'reference;municipality;contract_start;rent;household_size;household_income;urgency\nDWB-TOUR-1;GM0629;2026-11-02;712,50;2;28500;status_holder\n' \
  | curl -fsS -H "Authorization: Bearer $QM_DWB" -H 'Content-Type: text/csv' --data-binary @- "$BASE/api/v1/lettings" > "$work/post.json"
curl -fsS -H "Authorization: Bearer $QM_DWB" "$BASE/api/v1/lettings/DWB-TOUR-1" > "$work/letting.json"
# 5. another corporation may not see it, and an invalid record is refused with its problems
status_other=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $QM_WILLIBRORDUS" "$BASE/api/v1/lettings/DWB-TOUR-1")
status_bad=$(curl -s -o "$work/bad.json" -w '%{http_code}' -H "Authorization: Bearer $QM_DWB" -H 'Content-Type: application/json' \
  -d '[{"reference": "X-1", "municipality": "GM0629", "contract_start": "2023-01-01", "rent": 0, "household_size": 2, "household_income": 1}]' "$BASE/api/v1/lettings")

# 6. alerts; 7. the report as HTML (municipality) and XLSX (tenant association); 8. task and plan
curl -fsS -H "Authorization: Bearer $QM_GM0629" "$BASE/api/v1/municipalities/GM0629/alerts?state=all" > "$work/alerts.json"
curl -fsS -H "Authorization: Bearer $QM_GM0629" "$BASE/api/v1/municipalities/GM0629/headroom" > "$work/headroom.json"
curl -fsS -H "Authorization: Bearer $QM_GM0629" -o "$work/rapportage.html" "$BASE/api/v1/municipalities/GM0629/reports/2026-H1?format=html"
curl -fsS -H "Authorization: Bearer $QM_HV_ROZENSTEIN" -o "$work/rapportage.xlsx" "$BASE/api/v1/municipalities/GM0629/reports/2026-H1?format=xlsx"
curl -fsS -H "Authorization: Bearer $QM_GM0629" "$BASE/api/v1/municipalities/GM0629/status-holders" > "$work/status-holders.json"
curl -fsS -H "Authorization: Bearer $QM_GM0629" "$BASE/api/v1/municipalities/GM0629/allocation-plans/2026" > "$work/plan.json"

python3 - "$work" "$status_other" "$status_bad" <<'PY'
import json, sys
work, status_other, status_bad = sys.argv[1], sys.argv[2], sys.argv[3]
names = ["urgent_share", "rent_cap_share", "income_exemption_share", "passend_share", "local_priority_share"]
for f in ["quota.json", "quota-h1.json"]:
    q = json.load(open(f"{work}/{f}"))
    scopes = q["scopes"]
    assert scopes[0]["scope"] == "total", scopes[0]
    corporations = [s["corporation"] for s in scopes[1:]]
    assert corporations == ["dwb", "willibrordus"], corporations
    for s in scopes:
        assert [m["metric"] for m in s["metrics"]] == names, s
        assert s["lettings"] > 0, s
    states = {m["state"] for s in scopes for m in s["metrics"]}
    print(f, {s["corporation"] or "total": {m["metric"]: (m["share"], m["state"]) for m in s["metrics"]} for s in scopes})
    if f == "quota.json":
        assert states & {"warning", "breach"}, f"the demo should show signals: {states}"
post = json.load(open(f"{work}/post.json"))
assert post["received"] == 1, post
letting = json.load(open(f"{work}/letting.json"))
assert str(letting["rent"]) == "712.5" and letting["classification"]["passend_compliant"] is True, letting
assert status_other == "404", status_other
bad = json.load(open(f"{work}/bad.json"))
assert status_bad == "422" and {p["field"] for p in bad["problems"]} == {"contract_start", "rent"}, bad
alerts = json.load(open(f"{work}/alerts.json"))["alerts"]
assert alerts and all(a["history"] for a in alerts), "the demo raises alerts"
headroom = json.load(open(f"{work}/headroom.json"))
assert headroom["scopes"][0]["scope"] == "total", headroom
assert all("breach_after" in m for s in headroom["scopes"] for m in s["metrics"]), headroom
html = open(f"{work}/rapportage.html", encoding="utf-8").read()
assert html.startswith("<!DOCTYPE html>") and "Halfjaarrapportage" in html and html.count("<svg") == 5
assert open(f"{work}/rapportage.xlsx", "rb").read(2) == b"PK", "the XLSX is a zip"
holders = json.load(open(f"{work}/status-holders.json"))
assert any(h["target_set"] for h in holders["half_years"]), holders
plan = json.load(open(f"{work}/plan.json"))
assert plan["lines"] and plan["version"] >= 1, plan
print(f"alerts: {len(alerts)}, report html {len(html)} bytes, status holders {[(h['half_year'], h['housed'], h['balance']) for h in holders['half_years']]}")
print("tour ok")
PY
