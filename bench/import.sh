#!/bin/sh
# Import and validation benchmarks quoted in README's Performance section:
#   - validating a 100,000-row and a 400,000-row xlsx (time, rows/s, peak live heap);
#   - importing 5,000 rows into a sandbox limited to 100 requests/s with 30ms latency;
#   - an upsert of 2,000 rows, 90% unchanged: the writes sent.
# The workbooks are generated with excelize's StreamWriter inside the benchmark.
# Usage: bench/import.sh [go test flags...]
set -eu
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench 'BenchmarkValidateXLSX|BenchmarkImport5000RateLimited|BenchmarkUpsertMostlyUnchanged' \
	-benchtime 1x -benchmem -timeout 30m "$@" ./importer/
