"""The fleet-wide preflight of playbooks/site.yml really checks every host
(issue 10); site.yml from the installed collection and from the checkout
are the same playbook (issue 12).

site.yml's first play runs the role's preflight on every host before the
rolling play changes any. Each case gives only the SECOND host of a
two-host fleet a bad variable: the run must stop in the first play, and
neither host's files, database rows or services may have changed, nor may
the platform have been started.
"""

import pytest

from conftest import host_snapshot, podman, start_host

PREFLIGHT_PLAY = "Check every host before changing any"

CASES = [
    # A wrong type: only the argument spec can see it.
    ({"openedx_host_health_timeout": "soon"}, "openedx_host_health_timeout"),
    # A boolean that is no boolean.
    ({"openedx_host_restart": "maybe"}, "openedx_host_restart"),
    # A misspelt variable: Ansible would take it silently.
    ({"openedx_certificates_platfrom_name": "Example Academy"},
     "did you mean openedx_certificates_platform_name?"),
    # A variable that moved to openedx_host (issue 12): its new name.
    ({"openedx_certificates_instance": "production"},
     "openedx_certificates_instance is now openedx_host_instance"),
    # A hostile page value.
    ({"openedx_certificates_platform_name": "<script>alert(1)</script>"},
     "configuration.default.platform_name (variable openedx_certificates_platform_name)"),
]


@pytest.fixture
def two_hosts():
    hosts = []
    try:
        for _ in range(2):
            hosts.append(start_host("hawthorn"))
        yield hosts
    finally:
        for h in hosts:
            podman("rm", "--force", "--time", "0", h.name, check=False)


def test_bad_variable_on_the_second_host_stops_the_run_before_any_change(two_hosts, playbook):
    first, second = two_hosts
    before = {h.name: host_snapshot(h) for h in two_hosts}
    for bad_vars, words in CASES:
        run = playbook("site.yml", two_hosts, host_vars={second.name: bad_vars})
        assert run.rc != 0, "site.yml ran with {} on {}\n{}".format(bad_vars, second.name, run.output)
        failures = run.failures()
        assert failures, run.output
        assert {host for _task, host, _result in failures} == {second.name}, failures
        # The failure is in the fleet-wide preflight play; the rolling play never started.
        plays = [play["play"]["name"] for play in run.data["plays"]]
        assert plays == [PREFLIGHT_PLAY], plays
        assert words in run.failure_messages(), run.output
        for h in two_hosts:
            assert host_snapshot(h) == before[h.name], "{} changed after a refused run".format(h.name)
            assert h.manage_starts() == [], "the platform was started on {}".format(h.name)
    # Positive control: the same fleet without the bad variable goes
    # through, from the installed collection (openedx.certificates.site);
    # the checkout's site.yml then finds nothing to change: both are one.
    run = playbook("site.yml", two_hosts, from_collection=True)
    assert run.rc == 0, run.output
    assert any(t["task"]["name"].startswith("openedx.certificates.openedx_certificates : ")
               for t in run.tasks()), "the collection's role did not run"
    assert host_snapshot(first) != before[first.name]
    again = playbook("site.yml", two_hosts)
    assert again.rc == 0, again.output
    assert again.total_changed == 0, again.stats
