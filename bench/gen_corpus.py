#!/usr/bin/env python3
"""Write a deterministic corpus of synthetic retros, for benchmarks.

    bench/gen_corpus.py --n 10000 --seed 1 --out /tmp/corpus --flavor retro
    bench/gen_corpus.py --n 10000 --seed 1 --out /tmp/corpus-hugo --flavor hugo

The same --n and --seed give the same retros, byte for byte, in either
flavor: `retro` is a retrobook repo (book.toml with a roster, retros/ by
year), `hugo` a Hugo site with the same front matter and bodies and minimal
layouts that render every field. Standard library only.
"""
import argparse
import datetime as dt
import os
import random
import re
import shutil

SERVICES = ("checkout payments-api auth-gateway search-indexer user-profile inventory order-router "
            "notification-svc billing ledger shipping-quotes recommendations edge-proxy api-gateway "
            "session-store feature-flags config-service metrics-pipeline kafka-cluster redis-cache "
            "postgres-primary object-store cdn dns-resolver k8s-control-plane ci-runners rate-limiter "
            "fraud-scoring email-relay data-warehouse").split()
TEAMS = ["sre", "payments", "platform", "storage", "identity", "data", "web", "mobile"]
PEOPLE = ("alice bob carol dave erin frank grace heidi ivan judy mallory niaj olivia peggy rupert "
          "sybil trent victor walter xena yusuf zoe amir beatriz chidi dana emeka fiona goran hana").split()
TAGS = ("latency outage data-loss deploy config dns tls capacity database cache queue kubernetes "
        "network failover rollback migration alerting on-call third-party security cost "
        "autoscaling storage certificate retries").split()
CATEGORIES = ["process", "technical", "human-factors", "tooling", "communication",
              "capacity", "dependency", "monitoring", "change-management", "testing"]
COMPONENTS = ["cache node", "read replica", "connection pool", "load balancer", "TLS certificate",
              "DNS record", "node pool", "message queue", "consumer group", "cron job", "deploy pipeline",
              "feature flag", "config map", "ingress controller", "disk volume", "write-ahead log",
              "thread pool", "circuit breaker", "retry policy", "health check", "rate limiter",
              "schema migration", "search shard", "leader election", "JVM heap"]
SYMPTOMS = ["elevated error rate", "latency spike", "partial outage", "failed deploys", "stale reads",
            "dropped messages", "timeouts", "degraded throughput", "login failures", "duplicate charges"]
TRIGGERS = ["a config push", "a routine deploy", "a traffic surge", "a certificate expiry", "a zone failure",
            "a schema migration", "a dependency upgrade", "a failover drill", "a noisy neighbour",
            "an expired credential"]
KINDS = ["trigger", "detection", "escalation", "investigation", "mitigation", "communication", "resolution"]
SECTIONS = ["What happened", "What went well", "What went wrong", "Where we got lucky"]
WORDS = ("the team noticed that requests to {svc} were slower than usual while the {comp} recovered and "
         "on-call engineers compared dashboards with recent changes before deciding to roll back the "
         "release because error budgets were burning quickly across {region} and customers reported "
         "failures through support channels during the busiest hour of the day").split()
REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "us-west-2"]


def slug(text):
    out, dash = [], False
    for c in text.lower():
        if c.isalnum():
            out.append(c)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def when(t):
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


def sentence(rng, svc, comp):
    n = rng.randint(12, 24)
    start = rng.randrange(len(WORDS))
    words = [WORDS[(start + k) % len(WORDS)] for k in range(n)]
    text = " ".join(words).format(svc=f"`{svc}`", comp=comp, region=rng.choice(REGIONS))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, svc, comp, sentences):
    return " ".join(sentence(rng, svc, comp) for _ in range(sentences))


