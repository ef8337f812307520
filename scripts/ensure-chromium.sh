#!/usr/bin/env bash
# Make sure /usr/bin/chromium exists (installing it with apt-get when run as
# root), then print its version.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "ensure-chromium: error: /usr/bin/chromium is missing: install it with \`sudo apt-get install chromium fonts-dejavu-core\`" >&2
        exit 1
    fi
    echo "ensure-chromium: installing chromium with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >&2
fi

/usr/bin/chromium --version
