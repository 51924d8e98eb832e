#!/usr/bin/env python3
"""Fleet figure for `make bench`: playbooks/site.yml on one sandbox host
against a fleet of three (two LMS/Studio app servers and a worker host of
one instance, sharing one database), fresh and then configured.

For each run: wall time, and the platform processes started across the
whole fleet (lines of every host's manage-starts.log). The database work
must cost the same for three hosts as for one: it runs once per instance.
Writes bench/results/fleet-<date>.json and fleet-latest.md.
"""

import datetime
import json
import os
import platform
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from conftest import podman, remove_instance_db, run_playbook, start_host  # noqa: E402  (the integration tests' sandbox helpers)

RESULTS = ROOT / "bench" / "results"
RELEASE = "hawthorn"


def measure(hosts, **kwargs):
    for h in hosts:
        h.sh("truncate -s 0 /edx/var/log/sandbox/manage-starts.log")
    t0 = time.monotonic()
    run = run_playbook("site.yml", hosts, **kwargs)
    wall = time.monotonic() - t0
    if run.rc != 0:
        raise SystemExit("site.yml failed:\n" + run.output[-3000:])
    return {
        "wall_s": round(wall, 1),
        "platform_starts": sum(len(h.manage_starts()) for h in hosts),
        "changed": sum(s.get("changed", 0) for s in run.stats.values()),
    }


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def main():
    suffix = uuid.uuid4().hex[:6]
    volume = "bench-fleet-db-" + suffix
    names = []
    rows = []
    try:
        single = start_host(RELEASE, name="bench-single-" + suffix)
        names.append(single.name)
        for state in ("fresh", "configured"):
            rows.append(dict(hosts=1, host_state=state, **measure([single])))

        fleet = []
        for role in ("app1", "app2", "worker1"):
            h = start_host(RELEASE, name="bench-{}-{}".format(role, suffix), shared_db=volume)
            names.append(h.name)
            fleet.append(h)
        host_vars = {fleet[0].name: {"openedx_host_services": ["lms", "cms"]},
                     fleet[1].name: {"openedx_host_services": ["lms", "cms"]},
                     fleet[2].name: {"openedx_host_services": ["workers"]}}
        for state in ("fresh", "configured"):
            rows.append(dict(hosts=3, host_state=state,
                             **measure(fleet, host_vars=host_vars,
                                       extra_vars={"openedx_certificates_serial": 1})))
    finally:
        for name in names:
            podman("rm", "--force", "--time", "0", name, check=False)
        remove_instance_db(volume)

    header = "hosts  host        wall s  platform starts (whole fleet)  changed"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append("{hosts:>5}  {host_state:<10}  {wall_s:>6}  {platform_starts:>29}  {changed:>7}".format(**r))
    one = {r["host_state"]: r for r in rows if r["hosts"] == 1}
    three = {r["host_state"]: r for r in rows if r["hosts"] == 3}
    goals = [
        ("the fleet starts as many platform processes as one host (database work once per instance)",
         all(three[s]["platform_starts"] == one[s]["platform_starts"] for s in ("fresh", "configured"))),
        ("a configured fleet reports changed=0", three["configured"]["changed"] == 0),
    ]
    lines.append("")
    lines += ["{} {}".format("PASS" if ok else "FAIL", text) for text, ok in goals]
    report = "\n".join(lines)
    stamp = datetime.datetime.now(datetime.timezone.utc)
    info = dict(machine(), date=stamp.isoformat(timespec="seconds"), release=RELEASE, serial=1)
    print("site.yml on one host and on a fleet of three ({}, serial 1)  {}".format(RELEASE, info["date"]))
    print("machine: {cpu} ({cores} cores), Python {python}".format(**info))
    print()
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "fleet-{}.json".format(stamp.date())).write_text(
        json.dumps(dict(info, runs=rows, goals=[{"goal": t, "pass": ok} for t, ok in goals]), indent=2) + "\n")
    (RESULTS / "fleet-latest.md").write_text(
        "# site.yml on one host and on a fleet of three\n\n{date}, {cpu}, {cores} cores\n\n```\n{report}\n```\n"
        .format(report=report, **info))
    return 0 if all(ok for _, ok in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
