#!/usr/bin/env bash
# The portal's end-to-end tests in headless Chromium (e2e/portal/, docs/portal.md): starts
# `serve --demo` on a fresh database, adds a person to the municipality, a corporation and a tenant
# association, and runs the tests (playwright-core driving Debian's chromium, axe-core on every
# page) with `node --test`. Builds nothing: QUOTAMONITOR_BIN is the binary to test.
#   scripts/portal-e2e.sh [sqlite|postgres]...      (default: sqlite)
# SCREENSHOT_DIR=docs/portal saves a screenshot of every page for each kind of user (made smaller
# with pngquant when it is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
backends=("$@")
[[ ${#backends[@]} -eq 0 ]] && backends=(sqlite)
bin="${QUOTAMONITOR_BIN:-target/debug/quotamonitor}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [[ -z "$CHROMIUM" ]]; then
    echo "chromium is not installed (apt-get install chromium)" >&2
    exit 1
fi
command -v node >/dev/null || { echo "node (20 or later) is not installed" >&2; exit 1; }
pg_server="${QUOTAMONITOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if [[ -n "${SCREENSHOT_DIR:-}" ]]; then
    mkdir -p "$SCREENSHOT_DIR"
    SCREENSHOT_DIR="$(cd "$SCREENSHOT_DIR" && pwd)"
    export SCREENSHOT_DIR
fi

# The packages by name from the registry, as the lock file pins them; never a browser download.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
(cd e2e/portal && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)

work="$(mktemp -d)"
pg_db=""
cleanup() {
    if [[ -n "${server_pid:-}" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    [[ -n "$pg_db" ]] && psql "$pg_server" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

run_backend() {
    local backend="$1" dir="$work/$1"
    mkdir -p "$dir"
    case "$backend" in
        sqlite) export QUOTAMONITOR_DATABASE_URL="sqlite://$dir/demo.db" ;;
        postgres)
            pg_db="qm_e2e_$$"
            psql "$pg_server" -qc "CREATE DATABASE $pg_db" >/dev/null
            export QUOTAMONITOR_DATABASE_URL="${pg_server%/*}/$pg_db" ;;
        *) echo "usage: $0 [sqlite|postgres]..." >&2; exit 2 ;;
    esac
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    # Failed logins are budgeted per address; the tests make a few on purpose.
    (cd "$dir" && exec "$bin" serve --demo --bind "127.0.0.1:$port") > "$dir/serve.log" 2>&1 &
    server_pid=$!
    local up=""
    for _ in $(seq 1 150); do
        if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then up=1; break; fi
        sleep 0.2
    done
    if [[ -z "$up" ]]; then echo "serve --demo did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; fi

    export QM_E2E_BASE="http://127.0.0.1:$port"
    export QM_E2E_BACKEND="$backend"
    export QM_E2E_DATABASE_URL="$QUOTAMONITOR_DATABASE_URL"
    export QM_E2E_PASSWORD="e2e-wachtwoord-$$-$RANDOM"
    # The corporation's API token, to check through the API what an upload stored.
    QM_E2E_DWB_TOKEN="$(grep -oE 'export QM_DWB=qm_[0-9a-f]+' "$dir/serve.log" | head -1 | cut -d= -f2)"
    export QM_E2E_DWB_TOKEN
    # One person per kind of organisation, and one whose session the tests let expire.
    local people=(
        "GM0629 beleid@wassenaar.example Anna de Vries"
        "GM0629 verlopen@wassenaar.example Bas Verloop"
        "dwb data@dwb.example Daan van DWB"
        "hv-rozenstein vrijwilliger@rozenstein.example Roos van Rozenstein"
    )
    local line org email name
    for line in "${people[@]}"; do
        read -r org email name <<<"$line"
        (cd "$dir" && printf '%s\n' "$QM_E2E_PASSWORD" | "$bin" user add --org "$org" --email "$email" \
            --name "$name" --password-stdin) >/dev/null
    done

    # All of them on the first backend; on another, those whose outcome the database decides
    # (sessions, logout, expiry, CSRF, notes, uploads): the pages and their checks are the same.
    local tests=(e2e/portal/tests/*.test.js)
    [[ "$backend" != "${backends[0]}" ]] && tests=(e2e/portal/tests/login.test.js e2e/portal/tests/work.test.js)
    echo "-- portal end-to-end tests on $backend: ${tests[*]#e2e/portal/}"
    # One file at a time: a test compares the overview before and after, another uploads.
    (cd e2e/portal && node --test --test-concurrency=1 --test-reporter=spec "${tests[@]#e2e/portal/}")

    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    if grep -q "panicked" "$dir/serve.log"; then
        echo "the service panicked during the tests:" >&2
        grep -A5 panicked "$dir/serve.log" >&2
        exit 1
    fi
    if [[ "$backend" == postgres ]]; then
        psql "$pg_server" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null
        pg_db=""
    fi
}

for backend in "${backends[@]}"; do
    run_backend "$backend"
    if [[ -n "${SCREENSHOT_DIR:-}" ]]; then
        # Smaller files for docs/portal/ (a quarter of the size, no visible change), when there.
        if command -v pngquant >/dev/null; then
            pngquant --quality=60-85 --speed 1 --force --ext .png "$SCREENSHOT_DIR"/*.png
        fi
        echo "screenshots: $(ls "$SCREENSHOT_DIR"/*.png | wc -l) in $SCREENSHOT_DIR"
        # Once: the pages look the same on either backend.
        unset SCREENSHOT_DIR
    fi
done
cd "$root"
