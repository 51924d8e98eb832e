#!/usr/bin/env python3
"""Benchmark of playbooks/site.yml against the installation guide's way (issue 6).

For each platform generation (hawthorn = legacy, maple = modern) it runs, on
sandbox hosts of the same kind:

  site.yml  fresh       playbooks/site.yml on a fresh container from the image
  site.yml  configured  the same again, right after, on the same container
  baseline  fresh       bench/baseline/site_baseline.yml (the guide, literally,
                        with generic modules) on another fresh container
  baseline  configured  the same again on that container

and measures per run: wall time of ansible-playbook, tasks executed (task
results that were not skipped, handlers included, from the JSON callback),
manage.py processes started on the host (lines of
/edx/var/log/sandbox/manage-starts.log, truncated before each run), Ansible's
changed count, plus two facts that "changed" may hide: LMS/Studio restarts
(main PID changed) and HTML view configuration rows added.

Goals (printed as PASS/FAIL lines; exit status 1 if one fails):
  - on an already-configured host site.yml starts at most one platform
    process and reports changed=0;
  - site.yml starts fewer platform processes than the baseline, fresh and
    configured, on both generations.

Writes bench/results/site-<date>.json and bench/results/site-latest.md.
Usage: python3 bench/bench_site.py [--releases hawthorn maple]
"""

import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from conftest import (  # noqa: E402  (the integration tests' sandbox helpers)
    IMAGE, podman, podman_env, run_playbook)
from conftest import start_host as conftest_start_host  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BASELINE = ROOT / "bench" / "baseline" / "site_baseline.yml"
GENERATION = {"hawthorn": "legacy", "lilac": "modern", "maple": "modern"}
STARTS_LOG = "/edx/var/log/sandbox/manage-starts.log"

_containers = []


# -- hosts -------------------------------------------------------------------
def start_host(release):
    """A fresh container from the release's image, named bench-* (ours only)."""
    name = "bench-{}-{}".format(release, uuid.uuid4().hex[:8])
    _containers.append(name)
    return conftest_start_host(release, name=name)


def remove_host(name):
    podman("rm", "--force", "--time", "0", name, check=False)
    if name in _containers:
        _containers.remove(name)


def html_view_rows(host):
    return int(host.sql("select count(*) from certificates_certificatehtmlviewconfiguration")[0][0])


def service_pids(host):
    return {s: host.service_pid(s) for s in ("lms", "cms")}


# -- one run -------------------------------------------------------------------
def task_results(stdout, hostname):
    """Per task result of hostname in the JSON callback output (handlers included):
    (executed, skipped, names of changed tasks, [(seconds, name)] of executed tasks)."""
    data = json.loads(stdout[stdout.index("{"):])
    executed = skipped = 0
    changed, durations = [], []
    for play in data.get("plays", []):
        for task in play.get("tasks", []):
            result = task.get("hosts", {}).get(hostname)
            if result is None:
                continue
            if result.get("skipped"):
                skipped += 1
                continue
            executed += 1
            name = task.get("task", {}).get("name", "?")
            if result.get("changed"):
                changed.append(name)
            dur = task.get("task", {}).get("duration", {})
            try:
                seconds = (datetime.datetime.fromisoformat(dur["end"].replace("Z", "+00:00"))
                           - datetime.datetime.fromisoformat(dur["start"].replace("Z", "+00:00"))).total_seconds()
                durations.append((round(seconds, 1), name))
            except (KeyError, ValueError, AttributeError):
                pass
    return executed, skipped, changed, durations


def short_argv(line, width=90):
    """'<time> <pid> <argv>' -> argv, cut after the Django command (the toolkit's
    runner script follows "shell -c" and is long)."""
    argv = " ".join(line.split()[2:])
    return argv if len(argv) <= width else argv[:width] + " ..."


