#!/usr/bin/env bash
# Benchmarks of `bangwo8-etl export` against a local sandbox (not part of `go test`).
#
#   bench/export.sh            # 100k to xlsx and csv, peak memory 100k vs 400k, latency 50ms
#   SIZES="100000" bench/export.sh   # skip the 400k run
#
# Each export runs under /usr/bin/time -v: wall time, user+sys CPU and peak RSS of the export
# process alone (the sandbox is another process). Seeded databases are kept in $BENCH_DIR
# (default /tmp/bangwo8-bench) so that reruns skip the seeding.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/bangwo8-bench}
sizes=${SIZES:-"100000 400000"}
mkdir -p "$work"
bin="$work/bangwo8-etl"
(cd "$root" && go build -o "$bin" ./cmd/bangwo8-etl)

export BANGWO8_ACCOUNT=bench BANGWO8_PASSWORD=bench-secret
sandbox_pid=""
stop_sandbox() {
	if [[ -n $sandbox_pid ]]; then
		kill "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
		sandbox_pid=""
	fi
}
trap stop_sandbox EXIT

# start_sandbox N [sandbox flags...]: serves a database of N seeded companies on a free
# loopback port and sets $url.
start_sandbox() {
	local n=$1
	shift
	local log="$work/sandbox-$n.log"
	"$bin" sandbox --listen 127.0.0.1:0 --db "$work/seed-$n.db" --seed-companies "$n" "$@" >"$log" 2>&1 &
	sandbox_pid=$!
	url=""
	for _ in $(seq 1 1200); do # seeding 400k takes a while the first time
		url=$(sed -n 's/^sandbox listening on //p' "$log" | head -1)
		[[ -n $url ]] && return 0
		kill -0 "$sandbox_pid" 2>/dev/null || { cat "$log"; exit 1; }
		sleep 0.5
	done
	echo "sandbox did not start" >&2
	exit 1
}

# timed LABEL ARGS...: runs an export and prints one line of figures.
timed() {
	local label=$1
	shift
	local tv="$work/time.txt"
	/usr/bin/time -v "$bin" export --no-progress --base-url "$url" "$@" 2>"$tv" >/dev/null ||
		{ cat "$tv"; exit 1; }
	local wall user sys rss companies
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv")
	user=$(sed -n 's/.*User time (seconds): //p' "$tv")
	sys=$(sed -n 's/.*System time (seconds): //p' "$tv")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
	companies=$(sed -n 's/.*export done.* companies=\([0-9]*\).*/\1/p' "$tv")
	printf '%-34s companies=%-7s wall=%-8s cpu=%6.1fs  maxrss=%4d MB\n' \
		"$label" "$companies" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
}

fast=(--rps 1000 --burst 50 --concurrency 4 --per-page 500)
for n in $sizes; do
	start_sandbox "$n"
	timed "$n -> xlsx" --out "$work/out-$n.xlsx" "${fast[@]}"
	timed "$n -> csv" --out "$work/out-$n.csv" "${fast[@]}"
	stop_sandbox
done

# Latency 50ms per call, 40 calls/s allowed: one page at a time is bound by the latency
# (about 1/(50ms + work) pages/s); eight at once reach the rate limit (40 pages/s).
n=20000
start_sandbox "$n" --latency 50ms
for c in 1 8; do
	timed "$n, 50ms latency, concurrency $c" --out "$work/lat-$c.csv" --rps 40 --burst 1 --per-page 100 --concurrency "$c"
done
stop_sandbox
