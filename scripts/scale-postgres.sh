#!/usr/bin/env bash
# National scale on PostgreSQL (issue #12): N synthetic reports ingested on loopback by
# two worker processes through the job queue, one of them killed with SIGKILL midway
# and started again. Then checks that no report is missing or doubled, that precision
# and recall are 100 %, each worker's peak memory, and the whole-process time of an
# agency's history, a region's coverage and a region's summary against their limits.
#
# Usage: scripts/scale-postgres.sh N        (CI runs N=20000; the full run is 1000000)
# Environment: SCALE_DIR (work folder, default /tmp/gongkai-scale-N; the synthetic corpus
# is kept there and reused), SYNTH_OPTS (options for `gongkai synth`), GONGKAI_PG_PORT / GONGKAI_PG_DATA (as .ci/postgres.sh),
# the limits below, CARGO_TARGET_DIR.
# Exit status: 0 when every check passes and every figure is within its limit.
set -euo pipefail

N="${1:?usage: scripts/scale-postgres.sh N}"
[[ "$N" =~ ^[0-9]+$ ]] || { echo "N must be a number: $N" >&2; exit 2; }

# Limits (whole process, milliseconds; peak resident memory per worker, MB).
HISTORY_MAX_MS="${HISTORY_MAX_MS:-50}"
COVERAGE_MAX_MS="${COVERAGE_MAX_MS:-200}"
SUMMARY_MAX_MS="${SUMMARY_MAX_MS:-1000}"
WORKER_RSS_MAX_MB="${WORKER_RSS_MAX_MB:-1024}"
# Files per job; the queries are timed this many times (the median counts).
CHUNK="${CHUNK:-200}"
RUNS="${RUNS:-5}"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
WORK="${SCALE_DIR:-/tmp/gongkai-scale-$N}"
mkdir -p "$WORK"
DBNAME="gongkai_scale_$N"   # not the tests' database

echo "== build (release)" >&2
cargo build --release -p gongkai >&2
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/gongkai"
[[ -x "$BIN" ]] || { echo "no binary at $BIN" >&2; exit 2; }

echo "== PostgreSQL" >&2
eval "$(.ci/postgres.sh)"
BASE_URL="$GONGKAI_TEST_POSTGRES"
DB="${BASE_URL%/*}/$DBNAME"
PSQL="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -n 1)"
sql() { "$PSQL" "$DB" -Atqc "$1"; }
"$PSQL" "$BASE_URL" -qc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null
"$PSQL" "$BASE_URL" -qc "CREATE DATABASE $DBNAME" >/dev/null

# Synthetic agencies have at most 4 years by default (2021–2024), 519,780 reports for the
# whole country; a larger N takes eight years, 2021–2028 (synthetic reports use the
# 2021 edition of the tables).
if [[ -z "${SYNTH_OPTS:-}" ]] && (( N > 500000 )); then SYNTH_OPTS="--years 8"; fi
CORPUS="$WORK/corpus"
if [[ ! -f "$CORPUS/answer-key.jsonl" ]] || [[ "$(wc -l < "$CORPUS/answer-key.jsonl")" != "$N" ]]; then
  echo "== synth $N" >&2
  rm -rf "$CORPUS"
  # shellcheck disable=SC2086 # options, split on purpose
  "$BIN" synth "$N" "$CORPUS" --seed 1 ${SYNTH_OPTS:-} >&2
fi

ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

echo "== enqueue" >&2
t0=$EPOCHREALTIME
"$BIN" ingest --enqueue "$CORPUS" --database "$DB" --chunk "$CHUNK" >&2
ENQUEUE_MS=$(ms_since "$t0")
JOBS=$(sql "SELECT COUNT(*) FROM jobs WHERE kind = 'ingest-files'")

# A worker under /usr/bin/time -v (its peak memory); $! is the `time` process.
start_worker() {
  /usr/bin/time -v -o "$WORK/$1.time" "$BIN" ingest --worker --until-empty --database "$DB" \
    >"$WORK/$1.log" 2>&1 &
}
# The gongkai process under a `time` process.
child_of() {
  local pid=""
  for _ in $(seq 1 100); do
    pid=$(pgrep -P "$1" || true)
    [[ -n "$pid" ]] && break
    sleep 0.05
  done
  echo "$pid"
}