def make_retro(rng, i, n, ids):
    start = dt.datetime(2018, 1, 1) + dt.timedelta(minutes=int(i * (8 * 365 * 24 * 60) / n) + rng.randint(0, 600))
    svc = rng.sample(SERVICES, rng.randint(1, 3))
    comp = rng.choice(COMPONENTS)
    title = f"{rng.choice(SYMPTOMS).capitalize()} in {svc[0]} after {rng.choice(TRIGGERS)}"
    rid = f"{start:%Y-%m-%d}-{slug(title)[:40].rstrip('-')}"
    while rid in ids:
        rid += "-x"
    detected = start + dt.timedelta(minutes=rng.randint(1, 40))
    mitigated = detected + dt.timedelta(minutes=rng.randint(5, 120))
    resolved = mitigated + dt.timedelta(minutes=rng.randint(10, 600))
    people = rng.sample(PEOPLE, 7)
    factors = [(f"f{k + 1}-{slug(rng.choice(COMPONENTS))}", rng.choice(CATEGORIES)) for k in range(rng.randint(2, 4))]
    fm = [
        "---",
        f"title: {quote(title)}",
        f"status: {rng.choice(['published'] * 8 + ['in-review', 'draft'])}",
        f"severity: {rng.choice(['SEV1', 'SEV2', 'SEV2', 'SEV3', 'SEV3', 'SEV3', 'SEV4'])}",
        f"started_at: {when(start)}",
        f"detected_at: {when(detected)}",
        f"mitigated_at: {when(mitigated)}",
        f"resolved_at: {when(resolved)}",
        f"authors: [{', '.join(people[:2])}]",
        f"attendees: [{', '.join(people[:rng.randint(3, 7)])}]",
        f"facilitator: {people[2]}",
        f"reviewers: [{people[3]}]",
        f"services: [{', '.join(svc)}]",
        f"teams: [{', '.join(rng.sample(TEAMS, rng.randint(1, 2)))}]",
        f"tags: [{', '.join(rng.sample(TAGS, rng.randint(2, 4)))}]",
    ]
    earlier = ids[-200:]
    related = rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))
    if related:
        fm.append(f"related: [{', '.join(related)}]")
    if earlier and rng.random() < 0.05:
        fm.append(f"recurrence_of: {rng.choice(earlier)}")
    fm += [
        f"summary: {quote(sentence(rng, svc[0], comp) + ' ' + sentence(rng, svc[0], comp))}",
        f"impact: {quote(f'{rng.randint(1, 40)}% of requests to {svc[0]} failed for {int((mitigated - start).total_seconds() // 60)} minutes.')}",
        f"near_miss: {'true' if rng.random() < 0.05 else 'false'}",
        "links:",
        f"  - title: {quote(f'Incident ticket INC-{10000 + i}')}",
        f"    url: https://tracker.example.com/browse/INC-{10000 + i}",
        "contributing_factors:",
    ]
    for fid, cat in factors:
        fm += [f"  - id: {fid}", f"    category: {cat}",
               f"    description: {quote(f'The {comp} {rng.choice(WORDS)} {sentence(rng, svc[0], comp).lower()}')}",
               "    actionable: true"]
    fm.append("timeline:")
    t = start - dt.timedelta(minutes=rng.randint(1, 20))
    for k in range(rng.randint(6, 12)):
        fm += [f"  - at: {when(t)}", f"    kind: {KINDS[min(k, len(KINDS) - 1)]}",
               f"    event: {quote(sentence(rng, svc[0], comp))}"]
        t += dt.timedelta(minutes=rng.randint(2, 30))
    fm.append("action_items:")
    for k in range(rng.randint(2, 7)):
        # Items of old incidents are mostly closed, as in a real backlog.
        old = start < dt.datetime(2025, 6, 1)
        status = rng.choice(["done"] * (30 if old else 3) + ["open", "in-progress", "wont-do"])
        due = start.date() + dt.timedelta(days=rng.randint(14, 120))
        verb = rng.choice(["Add", "Fix", "Automate", "Document", "Alert on"])
        item = f"{verb} the {rng.choice(COMPONENTS)} for {rng.choice(svc)}"
        fm += [f"  - id: AI-{k + 1}",
               f"    title: {quote(item)}",
               f"    owner: {rng.choice(people + TEAMS[:2])}", f"    status: {status}", f"    due: {due}",
               f"    kind: {rng.choice(['prevent', 'detect', 'mitigate', 'process'])}",
               f"    priority: {rng.choice(['high', 'medium', 'low'])}",
               f"    factors: [{factors[k % len(factors)][0]}]",
               f"    link: https://tracker.example.com/browse/OPS-{rng.randint(1000, 99999)}"]
        if status == "done":
            fm.append(f"    completed_at: {due - dt.timedelta(days=rng.randint(0, 10))}")
    fm.append("---")
    body = []
    for s, section in enumerate(SECTIONS):
        body += ["", f"## {section}", ""]
        for _ in range(rng.randint(2, 4)):
            body += [paragraph(rng, svc[0], comp, rng.randint(3, 6)), ""]
        if s == 0:
            body += ["```console", f"$ kubectl -n {svc[0]} rollout undo deploy/{svc[0]}",
                     f"deployment.apps/{svc[0]} rolled back", "```", "",
                     "| Metric | Baseline | Worst |", "|---|--:|--:|",
                     f"| p99 latency (ms) | {rng.randint(80, 300)} | {rng.randint(900, 9000)} |",
                     f"| error rate (%) | 0.1 | {rng.randint(2, 60)} |", ""]
        if s == 2 and related:
            body += [f"- This looks like [[{related[0]}]]; see also [[{related[-1]}|the earlier retro]].",
                     f"- The {comp} had no alert on saturation.", ""]
    return rid, start, "\n".join(fm) + "\n" + "\n".join(body) + "\n"


