#!/usr/bin/env python3
"""Give a generated corpus a git history over five simulated years.

    python3 bench/gen_corpus.py --n 10000 --seed 1 --out /tmp/corpus   # or any corpus
    python3 bench/gen_history.py /tmp/corpus --seed 1

The corpus folder (book.toml, retros/**/*.md) becomes a git repository
whose first-parent history adds each retro a few days after its incident
started (the corpus's own dates: 10,000 retros of `gen_corpus.py --seed 1`
span 2018 to 2024), and then changes its action items as teams do over the
following weeks and months: a due date moved once or more (a slip), `open`
to `in-progress`, and closed (`done`, `wont-do`) later. Every item ends as
the corpus file has it, so the work tree is clean at the end and a build
reads the same retros with or without history. One commit a day holds that
day's changes, by one of a few authors.

The commits are streamed into `git fast-import` (tens of thousands of file
versions in seconds). Deterministic: the same corpus and seed give the same
commits, ids included. Standard library only; needs `git`.
"""
import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys

STARTED = re.compile(r"^started_at: '?(\d{4}-\d{2}-\d{2})", re.M)
AUTHORS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
ITEM = re.compile(r"^  - id: (.+)$")
FIELD = re.compile(r"^    (due|status): (.+)$")


def items_of(text):
    """(id, due, status) of each action item, as the file has them."""
    items, current, inside = [], None, False
    for line in text.split("\n"):
        if line == "action_items:":
            inside = True
            continue
        if inside and line and not line.startswith(" "):
            break
        m = ITEM.match(line) if inside else None
        if m:
            current = {"id": m.group(1), "due": None, "status": None}
            items.append(current)
            continue
        m = FIELD.match(line) if inside and current else None
        if m:
            current[m.group(1)] = m.group(2)
    return items


def render(text, states):
    """The file with each item's due and status set to `states[id]`."""
    out, current, inside = [], None, False
    for line in text.split("\n"):
        if line == "action_items:":
            inside = True
        elif inside and line and not line.startswith(" ") and line != "---":
            inside = False
        elif inside and line == "---":
            inside = False
        m = ITEM.match(line) if inside else None
        if m:
            current = m.group(1)
        m = FIELD.match(line) if inside and current in states else None
        if m:
            line = f"    {m.group(1)}: {states[current][m.group(1)]}"
        out.append(line)
    return "\n".join(out)


def shift(due, days):
    """`due` moved earlier by `days` (a day; months and quarters stay)."""
    try:
        return (dt.date.fromisoformat(due) - dt.timedelta(days=days)).isoformat()
    except ValueError:
        return due


def versions(rng, text, added):
    """[(day, text)] of one retro: added on `added`, then its items' changes."""
    final = {i["id"]: i for i in items_of(text)}
    events = []  # (day, item, field, value)
    start = {}
    for item_id, item in final.items():
        state = {"due": item["due"], "status": "open" if item["status"] else None}
        slips = rng.choices([0, 1, 2, 3], weights=[60, 25, 10, 5])[0]
        day = added
        if item["due"]:
            for k in range(slips):
                day += rng.randint(7, 60)
                events.append((day, item_id, "due", shift(item["due"], 30 * (slips - k - 1))))
            state["due"] = shift(item["due"], 30 * slips) if slips else item["due"]
        if item["status"] in ("in-progress", "done", "wont-do"):
            day += rng.randint(3, 45)
            events.append((day, item_id, "status", "in-progress"))
        if item["status"] in ("done", "wont-do"):
            day += rng.randint(5, 120)
            events.append((day, item_id, "status", item["status"]))
        start[item_id] = {k: v for k, v in state.items() if v is not None}
    states = {k: dict(v) for k, v in start.items()}
    out = [(added, render(text, states))]
    for day, item_id, field, value in sorted(events, key=lambda e: e[0]):
        states[item_id][field] = value
        out.append((day, render(text, states)))
    # The last version is the file as the corpus has it.
    out.append((out[-1][0], text))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", help="a corpus folder (book.toml, retros/); becomes a git repository")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    if os.path.exists(os.path.join(a.corpus, ".git")):
        sys.exit(f"{a.corpus} already has a .git folder")
    rng = random.Random(a.seed)
    files = []
    for folder, dirs, names in os.walk(os.path.join(a.corpus, "retros")):
        dirs.sort()
        files += [os.path.join(folder, n) for n in sorted(names) if n.endswith(".md")]
    files.sort()
    by_day = {}
    texts = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = STARTED.search(text)
        started = dt.date.fromisoformat(m.group(1)) if m else dt.date(2020, 1, 1)
        texts.append((started, os.path.relpath(path, a.corpus).replace(os.sep, "/"), text))
    first = min(t[0] for t in texts)
    for started, rel, text in texts:
        added = (started - first).days + rng.randint(1, 10)
        for day, version in versions(rng, text, added):
            by_day.setdefault(day, {})[rel] = version
    with open(os.path.join(a.corpus, "book.toml"), encoding="utf-8") as f:
        book = f.read()
    subprocess.run(["git", "init", "-q", a.corpus], check=True)
    git = subprocess.Popen(["git", "-C", a.corpus, "fast-import", "--quiet"], stdin=subprocess.PIPE)

    def data(text):
        raw = text.encode("utf-8")
        git.stdin.write(b"data %d\n" % len(raw) + raw + b"\n")

    count = 0
    for day in sorted(by_day):
        date = first + dt.timedelta(days=day)
        stamp = int(dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.timezone.utc).timestamp())
        who = AUTHORS[day % len(AUTHORS)]
        git.stdin.write(f"commit refs/heads/main\nauthor {who} <{who}@example.com> {stamp} +0000\n".encode())
        git.stdin.write(f"committer {who} <{who}@example.com> {stamp} +0000\n".encode())
        data(f"retros: {len(by_day[day])} files on {date}")
        if count == 0:
            git.stdin.write(b"M 100644 inline book.toml\n")
            data(book)
        for rel in sorted(by_day[day]):
            git.stdin.write(f"M 100644 inline {rel}\n".encode())
            data(by_day[day][rel])
        count += 1
    git.stdin.close()
    if git.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", a.corpus, "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(["git", "-C", a.corpus, "reset", "-q"], check=True)
    versions_total = sum(len(v) for v in by_day.values())
    span = max(by_day) - min(by_day) + 1
    print(f"{count} commits, {versions_total} file versions over {span} days -> {a.corpus}", file=sys.stderr)


if __name__ == "__main__":
    main()
