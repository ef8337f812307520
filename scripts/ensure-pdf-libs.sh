#!/usr/bin/env bash
# Make sure the shared libraries WeasyPrint needs (Pango, HarfBuzz subset) and the
# poppler tools the report tests read PDFs with (pdftotext, pdfinfo, pdffonts) are
# installed, with apt-get when run as root.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
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

pdfinfo -v 2>&1 | head -1
