#!/usr/bin/env bash
# Prints the demo's half-year report as a reader gets it on paper, and checks it: H1 and H2,
# for the municipality and for the tenant association, as HTML printed by headless Chromium
# (e2e/report/check.mjs fails when a table is wider than the printable A4 area of its page)
# and as the report's own PDF (format=pdf), whose pages must be A4.
#   scripts/report-print.sh [out-dir]            check; files left in out-dir
#   scripts/report-print.sh --docs               also write the PNGs of docs/report/
# Needs: chromium, node/npm, pdftoppm and pdfinfo (poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
docs=""
if [[ "${1:-}" == "--docs" ]]; then docs="docs/report"; shift; fi
out="${1:-target/report-print}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
bin="${QUOTAMONITOR_BIN:-target/debug/quotamonitor}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
for tool in chromium node npm pdftoppm pdfinfo; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$work" && QUOTAMONITOR_DATABASE_URL="sqlite://$work/demo.db" exec "$bin" serve --demo --bind "127.0.0.1:$port") > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
eval "$(grep -E '^\s*export QM_[A-Z0-9_]+=qm_[0-9a-f]+' "$work/serve.log" | sed 's/#.*//')"
year="$(grep -oE 'lettings of [0-9]{4}' "$work/serve.log" | grep -oE '[0-9]{4}' | head -1)"
declare -A token=([municipality]="$QM_GM0629" [tenants]="$QM_HV_ROZENSTEIN")
htmls=()
for half in H1 H2; do
    for reader in municipality tenants; do
        name="$year-$half.$reader"
        url="http://127.0.0.1:$port/api/v1/municipalities/GM0629/reports/$year-$half"
        curl -fsS -H "Authorization: Bearer ${token[$reader]}" -o "$out/$name.html" "$url?format=html"
        curl -fsS -H "Authorization: Bearer ${token[$reader]}" -o "$out/$name.pdf" "$url?format=pdf"
        if grep -Eq '<script|src="https?:|href="https?:|@import' "$out/$name.html"; then
            echo "$name: the report page refers to outside resources" >&2
            exit 1
        fi
        # The report's own PDF: A4 pages (portrait 595x842 pt or landscape 842x595 pt).
        if pdfinfo -f 1 -l 999 "$out/$name.pdf" | grep -E '^Page +[0-9]+ size' | grep -vqE '(595\.28 x 841\.89|841\.89 x 595\.28)'; then
            echo "$name.pdf: a page that is not A4" >&2
            exit 1
        fi
        htmls+=("$out/$name.html")
    done
done
(cd e2e/report && { [[ -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund >/dev/null; })
mkdir -p "$out/printed"
node e2e/report/check.mjs --pdf "$out/printed" "${htmls[@]}"
for f in "$out"/printed/*.pdf; do
    pages="$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')"
    echo "$(basename "$f"): $pages pages printed from the HTML"
done
if [[ -n "$docs" ]]; then
    mkdir -p "$docs"
    rm -f "$docs"/*.png
    # The first page (the summary) and the first page of tables of each, at 75 dpi.
    for f in "$out"/printed/*.pdf "$out"/*.pdf; do
        kind="pdf"; [[ "$f" == */printed/* ]] && kind="html"
        for p in 1 2; do
            pdftoppm -png -r 75 -f "$p" -l "$p" -singlefile "$f" "$docs/$kind-$(basename "$f" .pdf)-p$p"
        done
    done
    ls -la "$docs"
fi
