#!/usr/bin/env python3
"""Measure `retrobook serve`'s edit-to-update latency on a repo.

Starts the server on a copy of REPO, then edits one retro N times and times,
from the moment the file is saved, (1) the server's first update event (the
edited retro's page re-rendered and served) and (2) the last one (every
dependent page re-rendered, findings recomputed). Uses the standard library
only; the events are read from the server's own Server-Sent Events stream.

  python3 bench/serve_latency.py --repo /tmp/corpus-10k --edits 20 [--bin target/release/retrobook]
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def events(sock_file):
    """Yield (event, data) from an SSE stream (HTTP/1.1 chunked)."""
    name, data = None, None
    for raw in sock_file:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and name and data:
            yield name, json.loads(data)
            name, data = None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", default="target/release/retrobook")
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="rb-serve-bench-")
    repo = os.path.join(work, "repo")
    shutil.copytree(a.repo, repo)
    retros = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(repo, "retros")) for f in fs if f.endswith(".md"))
    target = retros[len(retros) // 2]

    started = time.monotonic()
    server = subprocess.Popen([a.bin, "--root", repo, "serve", "--port", "0", "-q"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = server.stdout.readline().decode()
    url = line.split("http://")[1].split()[0].rstrip("/")
    print(f"{len(retros)} retros, first build and serve ready in {time.monotonic() - started:.2f} s", file=sys.stderr)
    host, port = url.split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(f"GET /__retrobook/events HTTP/1.1\r\nHost: {url}\r\nAccept: text/event-stream\r\n\r\n".encode())
    stream = events(sock.makefile("rb"))

    first, last = [], []
    original = open(target, encoding="utf-8").read()
    for i in range(a.edits):
        text = original.replace("\n---\n", f"\n---\nEdit {i}.\n\n", 1)
        t0 = time.monotonic()
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
        name, data = next(stream)
        first.append((time.monotonic() - t0) * 1000)
        while len(data["paths"]) <= 1 and not data["full"]:
            name, data = next(stream)
        last.append((time.monotonic() - t0) * 1000)
        time.sleep(0.2)
    server.terminate()
    server.wait()
    shutil.rmtree(work)
    for label, values in [("save -> retro page served", first), ("save -> all dependent pages", last)]:
        print(f"{label}: median {statistics.median(values):.1f} ms, min {min(values):.1f}, max {max(values):.1f} (n={len(values)})")


if __name__ == "__main__":
    main()
