#!/usr/bin/env python3
"""Two retrobook binaries side by side with Hugo, in one run: what a change
costs a full build, as ratios (this machine's speed drifts from day to day,
the ratios much less).

    python3 bench/before_after.py --before OLD --after NEW --corpus c10k \\
        --hugo-corpus h10k [--after-corpus c10k-w] [--runs 5] [--in-memory]
        [--instructions]

`--after-corpus` builds the new binary also on a second corpus, such as the
reference corpus with impact windows added by bench/add_windows.py: what the
feature costs when it is used. The builds and Hugo's are taken in turn,
each round in a new order, the previous output moved aside
(bench/compare.py's `interleaved` and `clean_command`); wall time is the
median of `--runs`, CPU time and peak memory the medians of as many GNU
time runs. `--in-memory` writes the sites
into /dev/shm instead: the builds' own time, without the disk's writeback,
which on a small shared machine varies more than a change costs.
`--instructions` counts each build's instructions under valgrind instead
of timing it: the one figure that does not drift. Needs hyperfine, GNU time
and hugo on PATH (valgrind for `--instructions`).
"""
import argparse
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="the retrobook binary before the change")
    ap.add_argument("--after", required=True, help="the retrobook binary after it")
    ap.add_argument("--corpus", required=True, help="a retrobook repo both binaries build")
    ap.add_argument("--after-corpus", help="a second repo only the new binary builds")
    ap.add_argument("--hugo-corpus", help="the same retros as a Hugo site (not needed with --instructions)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", help="folder for the outputs (default: a temporary folder)")
    ap.add_argument("--in-memory", action="store_true",
                    help="write the sites into /dev/shm and delete each before the next run: the builds' own "
                         "time, without the disk's (whose writeback varies more than a change costs)")
    ap.add_argument("--instructions", action="store_true",
                    help="instead of timing, count each retrobook build's instructions once under valgrind "
                         "(cachegrind): a figure that does not drift with the machine's speed, as times do")
    args = ap.parse_args()
    if not (args.hugo_corpus or args.instructions):
        ap.error("--hugo-corpus is needed to time the builds beside Hugo's")
    work = args.work or tempfile.mkdtemp(prefix="retrobook-before-after-", dir="/dev/shm" if args.in_memory else None)

    def clean(out):
        # tmpfs has no ext4 inode allocator to skew the next run: delete.
        return f"rm -rf {out}" if args.in_memory else compare.clean_command(out, work)

    runs = {
        "before": (os.path.abspath(args.before), args.corpus),
        "after": (os.path.abspath(args.after), args.corpus),
    }
    if args.after_corpus:
        runs["after, second corpus"] = (os.path.abspath(args.after), args.after_corpus)
    commands = {}
    for n, (name, (binary, corpus)) in enumerate(runs.items()):
        out = os.path.join(work, f"site-{n}")
        commands[name] = (f"{binary} --root {corpus} build --out {out}", clean(out))
    if args.instructions:
        return count_instructions(commands)
    hugo_out = os.path.join(work, "hugo")
    commands["hugo"] = (f"hugo --quiet -s {args.hugo_corpus} -d {hugo_out}", clean(hugo_out))
    print(f"measuring {len(commands)} commands, {args.runs} runs each...", file=sys.stderr)
    # Each round in a new order (seeded: the same orders each time), so no
    # build always follows Hugo's, or always the other binary's.
    rng = random.Random(1)
    rounds = compare.interleaved_runs(commands, args.runs, shuffle=rng)
    walls = {name: statistics.median(ts) for name, ts in rounds.items()}
    cpu = {name: [] for name in commands}
    memory = {name: [] for name in commands}
    for _ in range(args.runs):
        order = list(commands.items())
        rng.shuffle(order)
        for name, (cmd, prepare) in order:
            c, m = compare.gnu_time(cmd, prepare=prepare)
            cpu[name].append(c)
            memory[name].append(m)
    mem = {name: statistics.median(ms) for name, ms in memory.items()}
    print("| build | wall | CPU | peak memory | wall / before | memory / before | wall / Hugo | memory / Hugo |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in commands:
        print(
            f"| {name} | {walls[name]:.2f} s | {statistics.median(cpu[name]):.2f} s | {mem[name]:,.0f} MB "
            f"| {walls[name] / walls['before']:.3f} | {mem[name] / mem['before']:.3f} "
            f"| {walls[name] / walls['hugo']:.3f} | {mem[name] / mem['hugo']:.3f} |"
        )
    # The same ratios round by round: a slow minute slows both builds of a
    # round, so their ratio varies less than either time.
    print("\nwall / before, round by round: median (lowest–highest of the middle half)")
    for name in commands:
        if name in ("before", "hugo"):
            continue
        paired = sorted(a / b for a, b in zip(rounds[name], rounds["before"]))
        q = len(paired) // 4
        print(f"- {name}: {statistics.median(paired):.3f} ({paired[q]:.3f}–{paired[-1 - q]:.3f})")
    if args.in_memory:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"\nThe outputs moved aside are in {os.path.join(work, 'trash')}; delete them when done.")


def count_instructions(commands):
    """Each build's instructions executed, once under cachegrind: the same
    on every run and every machine load, so a cost of a few percent shows
    where wall times on a shared machine drift by more. Needs valgrind."""
    counts = {}
    for name, (cmd, prepare) in commands.items():
        compare.sh(prepare)
        tool = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
        done = subprocess.run(tool + shlex.split(cmd), capture_output=True, text=True)
        found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        if not found:
            sys.exit(f"valgrind gave no count for {name}:\n{done.stderr[-2000:]}")
        counts[name] = int(found.group(1).replace(",", ""))
        compare.sh(prepare)
    print("| build | instructions | / before |\n|---|---:|---:|")
    for name, n in counts.items():
        print(f"| {name} | {n:,} | {n / counts['before']:.4f} |")


if __name__ == "__main__":
    main()
