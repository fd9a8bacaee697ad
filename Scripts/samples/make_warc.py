#!/usr/bin/env python3
"""Packs real Debian documentation pages into WARC files with warcio, as a crawler would have
fetched them, for Winnow's WARC reader and extract stage.

Sources (both redistributable, see Samples/licenses/): the Debian Administrator's Handbook
(debian-handbook, GPL-2+ or CC-BY-SA-3.0) and Debian Reference (debian-reference-*, GPL-2+).
Install them with `apt-get install debian-handbook debian-reference-en debian-reference-de
debian-reference-fr debian-reference-ja debian-reference-zh-cn`, and warcio in a venv.

Writes:
  Samples/warc/debian.warc.gz      one gzip member per record (as Common Crawl writes): a
                                   warcinfo record, then for each page a request, a response and
                                   a metadata record; a few CSS/PNG responses (not HTML); pages
                                   re-encoded to legacy charsets, declared in the HTTP header, in
                                   a <meta> tag, or not at all; one response chunked and gzipped.
  Samples/warc/small.warc          the first records uncompressed,
  Samples/warc/small.warc.zst      the same, zstd (whole file),
  Samples/warc/small-whole.warc.gz the same, one gzip member for the whole file,
  Samples/warc/small.warc.wet.gz   WET conversion records (page text) for the same pages,
  Samples/broken/damaged.warc.gz   good records around a truncated record (WARC-Truncated), a
                                   record with a wrong Content-Length and a damaged gzip member.
Usage: make_warc.py [REPO_ROOT]
"""
import gzip
import hashlib
import io
import re
import subprocess
import sys
import uuid
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2])
HANDBOOK = Path("/usr/share/doc/debian-handbook/html")
REFERENCE = Path("/usr/share/debian-reference")
DATE = "2026-12-07T04:00:00Z"

HANDBOOK_PAGES = ["apt", "sect.apt-get", "sect.apt-cache", "packaging-system", "sect.manipulating-packages-with-dpkg",
                  "basic-configuration", "sect.user-group-databases", "network-services", "sect.http-web-server",
                  "security", "sect.firewall-packet-filtering", "virtualization"]
HANDBOOK_LOCALES = ["en-US", "de-DE", "fr-FR", "ja-JP", "zh-CN", "ru-RU", "es-ES"]
REFERENCE_PAGES = [("ch01", "en"), ("ch02", "en"), ("ch04", "de"), ("ch05", "fr"), ("ch03", "ja"), ("ch06", "zh-cn")]
# Pages re-encoded from UTF-8 to a legacy charset, and how the charset is declared.
LEGACY = {("de-DE", "apt"): ("iso-8859-1", "http"), ("fr-FR", "apt"): ("windows-1252", "meta"),
          ("ja-JP", "apt"): ("shift_jis", "http"), ("zh-CN", "apt"): ("gb18030", "meta"),
          ("ru-RU", "apt"): ("koi8-r", "none"), ("es-ES", "apt"): ("iso-8859-1", "none")}


def record_id(url, kind):
    return "<urn:uuid:%s>" % uuid.UUID(hashlib.md5((kind + url).encode()).hexdigest())


def pages():
    """(url, html bytes, content type, coding) for every page, in a fixed order."""
    out = []
    for locale in HANDBOOK_LOCALES:
        for page in HANDBOOK_PAGES:
            path = HANDBOOK / locale / (page + ".html")
            if not path.exists():
                continue
            html = path.read_bytes()
            content_type = "text/html; charset=UTF-8"
            legacy = LEGACY.get((locale, page))
            if legacy:
                charset, declared = legacy
                text = html.decode("utf-8")
                meta = 'content="text/html; charset=%s"' % charset if declared == "meta" else ""
                text = re.sub(r'content="text/html; charset=UTF-8"', meta, text)
                html = text.encode(charset, errors="xmlcharrefreplace")
                content_type = "text/html; charset=%s" % charset if declared == "http" else "text/html"
            out.append(("https://debian-handbook.info/browse/%s/stable/%s.html" % (locale, page), html, content_type, None))
    for page, tag in REFERENCE_PAGES:
        html = (REFERENCE / ("%s.%s.html" % (page, tag))).read_bytes()
        out.append(("https://www.debian.org/doc/manuals/debian-reference/%s.%s.html" % (page, tag), html,
                    "text/html; charset=UTF-8", None))
    # One response as a server may send it, chunked and gzipped (Common Crawl undoes both; other
    # crawlers keep them).
    url, html, content_type, _ = out[1]
    out.append((url.replace("stable", "testing"), html, content_type, "chunked-gzip"))
    return out