BOOK = """[book]
title = "Benchmark retrospectives"

[retro]
severities = ["SEV1", "SEV2", "SEV3", "SEV4"]
factor_categories = [{categories}]
required_sections = [{sections}]

[people]
{people}

[teams]
{teams}
"""

HUGO = """baseURL = "https://retros.example/"
title = "Benchmark retrospectives"
disableKinds = ["RSS"]

[taxonomies]
tag = "tags"
service = "services"

[frontmatter]
date = ["started_at", ":default"]
"""

HUGO_SINGLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<p>{{ .Params.severity }} · {{ .Params.status }} · started {{ .Params.started_at }} · resolved {{ .Params.resolved_at }}</p>
<p>Services: {{ range .GetTerms "services" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}
Tags: {{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
<p>{{ .Params.summary | markdownify }}</p><p>{{ .Params.impact | markdownify }}</p>
<h2>Contributing factors</h2><ul>{{ range .Params.contributing_factors }}<li id="{{ .id }}">[{{ .category }}] {{ .description | markdownify }}</li>{{ end }}</ul>
<h2>Timeline</h2><table>{{ range .Params.timeline }}<tr><td>{{ .at }}</td><td>{{ .kind }}</td><td>{{ .event | markdownify }}</td></tr>{{ end }}</table>
<h2>Action items</h2><table>{{ range .Params.action_items }}<tr id="{{ .id }}"><td>{{ .title | markdownify }}</td><td>{{ .owner }}</td><td>{{ .status }}</td><td>{{ .due }}</td></tr>{{ end }}</table>
<h2>Related</h2><ul>{{ range .Params.related }}{{ with site.GetPage (printf "/retros/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}</ul>
<article>{{ .Content }}</article>
</body></html>
"""

HUGO_LIST = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.severity }} {{ .Params.started_at }}</li>{{ end }}</ul>
</body></html>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--flavor", choices=["retro", "hugo"], default="retro")
    args = ap.parse_args()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    rng = random.Random(args.seed)
    ids = []
    if args.flavor == "retro":
        names = ", ".join(f'"{c}"' for c in CATEGORIES)
        write(os.path.join(args.out, "book.toml"), BOOK.format(
            categories=names, sections=", ".join(f'"{s}"' for s in SECTIONS),
            people="\n".join(f'{p} = {{ name = "{p.capitalize()} Example", team = "{TEAMS[k % len(TEAMS)]}" }}'
                             for k, p in enumerate(PEOPLE)),
            teams="\n".join(f'{t} = {{ name = "{t.capitalize()} team" }}' for t in TEAMS)))
    else:
        write(os.path.join(args.out, "hugo.toml"), HUGO)
        write(os.path.join(args.out, "layouts/_default/single.html"), HUGO_SINGLE)
        write(os.path.join(args.out, "layouts/_default/list.html"), HUGO_LIST)
    for i in range(args.n):
        rid, start, text = make_retro(rng, i, args.n, ids)
        ids.append(rid)
        if args.flavor == "retro":
            write(os.path.join(args.out, "retros", str(start.year), rid + ".md"), text)
        else:
            # Hugo has no `[[id]]` links: point them at the pages it makes.
            text = re.sub(r"\[\[([^|\]]+)\|([^\]]+)\]\]", r"[\2](/retros/\1/)", text)
            text = re.sub(r"\[\[([^\]]+)\]\]", r"[\1](/retros/\1/)", text)
            write(os.path.join(args.out, "content", "retros", rid + ".md"), text)
    print(f"{args.flavor}: {args.n} retros (seed {args.seed}) -> {args.out}")


if __name__ == "__main__":
    main()
