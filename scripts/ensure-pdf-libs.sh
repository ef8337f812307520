#!/usr/bin/env bash
# Make sure the shared libraries WeasyPrint needs (Pango, HarfBuzz subset) and the
# poppler tools the report tests read PDFs with (pdftotext, pdfinfo, pdffonts) are
# installed, with apt-get when run as root.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)

missing=()
for package in "${PACKAGES[@]}"; do
    # No pipe into `grep -q` here nor `head` below: with pipefail, a writer cut off by
    # a reader that stops early (SIGPIPE, status 141) fails the script at random.
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "ensure-pdf-libs: error: missing ${missing[*]}: install them with \`sudo apt-get install ${missing[*]}\`" >&2
        exit 1
    fi
    echo "ensure-pdf-libs: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

version="$(pdfinfo -v 2>&1 || true)"
echo "${version%%$'\n'*}"