def assets():
    base = HANDBOOK / "en-US"
    return [("https://debian-handbook.info/browse/en-US/stable/Common_Content/css/default.css",
             (base / "Common_Content/css/default.css").read_bytes(), "text/css"),
            ("https://debian-handbook.info/browse/en-US/stable/Common_Content/images/image_left.png",
             (base / "Common_Content/images/image_left.png").read_bytes(), "image/png")]


def response(writer, url, body, content_type, coding=None):
    headers = [("Content-Type", content_type), ("Server", "Apache")]
    if coding == "chunked-gzip":
        body = gzip.compress(body, mtime=0)
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 8192]), body[i:i + 8192]) for i in range(0, len(body), 8192))
        body = chunks + b"0\r\n\r\n"
        headers += [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
    else:
        headers.append(("Content-Length", str(len(body))))
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                    warc_headers_dict={"WARC-Date": DATE, "WARC-Record-ID": record_id(url, "response")})
    writer.write_record(rec)


def write_crawl(path, gzipped, limit=None):
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gzipped)
        info = writer.create_warcinfo_record(path.name, {"software": "Scripts/samples/make_warc.py",
                                                         "format": "WARC File Format 1.1"})
        # Fixed date and id, so a rerun writes the same bytes.
        info.rec_headers.replace_header("WARC-Date", DATE)
        info.rec_headers.replace_header("WARC-Record-ID", record_id(path.name, "warcinfo"))
        writer.write_record(info)
        for n, (url, html, content_type, coding) in enumerate(pages()[:limit]):
            req = StatusAndHeaders("GET %s HTTP/1.1" % url.split("/", 3)[3], [("Host", url.split("/")[2])],
                                   is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=req,
                                                          warc_headers_dict={"WARC-Date": DATE, "WARC-Record-ID": record_id(url, "request")}))
            response(writer, url, html, content_type, coding)
            writer.write_record(writer.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
                                                          warc_content_type="application/warc-fields",
                                                          warc_headers_dict={"WARC-Date": DATE, "WARC-Record-ID": record_id(url, "metadata")}))
            if n == 0:
                for asset_url, body, content_type in assets():
                    response(writer, asset_url, body, content_type)


def write_wet(path, limit):
    import lxml.html
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, html, content_type, _ in pages()[:limit]:
            charset = (re.search(r"charset=([\w-]+)", content_type) or [None, "utf-8"])[1]
            text = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(encoding=charset)).text_content()
            text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
            writer.write_record(writer.create_warc_record(url, "conversion", payload=io.BytesIO(text.encode()),
                                                          warc_content_type="text/plain",
                                                          warc_headers_dict={"WARC-Date": DATE, "WARC-Record-ID": record_id(url, "conversion")}))


def write_damaged(path):
    """Good records around three kinds of damage, each its own gzip member."""
    members = []
    for url, html, content_type, _ in pages()[:6]:
        buf = io.BytesIO()
        response(WARCWriter(buf, gzip=True), url, html, content_type)
        members.append(buf.getvalue())
    raw = [gzip.decompress(m) for m in members]
    # 1: the crawler stopped reading the body (WARC-Truncated: length), as Common Crawl marks it.
    cut = raw[1].replace(b"WARC-Type: response\r\n", b"WARC-Type: response\r\nWARC-Truncated: length\r\n", 1)
    members[1] = gzip.compress(cut, mtime=0)
    # 2: a Content-Length 100 bytes longer than the block.
    head, _, rest = raw[2].partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head)[1])
    head = head.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length + 100))
    members[2] = gzip.compress(head + b"\r\n\r\n" + rest, mtime=0)
    # 3: bytes in the middle of a member's deflate data overwritten.
    damaged = bytearray(members[3])
    middle = len(damaged) // 2
    damaged[middle:middle + 64] = bytes(64)
    members[3] = bytes(damaged)
    path.write_bytes(b"".join(members))


def main():
    warc = ROOT / "Samples/warc"
    warc.mkdir(parents=True, exist_ok=True)
    write_crawl(warc / "debian.warc.gz", gzipped=True)
    write_crawl(warc / "small.warc", gzipped=False, limit=3)
    data = (warc / "small.warc").read_bytes()
    (warc / "small-whole.warc.gz").write_bytes(gzip.compress(data, mtime=0))
    subprocess.run(["zstd", "-q", "-f", "-19", str(warc / "small.warc"), "-o", str(warc / "small.warc.zst")], check=True)
    write_wet(warc / "small.warc.wet.gz", limit=3)
    write_damaged(ROOT / "Samples/broken/damaged.warc.gz")


if __name__ == "__main__":
    main()
