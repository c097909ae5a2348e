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
#   BARE=1: also the domain's work alone (bench/bare-domain.ts: plain node:http calling createToken
#   and redeemToken, nothing around them) on the same database, after the product's phases; it
#   tells the cost of the work from the cost of serving it. Two biases, both in the bare
#   server's favour: the product's server (idle then) seals the audit events it writes, so the
#   sealer's Node share is in the product's workers in its own phases and in nobody's in the
#   bare ones (its PostgreSQL share is counted in both); and it creates tokens as the system
#   (no API key, no createdById to check). BARE_ALS=1 runs it with an AsyncLocalStorage in use,
#   as in a process where Next.js has served a request (Node 20 then runs a hook per promise).
#   PostgreSQL's figures are all of PostgreSQL during a phase: autovacuum, the checkpointer and
#   the background jobs included.
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
# (Each step may fail, the bare server long gone: set -e would end the trap before the server is stopped.)
trap 'kill ${BARE_PID:-} 2>/dev/null || true; kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; cp "$OUT/server.log" "${TMPDIR:-/tmp}/floor-ratio-server.log"; rm -rf "$OUT"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/health" && break; kill -0 $SERVER 2>/dev/null || { cat "$OUT/server.log" >&2; exit 1; }; sleep 1; done

KEY=$(node --conditions=react-server bin/certdoor.mjs apikey create --email "$ADMIN_EMAIL" --name "bench $(date +%s)" --json | jq -r .key)
FD=$(node --conditions=react-server bin/certdoor.mjs frontdoor list --json | jq -r '.[] | select(.name=="default") | .id')
export FLOOR_DATABASE_URL
FLOOR_DATABASE_URL=$(node -e 'const j=require(process.argv[1]);console.log(`postgresql://${encodeURIComponent(j.user)}:${encodeURIComponent(j.password)}@127.0.0.1:${j.port}/${j.database}`)' "$(find "$DATA" -name postgres.json | head -1)")
export FLOOR_PORT=$((PORT + 1)) FLOOR_SECONDS=${FLOOR_SECONDS:-10} FLOOR_CONNECTIONS=$C

