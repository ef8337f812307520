#!/usr/bin/env bash
# Vendors the NL Design System white-label component CSS into static/vendor/.
# Run by hand when upgrading (the result is committed; nothing is loaded from a CDN).
set -euo pipefail
VERSION="${UTRECHT_CSS_VERSION:-9.0.4}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts "@utrecht/component-library-css@${VERSION}" >/dev/null
src="node_modules/@utrecht/component-library-css"
dest="$here/static/vendor/utrecht-component-library-css"
rm -rf "$dest"
mkdir -p "$dest"
cp "$src/dist/index.css" "$dest/index.css"
cp "$src"/LICENSE* "$dest/" 2>/dev/null || true
cp "$src/package.json" "$dest/package.json"
echo "$VERSION" >"$dest/VERSION"
echo "Vendored @utrecht/component-library-css@${VERSION} into ${dest#"$here"/}"
