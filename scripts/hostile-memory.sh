#!/usr/bin/env bash
# What one ingest request can cost the service: starts the release binary afresh for each
# request shape (so its peak memory is that request's), sends the shape to
# POST /api/v1/lettings, and reports the answer and the server's peak resident memory (VmHWM
# from /proc/PID/status), next to an idle server and the 100000-letting ingest.
#
#   cargo build --release --bin quotamonitor
#   scripts/hostile-memory.sh [sqlite|postgres]
#
# QUOTAMONITOR_BIN picks the binary (default: $CARGO_TARGET_DIR or target, then
# release/quotamonitor). The server runs with the built-in settings (64 MiB bodies, 100000
# records, 2 concurrent ingests, 30 s to send a body), so the slow shape takes 30 seconds.
# Needs python3 and curl. Every figure should stay under 300 MiB.
set -euo pipefail
backend="${1:-sqlite}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${QUOTAMONITOR_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/quotamonitor}"
pg_server="${QUOTAMONITOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d)"
databases=()
server_pid=""

cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    if [[ "$backend" == postgres ]]; then
        for db in "${databases[@]}"; do
            psql "$pg_server" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
[[ -x "$bin" ]] || { echo "no binary at $bin; cargo build --release --bin quotamonitor" >&2; exit 2; }
case "$backend" in sqlite | postgres) ;; *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;; esac
export QUOTAMONITOR_LOG_LEVEL=warn
export QUOTAMONITOR_CONFIG_DIR="$root/config"

# --- the shapes ------------------------------------------------------------------------------
python3 - "$work" <<'PY'
import sys, os
work = sys.argv[1]
MIB64 = 64 * 1024 * 1024 - 1024          # just under the body limit

def letting(i, extra=""):
    return ('{"reference":"BENCH-%07d","municipality":"GM0629","contract_start":"2026-%02d-%02d",'
            '"rent":%d.%02d,"household_size":%d,"household_income":%d%s}'
            % (i, 1 + i % 11, 1 + i % 28, 450 + (i * 37) % 520, (i * 13) % 100, 1 + i % 5,
               14000 + (i * 7919) % 50000, extra))

def write(name, text):
    with open(os.path.join(work, name), "w") as f:
        f.write(text)

# The security review's record: a 200000-character reference and 20000 unknown keys (0.4 MB).
write("amplification.json", '[{"reference":"%s",%s}]' % (
    "R" * 200000, ",".join('"k%05d":0' % i for i in range(20000))))
# 3 MB of empty records.
write("empty-records.json", "[" + ",".join(["{}"] * 1000000) + "]")
# 6 MB of one-character CSV rows under a valid header.
header = "reference,municipality,contract_start,rent,household_size,household_income\n"
write("one-char-rows.csv", header + "x\n" * 3000000)
# 64 MiB of valid lettings: about 350000, far past the limit.
parts, size, i = [], 2, 0
while True:
    record = letting(i)
    if size + len(record) + 1 > MIB64:
        break
    parts.append(record); size += len(record) + 1; i += 1
write("many-records-64mib.json", "[" + ",".join(parts) + "]")
# 64 MiB of exactly 100000 records, each with an excluded_reason too long: the whole limit's
# worth of records, each invalid (100000 problems).
base = len(letting(0, ',"excluded_reason":""')) + 1
pad = (MIB64 - 2) // 100000 - base
write("invalid-100000-64mib.json",
      "[" + ",".join(letting(i, ',"excluded_reason":"%s"' % ("x" * pad)) for i in range(100000)) + "]")
