#!/usr/bin/env python3
"""Benchmark: certificate generation through the toolkit against the bare command, doing the SAME work.

Courses of the sandbox demo data: course-v1:OpenedX+Bench+2026 (3,000
learners, every image) and course-v1:OpenedX+Bench30k+2026 (30,000 learners,
on the images that have it: the newest release line); --courses picks others.
For each release and course, on a FRESH sandbox host per measurement
(certificates enabled first with playbooks/site.yml, not timed):

  toolkit   ansible-playbook playbooks/generate.yml -e course_id=COURSE, timed on
            the controller (everything an operator waits for: Ansible, the
            podman connection, the platform process, the progress loop).
  bare      hawthorn: manage.py lms --settings=aws ungenerated_certs -c COURSE
            (the command picks its learners itself, and the toolkit runs the
            same command). Maple and later: manage.py lms --settings=production
            cert_generation -u IDS -c COURSE, then waiting until the task
            worker has drained its queue; IDS are the learners the toolkit
            selects, asked from the toolkit's own selection op
            (openedx_runner_certs pending_learners, which runs
            module_utils/openedx_cert_selection.py: ONE place) in a platform
            process started before the clock and the start count. Timed INSIDE
            the host (so podman exec's overhead is not counted) and also on the
            controller.

Same work is checked, not assumed: on Maple and later the digest of the
learners the bare command was given must be the digest of those the
toolkit sent (its result's courses.COURSE.selection.digest), and on every
release both must end with the same certificate counts by status. If not,
the benchmark says so on standard error and exits 1 (after writing its
files); the table says "THE COUNTS DIFFER" / "NOT THE SAME LEARNERS".

For each: wall time, platform processes started (lines added to
/edx/var/log/sandbox/manage-starts.log) and the certificate counts afterwards;
for the toolkit also its own phases inside the platform (selection,
publishing, sorting the answers, waiting for the worker). Prints a table;
writes bench/results/generate-STAMP.json and .md.

    bench/bench_generate.py [--releases hawthorn,maple,verawood] [--courses ID,ID] [--repeat N]

Releases whose image is missing are skipped (said on standard error).
Needs the sandbox images (make images) and podman in the private storage
(the Makefile's environment, or: eval "$(tests/sandbox/sandbox.sh env)").
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import ansible.module_utils  # noqa: E402

# The toolkit's module_utils, importable here as Ansible makes them for its modules.
if str(ROOT / "module_utils") not in ansible.module_utils.__path__:
    ansible.module_utils.__path__.append(str(ROOT / "module_utils"))

from ansible.module_utils.openedx_cert_selection import selection_digest  # noqa: E402
from ansible.module_utils.openedx_runner import RESULT_BEGIN, RESULT_END, build_script  # noqa: E402
from ansible.module_utils.openedx_runner_certs import CERTS_SOURCE  # noqa: E402
from conftest import podman, podman_env, run_playbook, start_host  # noqa: E402

BENCH = "course-v1:OpenedX+Bench+2026"
BENCH_30K = "course-v1:OpenedX+Bench30k+2026"
DEFAULT_RELEASES = "hawthorn,maple,verawood"
STARTS_LOG = "/edx/var/log/sandbox/manage-starts.log"
PLATFORM = "/edx/app/edxapp/edx-platform"
PYTHON = "/edx/app/edxapp/venvs/edxapp/bin/python"
MODERN_ENV = "LMS_CFG=/edx/etc/lms.yml STUDIO_CFG=/edx/etc/studio.yml"
RESULTS = ROOT / "bench" / "results"


def is_legacy(release):
    return release == "hawthorn"


def quoted(value):
    return "'%s'" % value.replace("'", "''")


def cert_counts(host, course):
    rows = host.sql("select status, count(*) from certificates_generatedcertificate "
                    "where course_id = %s group by status" % quoted(course))
    return dict(sorted((status, int(n)) for status, n in rows))


def enrollment_counts(host, course):
    rows = host.sql("select is_active, count(*) from student_courseenrollment where course_id = %s "
                    "group by is_active" % quoted(course))
    counts = dict((int(active), int(n)) for active, n in rows)
    return {"total": sum(counts.values()), "active": counts.get(1, 0)}


def has_course(host, course):
    return bool(host.sql("select count(*) from course_overviews_courseoverview where id = %s"
                         % quoted(course))[0][0] != "0")


def starts(host):
    return [line for line in host.read(STARTS_LOG).splitlines() if line.strip()]


def image_exists(release):
    return podman("image", "exists", "localhost/openedx-sandbox:" + release, check=False).returncode == 0


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
    """Generation tasks the sandbox worker ran and that failed (Maple and later), with the last error line."""
    try:
        rows = host.sql("select result from sandbox_sandboxtask where status = 'failed'")
    except AssertionError:
        return {"count": 0}
    last = [r[0].strip().splitlines()[-1] for r in rows if r[0]]
    return {"count": len(rows), "errors": sorted(set(last))}


def run_toolkit_ops(host, ops):
    """The toolkit's runner with its certificate ops, in one platform process on the host (as the
    platform user, ops on standard input as the modules send them); returns the op results."""
    podman("exec", "-i", host.name, "sh", "-c", "cat > /tmp/bench-runner.py && chmod 644 /tmp/bench-runner.py",
           input=build_script([CERTS_SOURCE]))
    podman("exec", "-i", host.name, "sh", "-c", "cat > /tmp/bench-ops.json && chmod 644 /tmp/bench-ops.json",
           input=json.dumps(ops))
    out = host.sh("cd %s && sudo -u edxapp env %s %s manage.py lms --settings=production shell "
                  "-c \"$(cat /tmp/bench-runner.py)\" < /tmp/bench-ops.json" % (PLATFORM, MODERN_ENV, PYTHON)).stdout
    lines = out.splitlines()
    results = json.loads("\n".join(lines[lines.index(RESULT_BEGIN) + 1:lines.index(RESULT_END)]))
    for result in results:
        if result.get("failed"):
            raise SystemExit("the toolkit's %s op failed on %s: %s" % (result.get("op"), host.name, result.get("msg")))
    return results


def toolkit_selection(host, course):
    """The learner ids the toolkit sends to cert_generation for ``course`` (its own op, its own code)."""
    _info, pending = run_toolkit_ops(host, [{"op": "course_info", "course_id": course, "require_exists": True},
                                            {"op": "pending_learners", "course_id": course, "ids": True}])
    return pending["user_ids"], pending


def module_result(run):
    """The openedx_generate_certs result (brought back by the progress loop, or collected), or None."""
    try:
        return run.generation_results()[0]
    except (IndexError, KeyError, ValueError, AttributeError):
        return None


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


def measure_toolkit(release, course, worker_wait):
    host = fresh_host(release)
    try:
        begin = time.monotonic()
        run = run_playbook("generate.yml", [host], extra_vars={"course_id": course,
                                                               "worker_wait_timeout": worker_wait})
        wall = time.monotonic() - begin
        result = module_result(run) or {}
        entry = (result.get("courses") or {}).get(course) or {}
        selection = entry.get("selection") or {}
        generation = entry.get("generation") or {}
        return {"way": "toolkit", "command": "ansible-playbook playbooks/generate.yml -e course_id=" + course,
                "wall_s": round(wall, 2), "inside_s": None, "rc": run.rc,
                "failure": toolkit_failure(run) if run.rc else None,
                "failed_tasks": None if is_legacy(release) else failed_tasks(host),
                "platform_starts": len(starts(host)), "certificates": cert_counts(host, course),
                "learners_sent": selection.get("selected"), "learners_digest": selection.get("digest"),
                "left_out": selection.get("left_out"), "outcomes": generation.get("outcomes"),
                "platform_seconds": generation.get("seconds"),
                "module_platform_starts": result.get("platform_starts")}
    finally:
        remove(host)


# Timed inside the host: date +%s.%N around the command (and the wait on Maple and later).
BARE_LEGACY = r"""
cd {platform}
t0=$(date +%s.%N)
sudo -u edxapp {python} manage.py lms --settings=aws ungenerated_certs -c '{course}' >/tmp/bench.out 2>/tmp/bench.err
rc=$?
t1=$(date +%s.%N)
echo "BENCH rc=$rc t0=$t0 t1=$t1"
"""

# /tmp/bench-ids holds the learners the toolkit selects (written before the clock starts), one
# argument each: a command line of 27,000 ids is too long for one podman exec argument.
BARE_MODERN = r"""
cd {platform}
t0=$(date +%s.%N)
sudo -u edxapp env {env} {python} manage.py lms \
    --settings=production cert_generation -u $(cat /tmp/bench-ids) -c '{course}' >/tmp/bench.out 2>/tmp/bench.err
