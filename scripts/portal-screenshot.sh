#!/usr/bin/env bash
# Logs in to the demo's portal as the municipality, saves the overview page as it is served
# (with its stylesheet beside it) and renders it in headless Chromium; checks the picture is a
# page with content, and that the page has no script and reaches nothing outside. Writes the PNG
# to $1 (default: target/portal-screenshot.png); docs/portal-screenshot.png is made with this.
#   scripts/portal-screenshot.sh [out.png] [lang: nl (default) or en]
set -euo pipefail
out="${1:-target/portal-screenshot.png}"
lang="${2:-nl}"
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
export QUOTAMONITOR_DATABASE_URL="sqlite://$work/demo.db"
(cd "$work" && exec "$bin" serve --demo --bind "127.0.0.1:$port") > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
base="http://127.0.0.1:$port"
password="demo-wachtwoord-$$"
(cd "$work" && printf '%s\n' "$password" | "$bin" user add --org GM0629 --email beleid@wassenaar.example \
    --name "Beleidsadviseur Wassenaar" --password-stdin) >/dev/null
jar="$work/cookies"
form_token="$(curl -fsS -c "$jar" -b "$jar" "$base/login" | grep -oE 'name="form_token" value="[0-9a-f]+"' | grep -oE '[0-9a-f]{64}')"
curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "email=beleid@wassenaar.example" \
    --data-urlencode "password=$password" --data-urlencode "form_token=$form_token" "$base/login"
year="$(grep -oE 'lettings of [0-9]{4}' "$work/serve.log" | grep -oE '[0-9]{4}')"
curl -fsS -c "$jar" -b "$jar" -o "$work/overview.html" "$base/municipalities/GM0629?year=$year&lang=$lang"
curl -fsS -o "$work/portal.css" "$base/assets/portal.css"
grep -q 'Uitloggen\|Log out' "$work/overview.html" || { echo "not logged in" >&2; exit 1; }
if grep -Eq '<script|src="https?:|href="https?:|@import' "$work/overview.html"; then
    echo "the portal page has a script or refers to outside resources" >&2
    exit 1
fi
sed -i 's|href="/assets/portal.css"|href="portal.css"|' "$work/overview.html"
mkdir -p "$(dirname "$out")"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chrome" --hide-scrollbars --window-size=1280,2000 \
    --screenshot="$out" "file://$work/overview.html" >/dev/null 2>&1
python3 - "$out" <<'PY'
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
chunks, i = [], 8
while i < len(data):
    length = struct.unpack(">I", data[i:i+4])[0]
    if data[i+4:i+8] == b"IDAT":
        chunks.append(data[i+8:i+8+length])
    i += 12 + length
raw = zlib.decompress(b"".join(chunks))
sample = raw[: min(len(raw), 4_000_000)]
colours = len(set(sample[j:j+3] for j in range(0, len(sample) - 3, 97)))
print(f"portal screenshot {path}: {width}x{height}, {colours} sampled colours")
assert width >= 1200 and height >= 1500, "unexpected size"
assert colours > 30, "the page looks blank"
PY
