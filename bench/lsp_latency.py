#!/usr/bin/env python3
"""Measure `retrobook lsp` on a repo: first load and edit-to-diagnostics.

Starts the server on REPO (or on a corpus of --n generated retros) as an
editor would, and times (1) the first load: from the start of the process
to the answer of a request sent after `initialized`, which comes once the
repo is loaded and every file's diagnostics are published; (2) for --edits
unsaved edits of one open retro (alternately breaking a `related` id and
fixing it), the time from sending `didChange` to its diagnostics. It runs
`retrobook check` on the same repo for comparison, and prints both peak
memories (max RSS). Standard library only.

  python3 bench/lsp_latency.py --n 10000 [--bin target/release/retrobook] [--edits 30]
  python3 bench/lsp_latency.py --repo /tmp/corpus-10k
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(stream):
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def wait(proc, want):
    while True:
        message = read(proc.stdout)
        if want(message):
            return message


def peak_rss_mb(pid):
    _, status, usage = os.wait4(pid, 0)
    return usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo")
    ap.add_argument("--n", type=int, default=10000, help="retros to generate when --repo is not given")
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(HERE), "target", "release", "retrobook"))
    a = ap.parse_args()

    repo = a.repo
    if not repo:
        repo = tempfile.mkdtemp(prefix="rb-lsp-bench-")
        gen = os.path.join(HERE, "gen_corpus.py")
        subprocess.run([sys.executable, gen, "--n", str(a.n), "--seed", "1", "--out", repo], check=True,
                       stdout=subprocess.DEVNULL)
    repo = os.path.abspath(repo)
    retros = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(repo, "retros")) for f in fs
                    if f.endswith(".md"))
    print(f"{len(retros)} retros in {repo}")

    started = time.perf_counter()
    check = subprocess.Popen([a.bin, "--root", repo, "check", "--format", "json"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    check_rss = peak_rss_mb(check.pid)
    check_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    proc = subprocess.Popen([a.bin, "--root", repo, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)

    def send(message):
        proc.stdin.write(frame(message))
        proc.stdin.flush()

    root_uri = "file://" + repo
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": root_uri, "capabilities": {}}})
    wait(proc, lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    # Answered after every initial diagnostic is out: the server is sequential.
    send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/documentSymbol",
          "params": {"textDocument": {"uri": root_uri + "/none.md"}}})
    published = 0
    while True:
        m = read(proc.stdout)
        published += m.get("method") == "textDocument/publishDiagnostics"
        if m.get("id") == 2:
            break
    load_ms = (time.perf_counter() - started) * 1000

    target = retros[len(retros) // 2]
    uri = "file://" + target
    with open(target, encoding="utf-8") as f:
        text = f.read()
    if "\nrelated: [" in text:
        broken = text.replace("\nrelated: [", "\nrelated: [no-such-retro-anywhere, ", 1)
    else:
        broken = text.replace("\n---", "\nrelated: [no-such-retro-anywhere]\n---", 1)
    if broken == text:
        raise SystemExit(f"cannot edit {target}")
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}})
    send({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
          "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}})
    wait(proc, lambda m: m.get("id") == 3)
    times = []
    for i in range(a.edits):
        body = broken if i % 2 == 0 else text
        t = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": body}]}})
        m = wait(proc, lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        times.append((time.perf_counter() - t) * 1000)
        codes = {d.get("code") for d in m["params"]["diagnostics"]}
        if ("broken-link" in codes) != (i % 2 == 0):
            raise SystemExit(f"edit {i}: unexpected diagnostics {sorted(codes)}")

    send({"jsonrpc": "2.0", "id": 4, "method": "shutdown"})
    wait(proc, lambda m: m.get("id") == 4)
    send({"jsonrpc": "2.0", "method": "exit"})
    proc.stdin.close()
    lsp_rss = peak_rss_mb(proc.pid)

    breaking, fixing = times[0::2], times[1::2]
    times.sort()
    print(f"check:        {check_ms:8.0f} ms   peak {check_rss:6.0f} MB")
    print(f"lsp load:     {load_ms:8.0f} ms   peak {lsp_rss:6.0f} MB   ({published} files' diagnostics published)")
    print(f"edit → diagnostics over {len(times)} edits: median {statistics.median(times):.1f} ms, "
          f"p90 {times[int(len(times) * 0.9) - 1]:.1f} ms, max {times[-1]:.1f} ms "
          f"(breaking the link: median {statistics.median(breaking):.1f} ms; fixing it: "
          f"{statistics.median(fixing):.1f} ms)")


if __name__ == "__main__":
    main()