echo "== two workers ($JOBS jobs of at most $CHUNK files)" >&2
t0=$EPOCHREALTIME
start_worker worker-a; A=$!
start_worker worker-b; B=$!
A_CHILD=$(child_of "$A")
[[ -n "$A_CHILD" ]] || { echo "no worker process under $A" >&2; exit 1; }
# Killed once a third of the jobs are done, in the middle of one of its own.
until [[ "$(sql "SELECT COUNT(*) FROM jobs WHERE kind = 'ingest-files' AND status = 'done'")" -ge $(( (JOBS + 2) / 3 )) ]]; do
  kill -0 "$A_CHILD" 2>/dev/null || { echo "worker A ended before it could be killed" >&2; cat "$WORK/worker-a.log" >&2; exit 1; }
  sleep 0.2
done
# …in the middle of one of its own jobs: some of its batches committed, not all.
MID_JOB="SELECT COUNT(*) FROM (SELECT payload::json AS p FROM jobs
  WHERE kind = 'ingest-files' AND status = 'running' AND payload::json->>'worker' LIKE '%:$A_CHILD') j
  WHERE (SELECT COUNT(*) FROM json_array_elements(p->'results') e WHERE e::text <> 'null')
    BETWEEN 1 AND json_array_length(p->'files') - 1"
until [[ "$(sql "$MID_JOB")" -ge 1 ]]; do
  kill -0 "$A_CHILD" 2>/dev/null || { echo "worker A ended before it could be killed" >&2; exit 1; }
  sleep 0.05
done
kill -9 "$A_CHILD"
wait "$A" || true
KILLED_AT_MS=$(ms_since "$t0")
echo "killed worker A (pid $A_CHILD) after $KILLED_AT_MS ms; starting it again" >&2
start_worker worker-a2; A2=$!
status=0
wait "$B" || status=$?
wait "$A2" || status=$?
INGEST_MS=$(ms_since "$t0")
if [[ $status -ne 0 ]]; then
  echo "a worker failed (exit $status)" >&2
  tail -n 20 "$WORK"/worker-*.log >&2
  exit 1
fi

fails=()
check() { # name, ok(0/1), detail
  if [[ "$2" != 1 ]]; then fails+=("$1: $3"); fi
}

echo "== checks" >&2
REPORTS=$(sql "SELECT COUNT(*) FROM reports")
HASHES=$(sql "SELECT COUNT(DISTINCT hash) FROM reports")
FILES=$(sql "SELECT COUNT(*) FROM files")
PATHS=$(sql "SELECT COUNT(DISTINCT path) FROM files")
OPEN_JOBS=$(sql "SELECT COUNT(*) FROM jobs WHERE status <> 'done'")
TAKEN=$(sql "SELECT COUNT(*) FROM jobs WHERE kind = 'ingest-files' AND (payload::json->>'attempts')::int >= 2")
check "reports" $(( REPORTS == N && HASHES == N )) "$REPORTS reports, $HASHES distinct hashes, expected $N"
check "files" $(( FILES == N && PATHS == N )) "$FILES file rows, $PATHS distinct paths, expected $N"
check "jobs" $(( OPEN_JOBS == 0 )) "$OPEN_JOBS jobs not done"
check "taken over" $(( TAKEN >= 1 )) "no job was taken over after the kill"

SCORE_OUT="$WORK/score.txt"
set +e
"$BIN" score "$CORPUS/answer-key.jsonl" --database "$DB" --strict >"$SCORE_OUT" 2>&1
SCORE_STATUS=$?
set -e
SCORE_LINE=$(head -n 1 "$SCORE_OUT")
check "score --strict" $(( SCORE_STATUS == 0 )) "$SCORE_LINE"

