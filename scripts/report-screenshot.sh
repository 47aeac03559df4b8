#!/usr/bin/env bash
# Renders the demo's half-year HTML report in headless Chromium and checks the picture: an A4-wide
# page with content, not a blank or an error page. Writes the PNG to $1 (default:
# target/report-screenshot.png); docs/report-screenshot.png is made with this script.
#   scripts/report-screenshot.sh [out.png] [half-year, default: H1 of the demo's year]
set -euo pipefail
out="${1:-target/report-screenshot.png}"
half="${2:-}"
bin="${QUOTAMONITOR_BIN:-target/debug/quotamonitor}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$chromium" ]]; then
    echo "chromium is not installed (apt-get install chromium)" >&2
    exit 1
fi
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$work" && QUOTAMONITOR_DATABASE_URL="sqlite://$work/demo.db" exec "$bin" serve --demo --bind "127.0.0.1:$port") > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
eval "$(grep -E '^\s*export QM_[A-Z0-9_]+=qm_[0-9a-f]+' "$work/serve.log" | sed 's/#.*//')"
# By default the first half of the year the demo loaded.
half="${half:-$(grep -oE 'lettings of [0-9]{4}' "$work/serve.log" | grep -oE '[0-9]{4}')-H1}"
curl -fsS -H "Authorization: Bearer $QM_GM0629" -o "$work/report.html" \
    "http://127.0.0.1:$port/api/v1/municipalities/GM0629/reports/$half?format=html"
# The page must not reach outside: no scripts, no remote URLs.
if grep -Eq '<script|src="https?:|href="https?:|@import' "$work/report.html"; then
    echo "the report page refers to outside resources" >&2
    exit 1
fi
mkdir -p "$(dirname "$out")"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chrome" --hide-scrollbars --window-size=820,2600 \
    --screenshot="$out" "file://$work/report.html" >/dev/null 2>&1
python3 - "$out" <<'PY'
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
# Decode the image rows and count distinct colours: a rendered report has many.
chunks, i = [], 8
while i < len(data):
    length = struct.unpack(">I", data[i:i+4])[0]
    kind = data[i+4:i+8]
    if kind == b"IDAT":
        chunks.append(data[i+8:i+8+length])
    i += 12 + length
raw = zlib.decompress(b"".join(chunks))
sample = raw[: min(len(raw), 4_000_000)]
colours = len(set(sample[j:j+3] for j in range(0, len(sample) - 3, 97)))
print(f"report screenshot {path}: {width}x{height}, {colours} sampled colours")
assert width >= 800 and height >= 2000, "unexpected size"
assert colours > 50, "the page looks blank"
PY