rc=$?
# Wait until the worker has run every queued task.
while [ "$(mariadb --batch --skip-column-names edxapp -e "select count(*) from sandbox_sandboxtask
    where status in ('pending', 'running')")" != 0 ]; do
    sleep 0.2
done
t1=$(date +%s.%N)
echo "BENCH rc=$rc t0=$t0 t1=$t1"
"""


def measure_bare(release, course, worker_wait=None):
    host = fresh_host(release)
    try:
        digest = sent = None
        if is_legacy(release):
            script = BARE_LEGACY
            command = "manage.py lms --settings=aws ungenerated_certs -c " + course
        else:
            ids, _pending = toolkit_selection(host, course)
            podman("exec", "-i", host.name, "sh", "-c", "cat > /tmp/bench-ids && chmod 644 /tmp/bench-ids",
                   input=" ".join(str(uid) for uid in ids))
            # The selection's own platform process is not the bare command's.
            host.sh("truncate -s 0 " + STARTS_LOG)
            digest, sent = selection_digest(ids), len(ids)
            script = BARE_MODERN
            command = ("manage.py lms --settings=production cert_generation -u <the %d learners the toolkit "
                       "selects> -c %s + wait for the worker" % (sent, course))
        script = script.format(platform=PLATFORM, python=PYTHON, course=course, env=MODERN_ENV)
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
                "failed_tasks": None if is_legacy(release) else failed_tasks(host),
                "platform_starts": len(starts(host)), "certificates": cert_counts(host, course),
                "learners_sent": sent, "learners_digest": digest}
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


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def versions(releases):
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, env=podman_env(),
                                  cwd=str(ROOT)).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return None
    images = {}
    for release in releases:
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
    last = samples[-1]
    for key in ("platform_starts", "certificates", "command", "failed_tasks", "learners_sent",
                "learners_digest", "left_out", "outcomes", "platform_seconds"):
        if key in last:
            out[key] = last[key]
    out["failed_runs"] = sum(1 for s in samples if s.get("rc"))
    # Every sample, not only the last, must have done the same work as the other way's.
    out["certificates_by_sample"] = [s["certificates"] for s in samples]
    out["digests_by_sample"] = [s.get("learners_digest") for s in samples]
    out["samples"] = samples
    return out


def same_work(ways):
    """Problems (a list of sentences) if the toolkit and the bare command did not do the same work."""
    toolkit, bare = ways["toolkit"], ways["bare"]
    problems = []
    counts = toolkit["certificates_by_sample"] + bare["certificates_by_sample"]
    if any(c != counts[0] for c in counts):
        problems.append("the certificate counts by status differ: toolkit %s, bare %s"
                        % (toolkit["certificates_by_sample"], bare["certificates_by_sample"]))
    digests = toolkit["digests_by_sample"] + bare["digests_by_sample"]
    if any(d is not None for d in digests) and any(d != digests[0] for d in digests):
        problems.append("the learners differ: the toolkit sent %s learner(s) (digests %s), the bare command "
                        "was given %s (digests %s)" % (toolkit.get("learners_sent"), toolkit["digests_by_sample"],
                                                        bare.get("learners_sent"), bare["digests_by_sample"]))
    return problems


def ratio(ways):
    if ways["toolkit"].get("failed_runs") or ways["bare"].get("failed_runs"):
        return None
    ref = ways["bare"]["inside_s"] or ways["bare"]["wall_s"]
    return round(ways["toolkit"]["wall_s"] / ref, 2) if ref else None


def markdown(doc):
    lines = ["# Certificate generation benchmark", "",
             "- date: %s" % doc["date"],
             "- machine: %s, %s cores, %s; load average at the start %s (the machine is shared: wall times "
             "move with the load, the counts must not)"
             % (doc["machine"]["cpu"], doc["machine"]["cores"], doc["machine"]["os"], doc["machine"]["load_start"]),
             "- repeat: %d (median shown; every measurement on a fresh host)" % doc["repeat"],
             "- versions: " + ", ".join("%s %s" % (k, v) for k, v in doc["versions"].items() if k != "images"),
             "- images: " + ", ".join("%s %s" % (k, v) for k, v in doc["versions"]["images"].items()),
             "- courses: " + "; ".join("%s %s: %d learners, %d active" % (release, course, n["total"], n["active"])
                                       for release, courses in doc["learners"].items()
                                       for course, n in courses.items()),
             "", table(doc, md=True), ""]
    for release, courses in doc["results"].items():
        for course, ways in courses.items():
            toolkit = ways.get("toolkit") or {}
            if toolkit.get("left_out") is not None or toolkit.get("platform_seconds"):
                lines.append("- %s %s: the toolkit left out %s; what the platform did with those sent: %s; "
                             "its phases in the platform (s): %s"
                             % (release, course, json.dumps(toolkit.get("left_out"), sort_keys=True),
                                json.dumps(toolkit.get("outcomes"), sort_keys=True),
                                json.dumps(toolkit.get("platform_seconds"), sort_keys=True)))
    lines += ["",
              "Both ways are given the same learners: on Maple and later the bare command gets the ids the "
              "toolkit's own selection op returns (module_utils/openedx_cert_selection.py), and the benchmark "
              "checks the digests and the final counts by status (it exits 1 when they differ).", "",
              "A run marked FAILED ended with an error (see `failure` in the JSON); on Maple and later a worker "
              "task that fails writes no certificate, and the toolkit waits `worker_wait_timeout` "
              "(here %s s) for it before it fails." % doc["worker_wait_timeout"], "",
              "`wall` is measured on the controller; `inside` is the bare command timed inside the host "
              "(without podman exec's overhead), and the ratio divides the toolkit's wall time by it. "
              "`starts` counts lines added to `%s`." % STARTS_LOG, ""]
    return "\n".join(lines)


def table(doc, md=False):
    header = ["release", "course", "way", "wall s", "inside s", "starts", "sent", "certificates after"]
    rows = []
    for release, courses in doc["results"].items():
        for course, ways in courses.items():
            for way in ("toolkit", "bare"):
                r = ways.get(way)
                if r is None:
                    continue
                rows.append([release, course, way, "%.2f" % r["wall_s"],
                             "-" if r["inside_s"] is None else "%.2f" % r["inside_s"],
                             str(r["platform_starts"]) + (" FAILED" if r.get("failed_runs") else ""),
                             "-" if r.get("learners_sent") is None else str(r["learners_sent"]),
                             ", ".join("%s %s" % kv for kv in r["certificates"].items())
                             + ("; %d worker task(s) failed" % r["failed_tasks"]["count"]
                                if (r.get("failed_tasks") or {}).get("count") else "")])
            if "toolkit" in ways and "bare" in ways:
                value = ratio(ways)
                problems = ways.get("problems") or []
                rows.append([release, course, "toolkit / bare", "n/a" if value is None else "%.2fx" % value,
                             "", "", "",
                             "a run failed: no ratio" if value is None and not problems else
                             ("THE COUNTS DIFFER" if any("counts" in p for p in problems) else "")
                             + (" NOT THE SAME LEARNERS" if any("learners" in p for p in problems) else "")
                             or "the same learners, the same counts"])
    if md:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(out)
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    return "\n".join([fmt.format(*header), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*row) for row in rows])


def probe(release, wanted):
    """The courses to measure on ``release`` (those asked, or Bench and, when the image has it,
    Bench30k) and their enrollment counts, read on one fresh host."""
    host = start_host(release)
    try:
        courses = wanted or [BENCH] + ([BENCH_30K] if has_course(host, BENCH_30K) else [])
        return courses, dict((course, enrollment_counts(host, course)) for course in courses)
    finally:
        remove(host)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", default=DEFAULT_RELEASES,
                        help="release lines, comma separated (those without an image are skipped)")
    parser.add_argument("--courses", default="",
                        help="course ids, comma separated (default: %s, and %s where the image has it)"
                             % (BENCH, BENCH_30K))
    parser.add_argument("--repeat", type=int, default=1, help="measurements per way, release and course")
    parser.add_argument("--worker-wait-timeout", type=int, default=900,
                        help="generate.yml's worker_wait_timeout (Maple and later): how long the toolkit waits "
                             "for the workers before it fails")
    parser.add_argument("--results", default=str(RESULTS), help="folder for the JSON and Markdown files")
    args = parser.parse_args(argv)
    now = datetime.datetime.now(datetime.timezone.utc)
    releases = []
    for release in [r.strip() for r in args.releases.split(",") if r.strip()]:
        if image_exists(release):
            releases.append(release)
        else:
            print("%s: no image localhost/openedx-sandbox:%s, skipped" % (release, release), file=sys.stderr)
    wanted = [c.strip() for c in args.courses.split(",") if c.strip()]
    doc = {"benchmark": "generate", "date": now.isoformat(timespec="seconds"),
           "repeat": args.repeat, "worker_wait_timeout": args.worker_wait_timeout,
           "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "load_start": load_average(),
                       "os": "%s %s" % (platform.system(), platform.machine())},
           "versions": versions(releases), "learners": {}, "results": {}}
    problems = []
    for release in releases:
        courses, doc["learners"][release] = probe(release, wanted)
        doc["results"][release] = {}
        for course in courses:
            ways = {}
            for way, measure in (("toolkit", measure_toolkit), ("bare", measure_bare)):
                samples = []
                for i in range(args.repeat):
                    print("%s %s: %s %d/%d ..." % (release, course, way, i + 1, args.repeat),
                          file=sys.stderr, flush=True)
                    sample = measure(release, course, args.worker_wait_timeout)
                    print("  %s" % json.dumps(sample, sort_keys=True), file=sys.stderr, flush=True)
                    samples.append(sample)
                ways[way] = summarize(samples)
            ways["problems"] = same_work(ways)
            ways["ratio"] = ratio(ways)
            problems += ["%s %s: %s" % (release, course, p) for p in ways["problems"]]
            doc["results"][release][course] = ways
    doc["problems"] = problems
    print(table(doc))
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    (results / ("generate-%s.json" % stamp)).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    (results / ("generate-%s.md" % stamp)).write_text(markdown(doc))
    print("\nwritten: %s, %s" % (results / ("generate-%s.json" % stamp), results / ("generate-%s.md" % stamp)))
    if problems:
        print("\nFAILED: the toolkit and the bare command did not do the same work:\n  "
              + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
