"""site.yml on a fleet: two LMS/Studio app servers and a worker host of one
instance, sharing one database (issue 7's proof).

- the database work runs once for the fleet, config and tmpfiles go to
  every host that needs them, workers get their own restart;
- restarts roll: while the playbook runs, a probe inside each app server
  asks its LMS every 0.2 s, and at every moment at least one answered;
- a failed restart stops the roll with the rest of the fleet still serving,
  and an unreachable host stops the run before any host is changed; running
  again finishes the job.
"""

import re
import time
import uuid

import pytest

from conftest import podman, remove_instance_db, start_host, wait_running

FLAG_LMS = "/edx/app/edxapp/lms.env.json"
FLAG_CMS = "/edx/app/edxapp/cms.env.json"

PROBE = r"""
import time, urllib.request
with open('/tmp/probe.log', 'a', buffering=1) as log:
    while True:
        try:
            status = urllib.request.urlopen('http://127.0.0.1:8000/heartbeat', timeout=1).status
        except Exception:
            status = 0
        log.write('%.2f %d\n' % (time.time(), status))
        time.sleep(0.2)
"""


@pytest.fixture
def fleet():
    volume = "it-fleet-db-{}".format(uuid.uuid4().hex[:6])
    suffix = uuid.uuid4().hex[:4]
    hosts = {}
    try:
        for role in ("app1", "app2", "worker1"):
            hosts[role] = start_host("hawthorn", name="it-{}-{}".format(role, suffix), shared_db=volume)
        yield hosts
    finally:
        for h in hosts.values():
            podman("rm", "--force", "--time", "0", h.name, check=False)
        remove_instance_db(volume)


def fleet_playbook(fleet, playbook, **kwargs):
    app1, app2, worker = fleet["app1"], fleet["app2"], fleet["worker1"]
    return playbook(
        "site.yml", [app1, app2, worker],
        host_vars={app1.name: {"openedx_host_services": ["lms", "cms"]},
                   app2.name: {"openedx_host_services": ["lms", "cms"]},
                   worker.name: {"openedx_host_services": ["workers"]}},
        groups={"lms": [app1.name, app2.name], "workers": [worker.name]},
        **kwargs)


def flag(host, path):
    return re.search(r'"CERTIFICATES_HTML_VIEW": (\w+)', host.read(path)).group(1)


def worker_pid(host):
    return host.sh("/edx/bin/supervisorctl pid edxapp_worker:lms_default_1").stdout.strip()


def test_rolling_restart_keeps_an_lms_answering(fleet, playbook):
    app1, app2, worker = fleet["app1"], fleet["app2"], fleet["worker1"]
    pids_before = {h.name: h.service_pid("lms") for h in (app1, app2)}
    worker_before = worker_pid(worker)
    for h in (app1, app2, worker):
        h.sh("truncate -s 0 /edx/var/log/sandbox/manage-starts.log")
    for h in (app1, app2):
        podman("exec", "--detach", h.name, "python3", "-c", PROBE)
    time.sleep(1)
    started = time.time()
    run = fleet_playbook(fleet, playbook, extra_vars={"openedx_certificates_serial": 1})
    ended = time.time()
    assert run.rc == 0, run.output

    # Every host that needs it got the flag and the folder; workers too.
    for h in (app1, app2, worker):
        assert flag(h, FLAG_LMS) == "true"
        assert h.stat("/tmp/certificates")[:3] == ("www-data", "www-data", "0750")
    for h in (app1, app2):
        assert flag(h, FLAG_CMS) == "true"
    assert flag(worker, FLAG_CMS) == "false", "the worker host runs no Studio"
    # The database work ran once, on the first host.
    starts = {h.name: len(h.manage_starts()) for h in (app1, app2, worker)}
    assert starts[app1.name] >= 1 and starts[app2.name] == 0 and starts[worker.name] == 0, starts

    # Both LMS were restarted, and the worker's processes too.
    for h in (app1, app2):
        assert h.service_pid("lms") != pids_before[h.name]
    assert worker_pid(worker) != worker_before

    # At every moment of the run, at least one LMS answered.
    answered = {}
    for h in (app1, app2):
        for line in h.read("/tmp/probe.log").splitlines():
            stamp, status = line.split()
            if started <= float(stamp) <= ended:
                answered.setdefault(round(float(stamp) * 2) / 2, []).append(int(status) == 200)
    assert len(answered) > 10
    # The probes saw the restarts (so this check could fail)...
    assert any(not ok for results in answered.values() for ok in results), \
        "the probes never saw an LMS down: they could not have caught an outage"
    # ...but never both LMS down at once.
    outages = sorted(t for t, results in answered.items() if not any(results))
    assert outages == [], "no LMS answered at {}".format(outages)

    second = fleet_playbook(fleet, playbook)
    assert second.rc == 0 and second.total_changed == 0, second.output


def test_failed_restart_stops_the_roll(fleet, playbook):
    app1, app2, worker = fleet["app1"], fleet["app2"], fleet["worker1"]
    # app1's LMS will not come back: its URL configuration is broken (the
    # settings still load, so the database phase itself works).
    app1.sh("cp /edx/app/edxapp/edx-platform/lms/urls.py /root/urls.py && "
            "echo 'raise RuntimeError(\"broken deploy\")' >> /edx/app/edxapp/edx-platform/lms/urls.py")
    app2_pid = app2.service_pid("lms")
    run = fleet_playbook(fleet, playbook,
                         extra_vars={"openedx_certificates_serial": 1,
                                     "openedx_host_health_timeout": 6})
    assert run.rc != 0
    # The roll stopped because app1's LMS did not come back.
    task, failed_host, _result = run.failures()[0]
    assert (task, failed_host) == ("Wait until LMS answers", app1.name), run.failures()
    # The roll stopped at app1: app2 and the worker were not touched and app2 still serves.
    assert flag(app2, FLAG_LMS) == "false" and flag(worker, FLAG_LMS) == "false"
    assert app2.service_pid("lms") == app2_pid
    assert app2.http_get("http://127.0.0.1:8000/heartbeat")[0] == 200

    # Fixed, and run again: the job is finished everywhere.
    app1.sh("cp /root/urls.py /edx/app/edxapp/edx-platform/lms/urls.py && /edx/bin/supervisorctl restart lms")
    again = fleet_playbook(fleet, playbook)
    assert again.rc == 0, again.output
    for h in (app1, app2, worker):
        assert flag(h, FLAG_LMS) == "true"


def test_unreachable_host_changes_nobody(fleet, playbook):
    app1, app2, worker = fleet["app1"], fleet["app2"], fleet["worker1"]
    podman("stop", "--time", "0", worker.name)
    run = fleet_playbook(fleet, playbook)
    assert run.rc != 0
    for h in (app1, app2):
        assert flag(h, FLAG_LMS) == "false" and flag(h, FLAG_CMS) == "false"
        assert h.sh("test -e /etc/tmpfiles.d/openedx-certificates.conf", check=False).returncode != 0
        assert h.manage_starts() == []

    podman("start", worker.name)
    wait_running(worker.name)
    again = fleet_playbook(fleet, playbook)
    assert again.rc == 0, again.output
    for h in (app1, app2, worker):
        assert flag(h, FLAG_LMS) == "true"
