#!/usr/bin/env bash
# Two instances on one database against one (issue 9's measure, kept for issue 24): the
# launcher's instance and a second bin/server.mjs on the same embedded PostgreSQL, one worker
# each. Redemptions/s of one instance at CONNECTIONS, then of both at once (CONNECTIONS/2
# each, summed), each over tokens created through that instance first.
#   BENCH_PORT 4010 (the second instance uses BENCH_PORT+2), BENCH_DATA_DIR .bench-data,
#   CONNECTIONS 32, CREATE_SECONDS 15, REDEEM_SECONDS 10. Run from the project root after a build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${BENCH_PORT:-4010}; PORT2=$((PORT + 2))
DATA=${BENCH_DATA_DIR:-$ROOT/.bench-data}
C=${CONNECTIONS:-32}
OUT=$(mktemp -d)
export CERTDOOR_DATA_DIR=$DATA ADMIN_EMAIL=admin@localhost ADMIN_PASSWORD=bench-admin-password-1 NEXT_TELEMETRY_DISABLED=1 PURGE_INTERVAL_MINUTES=0
load() { echo "# uptime: $(uptime)"; }

PORT=$PORT WORKERS=1 node --conditions=react-server bin/start.mjs >"$OUT/a.log" 2>&1 &
A=$!
B=
trap 'kill $A $B 2>/dev/null; wait $A $B 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" && break; sleep 1; done
J=$(find "$DATA" -name postgres.json | head -1)
DATABASE_URL=$(node -e 'const j=require(process.argv[1]);console.log(`postgresql://${encodeURIComponent(j.user)}:${encodeURIComponent(j.password)}@127.0.0.1:${j.port}/${j.database}`)' "$J") \
  AUTH_SECRET=$(cat "$DATA/auth-secret") CERTDOOR_MASTER_KEY=$(cat "$DATA/master-key") NODE_ENV=production \
  node bin/server.mjs --port "$PORT2" --workers 1 >"$OUT/b.log" 2>&1 &
B=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT2/api/health" && break; sleep 1; done

KEY=$(node --conditions=react-server bin/certdoor.mjs apikey create --email "$ADMIN_EMAIL" --name "bench $(date +%s)" --json | jq -r .key)
FD=$(node --conditions=react-server bin/certdoor.mjs frontdoor list --json | jq -r '.[] | select(.name=="default") | .id')
scale() { local port=$1; shift; node --import tsx bench/scale.ts --skip-raw --server "http://127.0.0.1:$port" --frontdoor "$FD" --api-key "$KEY" "$@"; }
rate() { grep '"metric":"redemptions"' "$1" | jq -r '.perSecond'; }

for dir in one a b; do mkdir -p "$OUT/$dir"; done
scale "$PORT" --only create --connections "$C" --create-seconds "${CREATE_SECONDS:-15}" --dir "$OUT/one" >/dev/null
scale "$PORT2" --only create --connections "$C" --create-seconds "${CREATE_SECONDS:-15}" --dir "$OUT/b" >/dev/null
scale "$PORT" --only create --connections "$C" --create-seconds "${CREATE_SECONDS:-15}" --dir "$OUT/a" >/dev/null
load
scale "$PORT" --only redeem --connections "$C" --seconds "${REDEEM_SECONDS:-10}" --dir "$OUT/one" | tee "$OUT/one.txt"
load
scale "$PORT" --only redeem --connections $((C / 2)) --seconds "${REDEEM_SECONDS:-10}" --dir "$OUT/a" >"$OUT/a.txt" &
RA=$!
scale "$PORT2" --only redeem --connections $((C / 2)) --seconds "${REDEEM_SECONDS:-10}" --dir "$OUT/b" >"$OUT/b.txt"
wait $RA
cat "$OUT/a.txt" "$OUT/b.txt"
load
echo "one instance: $(rate "$OUT/one.txt")/s; two instances: $(( $(rate "$OUT/a.txt") + $(rate "$OUT/b.txt") ))/s ($(rate "$OUT/a.txt") + $(rate "$OUT/b.txt"))"