# CPU time (user + system, in clock ticks) of processes, from /proc: what each request costs
# the server's workers and PostgreSQL, whatever else the shared cores run meanwhile.
# A process that ends while it is read counts 0 (backends come and go).
stat_field() { local sum=0 p v; for p in "${@:2}"; do v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk "{print $1}"); sum=$((sum + ${v:-0})); done; echo "$sum"; }
ticks() { stat_field '$12 + $13' "$@"; }
# The system (kernel) part alone: socket and file calls.
systicks() { stat_field '$13' "$@"; }
PRIMARY=$(for p in $(pgrep -P $SERVER); do grep -q "bin/server.mjs" "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done | head -1)
POSTMASTER=$(head -1 "$(find "$DATA" -name postmaster.pid | head -1)")
# The workers (with WORKERS=1 the server process serves itself).
workers() { local w; w=$(pgrep -P "$PRIMARY" | tr '\n' ' '); echo "${w:-$PRIMARY}"; }
postgres() { pgrep -P "$POSTMASTER" | tr '\n' ' '; }
# PostgreSQL's CPU: its live processes, and those that ended (a backend whose client left), which the postmaster reaped into its children's time.
pgticks() { echo $(( $(ticks $(postgres)) + $(stat_field '$12 + $13 + $14 + $15' "$POSTMASTER") )); }
HZ=$(getconf CLK_TCK)
ms() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { printf "%.3f", t * 1000 / hz / n }'; }
PIDS_OF=workers
# Runs a phase, then prints its CPU per request: ms of the workers and of PostgreSQL.
measured() {
  local name=$1 count_field=$2; shift 2
  local w0 p0 s0; w0=$(ticks $($PIDS_OF)); p0=$(pgticks); s0=$(systicks $($PIDS_OF))
  "$@" | tee "$OUT/$name.txt"
  local w1 p1 s1 n; w1=$(ticks $($PIDS_OF)); p1=$(pgticks); s1=$(systicks $($PIDS_OF))
  n=$(grep -E '"metric":"(token-creations|redemptions)"' "$OUT/$name.txt" | tail -1 | jq "$count_field")
  echo "{\"metric\":\"cpu-per-request\",\"phase\":\"$name\",\"requests\":$n,\"workersMs\":$(ms "$((w1 - w0))" "$n"),\"workersKernelMs\":$(ms "$((s1 - s0))" "$n"),\"postgresMs\":$(ms "$((p1 - p0))" "$n")}" | tee -a "$OUT/cpu.txt"
}
# The floor's server: its CPU is sampled until floor.sh stops it (its setup runs in other processes).
floor() {
  load
  bash "$FLOOR" >"$OUT/floor-run.txt" &
  local run=$! pid="" last=0 lastsys=0 pg0="" pglast=0
  while kill -0 $run 2>/dev/null; do
    [ -z "$pid" ] && pid=$(for p in $(pgrep -f floor-server.mjs); do tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "FLOOR_PORT=$FLOOR_PORT" && echo "$p"; done | head -1)
    # PostgreSQL's share while the floor's server lives (its table set-up runs before, its drop after).
    [ -n "$pid" ] && { t=$(ticks "$pid"); st=$(systicks "$pid"); [ "$t" -gt 0 ] && { last=$t; lastsys=$st; pglast=$(pgticks); [ -z "$pg0" ] && pg0=$pglast; }; }
    sleep 0.2
  done
  wait $run
  tee -a "$OUT/floor.txt" <"$OUT/floor-run.txt"
  local rate; rate=$(sed -n 's/.*floor redemptions\/s: \([0-9]*\).*/\1/p' "$OUT/floor-run.txt")
  echo "{\"metric\":\"cpu-per-request\",\"phase\":\"floor\",\"requests\":$((rate * FLOOR_SECONDS)),\"workersMs\":$(ms "$last" "$((rate * FLOOR_SECONDS))"),\"workersKernelMs\":$(ms "$lastsys" "$((rate * FLOOR_SECONDS))"),\"postgresMs\":$(ms "$((pglast - ${pg0:-0}))" "$((rate * FLOOR_SECONDS))")}" | tee -a "$OUT/cpu.txt"
}
scale() { node --import tsx bench/scale.ts --server "http://127.0.0.1:$PORT" --frontdoor "$FD" --api-key "$KEY" --connections "$C" "$@"; }
# Warm-up (not counted): a fresh worker compiles and loads its code on its first requests.
mkdir -p "$OUT/warm" "$OUT/run"
scale --skip-raw --only create --create-seconds "${WARM_SECONDS:-5}" --dir "$OUT/warm" >/dev/null
scale --skip-raw --only redeem --seconds "${WARM_SECONDS:-5}" --dir "$OUT/warm" >/dev/null
floor
load
measured create '.ok + .other' scale --only create --create-seconds "${CREATE_SECONDS:-20}" --dir "$OUT/run"
load
measured redeem '.ok + .used + .other' scale --skip-raw --only redeem --seconds "${REDEEM_SECONDS:-10}" --dir "$OUT/run"
cat "$OUT/create.txt" "$OUT/redeem.txt" >"$OUT/scale.txt"
if [ "${BARE:-0}" = 1 ]; then
  # The domain's work alone (bench/bare-domain.ts), with the product's environment, on the same database.
  BARE_PORT=$((PORT + 2))
  W=$(workers | awk '{print $1}')
  env $(tr '\0' '\n' <"/proc/$W/environ" | grep -E '^(DATABASE_URL|CERTDOOR_MASTER_KEY|AUTH_SECRET|CERTDOOR_LAUNCH_URL|NODE_ENV)=') BARE_PORT=$BARE_PORT BARE_WORKERS=${WORKERS:-2} \
    node --conditions=react-server --import tsx bench/bare-domain.ts >"$OUT/bare.log" 2>&1 &
  BARE_PID=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$BARE_PORT/" && break; sleep 0.2; done
  bare_workers() { echo "$BARE_PID $(pgrep -P "$BARE_PID" | tr '\n' ' ')"; }
  bare() { node --import tsx bench/scale.ts --server "http://127.0.0.1:$BARE_PORT" --frontdoor "$FD" --api-key unused --connections "$C" "$@"; }
  mkdir -p "$OUT/bare-warm" "$OUT/bare-run"
  bare --skip-raw --only create --create-seconds "${WARM_SECONDS:-5}" --dir "$OUT/bare-warm" >/dev/null
  bare --skip-raw --only redeem --seconds "${WARM_SECONDS:-5}" --dir "$OUT/bare-warm" >/dev/null
  PIDS_OF=bare_workers
  load
  measured bare-create '.ok + .other' bare --skip-raw --only create --create-seconds "${CREATE_SECONDS:-20}" --dir "$OUT/bare-run"
  load
  measured bare-redeem '.ok + .used + .other' bare --skip-raw --only redeem --seconds "${REDEEM_SECONDS:-10}" --dir "$OUT/bare-run"
  cat "$OUT/bare-create.txt" "$OUT/bare-redeem.txt" >"$OUT/bare.txt"
  kill $BARE_PID; wait $BARE_PID 2>/dev/null || true
fi
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
if (fs.existsSync(`${dir}/bare.txt`)) {
  const bare = fs.readFileSync(`${dir}/bare.txt`, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  row("bare redemptions", bare.find((l) => l.metric === "redemptions"));
  row("bare creations", bare.find((l) => l.metric === "token-creations"));
}
for (const c of fs.readFileSync(`${dir}/cpu.txt`, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l))) {
  console.log(`cpu per request   ${c.phase.padEnd(11)} workers ${c.workersMs.toFixed(2)} ms${c.workersKernelMs === undefined ? "" : ` (kernel ${c.workersKernelMs.toFixed(2)})`}${c.phase === "floor" ? " (the floor's one process)" : ""}${c.postgresMs === undefined ? "" : `, PostgreSQL ${c.postgresMs.toFixed(2)} ms`}`);
}
console.log(JSON.stringify({ metric: "floor-ratio", floor, redemptions: redeem.perSecond, redeemP99ms: redeem.p99ms, creations: create.perSecond, createP99ms: create.p99ms, redeemRatio: +(redeem.perSecond / floor).toFixed(3), createRatio: +(create.perSecond / floor).toFixed(3) }));
JS