def measure(host, playbook, extra_vars):
    host.sh("truncate -s 0 " + STARTS_LOG)
    rows_before = html_view_rows(host)
    pids_before = service_pids(host)
    t0 = time.monotonic()
    run = run_playbook(playbook, [host], extra_vars=extra_vars)
    wall = time.monotonic() - t0
    starts = host.manage_starts()
    pids_after = service_pids(host)
    try:
        executed, skipped, changed_tasks, durations = task_results(run.stdout, host.name)
    except ValueError:
        executed = skipped = None
        changed_tasks, durations = [], []
    stats = run.stats.get(host.name, {})
    result = {
        "rc": run.rc,
        "wall_s": round(wall, 1),
        "tasks_executed": executed,
        "tasks_skipped": skipped,
        "manage_starts": len(starts),
        "manage_start_lines": [short_argv(line) for line in starts],
        "changed": stats.get("changed"),
        "changed_tasks": changed_tasks,
        "stats": stats,
        "slowest_tasks": sorted(durations, reverse=True)[:5],
        "restarted": sorted(s for s in pids_before if pids_before[s] != pids_after[s]),
        "html_view_rows_added": html_view_rows(host) - rows_before,
    }
    if run.rc != 0:
        result["output_tail"] = run.output[-3000:]
    return result


def bench_release(release):
    generation = GENERATION[release]
    cases = [
        ("site.yml", "site.yml", None),
        ("baseline", str(BASELINE), {"baseline_generation": generation}),
    ]
    runs = []
    for label, playbook, extra_vars in cases:
        host = start_host(release)
        try:
            for state in ("fresh", "configured"):
                print("  {} {:<8} {:<10} on {} ...".format(release, label, state, host.name),
                      file=sys.stderr, flush=True)
                r = measure(host, playbook, extra_vars)
                r.update({"release": release, "generation": generation,
                          "playbook": label, "host_state": state})
                runs.append(r)
        finally:
            remove_host(host.name)
    return runs


# -- report --------------------------------------------------------------------
def machine_info():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem_kb / 1024 ** 2, 1),
            "kernel": platform.release(), "loadavg_at_start": os.getloadavg()}


