"""Fixtures that drive real sandbox hosts (podman containers booting systemd).

Each test that asks for a host gets a fresh container from the release's
image (built by ``make images``), so a test that breaks a host breaks only
its own. Playbooks run through the real ``ansible-playbook`` with the podman
connection, exactly as an operator would run them.
"""

import importlib.util
import json
import os
import shlex
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "localhost/openedx-sandbox:{}"


def _sandbox_secret(name):
    spec = importlib.util.spec_from_file_location(
        "sandbox_write_config", str(ROOT / "tests" / "sandbox" / "image" / "files" / "write_config.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.secret(name)


# The sandbox's migration user (provision.sh creates it; the platform's own
# user edxapp001 may only read and write rows), in every test inventory as
# an operator's inventory has it. A test that needs it absent overrides the
# variables with extra vars.
MIGRATION_PASSWORD = _sandbox_secret("mysql-migrate")
MIGRATION_VARS = {"openedx_host_migration_db_user": "migrate",
                  "openedx_host_migration_db_password": MIGRATION_PASSWORD}


def podman_env():
    env = dict(os.environ)
    env.setdefault("CONTAINERS_CONF", str(ROOT / "tests/sandbox/image/containers.conf"))
    env.setdefault("CONTAINERS_STORAGE_CONF", str(ROOT / ".sandbox/storage.conf"))
    env["PATH"] = "{}:{}".format(ROOT / ".venv" / "bin", env.get("PATH", ""))
    env["ANSIBLE_CONFIG"] = str(ROOT / "ansible.cfg")
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def podman(*args, check=True, input=None):
    return subprocess.run(["podman", *args], env=podman_env(), check=check,
                          capture_output=True, text=True, input=input)


class SandboxHost:
    """One running sandbox container."""

    def __init__(self, name, release):
        self.name = name
        self.release = release

    @property
    def legacy(self):
        return self.release == "hawthorn"

    # -- commands inside the host -------------------------------------------------
    def sh(self, script, check=True, user=None):
        args = ["exec"]
        if user:
            args += ["--user", user]
        result = podman(*args, self.name, "sh", "-c", script, check=False)
        if check and result.returncode != 0:
            raise AssertionError("{} failed on {} (rc {}):\n{}\n{}".format(
                script, self.name, result.returncode, result.stdout, result.stderr))
        return result

    def read(self, path):
        return self.sh("cat " + shlex.quote(path)).stdout


    def stat(self, path):
        """(owner, group, octal mode, type) of path, not following links."""
        out = self.sh("stat -c '%U %G %a %F' " + shlex.quote(path)).stdout.split(None, 3)
        return out[0], out[1], out[2].zfill(4), out[3].strip()

    def manage(self, service, command, check=True):
        """Run manage.py as the platform user, the way an operator would."""
        settings = "aws" if self.legacy else "production"
        env = "" if self.legacy else "LMS_CFG=/edx/etc/lms.yml STUDIO_CFG=/edx/etc/studio.yml "
        return self.sh(
            "cd /edx/app/edxapp/edx-platform && sudo -u edxapp env {}"
            "/edx/app/edxapp/venvs/edxapp/bin/python manage.py {} --settings={} {}".format(
                env, service, settings, command), check=check)

    def sql(self, query):
        """Rows of a query on the host's database (as MariaDB's root over
        the unix socket, not through the platform), each a list of strings
        (NULL as None)."""
        out = self.sh("mariadb --batch --skip-column-names edxapp -e " + shlex.quote(query)).stdout
        return [[None if field == "NULL" else field for field in line.split("\t")]
                for line in out.splitlines()]

    def platform_json(self, code):
        """Evaluate Python code in the LMS (Django shell); it must print JSON last."""
        out = self.manage("lms", "shell -c " + shlex.quote(code)).stdout
        return json.loads(out.strip().splitlines()[-1])

    def manage_starts(self):
        text = self.sh("cat /edx/var/log/sandbox/manage-starts.log 2>/dev/null || true").stdout
        return [line for line in text.splitlines() if line.strip()]

    def service_pid(self, service):
        if self.legacy:
            return self.sh("/edx/bin/supervisorctl pid " + service).stdout.strip()
        return self.sh("systemctl show -p MainPID --value " + service).stdout.strip()

    def http_get(self, url):
        """(status, body) of a GET from inside the host (the services listen on its loopback)."""
        code = (
            "import sys, urllib.request, urllib.error\n"
            "try:\n"
            "    r = urllib.request.urlopen(sys.argv[1], timeout=30)\n"
            "    status, body = r.status, r.read()\n"
            "except urllib.error.HTTPError as e:\n"
            "    status, body = e.code, e.read()\n"
            "sys.stdout.write(str(status) + '\\n' + body.decode('utf-8', 'replace'))\n"
        )
        out = podman("exec", self.name, "python3", "-c", code, url).stdout
        status, _, body = out.partition("\n")
        return int(status), body

    def wait_http(self, url, timeout=60):
        deadline = time.time() + timeout
        while True:
            try:
                status, _ = self.http_get(url)
                if status == 200:
                    return
            except subprocess.CalledProcessError:
                pass
            if time.time() > deadline:
                raise AssertionError("{} did not answer 200 within {}s".format(url, timeout))
            time.sleep(1)



def host_snapshot(host):
    """Everything site.yml may change on a host, in one comparable dict:
    the config files and tmpfiles rules, the migrations and configuration
    rows, the certificates folder and the LMS and Studio process ids."""
    files = "/edx/app/edxapp/lms.env.json /edx/app/edxapp/cms.env.json" if host.legacy \
        else "/edx/etc/lms.yml /edx/etc/studio.yml"
    sums = host.sh("sha256sum {} /etc/tmpfiles.d/* 2>/dev/null || true".format(files)).stdout
    db = [int(n) for n in host.sql(
        "select (select count(*) from django_migrations),"
        " (select count(*) from certificates_certificatehtmlviewconfiguration)")[0]]
    tmp = host.sh("stat -c '%U %G %a %F' /tmp/certificates 2>/dev/null || echo absent").stdout.strip()
    return {
        "files": sorted(sums.splitlines()),
        "db": db,
        "tmp": tmp,
        "pids": {s: host.service_pid(s) for s in ("lms", "cms")},
    }


def wait_running(name, timeout=60):
    deadline = time.time() + timeout
    state = ""
    while time.time() < deadline:
        state = podman("exec", name, "systemctl", "is-system-running", check=False).stdout.strip()
        if state in ("running", "degraded"):
            return state
        time.sleep(0.5)
    raise AssertionError("{}: systemd did not come up ({})".format(name, state))


def start_instance_db(volume, release):
    """The database server that the hosts given ``shared_db=volume`` share
    (``sandbox.sh db``: its own container, its socket on a volume)."""
    subprocess.run([str(ROOT / "tests" / "sandbox" / "sandbox.sh"), "db", volume, release],
                   env=podman_env(), check=True, capture_output=True, text=True)


def remove_instance_db(volume):
    podman("rm", "--force", "--time", "0", volume + "-db", check=False)
    podman("volume", "rm", "--force", volume, volume + "-socket", check=False)


START_TIMEOUT = 180


def start_host(release, name=None, shared_db=None):
    """A fresh sandbox host with its own MariaDB; hosts given the same
    shared_db volume share one server instead, like the app servers of one
    instance (see start_instance_db)."""
    name = name or "it-{}-{}".format(release, uuid.uuid4().hex[:6])
    mount = []
    if shared_db:
        start_instance_db(shared_db, release)
        mount = ["--volume", "{}-socket:/run/mysqld".format(shared_db)]
    podman("run", "--detach", "--name", name, "--hostname", name, "--systemd=always", *mount,
           "--label", "openedx-sandbox=" + release, IMAGE.format(release), "/sbin/init")
    try:
        # Generous: under pytest-xdist two hosts may start at once on two
        # cores (a start alone takes 15-25 s); a slow start is not a failure.
        state = wait_running(name, timeout=START_TIMEOUT)
        assert state == "running", podman("exec", name, "systemctl", "--failed", check=False).stdout
        host = SandboxHost(name, release)
        host.wait_http("http://127.0.0.1:8000/heartbeat", timeout=START_TIMEOUT)
        host.wait_http("http://127.0.0.1:8010/heartbeat", timeout=START_TIMEOUT)
        return host
    except BaseException:
        # A host that did not come up is no fixture's to remove.
        podman("rm", "--force", "--time", "0", name, check=False)
        raise


@pytest.fixture(params=["hawthorn", "maple"])
def host(request):
    """A fresh sandbox host of each release (the test runs once per release)."""
    h = start_host(request.param)
    yield h
    podman("rm", "--force", "--time", "0", h.name, check=False)


@pytest.fixture
def legacy_host():
    h = start_host("hawthorn")
    yield h
    podman("rm", "--force", "--time", "0", h.name, check=False)


@pytest.fixture
def modern_host():
    h = start_host("maple")
    yield h
    podman("rm", "--force", "--time", "0", h.name, check=False)


class PlaybookRun:
    """One ansible-playbook run with the json callback: rc, output, and the
    parsed results."""

    def __init__(self, proc):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        try:
            self.data = json.loads(self.stdout[self.stdout.index("{"):])
        except ValueError:
            self.data = {}
        self.stats = self.data.get("stats", {})

    @property
    def output(self):
        return self.stdout + self.stderr

    def changed(self, host):
        return self.stats.get(host, {}).get("changed", 0)

    @property
    def total_changed(self):
        return sum(s.get("changed", 0) for s in self.stats.values())

    def tasks(self):
        return [t for play in self.data.get("plays", []) for t in play.get("tasks", [])]

    def results(self, name):
        """The per-host results of the task called ``name`` (role prefix ignored)."""
        return [r for t in self.tasks() if t["task"]["name"].split(" : ")[-1] == name
                for r in t["hosts"].values()]

    def generation_results(self):
        """The result of each host's generation run (generate.yml): the one
        the progress loop's last turn brought back (job_result), or the one
        "Collect the result" collected when the loop did not."""
        found = []
        for result in self.results("Progress"):
            turns = result.get("results") or []
            if turns and "job_result" in turns[-1]:
                found.append(turns[-1]["job_result"])
        found.extend(r for r in self.results("Collect the result") if not r.get("skipped"))
        return found

    def failures(self):
        """(task name, host, result) of every failed or unreachable result, in order."""
        return [(t["task"]["name"].split(" : ")[-1], h, r) for t in self.tasks()
                for h, r in t["hosts"].items() if r.get("failed") or r.get("unreachable")]

    def failure_messages(self):
        """The messages of the failed results, and of the failed items of loops."""
        messages = []
        for _task, _host, result in self.failures():
            messages.append(str(result.get("msg", "")))
            messages += [str(item.get("msg", "")) for item in result.get("results", [])
                         if isinstance(item, dict) and item.get("failed")]
        return " ".join(messages)


_INSTALLED = {}


def installed_collection():
    """``make collection``'s archive, installed offline into .sandbox once per
    test session; the collections path to use."""
    if "path" not in _INSTALLED:
        # One folder per pytest-xdist worker ("main" when serial): two
        # workers building the archive in one folder would race.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        dist = ROOT / ".sandbox" / "it-dist-{}".format(worker)
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "collection.py"),
                        "--output-path", str(dist)], check=True, capture_output=True, env=podman_env())
        path = ROOT / ".sandbox" / "it-collections-{}".format(worker)
        archive = sorted(dist.glob("openedx-certificates-*.tar.gz"))[-1]
        env = podman_env()
        env.pop("ANSIBLE_CONFIG")
        subprocess.run([str(ROOT / ".venv" / "bin" / "ansible-galaxy"), "collection", "install", "--offline",
                        "--force", "-p", str(path), str(archive)], check=True, capture_output=True, env=env,
                       cwd=str(dist))
        _INSTALLED["path"] = path
    return _INSTALLED["path"]