# One CSV row of about 33 million cells (64 MiB).
row = "A,GM0629,2026-03-15,650.00,2,30000"
write("one-row-64mib.csv", header + row + ",x" * ((MIB64 - len(header) - len(row) - 1) // 2) + "\n")
# The real thing: 100000 valid lettings, the batch of benches/ingest.rs (18.9 MiB).
routes = ["regular", "regular", "regular", "local_priority", "direct", "swap"]
urgencies = ["null", "null", "null", '"status_holder"', '"medical"', "null", '"social"']
write("lettings-100000.json", '{"lettings":[' + ",".join(
    letting(i, ',"pension_age":%s,"route":"%s","urgency":%s'
            % ("true" if i % 9 == 0 else "false", routes[i % 6], urgencies[i % 7]))
    for i in range(100000)) + "]}")
PY

# --- one server per shape -----------------------------------------------------------------------
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

fresh_service() {
    local n=${#databases[@]}
    if [[ "$backend" == postgres ]]; then
        local db="qm_hostile_$$_$n"
        psql "$pg_server" -qc "CREATE DATABASE $db" >/dev/null
        databases+=("$db")
        export QUOTAMONITOR_DATABASE_URL="${pg_server%/*}/$db"
    else
        databases+=("$n")
        export QUOTAMONITOR_DATABASE_URL="sqlite://$work/db-$n.db"
    fi
    "$bin" org add --id GM0629 --kind municipality --name Wassenaar >/dev/null 2>&1
    "$bin" org add --id dwb --kind corporation --name DWB --municipality GM0629 >/dev/null 2>&1
    token="$("$bin" token create --org dwb 2>/dev/null)"
    local p
    p="$(port)"
    base="http://127.0.0.1:$p"
    "$bin" serve --bind "127.0.0.1:$p" >"$work/serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 150); do
        curl -fsS "$base/health" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "the service did not start:" >&2
    cat "$work/serve.log" >&2
    exit 1
}

stop_service() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$server_pid/status"; }

# Posts a file; prints "status bytes seconds".
post() {
    curl -s -o "$work/answer.json" -w '%{http_code} %{size_download} %{time_total}' \
        -H "Authorization: Bearer $token" -H "Content-Type: $2" \
        --data-binary @"$work/$1" "$base/api/v1/lettings" || true
}

size_of() { awk -v b="$(stat -c %s "$work/$1")" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.0f KB", b / 1000 }'; }
error_of() { python3 -c 'import json,sys
try: a = json.load(open(sys.argv[1]))
except Exception: print("-"); sys.exit()
if "received" in a: print("received %d" % a["received"])
else: print(a.get("error", "-") + ("" if "problems_total" not in a else ", problems_total %d (%d listed)" % (a["problems_total"], len(a["problems"]))))' "$work/answer.json"; }

echo "## peak memory per ingest shape ($backend, $(date -u +%F), $(nproc) cores, $(basename "$bin") $(stat -c %y "$bin" | cut -d. -f1))"
echo
echo "| shape | body | answer | answer size | time | server peak RSS (VmHWM) |"
echo "|---|---|---|---|---|---|"

fresh_service
curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/lettings/none" >/dev/null 2>&1 || true
echo "| idle server (health, one read) | - | - | - | - | $(mib "$(hwm_kb)") |"
stop_service

shape() { # label file content-type
    fresh_service
    read -r status bytes seconds <<<"$(post "$2" "$3")"
    echo "| $1 | $(size_of "$2") | $status $(error_of) | $bytes B | $(printf "%.2f" "$seconds") s | $(mib "$(hwm_kb)") |"
    stop_service
}
shape "one record, 200000-char reference, 20000 unknown keys" amplification.json application/json
shape "1000000 empty JSON records" empty-records.json application/json
shape "3000000 one-character CSV rows" one-char-rows.csv text/csv
shape "64 MiB of valid JSON lettings (~350000)" many-records-64mib.json application/json
shape "64 MiB: 100000 JSON records, each invalid" invalid-100000-64mib.json application/json
shape "64 MiB: one CSV row of 33 million cells" one-row-64mib.csv text/csv

# A body that arrives at one byte a second.
fresh_service
read -r status seconds < <(python3 - "${base#http://}" "$token" <<'PY'
import socket, sys, time
host, port = sys.argv[1].split(":")
s = socket.create_connection((host, int(port)))
s.sendall(("POST /api/v1/lettings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n" % sys.argv[2]).encode())
s.settimeout(1.0)
start, answer = time.time(), b""
while time.time() - start < 120:
    try:
        s.sendall(b"[")
    except OSError:
        pass
    try:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
        if b"\r\n\r\n" in answer:
            break
    except socket.timeout:
        pass
print(answer.split(b" ")[1].decode() if answer else "none", "%.1f" % (time.time() - start))
PY
)
echo "| a body sent at one byte a second | 100 KB declared | $status request_timeout | - | ${seconds} s | $(mib "$(hwm_kb)") |"
stop_service

# Two 64 MiB ingests at once (the default limit), and a third while they run.
fresh_service
post invalid-100000-64mib.json application/json >"$work/one" &
first=$!
cp "$work/invalid-100000-64mib.json" "$work/second.json"
curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    --data-binary @"$work/second.json" "$base/api/v1/lettings" >"$work/two" &
second=$!
sleep 0.3
third="$(curl -s -o /dev/null -w '%{http_code} after %{time_total}s' -H "Authorization: Bearer $token" \
    -H "Content-Type: application/json" --data-binary @"$work/amplification.json" "$base/api/v1/lettings")"
wait "$first" "$second"
echo "| two of the 64 MiB invalid batches at once; a third meanwhile | 2 × 64.0 MiB | $(cut -d' ' -f1 "$work/one"), $(cat "$work/two"); third: $third | - | - | $(mib "$(hwm_kb)") |"
stop_service

shape "100000 valid lettings (the ingest benchmark's batch)" lettings-100000.json application/json
