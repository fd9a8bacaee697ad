#!/usr/bin/env bash
# Build the sample data bundled in Samples/ from Debian's own manuals.
#
#   Samples/web/part-0000{0..3}.jsonl.zst   web-like documents (JSONL, zstd -19)
#   Samples/broken/                          damaged input for reader tests
#   Samples/licenses/                        copyright files of the sources
#
# The text comes from the HTML pages of the debian-handbook and
# debian-reference-* packages (Debian 12), turned into one JSON document
# per page by Scripts/samples/extract.py; Scripts/samples/make_broken.py
# then makes the broken files.  See Samples/README.md.
#
# Runs as root on a fresh Debian 12 machine (installs what is missing).
# Idempotent: a second run with the same package versions rewrites
# byte-identical files (it prints their SHA-256 sums to compare).
#
# Usage: Scripts/make-samples.sh            (from anywhere)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SAMPLES="$ROOT/Samples"
HELPERS="$ROOT/Scripts/samples"

# Same options for every zstd file: level 19, quiet, and one worker thread
# pinned explicitly (-T1 is the default, but the output of multi-threaded
# or --single-thread mode differs, so it must not depend on the build).
ZSTD_OPTS=(-19 -T1 -q --no-progress)

PACKAGES=(
    debian-handbook
    debian-reference-en debian-reference-de debian-reference-fr
    debian-reference-es debian-reference-it debian-reference-ja
    debian-reference-zh-cn
    zstd python3 gzip
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'make-samples.sh: %s\n' "$*" >&2; exit 1; }

# --- 1. packages -----------------------------------------------------------

install_missing() {
    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        log "packages already installed"
        return
    fi
    log "installing: ${missing[*]}"
    # Wait (up to 5 minutes) instead of failing if another apt is running.
    local apt_opts=(-o DPkg::Lock::Timeout=300)
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
}

# Copy $1 to $2 through a temporary file in the same folder, so $2 is
# never left half-written.
install_file() {
    local src="$1" dest="$2"
    cp "$src" "$dest.tmp"
    mv -f "$dest.tmp" "$dest"
}

install_missing

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

# --- 2./3. HTML -> JSONL documents, within the size budgets ---------------

log "extracting text (about 30 s)"
python3 "$HELPERS/extract.py" --out-dir "$STAGE/web" >"$STAGE/summary.md"

# --- 4. compressed shards ----------------------------------------------------

mkdir -p "$SAMPLES/web" "$SAMPLES/broken" "$SAMPLES/licenses"
for plain in "$STAGE"/web/part-*.jsonl; do
    dest="$SAMPLES/web/$(basename "$plain").zst"
    zstd "${ZSTD_OPTS[@]}" -f "$plain" -o "$dest.tmp"
    mv -f "$dest.tmp" "$dest"
done
# Shards left over from an earlier run with more shards.
for f in "$SAMPLES"/web/part-*.jsonl.zst; do
    [[ -e "$STAGE/web/$(basename "$f" .zst)" ]] || rm -f "$f"
done

# --- 5. broken input ---------------------------------------------------------

python3 "$HELPERS/make_broken.py" --web-dir "$STAGE/web" --out-dir "$STAGE/broken" >&2
for f in "$STAGE"/broken/*; do
    install_file "$f" "$SAMPLES/broken/$(basename "$f")"
done

# --- 6. licences -------------------------------------------------------------
# GPL-2+ (both) and CC-BY-SA-3.0 (handbook) ask for the copyright notices
# and the licence text to travel with the text.

install_file /usr/share/doc/debian-handbook/copyright "$SAMPLES/licenses/debian-handbook.copyright"
install_file /usr/share/doc/debian-reference-common/copyright "$SAMPLES/licenses/debian-reference.copyright"
install_file /usr/share/common-licenses/GPL-2 "$SAMPLES/licenses/GPL-2"

# --- checks ------------------------------------------------------------------

log "checking"
for f in "$SAMPLES"/web/part-*.jsonl.zst; do
    zstd -q -t "$f" || die "$f: zstd -t failed"
    # Every line must be a JSON object with a string text and an id.
    zstd -q -dc "$f" | python3 -c '
import json, sys
n = 0
for n, line in enumerate(sys.stdin.buffer, 1):
    doc = json.loads(line.decode("utf-8"))
    assert isinstance(doc, dict) and isinstance(doc["text"], str) and doc["id"], n
    doc["text"].encode("utf-8")
print(n)
' >/dev/null || die "$f: invalid document"
done
# The damaged files must really be damaged, the good one good.
if zstd -q -t "$SAMPLES/broken/truncated.jsonl.zst" 2>/dev/null; then
    die "truncated.jsonl.zst passes zstd -t"
fi
if gzip -t "$SAMPLES/broken/corrupt.jsonl.gz" 2>/dev/null; then
    die "corrupt.jsonl.gz passes gzip -t"
fi
gzip -t "$SAMPLES/broken/good.jsonl.gz" || die "good.jsonl.gz fails gzip -t"
# Leftovers from an interrupted run.
rm -f "$SAMPLES"/web/*.tmp "$SAMPLES"/broken/*.tmp "$SAMPLES"/licenses/*.tmp

# --- report ------------------------------------------------------------------

echo "## Source packages"
dpkg-query -W -f='- ${Package} ${Version}\n' debian-handbook debian-reference-common \
    debian-reference-en debian-reference-de debian-reference-fr debian-reference-es \
    debian-reference-it debian-reference-ja debian-reference-zh-cn zstd
echo
echo "## Documents (uncompressed JSONL bytes)"
cat "$STAGE/summary.md"
echo
echo "## Files"
(cd "$SAMPLES" && find web broken licenses -type f | LC_ALL=C sort | xargs ls -l | awk '{print $5, $9}')
echo
echo "## SHA-256"
(cd "$SAMPLES" && find web broken licenses -type f | LC_ALL=C sort | xargs sha256sum)