def versions():
    env = podman_env()

    def first_line(*cmd):
        try:
            return subprocess.run(cmd, env=env, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "unknown"
    core = first_line("ansible-playbook", "--version")
    try:
        from importlib.metadata import version
        ansible_pkg = version("ansible")
    except Exception:  # pylint: disable=broad-except
        ansible_pkg = "unknown"
    return {"ansible_core": core.replace("ansible-playbook [core ", "").rstrip("]"),
            "ansible_package": ansible_pkg,
            "python": platform.python_version(),
            "podman": first_line("podman", "--version").replace("podman version ", "")}


def image_ids(releases):
    ids = {}
    for release in releases:
        out = podman("image", "inspect", "--format", "{{.Id}}", IMAGE.format(release), check=False)
        ids[release] = out.stdout.strip()[:12]
    return ids


def goals(runs):
    """[(passed, text)] of the issue's goals."""
    out = []
    by = {(r["release"], r["playbook"], r["host_state"]): r for r in runs}
    for release in sorted({r["release"] for r in runs}, key=lambda x: list(GENERATION).index(x)):
        gen = GENERATION[release]
        conf = by[(release, "site.yml", "configured")]
        ok = conf["rc"] == 0 and conf["manage_starts"] <= 1 and conf["changed"] == 0
        out.append((ok, "{} ({}): site.yml on a configured host starts at most 1 platform process "
                        "and reports changed=0 (starts={}, changed={}{})".format(
                            release, gen, conf["manage_starts"], conf["changed"],
                            "" if conf["rc"] == 0 else ", rc={}".format(conf["rc"]))))
        for state in ("fresh", "configured"):
            site, base = by[(release, "site.yml", state)], by[(release, "baseline", state)]
            ok = site["rc"] == 0 and base["rc"] == 0 and site["manage_starts"] < base["manage_starts"]
            out.append((ok, "{} ({}): site.yml starts fewer platform processes than the baseline "
                            "on a {} host ({} < {})".format(release, gen, state,
                                                            site["manage_starts"], base["manage_starts"])))
    return out


COLUMNS = [("release", "release"), ("generation", "gen"), ("playbook", "playbook"),
           ("host_state", "host"), ("wall_s", "wall s"), ("tasks_executed", "tasks"),
           ("manage_starts", "manage.py starts"), ("changed", "changed"),
           ("restarted", "restarted"), ("html_view_rows_added", "config rows added"), ("rc", "rc")]


def cell(run, key):
    value = run[key]
    if key == "restarted":
        return ",".join(value) or "-"
    return "" if value is None else str(value)


def text_table(runs):
    rows = [[h for _, h in COLUMNS]] + [[cell(r, k) for k, _ in COLUMNS] for r in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(report):
    m, v = report["machine"], report["versions"]
    lines = [
        "# site.yml benchmark ({})".format(report["date"]),
        "",
        "`make bench` (`bench/bench_site.py`): `playbooks/site.yml` against "
        "`bench/baseline/site_baseline.yml` (the installation guide, literally, with generic "
        "modules), each on a fresh sandbox host and again on the same, now configured, host.",
        "",
        "- machine: {} ({} cores, {} GiB RAM), load average at start {}".format(
            m["cpu"], m["cores"], m["ram_gib"], " ".join("%.2f" % x for x in m["loadavg_at_start"])),
        "- ansible-core {}, ansible {}, Python {}, podman {}".format(
            v["ansible_core"], v["ansible_package"], v["python"], v["podman"]),
        "- images: " + ", ".join("{} {}".format(k, i) for k, i in report["images"].items()),
        "",
        "| " + " | ".join(h for _, h in COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for r in report["runs"]:
        lines.append("| " + " | ".join(cell(r, k) for k, _ in COLUMNS) + " |")
    lines += ["", "tasks = task results not skipped (handlers included); manage.py starts = lines "
              "of `/edx/var/log/sandbox/manage-starts.log`; restarted = services whose main PID "
              "changed; config rows added = new rows of the HTML view configuration table.", "",
              "## Platform processes started", ""]
    for r in report["runs"]:
        lines.append("- {} {} {}: {}".format(r["release"], r["playbook"], r["host_state"],
                                             "; ".join("`{}`".format(s) for s in r["manage_start_lines"])
                                             or "none"))
    lines += ["", "## Tasks that reported changed", ""]
    for r in report["runs"]:
        lines.append("- {} {} {}: {}".format(r["release"], r["playbook"], r["host_state"],
                                             "; ".join(r["changed_tasks"]) or "none"))
    lines += ["", "## Slowest tasks (seconds)", ""]
    for r in report["runs"]:
        lines.append("- {} {} {}: {}".format(r["release"], r["playbook"], r["host_state"],
                                             "; ".join("{} {}".format(sec, n) for sec, n in r["slowest_tasks"])))
    lines += ["", "## Goals", ""]
    for g in report["goals"]:
        lines.append("- {} {}".format("PASS" if g["passed"] else "FAIL", g["goal"]))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", nargs="+", default=["hawthorn", "maple"], choices=sorted(GENERATION))
    args = parser.parse_args()

    def cleanup(*_):
        for name in list(_containers):
            remove_host(name)
        sys.exit(130)
    signal.signal(signal.SIGINT, cleanup)
    signal.signal(signal.SIGTERM, cleanup)

    now = datetime.datetime.now().astimezone()
    report = {"date": now.isoformat(timespec="seconds"), "machine": machine_info(),
              "versions": versions(), "images": image_ids(args.releases), "runs": []}
    print("bench: site.yml vs the guide's baseline on {}".format(", ".join(args.releases)),
          file=sys.stderr, flush=True)
    try:
        for release in args.releases:
            report["runs"] += bench_release(release)
    finally:
        for name in list(_containers):
            remove_host(name)
    results = goals(report["runs"])
    report["goals"] = [{"passed": ok, "goal": text} for ok, text in results]

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "site-{}.json".format(now.strftime("%Y-%m-%d"))).write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "site-latest.md").write_text(markdown(report))

    m, v = report["machine"], report["versions"]
    print("site.yml benchmark  {}".format(report["date"]))
    print("machine: {} ({} cores, {} GiB RAM)  ansible-core {}  Python {}".format(
        m["cpu"], m["cores"], m["ram_gib"], v["ansible_core"], v["python"]))
    print()
    print(text_table(report["runs"]))
    print()
    for r in report["runs"]:
        if r["rc"] != 0:
            print("{} {} {} failed:\n{}".format(r["release"], r["playbook"], r["host_state"],
                                                r.get("output_tail", "")))
    for r in report["runs"]:
        if r["host_state"] == "configured" and r["changed"]:
            print("{} {} configured: changed by: {}".format(
                r["release"], r["playbook"], "; ".join(r["changed_tasks"])))
    print()
    for ok, text in results:
        print("{} {}".format("PASS" if ok else "FAIL", text))
    print("\nwritten: bench/results/site-{}.json, bench/results/site-latest.md".format(now.strftime("%Y-%m-%d")))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
