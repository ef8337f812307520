#!/usr/bin/env bash
# Vendors front-end files from npm into static/vendor/ (committed; nothing is loaded
# from a CDN): the NL Design System white-label component CSS and htmx.
# Run by hand when upgrading; pin the versions here.
set -euo pipefail
UTRECHT_CSS_VERSION="${UTRECHT_CSS_VERSION:-9.0.4}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts \
  "@utrecht/component-library-css@${UTRECHT_CSS_VERSION}" "htmx.org@${HTMX_VERSION}" >/dev/null

vendor() {  # vendor NAME SOURCE_DIR FILE...
  local dest="$here/static/vendor/$1" src="$2"
  shift 2
  rm -rf "$dest"
  mkdir -p "$dest"
  for file in "$@"; do cp "$src/$file" "$dest/"; done
  cp "$src"/LICENSE* "$dest/" 2>/dev/null || true
  cp "$src/package.json" "$dest/package.json"
  node -p "require('./$src/package.json').version" >"$dest/VERSION"
  echo "Vendored $(cat "$dest/VERSION") into ${dest#"$here"/}"
}
vendor utrecht-component-library-css node_modules/@utrecht/component-library-css dist/index.css
vendor htmx node_modules/htmx.org dist/htmx.min.js
