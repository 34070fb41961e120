#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend and MoJ Frontend assets.
#
# The compiled CSS, the ES module bundles and the images are committed under
# openprobation/frontend/static/, so neither CI nor a user needs Node. Run this
# (it needs node and npm) only to change a version; then review and commit the
# result together with VERSIONS.txt.
#
# Why we compile the Sass instead of shipping the packages' own CSS: their
# precompiled CSS asks for images at /assets/, not under STATIC_URL, and it
# loads the GDS Transport font, which is licensed for gov.uk only. We compile
# two separate entry points (GOV.UK, then MoJ) with the assets path
# /static/assets/ and Arial, so no font files ship.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
MOJ_FRONTEND_VERSION="${MOJ_FRONTEND_VERSION:-11.1.0}"
SASS_VERSION="${SASS_VERSION:-1.108.2}"
ASSETS_URL_PATH="/static/assets/"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATIC_DIR="$REPO_ROOT/openprobation/frontend/static"
VENDOR_DIR="$STATIC_DIR/frontend"
IMAGES_DIR="$STATIC_DIR/assets/images"

for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "build_assets: '$tool' is needed to rebuild the vendored assets (not to run OpenProbation)." >&2
        exit 1
    fi
done

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT
cd "$WORK_DIR"

echo "build_assets: installing govuk-frontend@$GOVUK_FRONTEND_VERSION, @ministryofjustice/frontend@$MOJ_FRONTEND_VERSION, sass@$SASS_VERSION"
cat > package.json <<'JSON'
{ "name": "openprobation-assets-build", "version": "0.0.0", "private": true }
JSON
# --ignore-scripts: sass's optional file watcher wants to compile a native addon; a one-off build never watches.
npm install --save-exact --no-audit --no-fund --ignore-scripts --loglevel=error \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" \
    "@ministryofjustice/frontend@$MOJ_FRONTEND_VERSION" \
    "sass@$SASS_VERSION"

GOVUK_PKG="$WORK_DIR/node_modules/govuk-frontend"
MOJ_PKG="$WORK_DIR/node_modules/@ministryofjustice/frontend"

# Two entry points: compiling both packages from one file fails or drops settings.
cat > govuk.scss <<SCSS
@use "govuk-frontend/dist/govuk" with (
  \$govuk-assets-path: "$ASSETS_URL_PATH",
  \$govuk-font-family: (arial, sans-serif)
);
SCSS
cat > moj.scss <<SCSS
@use "@ministryofjustice/frontend/moj/settings/all" as moj-settings with (
  \$moj-assets-path: "$ASSETS_URL_PATH",
  \$moj-font-family: (arial, sans-serif)
);
@use "@ministryofjustice/frontend/moj/all" as moj;
SCSS

mkdir -p out
for entry in govuk moj; do
    # --no-source-map: a sourceMappingURL to a map we do not ship would break the manifest storage.
    # --quiet-deps: the packages' own deprecation notices are theirs to fix, not ours (GOV.UK's
    # warning mixin still prints one notice about MoJ's alert styles: harmless).
    ./node_modules/.bin/sass --load-path=node_modules --load-path=. --style=compressed \
        --no-source-map --quiet-deps "$entry.scss" "out/$entry.css"
done

for css in out/govuk.css out/moj.css; do
    if grep -q -i -e "GDS Transport" -e "@font-face" "$css"; then
        echo "build_assets: $css still refers to the GDS Transport font; check the font settings." >&2
        exit 1
    fi
done

mkdir -p "$VENDOR_DIR"
cp out/govuk.css "$VENDOR_DIR/govuk.css"
cp out/moj.css "$VENDOR_DIR/moj.css"
cp "$GOVUK_PKG/dist/govuk/govuk-frontend.min.js" "$GOVUK_PKG/dist/govuk/govuk-frontend.min.js.map" "$VENDOR_DIR/"
cp "$MOJ_PKG/moj/moj-frontend.min.js" "$MOJ_PKG/moj/moj-frontend.min.js.map" "$VENDOR_DIR/"

# The images folder holds vendored files only: replace it whole so removed images do not linger.
rm -rf "$IMAGES_DIR"
mkdir -p "$IMAGES_DIR"
cp "$GOVUK_PKG"/dist/govuk/assets/images/* "$IMAGES_DIR/"
for image in "$MOJ_PKG"/moj/assets/images/*; do
    if [ -e "$IMAGES_DIR/$(basename "$image")" ]; then
        echo "build_assets: GOV.UK and MoJ both ship $(basename "$image"); decide which one wins." >&2
        exit 1
    fi
    cp "$image" "$IMAGES_DIR/"
done

# Every url() in the CSS must resolve to a file we ship, or collectstatic's manifest step fails.
missing=0
for css in "$VENDOR_DIR/govuk.css" "$VENDOR_DIR/moj.css"; do
    while IFS= read -r url; do
        case "$url" in
            data:*) continue ;;
            "$ASSETS_URL_PATH"*) ;;
            *)
                echo "build_assets: $(basename "$css") has url($url) outside $ASSETS_URL_PATH" >&2
                missing=1
                continue
                ;;
        esac
        if [ ! -f "$STATIC_DIR/assets/${url#"$ASSETS_URL_PATH"}" ]; then
            echo "build_assets: $(basename "$css") needs $url, which is not shipped" >&2
            missing=1
        fi
    done < <(grep -o 'url([^)]*)' "$css" | sed -e 's/^url(//' -e 's/)$//' -e 's/^["'\'']//' -e 's/["'\'']$//' | sort -u)
done
for js in govuk-frontend.min.js moj-frontend.min.js; do
    map="$(grep -o 'sourceMappingURL=[^ ]*' "$VENDOR_DIR/$js" | tail -n 1 | cut -d= -f2)"
    if [ -n "$map" ] && [ ! -f "$VENDOR_DIR/$map" ]; then
        echo "build_assets: $js points at $map, which is not shipped" >&2
        missing=1
    fi
done
if [ "$missing" -ne 0 ]; then
    exit 1
fi

package_version() {
    node -p "require('$1/package.json').version"
}

{
    echo "# Vendored by scripts/build_assets.sh; do not edit these files by hand."
    echo "govuk-frontend $(package_version "$GOVUK_PKG") (MIT licence, Crown copyright)"
    echo "@ministryofjustice/frontend $(package_version "$MOJ_PKG") (MIT licence, Crown copyright)"
    echo "sass $(package_version "$WORK_DIR/node_modules/sass")"
    echo "node $(node --version)"
    echo "assets path $ASSETS_URL_PATH; font family arial, sans-serif; no font files shipped"
    echo
    echo "# sha256"
    (cd "$STATIC_DIR" && find frontend/govuk.css frontend/moj.css frontend/*.min.js frontend/*.min.js.map assets/images -type f | LC_ALL=C sort | xargs sha256sum)
} > "$VENDOR_DIR/VERSIONS.txt"

echo "build_assets: done; see $VENDOR_DIR/VERSIONS.txt"
