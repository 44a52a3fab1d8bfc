#!/usr/bin/env bash
# Benchmarks of `bangwo8-etl export` against a local sandbox (not part of `go test`), beside a
# Python script doing the same export with requests and openpyxl in write-only mode
# (bench/export_openpyxl.py).
#
#   bench/export.sh                          # 20k and 100k beside the script, 400k for memory, latency
#   SIZES="20000" LATENCY=0 bench/export.sh  # one size, no latency runs
#
# Each run goes under /usr/bin/time -v: CPU (user+sys) and peak RSS of the exporting process
# alone (the sandbox is another process). The ratios are to the script's figures of the same
# size; the memory line compares the largest size with 100,000. Seeded databases are kept in
# $BENCH_DIR (default /tmp/bangwo8-bench) so that reruns skip the seeding. The script's
# libraries come from Debian's packages (python3-requests, python3-openpyxl), installed with
# apt-get when missing, and run with Debian's /usr/bin/python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/bangwo8-bench}
sizes=${SIZES:-"20000 100000 400000"}
script_max=${SCRIPT_MAX:-100000} # the script is not run above this size (it takes minutes)
per_page=${PER_PAGE:-1000}
mkdir -p "$work"
bin="$work/bangwo8-etl"
(cd "$root" && go build -o "$bin" ./cmd/bangwo8-etl)

python=/usr/bin/python3
if ! "$python" -c 'import requests, openpyxl' 2>/dev/null; then
	apt-get install -y python3-requests python3-openpyxl >/dev/null ||
		{ apt-get update >/dev/null && apt-get install -y python3-requests python3-openpyxl >/dev/null; }
fi

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
	: >"$log" # now, not in the background process: an earlier run's URL must not be read
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

# measure CMD...: runs CMD under /usr/bin/time -v and sets cpu (s), rss (MB), wall and
# companies (from the done line the command writes to stderr).
measure() {
	local tv="$work/time.txt"
	/usr/bin/time -v "$@" 2>"$tv" >/dev/null || { cat "$tv"; exit 1; }
	local user sys kb
	user=$(sed -n 's/.*User time (seconds): //p' "$tv")
	sys=$(sed -n 's/.*System time (seconds): //p' "$tv")
	kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tv")
	companies=$(sed -n 's/.* done.* companies=\([0-9]*\).*/\1/p' "$tv")
	cpu=$(printf "%.2f" "$(echo "$user + $sys" | bc)")
	rss=$((kb / 1024))
}

ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }

fast=(--rps 100000 --burst 100 --concurrency 2 --per-page "$per_page" --no-progress)
declare -A rss_of
printf '%-8s %-13s %9s %8s %8s %10s %10s %10s\n' size run companies wall cpu_s rss_MB cpu/script rss/script
for n in $sizes; do
	start_sandbox "$n"
	script_cpu="" script_rss=""
	if ((n <= script_max)); then
		measure "$python" "$root/bench/export_openpyxl.py" "$url" "$work/script-$n.xlsx" "$per_page"
		script_cpu=$cpu script_rss=$rss
		printf '%-8s %-13s %9s %8s %8s %10s\n' "$n" "python xlsx" "$companies" "$wall" "$cpu" "$rss"
	fi
	for format in xlsx csv; do
		measure "$bin" export --base-url "$url" --out "$work/out-$n.$format" "${fast[@]}"
		rss_of[$n-$format]=$rss
		line=$(printf '%-8s %-13s %9s %8s %8s %10s' "$n" "export $format" "$companies" "$wall" "$cpu" "$rss")
		if [[ -n $script_cpu ]]; then
			line+=$(printf ' %10s %10s' "$(ratio "$cpu" "$script_cpu")" "$(ratio "$rss" "$script_rss")")
		fi
		echo "$line"
	done
	stop_sandbox
done

largest=${sizes##* }
if [[ -n ${rss_of[100000-xlsx]:-} && $largest != 100000 ]]; then
	for format in xlsx csv; do
		echo "peak RSS $largest / 100000 companies, $format: $(ratio "${rss_of[$largest-$format]}" "${rss_of[100000-$format]}")"
	done
fi

[[ ${LATENCY:-1} == 1 ]] || exit 0
# Latency 50ms per call, 40 calls/s allowed: one page at a time is bound by the latency
# (about 1/(50ms + work) pages/s); eight at once reach the rate limit (40 pages/s).
n=20000
start_sandbox "$n" --latency 50ms
for c in 1 8; do
	measure "$bin" export --no-progress --base-url "$url" --out "$work/lat-$c.csv" --rps 40 --burst 1 --per-page 100 --concurrency "$c"
	printf '%-34s companies=%-7s wall=%-8s cpu=%6.1fs\n' "$n, 50ms latency, concurrency $c" "$companies" "$wall" "$cpu"
done
stop_sandbox