rss_mb() { # peak RSS of a `time -v` file, MB
  awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/$1.time"
}
RSS_A=$(rss_mb worker-a); RSS_B=$(rss_mb worker-b); RSS_A2=$(rss_mb worker-a2)
for w in "A:$RSS_A" "B:$RSS_B" "A2:$RSS_A2"; do
  check "worker ${w%%:*} memory" $(( ${w#*:} < WORKER_RSS_MAX_MB )) "${w#*:} MB ≥ $WORKER_RSS_MAX_MB MB"
done
CROSS_LINE=$(grep -h "^跨报告检查" "$WORK"/worker-b.log "$WORK"/worker-a2.log | tail -n 1 || true)

# The queries: an agency (the key's first), the prefecture with the most reports.
AGENCY=$(head -n 1 "$CORPUS/answer-key.jsonl" | sed -E 's/.*"agency":"([^"]*)".*/\1/')
# (A municipality's districts have no prefecture: 5001 is no unit, so the busiest prefix
# that is one.)
if [[ -z "${REGION:-}" ]]; then
  for prefix in $(sed -E 's/.*"region_code":"([0-9]{4})[0-9]*".*/\1/' "$CORPUS/answer-key.jsonl" \
                  | sort | uniq -c | sort -rn | awk '{print $2}'); do
    if "$BIN" region "$prefix" >/dev/null 2>&1; then REGION=$prefix; break; fi
  done
fi
[[ -n "${REGION:-}" ]] || { echo "no region found in the answer key" >&2; exit 2; }
YEAR="${YEAR:-2022}"
median_ms() { # command… → median whole-process milliseconds of RUNS runs (exit 0 or 1)
  local times=() t0 code
  for _ in $(seq 1 "$RUNS"); do
    t0=$EPOCHREALTIME
    set +e
    "$@" >/dev/null 2>&1
    code=$?
    set -e
    if [[ $code -gt 1 ]]; then echo "failed (exit $code): $*" >&2; "$@" >&2 || true; exit 1; fi
    times+=("$(ms_since "$t0")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
HISTORY_MS=$(median_ms "$BIN" history "$AGENCY" --database "$DB")
COVERAGE_MS=$(median_ms "$BIN" coverage --region "$REGION" --year "$YEAR" --database "$DB")
SUMMARY_MS=$(median_ms "$BIN" summary --region "$REGION" --database "$DB")
check "history" $(( HISTORY_MS < HISTORY_MAX_MS )) "$HISTORY_MS ms ≥ $HISTORY_MAX_MS ms"
check "coverage" $(( COVERAGE_MS < COVERAGE_MAX_MS )) "$COVERAGE_MS ms ≥ $COVERAGE_MAX_MS ms"
check "summary" $(( SUMMARY_MS < SUMMARY_MAX_MS )) "$SUMMARY_MS ms ≥ $SUMMARY_MAX_MS ms"

REGION_REPORTS=$(sql "SELECT COUNT(*) FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE r.is_current AND a.region_code LIKE '$REGION%'")
cat <<EOF

PostgreSQL scale run: N = $N, two workers (one killed with SIGKILL and started again), $JOBS jobs of at most $CHUNK files
| figure | value | limit |
|---|---:|---:|
| enqueue | $ENQUEUE_MS ms | |
| ingest, both workers to the end (cross-report step included) | $INGEST_MS ms | |
| worker A killed after | $KILLED_AT_MS ms | |
| reports stored / distinct hashes / file rows / distinct paths | $REPORTS / $HASHES / $FILES / $PATHS | $N each |
| jobs taken over after the kill | $TAKEN | ≥ 1 |
| peak memory worker A (killed) / B / A again | $RSS_A / $RSS_B / $RSS_A2 MB | < $WORKER_RSS_MAX_MB MB |
| score --strict | $SCORE_LINE | 100 % |
| history "$AGENCY" (median of $RUNS) | $HISTORY_MS ms | < $HISTORY_MAX_MS ms |
| coverage --region $REGION --year $YEAR ($REGION_REPORTS reports in the region) | $COVERAGE_MS ms | < $COVERAGE_MAX_MS ms |
| summary --region $REGION | $SUMMARY_MS ms | < $SUMMARY_MAX_MS ms |
$CROSS_LINE
EOF

if [[ ${#fails[@]} -gt 0 ]]; then
  echo
  echo "FAILED:"
  printf '  %s\n' "${fails[@]}"
  exit 1
fi
echo
echo "all checks passed"