def run_playbook(playbook, hosts, extra_vars=None, check=False, diff=False, tags=None,
                 host_vars=None, groups=None, from_collection=False, verbosity=0):
    """Run a playbook against the given SandboxHost list with the podman connection.

    host_vars maps a host name to its inventory variables; groups maps a
    group name (a child of "openedx") to host names. With from_collection
    the playbook is the installed collection's (openedx.certificates.NAME),
    run as an operator who installed it would: without this checkout's
    ansible.cfg, from another folder.
    """
    host_vars = host_vars or {}
    children = {"openedx": {"hosts": {h.name: host_vars.get(h.name, {}) for h in hosts}}}
    if groups:
        children["openedx"]["children"] = {g: {"hosts": {n: {} for n in names}}
                                           for g, names in groups.items()}
    inventory = {"all": {"vars": {"ansible_connection": "containers.podman.podman",
                                  "ansible_python_interpreter": "/usr/bin/python3",
                                  **MIGRATION_VARS},
                         "children": children}}
    inv_path = ROOT / ".sandbox" / "it-inventory-{}.json".format(uuid.uuid4().hex[:8])
    inv_path.write_text(json.dumps(inventory))
    env = podman_env()
    cwd = str(ROOT)
    if from_collection:
        target = "openedx.certificates." + playbook.rsplit(".", 1)[0]
        env.pop("ANSIBLE_CONFIG")
        env["ANSIBLE_COLLECTIONS_PATH"] = str(installed_collection())
        cwd = str(ROOT / ".sandbox")
    else:
        target = str(ROOT / "playbooks" / playbook)
    cmd = ["ansible-playbook", "-i", str(inv_path), target]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if tags:
        cmd += ["--tags", tags]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    env["ANSIBLE_STDOUT_CALLBACK"] = "json"
    env["ANSIBLE_CALLBACK_RESULT_FORMAT"] = "json"
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=cwd)
    finally:
        inv_path.unlink()
    return PlaybookRun(proc)


@pytest.fixture
def playbook():
    return run_playbook
