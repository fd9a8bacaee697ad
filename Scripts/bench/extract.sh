#!/usr/bin/env bash
# Extraction and WARC-reading benchmark, Winnow and its peers in the same run, one core each
# (CPU time of every process):
#   * pages per second per core: `winnow extract --favor precision` against trafilatura 1.11
#     (favor_precision, as FineWeb runs it) and resiliparse (main_content), on the same Debian
#     handbook and Debian reference pages (Winnow's time includes reading the files and its
#     process start; the peers' only their extraction calls);
#   * WARC reading MB/s per core (uncompressed response bytes): `winnow inspect` of a WARC made
#     from the same pages (a gzip member per record, as Common Crawl) against warcio and FastWARC
#     iterating it with HTTP headers parsed and every body read (Winnow also decodes each page's
#     charset and counts its characters and metadata).
#   Scripts/bench/extract.sh [--pages N]   (default 200 pages, evenly spread over the locales)
# Needs the debian-handbook and debian-reference-en packages. Peers go in .venv-extract.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
count=200
while (($#)); do
  case "$1" in
    --pages) count="$2"; shift ;;
    *) echo "extract.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "extract.sh: no $winnow; build it: swift build -c release" >&2; exit 1; }
venv="${EXTRACT_VENV:-$repo_root/.venv-extract}"
pins=("trafilatura==1.11.0" "lxml_html_clean==0.4.7" "resiliparse==2.0.1" "fastwarc==2.0.1" "warcio==1.8.1")
if [[ ! -x "$venv/bin/python" ]] || [[ "$(cat "$venv/.pins" 2>/dev/null)" != "${pins[*]}" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${pins[@]}" >&2
  echo "${pins[*]}" >"$venv/.pins"
fi
py="$venv/bin/python"
work="$(mktemp -d /tmp/winnow-extract-bench.XXXXXX)"
ls /usr/share/doc/debian-handbook/html/*/*.html /usr/share/debian-reference/*.html 2>/dev/null | sort >"$work/all.txt"
total=$(wc -l <"$work/all.txt")
((total > 0)) || { echo "extract.sh: no pages; apt-get install debian-handbook debian-reference-en" >&2; exit 1; }
awk -v n="$count" -v t="$total" 'NR % int((t + n - 1) / n) == 0' "$work/all.txt" | head -n "$count" >"$work/pages.txt"
pages=$(wc -l <"$work/pages.txt")
html_bytes=$(xargs cat <"$work/pages.txt" | wc -c)

echo "extract.sh: winnow extract ($pages pages)" >&2
"$py" "$here/benchutil.py" run --json "$work/winnow.json" --log "$work/winnow.log" -- \
  sh -c "xargs '$winnow' extract --favor precision <'$work/pages.txt' >/dev/null"
echo "extract.sh: trafilatura and resiliparse" >&2
"$py" "$here/extract_peers.py" pages "$work/pages.txt" >"$work/peers.json"

echo "extract.sh: WARC of every page ($total)" >&2
"$py" "$here/extract_peers.py" make-warc "$work/pages.warc.gz" "$work/all.txt"
"$py" "$here/benchutil.py" run --json "$work/winnow-warc.json" --log "$work/winnow-warc.log" -- \
  "$winnow" inspect "$work/pages.warc.gz"
"$py" "$here/extract_peers.py" warc "$work/pages.warc.gz" >"$work/peers-warc.json"

"$py" - "$here" "$work" "$pages" "$html_bytes" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import benchutil
work, pages, html_bytes = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
w = json.load(open(f"{work}/winnow.json"))
p = json.load(open(f"{work}/peers.json"))
ww = json.load(open(f"{work}/winnow-warc.json"))
pw = json.load(open(f"{work}/peers-warc.json"))
ours = pages / w["cpu_s"]
traf = pages / p["trafilatura_cpu_s"]
resi = pages / p["resiliparse_cpu_s"]
mb = pw["response_bytes"] / 1e6
print(f"## Extraction: {pages} Debian handbook/reference pages ({html_bytes / 1e6:.1f} MB of HTML), one core\n")
print("| extractor | CPU s | pages/s per core | Winnow's advantage |")
print("|---|---:|---:|---:|")
print(f"| Winnow `extract --favor precision` | {w['cpu_s']:.2f} | {ours:.1f} | |")
print(f"| trafilatura 1.11 favor_precision | {p['trafilatura_cpu_s']:.2f} | {traf:.1f} | {ours / traf:.1f}x |")
print(f"| resiliparse main_content | {p['resiliparse_cpu_s']:.2f} | {resi:.1f} | {ours / resi:.2f}x |")
print(f"\n## WARC reading: {pw['responses']} responses, {mb:.1f} MB of response bodies, gzip member per record, one core\n")
print("| reader | CPU s | MB/s per core | Winnow's advantage |")
print("|---|---:|---:|---:|")
print(f"| Winnow `inspect` (documents made, charsets decoded) | {ww['cpu_s']:.2f} | {mb / ww['cpu_s']:.1f} | |")
print(f"| warcio 1.8 ArchiveIterator | {pw['warcio_cpu_s']:.2f} | {mb / pw['warcio_cpu_s']:.1f} | {pw['warcio_cpu_s'] / ww['cpu_s']:.1f}x |")
print(f"| FastWARC 2.0 ArchiveIterator | {pw['fastwarc_cpu_s']:.2f} | {mb / pw['fastwarc_cpu_s']:.1f} | {pw['fastwarc_cpu_s'] / ww['cpu_s']:.2f}x |")
benchutil.record("extract: pages/s per core", ours, "trafilatura", traf)
benchutil.record("WARC read: MB/s per core", mb / ww["cpu_s"], "FastWARC", mb / pw["fastwarc_cpu_s"])
PY
rm -rf "$work"
