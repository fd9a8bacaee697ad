#!/usr/bin/env python3
"""The Python side of Scripts/bench/extract.sh.

  extract_peers.py pages LIST          trafilatura (favor_precision, as FineWeb) and resiliparse
                                       (main_content) on every HTML file named in LIST; prints
                                       {"trafilatura_cpu_s", "resiliparse_cpu_s", "pages"} (CPU
                                       time of the extraction calls, files already in memory)
  extract_peers.py make-warc OUT LIST  a WARC (gzip member per record, as Common Crawl) with a
                                       request, a response and a metadata record per page
  extract_peers.py warc FILE           reads FILE with warcio and with FastWARC as a crawl reader
                                       does (every record, HTTP headers parsed, every response
                                       body read); prints {"warcio_cpu_s", "fastwarc_cpu_s",
                                       "uncompressed_bytes", "responses"}
"""
import io
import json
import sys
import time


def pages(list_path):
    import trafilatura
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    raws = [open(p.strip(), "rb").read() for p in open(list_path) if p.strip()]
    t0 = time.process_time()
    for raw in raws:
        trafilatura.extract(raw, favor_precision=True, include_comments=False, deduplicate=True)
    t1 = time.process_time()
    for raw in raws:
        extract_plain_text(bytes_to_str(raw, detect_encoding(raw)), main_content=True)
    t2 = time.process_time()
    print(json.dumps({"trafilatura_cpu_s": t1 - t0, "resiliparse_cpu_s": t2 - t1, "pages": len(raws)}))


def make_warc(out, list_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    with open(out, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for n, path in enumerate(p.strip() for p in open(list_path) if p.strip()):
            url = "https://example.org/pages/%d/%s" % (n, path.rsplit("/", 1)[-1])
            body = open(path, "rb").read()
            req = StatusAndHeaders("GET /pages/%d HTTP/1.1" % n, [("Host", "example.org")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8"),
                                               ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
            writer.write_record(writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
                                                          warc_content_type="application/warc-fields"))


def warc(path):
    from fastwarc.warc import ArchiveIterator as FastIterator
    from warcio.archiveiterator import ArchiveIterator
    t0 = time.process_time()
    total = responses = 0
    with open(path, "rb") as f:
        for record in ArchiveIterator(f):
            body = record.content_stream().read()
            if record.rec_type == "response":
                responses += 1
                total += len(body)
    t1 = time.process_time()
    with open(path, "rb") as f:
        for record in FastIterator(f, parse_http=True):
            record.reader.read()
    t2 = time.process_time()
    print(json.dumps({"warcio_cpu_s": t1 - t0, "fastwarc_cpu_s": t2 - t1, "responses": responses, "response_bytes": total}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "pages":
        pages(sys.argv[2])
    elif command == "make-warc":
        make_warc(sys.argv[2], sys.argv[3])
    elif command == "warc":
        warc(sys.argv[2])
    else:
        sys.exit(__doc__)
