#!/usr/bin/env python3
"""A proxy on 127.0.0.1 between Winnow and an S3-compatible store that misbehaves on a schedule:
503 SlowDown answers, connections dropped half-way through an answer, stalls, and added latency
per request. The tests and Scripts/bench/storage.sh put it in front of the local store.

    fault-proxy.py --upstream http://127.0.0.1:8333 [--port 0] [--seed 1]
                   [--error-rate 0.05] [--drop-rate 0.02] [--stall-rate 0.01] [--stall-seconds 5]
                   [--latency-ms 20] [--log FILE]

Prints its port on the first line of stdout once it listens. Requests are passed on byte for
byte (the Host header too, so SigV4 signatures stay valid); each answer closes its connection.
With --log, each request's line and what the proxy did are appended to FILE.
"""
import argparse, os, random, socket, socketserver, sys, threading, time
from urllib.parse import urlparse

def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest

def main():
    # Descriptors inherited from whoever started us (a test runner's pipes to other children)
    # would keep their readers from ever seeing end-of-file while we run.
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--error-rate", type=float, default=0.0)
    ap.add_argument("--drop-rate", type=float, default=0.0)
    ap.add_argument("--stall-rate", type=float, default=0.0)
    ap.add_argument("--stall-seconds", type=float, default=5.0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--log")
    args = ap.parse_args()
    up = urlparse(args.upstream)
    upstream = (up.hostname, up.port or 80)
    rng = random.Random(args.seed)
    lock = threading.Lock()
    log = open(args.log, "a", buffering=1) if args.log else None

    def fate():
        with lock:
            r = rng.random()
        if r < args.error_rate: return "503"
        r -= args.error_rate
        if r < args.drop_rate: return "drop"
        r -= args.drop_rate
        if r < args.stall_rate: return "stall"
        return "pass"

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            client = self.request
            head, rest = read_head(client)
            if head is None:
                return
            lines = head.split(b"\r\n")
            length = 0
            kept = [lines[0]]
            for line in lines[1:]:
                name = line.split(b":", 1)[0].strip().lower()
                if name == b"content-length":
                    length = int(line.split(b":", 1)[1])
                if name in (b"connection", b"keep-alive"):
                    continue
                kept.append(line)
            kept.append(b"Connection: close")
            body = rest
            while len(body) < length:
                chunk = client.recv(min(1 << 20, length - len(body)))
                if not chunk:
                    return
                body += chunk
            what = fate()
            if log:
                log.write(f"{lines[0].decode(errors='replace')} -> {what}\n")
            if args.latency_ms:
                time.sleep(args.latency_ms / 1000)
            if what == "503":
                payload = b"<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
                client.sendall(b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(payload) + payload)
                return
            if what == "stall":
                time.sleep(args.stall_seconds)
                return
            with socket.create_connection(upstream) as server:
                server.sendall(b"\r\n".join(kept) + b"\r\n\r\n" + body)
                answer = b""
                while True:
                    chunk = server.recv(1 << 20)
                    if not chunk:
                        break
                    if what == "drop":
                        answer += chunk
                        continue
                    client.sendall(chunk)
                if what == "drop":
                    # Half an answer, then the connection goes.
                    client.sendall(answer[: max(1, len(answer) // 2)])

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", args.port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()

if __name__ == "__main__":
    main()
