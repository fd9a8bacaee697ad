#!/usr/bin/env bash
# Installs what Winnow needs on a fresh Debian 12 machine (as root) and builds the release
# binary at .build/release/winnow. Safe to run again: installed packages are skipped and the
# build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

# C libraries Winnow links (zstd, zlib, SQLite, ICU, libdivsufsort for suffix arrays, OpenBLAS
# for semantic dedup's matrix products), snappy, LZ4 and brotli for Parquet pages, pkg-config to find them, and the zstd command-line tool
# that the sample and benchmark scripts use; libxml2 for HTML, libcurl for s3:// and http(s):// shards.
packages=(libzstd-dev zlib1g-dev libsqlite3-dev libicu-dev libdivsufsort-dev libopenblas-dev libsnappy-dev liblz4-dev libbrotli-dev libxml2-dev libcurl4-openssl-dev pkg-config zstd)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup: missing Debian packages: ${missing[*]}; run as root or install them with apt-get" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    echo "setup: no Swift toolchain on PATH; install Swift 6 (swift.org) and run this again" >&2
    exit 1
fi

swift build -c release --product winnow
echo "setup: built $(pwd)/.build/release/winnow" >&2
