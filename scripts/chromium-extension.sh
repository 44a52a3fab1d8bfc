#!/bin/sh
# Opens the sandbox's company external extension page in headless Chromium (Debian's
# chromium package, installed here when absent) and checks the table and a pick:
# sandbox.TestExtensionPageInChromium. The default "go test ./..." skips that test and
# installs nothing.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "chromium-extension: /usr/bin/chromium is absent; run as root to install it, or: sudo apt-get install chromium" >&2
		exit 2
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
exec go test -race -count=1 -run 'TestExtensionPageInChromium' -v ./sandbox
