#!/bin/sh
# The long chaos runs quoted in README's Reliability section, at the size of the issue:
#   - import 2,000 rows (half updates, half creates) into a sandbox that injects
#     error500=0.1,ratelimit429=0.05,lost-response=0.05,reset=0.03, run again with the journal
#     until every row is done; the end state is checked row by row;
#   - the same import in a process of its own (the test binary, running the command as main
#     does), SIGKILLed at three random moments and resumed;
#   - an export of 2,000 companies, 5 a page, under the same faults;
#   - 3,000 creates with --rps 200 into a sandbox that allows 50 calls a second.
# Each test logs its figures (rows, faults injected per kind, client retries, duplicates, lost).
# With -chaos.long the runs pace as production does, waiting out every Retry-After; the default
# suite runs the same tests smaller, with millisecond waits.
# Usage: bench/chaos.sh [go test flags...]
set -eu
cd "$(dirname "$0")/.."
exec go test -run 'TestChaosImport$|TestChaosImportKilledAndResumed|TestChaosExport|TestRPSAboveServerRateSettles' -count 1 -v -timeout 60m \
	./cmd/bangwo8-etl/ -args -chaos.long "$@"
