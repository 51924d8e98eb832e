#!/usr/bin/env python3
"""Benchmark: certificate generation through the toolkit against the bare command.

Course course-v1:OpenedX+Bench+2026 of the sandbox demo data (3000 learners).
For each release, on a FRESH sandbox host per measurement (certificates
enabled first with playbooks/site.yml, not timed):

  toolkit   ansible-playbook playbooks/generate.yml -e course_id=COURSE, timed on
            the controller (everything an operator waits for: Ansible, the
            podman connection, the platform process, the progress polling).
  bare      hawthorn: manage.py lms --settings=aws ungenerated_certs -c COURSE
            as edxapp inside the host; maple: manage.py lms --settings=production
            cert_generation -u <the learners the platform's bulk generation picks>
            -c COURSE, then waiting until the task worker has drained the queue.
            Timed INSIDE the host (so podman exec's overhead is not counted) and
            also on the controller.

The bulk generation of the instructor dashboard (instructor_task's
generate_students_certificates) takes the ACTIVE enrollments, less the
learners who have a certificate in the course whose status is not
"unavailable" (students_require_certificate); the toolkit sends the same
learners, so both ways do the same work and end with the same counts.

For each: wall time, platform processes started (lines added to
/edx/var/log/sandbox/manage-starts.log) and the certificate counts afterwards.
Prints a table; writes bench/results/generate-STAMP.json and .md.

    bench/bench_generate.py [--releases hawthorn,maple] [--repeat N]

Needs the sandbox images (make images) and podman in the private storage
(the Makefile's environment, or: eval "$(tests/sandbox/sandbox.sh env)").
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from conftest import podman, podman_env, run_playbook, start_host  # noqa: E402

COURSE = "course-v1:OpenedX+Bench+2026"
STARTS_LOG = "/edx/var/log/sandbox/manage-starts.log"
PLATFORM = "/edx/app/edxapp/edx-platform"
PYTHON = "/edx/app/edxapp/venvs/edxapp/bin/python"
RESULTS = ROOT / "bench" / "results"
EXPECT = json.loads((ROOT / "tests/sandbox/demo_expectations.json").read_text())


def cert_counts(host):
    rows = host.sql("select status, count(*) from certificates_generatedcertificate "
                    "where course_id = '%s' group by status" % COURSE)
    return dict(sorted((status, int(n)) for status, n in rows))


def starts(host):
    return [line for line in host.read(STARTS_LOG).splitlines() if line.strip()]


def fresh_host(release):
    """A fresh host with certificates enabled and an empty platform-start log."""
    host = start_host(release)
    run = run_playbook("site.yml", [host])
    if run.rc != 0:
        remove(host)
        raise SystemExit("site.yml failed on %s:\n%s" % (host.name, run.output[-4000:]))
    host.sh("truncate -s 0 " + STARTS_LOG)
    return host


def remove(host):
    podman("rm", "--force", "--time", "0", host.name, check=False)


def failed_tasks(host):
    """Generation tasks the sandbox worker ran and that failed (maple), with the last error line."""
    try:
        rows = host.sql("select result from sandbox_sandboxtask where status = 'failed'")
    except AssertionError:
        return {"count": 0}
    last = [r[0].strip().splitlines()[-1] for r in rows if r[0]]
    return {"count": len(rows), "errors": sorted(set(last))}


def toolkit_failure(run):
    try:
        data = json.loads(run.stdout[run.stdout.index("{"):])
        for play in data["plays"]:
            for task in play["tasks"]:
                for result in task["hosts"].values():
                    if result.get("failed"):
                        return "%s: %s" % (task["task"]["name"], result.get("msg"))
    except (ValueError, KeyError):
        pass
    return run.output[-2000:]


def measure_toolkit(release, worker_wait):
    host = fresh_host(release)
    try:
        begin = time.monotonic()
        run = run_playbook("generate.yml", [host], extra_vars={"course_id": COURSE,
                                                               "worker_wait_timeout": worker_wait})
        wall = time.monotonic() - begin
        return {"way": "toolkit", "command": "ansible-playbook playbooks/generate.yml -e course_id=" + COURSE,
                "wall_s": round(wall, 2), "inside_s": None, "rc": run.rc,
                "failure": toolkit_failure(run) if run.rc else None,
                "failed_tasks": failed_tasks(host) if release != "hawthorn" else None,
                "platform_starts": len(starts(host)), "certificates": cert_counts(host)}
    finally:
        remove(host)


# Timed inside the host: date +%s.%N around the command (and the wait on maple).
BARE_HAWTHORN = r"""
cd {platform}
t0=$(date +%s.%N)
sudo -u edxapp {python} manage.py lms --settings=aws ungenerated_certs -c '{course}' >/tmp/bench.out 2>/tmp/bench.err
rc=$?
t1=$(date +%s.%N)
echo "BENCH rc=$rc t0=$t0 t1=$t1"
"""

# The learners of the bulk generation: active enrollments without a certificate
# other than "unavailable".
BARE_MAPLE = r"""
cd {platform}
ids=$(mariadb --batch --skip-column-names edxapp -e "select e.user_id from student_courseenrollment e
    where e.course_id = '{course}' and e.is_active = 1 and e.user_id not in (select user_id from
    certificates_generatedcertificate where course_id = '{course}' and status != 'unavailable')
    order by e.user_id" | tr '\n' ' ')
t0=$(date +%s.%N)
sudo -u edxapp env LMS_CFG=/edx/etc/lms.yml STUDIO_CFG=/edx/etc/studio.yml {python} manage.py lms \
    --settings=production cert_generation -u $ids -c '{course}' >/tmp/bench.out 2>/tmp/bench.err
rc=$?
# Wait until the worker has run every queued task.
while [ "$(mariadb --batch --skip-column-names edxapp -e "select count(*) from sandbox_sandboxtask
    where status in ('pending', 'running')")" != 0 ]; do
    sleep 0.2
done
t1=$(date +%s.%N)
echo "BENCH rc=$rc t0=$t0 t1=$t1"
"""


def measure_bare(release, worker_wait=None):
    host = fresh_host(release)
    try:
        if release == "hawthorn":
            script = BARE_HAWTHORN
            command = "manage.py lms --settings=aws ungenerated_certs -c " + COURSE
        else:
            script = BARE_MAPLE
            command = ("manage.py lms --settings=production cert_generation -u <the %d learners of the bulk "
                       "generation: active, no certificate but unavailable> -c %s + wait for the worker"
                       % (EXPECT["courses"][COURSE]["enrollments"]["active"], COURSE))
        script = script.format(platform=PLATFORM, python=PYTHON, course=COURSE)
        begin = time.monotonic()
        out = host.sh(script).stdout
        wall = time.monotonic() - begin
        line = [l for l in out.splitlines() if l.startswith("BENCH ")][-1]
        fields = dict(part.split("=", 1) for part in line.split()[1:])
        failure = None
        if fields["rc"] != "0":
            failure = host.read("/tmp/bench.err")[-2000:]
        inside = float(fields["t1"]) - float(fields["t0"])
        return {"way": "bare", "command": command, "wall_s": round(wall, 2), "inside_s": round(inside, 2),
                "rc": int(fields["rc"]), "failure": failure,
                "failed_tasks": failed_tasks(host) if release != "hawthorn" else None,
                "platform_starts": len(starts(host)), "certificates": cert_counts(host)}
    finally:
        remove(host)


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions():
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, env=podman_env(),
                                  cwd=str(ROOT)).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return None
    images = {}
    for release in ("hawthorn", "maple"):
        images[release] = out(["podman", "image", "inspect", "--format", "{{.Id}}",
                               "localhost/openedx-sandbox:" + release])
        images[release] = images[release][:12] if images[release] else None
    return {
        "python": platform.python_version(),
        "ansible_core": out(["ansible-playbook", "--version"]),
        "podman": out(["podman", "--version"]),
        "toolkit_commit": out(["git", "rev-parse", "--short", "HEAD"]),
        "toolkit_dirty": bool(out(["git", "status", "--porcelain"])),
        "images": images,
        "kernel": platform.release(),
    }


def summarize(samples):
    out = {}
    for key in ("wall_s", "inside_s"):
        values = [s[key] for s in samples if s[key] is not None]
        out[key] = round(statistics.median(values), 2) if values else None
    out["platform_starts"] = samples[-1]["platform_starts"]
    out["certificates"] = samples[-1]["certificates"]
    out["command"] = samples[-1]["command"]
    out["failed_runs"] = sum(1 for s in samples if s.get("rc"))
    out["failed_tasks"] = samples[-1].get("failed_tasks")
    out["samples"] = samples
    return out


def markdown(doc):
    lines = ["# Certificate generation benchmark", "",
             "- date: %s" % doc["date"],
             "- machine: %s, %s cores, %s" % (doc["machine"]["cpu"], doc["machine"]["cores"], doc["machine"]["os"]),
             "- course: `%s` (%d learners, %d active)" % (COURSE, doc["learners"]["total"], doc["learners"]["active"]),
             "- repeat: %d (median shown; every measurement on a fresh host)" % doc["repeat"],
             "- versions: " + ", ".join("%s %s" % (k, v) for k, v in doc["versions"].items() if k != "images"),
             "- images: " + ", ".join("%s %s" % (k, v) for k, v in doc["versions"]["images"].items()),
             "", table(doc, md=True), "",
             "A run marked FAILED ended with an error (see `failure` in the JSON); on maple a worker "
             "task that fails writes no certificate, and the toolkit waits `worker_wait_timeout` "
             "(here %s s) for it before it fails." % doc["worker_wait_timeout"], "",
             "`wall` is measured on the controller; `inside` is the bare command timed inside the host "
             "(without podman exec's overhead). `starts` counts lines added to `%s`." % STARTS_LOG, ""]
    return "\n".join(lines)


def table(doc, md=False):
    header = ["release", "way", "wall s", "inside s", "starts", "certificates after"]
    rows = []
    for release, ways in doc["results"].items():
        for way in ("toolkit", "bare"):
            r = ways.get(way)
            if r is None:
                continue
            rows.append([release, way, "%.2f" % r["wall_s"],
                         "-" if r["inside_s"] is None else "%.2f" % r["inside_s"],
                         str(r["platform_starts"]) + (" FAILED" if r.get("failed_runs") else ""),
                         ", ".join("%s %s" % kv for kv in r["certificates"].items())
                         + ("; %d worker task(s) failed" % r["failed_tasks"]["count"]
                            if (r.get("failed_tasks") or {}).get("count") else "")])
        if "toolkit" in ways and "bare" in ways:
            ref = ways["bare"]["inside_s"] or ways["bare"]["wall_s"]
            failed = ways["toolkit"].get("failed_runs") or ways["bare"].get("failed_runs")
            ratio = "n/a" if failed else "%.2fx" % (ways["toolkit"]["wall_s"] / ref)
            same = ways["toolkit"]["certificates"] == ways["bare"]["certificates"]
            rows.append([release, "toolkit / bare", ratio, "", "",
                         "a run failed: no ratio" if failed else
                         ("the same counts" if same else "THE COUNTS DIFFER")])
    if md:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(out)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*row) for row in rows])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", default="hawthorn,maple")
    parser.add_argument("--repeat", type=int, default=1, help="measurements per way and release")
    parser.add_argument("--worker-wait-timeout", type=int, default=180,
                        help="generate.yml's worker_wait_timeout (maple): how long the toolkit waits "
                             "for the workers before it fails")
    parser.add_argument("--results", default=str(RESULTS), help="folder for the JSON and Markdown files")
    args = parser.parse_args(argv)
    now = datetime.datetime.now(datetime.timezone.utc)
    enrollments = EXPECT["courses"][COURSE]["enrollments"]
    doc = {"benchmark": "generate", "date": now.isoformat(timespec="seconds"), "course": COURSE,
           "learners": {"total": enrollments["total"], "active": enrollments["active"]},
           "repeat": args.repeat, "worker_wait_timeout": args.worker_wait_timeout,
           "machine": {"cpu": cpu_model(), "cores": os.cpu_count(),
                       "os": "%s %s" % (platform.system(), platform.machine())},
           "versions": versions(), "results": {}}
    for release in [r.strip() for r in args.releases.split(",") if r.strip()]:
        ways = {}
        for way, measure in (("toolkit", measure_toolkit), ("bare", measure_bare)):
            samples = []
            for i in range(args.repeat):
                print("%s: %s %d/%d ..." % (release, way, i + 1, args.repeat), file=sys.stderr, flush=True)
                sample = measure(release, args.worker_wait_timeout)
                print("  %s" % json.dumps(sample, sort_keys=True), file=sys.stderr, flush=True)
                samples.append(sample)
            ways[way] = summarize(samples)
        doc["results"][release] = ways
    print(table(doc))
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    (results / ("generate-%s.json" % stamp)).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    (results / ("generate-%s.md" % stamp)).write_text(markdown(doc))
    print("\nwritten: %s, %s" % (results / ("generate-%s.json" % stamp), results / ("generate-%s.md" % stamp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
