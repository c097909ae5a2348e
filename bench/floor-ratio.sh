#!/usr/bin/env bash
# The product against its floor, in one run (issue 24): starts the production build
# (bin/start.mjs, WORKERS=2, default logging) on its own embedded PostgreSQL, runs
# bench/scale.ts (token creation, then redemption of those tokens, over HTTP with wrk), and
# ../shared/bench/floor.sh (the same work with nothing around it) against the SAME database
# before and after, then prints both rates, their p99s and product ÷ floor. Only ratios
# within one run are compared: the machine's two cores are shared, so absolute figures move
# with whatever else runs (`uptime` is printed with every measurement; repeat a run whose
# load average is high).
#   BENCH_PORT 4010 (the floor uses BENCH_PORT+1), BENCH_DATA_DIR .bench-data (kept between
#   runs; wiped with BENCH_FRESH=1), WORKERS 2, CONNECTIONS 32, CREATE_SECONDS 20,
#   REDEEM_SECONDS 10, FLOOR_SECONDS 10, FLOOR_WORKERS 1 (floor.sh's default), LOG_LEVEL info,
#   WARM_SECONDS 5 (creation and redemption before anything is measured), CPU_PROFILE=dir: the workers run with `node --cpu-prof` into dir (bin/server.mjs honours
#   CERTDOOR_CPU_PROF_DIR), summarised with bench/cpu-profile-top.mjs.
# Run from the project root after `npx next build` (the launcher builds if the build is stale).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PORT=${BENCH_PORT:-4010}
DATA=${BENCH_DATA_DIR:-$ROOT/.bench-data}
C=${CONNECTIONS:-32}
FLOOR=${FLOOR_SH:-$ROOT/../shared/bench/floor.sh}
[ -f "$FLOOR" ] || FLOOR=/work/shared/bench/floor.sh
[ "${BENCH_FRESH:-0}" = 1 ] && rm -rf "$DATA"
OUT=$(mktemp -d)
export CERTDOOR_DATA_DIR=$DATA ADMIN_EMAIL=admin@localhost ADMIN_PASSWORD=bench-admin-password-1 NEXT_TELEMETRY_DISABLED=1
# Tokens would be purged under the run otherwise; a bench has no use for the schedule's purge.
export PURGE_INTERVAL_MINUTES=0

load() { echo "# uptime: $(uptime)"; }

PORT=$PORT WORKERS=${WORKERS:-2} LOG_LEVEL=${LOG_LEVEL:-info} CERTDOOR_CPU_PROF_DIR=${CPU_PROFILE:-} \
  node --conditions=react-server bin/start.mjs >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; cp "$OUT/server.log" "${TMPDIR:-/tmp}/floor-ratio-server.log"; rm -rf "$OUT"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" && break; kill -0 $SERVER 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }; sleep 1; done

KEY=$(node --conditions=react-server bin/certdoor.mjs apikey create --email "$ADMIN_EMAIL" --name "bench $(date +%s)" --json | jq -r .key)
FD=$(node --conditions=react-server bin/certdoor.mjs frontdoor list --json | jq -r '.[] | select(.name=="default") | .id')
export FLOOR_DATABASE_URL
FLOOR_DATABASE_URL=$(node -e 'const j=require(process.argv[1]);console.log(`postgresql://${encodeURIComponent(j.user)}:${encodeURIComponent(j.password)}@127.0.0.1:${j.port}/${j.database}`)' "$(find "$DATA" -name postgres.json | head -1)")
export FLOOR_PORT=$((PORT + 1)) FLOOR_SECONDS=${FLOOR_SECONDS:-10} FLOOR_CONNECTIONS=$C

floor() { load; bash "$FLOOR" | tee -a "$OUT/floor.txt"; }
scale() { node --import tsx bench/scale.ts --server "http://127.0.0.1:$PORT" --frontdoor "$FD" --api-key "$KEY" --connections "$C" "$@"; }
# Warm-up (not counted): a fresh worker compiles and loads its code on its first requests.
mkdir -p "$OUT/warm"
scale --skip-raw --only create --create-seconds "${WARM_SECONDS:-5}" --dir "$OUT/warm" >/dev/null
scale --skip-raw --only redeem --seconds "${WARM_SECONDS:-5}" --dir "$OUT/warm" >/dev/null
floor
load
node --import tsx bench/scale.ts --server "http://127.0.0.1:$PORT" --frontdoor "$FD" --api-key "$KEY" --connections "$C" \
  --create-seconds "${CREATE_SECONDS:-20}" --seconds "${REDEEM_SECONDS:-10}" | tee "$OUT/scale.txt"
floor
load

node - "$OUT" <<'JS'
const fs = require("node:fs");
const dir = process.argv[2];
const lines = fs.readFileSync(`${dir}/scale.txt`, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const of = (metric) => lines.find((l) => l.metric === metric);
const floors = [...fs.readFileSync(`${dir}/floor.txt`, "utf8").matchAll(/floor redemptions\/s: (\d+) \(p99 ([^,]+)/g)].map((m) => ({ perSecond: Number(m[1]), p99: m[2] }));
const floor = Math.round(floors.reduce((s, f) => s + f.perSecond, 0) / floors.length);
const redeem = of("redemptions"), create = of("token-creations");
const row = (name, m) => console.log(`${name.padEnd(18)} ${String(m.perSecond).padStart(6)}/s  p99 ${m.p99ms} ms  ratio to floor ${(m.perSecond / floor).toFixed(2)}`);
console.log(`\nfloor              ${String(floor).padStart(6)}/s  (mean of ${floors.map((f) => `${f.perSecond}/s p99 ${f.p99}`).join(" and ")})`);
row("redemptions", redeem);
row("token creations", create);
console.log(JSON.stringify({ metric: "floor-ratio", floor, redemptions: redeem.perSecond, redeemP99ms: redeem.p99ms, creations: create.perSecond, createP99ms: create.p99ms, redeemRatio: +(redeem.perSecond / floor).toFixed(3), createRatio: +(create.perSecond / floor).toFixed(3) }));
JS
