#!/usr/bin/env bash
# Run one of TM Forum's conformance kits (../shared/tmf-ctk/CTK-*) with newman against a
# fresh demo server: a temporary SQLite database, `telcare init --demo`, `telcare serve
# --demo` on a free port, an HQ staff token (password grant). The kit is only read.
#
#   scripts/tmf-ctk.sh KIT_DIR            e.g. scripts/tmf-ctk.sh ../shared/tmf-ctk/CTK-TMF620-ProductCatalog
#
# Environment: PYTHON (default python3), TMF_CTK_USER (staff login, default hq-admin),
# TMF_CTK_MSISDN (run as that subscriber instead: SMS-code login, the code read from the
# demo outbox), TMF_CTK_KEEP=1 keeps the temporary directory (newman's JSON report).
# newman comes from the committed package.json (`npm ci` in the repository root).
set -euo pipefail

kit=${1:?usage: scripts/tmf-ctk.sh KIT_DIR}
kit=$(cd "$kit" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
user=${TMF_CTK_USER:-hq-admin}

if [ ! -d "$root/node_modules/newman" ]; then
  (cd "$root" && npm ci --no-audit --no-fund >/dev/null)
fi

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "${TMF_CTK_KEEP:-}" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

export TELCARE_DATABASE_URL="sqlite:///$tmp/telcare.db"
export PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}"
export COLUMNS=200

"$python" -m telcare init --demo --subscribers "${TMF_CTK_SUBSCRIBERS:-200}" >"$tmp/init.log" 2>&1
password=$(sed -n "s/^staff $user password: \([^ ]*\).*/\1/p" "$tmp/init.log")
[ -n "$password" ] || { echo "no password for $user in init output" >&2; cat "$tmp/init.log" >&2; exit 2; }

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m telcare serve --demo --port "$port" >"$tmp/serve.log" 2>&1 &
server_pid=$!
server="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "$server/tmf-api/productCatalogManagement/v4/productOffering" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 2; }
  sleep 0.2
done

if [ -n "${TMF_CTK_MSISDN:-}" ]; then
  curl -fs -o /dev/null "$server/tmf-api/auth/otp" -H 'Content-Type: application/json' \
    -d "{\"msisdn\": \"$TMF_CTK_MSISDN\"}"
  code=$("$python" - "$tmp/telcare.db" "$TMF_CTK_MSISDN" <<'PY'
import re, sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT text FROM outbound_sms WHERE recipient = ? ORDER BY id DESC LIMIT 1", (sys.argv[2],)
).fetchone()
print(re.search(r"\d{6}", row[0]).group())
PY
)
  grant="{\"grant_type\": \"otp\", \"msisdn\": \"$TMF_CTK_MSISDN\", \"code\": \"$code\"}"
else
  grant="{\"grant_type\": \"password\", \"username\": \"$user\", \"password\": \"$password\"}"
fi
token=$(curl -fs "$server/tmf-api/auth/token" -H 'Content-Type: application/json' -d "$grant" |
  "$python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

node "$root/scripts/tmf-ctk-run.js" "$kit" "$server" "$token" "$tmp/report.json"
