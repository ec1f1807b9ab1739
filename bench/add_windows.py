#!/usr/bin/env python3
"""Give a generated corpus (bench/gen_corpus.py, or /work/shared/bench's)
`service_impact` windows, `vendors` and objectives, to measure what the
availability figures cost a build (issue 29; docs/performance.md).

    python3 bench/add_windows.py CORPUS [--seed 1]

Each retro with a `started_at` time gets one to three windows on its own
services inside its incident clock (overlapping ones included), a vendor in
about a third of the retros, and book.toml an `[uptime.slo]` for a few
services, one of them quarterly. The edit is in place and deterministic;
only the standard library is used.
"""
import argparse
import datetime as dt
import os
import random
import re

LEVELS = ["outage", "partial", "degraded"]
VENDORS = ["aws", "gcp", "fastly", "cloudflare", "stripe", "twilio", "pagerduty", "datadog"]


def parse_time(text):
    return dt.datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M:%SZ")


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def windows_for(rng, services, start, end):
    """One to three windows inside [start, end], on the retro's services."""
    span = max(int((end - start).total_seconds() // 60), 2)
    out = []
    for _ in range(rng.randint(1, 3)):
        a = rng.randint(0, span - 1)
        b = rng.randint(a + 1, span)
        out.append((rng.choice(services), start + dt.timedelta(minutes=a), start + dt.timedelta(minutes=b),
                    rng.choice(LEVELS)))
    return out


def edit(path, rng):
    text = open(path, encoding="utf-8").read()
    head, sep, body = text[4:].partition("\n---\n")
    started = re.search(r"^started_at: (\S+)$", head, re.M)
    resolved = re.search(r"^resolved_at: (\S+)$", head, re.M)
    services = re.search(r"^services: \[(.*)\]$", head, re.M)
    if not (started and services and services.group(1).strip()):
        return False
    try:
        start = parse_time(started.group(1))
        end = parse_time(resolved.group(1)) if resolved else start + dt.timedelta(hours=2)
    except ValueError:
        return False
    names = [s.strip() for s in services.group(1).split(",")]
    lines = ["service_impact:"]
    for service, a, b, level in windows_for(rng, names, start, end):
        lines += [f"  - service: {service}", f"    from: {stamp(a)}", f"    to: {stamp(b)}", f"    level: {level}"]
    if rng.random() < 0.35:
        lines.append(f"vendors: [{rng.choice(VENDORS)}]")
    head = head[: services.end()] + "\n" + "\n".join(lines) + head[services.end():]
    with open(path, "w", encoding="utf-8") as f:
        f.write("---\n" + head + sep + body)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    edited = 0
    for folder, _, files in sorted(os.walk(os.path.join(args.corpus, "retros"))):
        for name in sorted(files):
            if name.endswith(".md"):
                edited += edit(os.path.join(folder, name), rng)
    with open(os.path.join(args.corpus, "book.toml"), "a", encoding="utf-8") as f:
        f.write('\n[uptime.slo]\ncheckout = 99.95\npayments-api = 99.9\n'
                'search-indexer = { target = 99.5, window = "quarter" }\n')
    print(f"{edited} retros given windows in {args.corpus}")


if __name__ == "__main__":
    main()
