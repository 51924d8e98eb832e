"""openedx_cert_report with a faked platform process: both sources give the same report."""
import pytest

import openedx_cert_report as rep
from test_openedx_generate_certs import FakePlatform, demo_courses, make_platform_dir

TOY = 'edX/toy/2012_Fall'
DEMO = 'course-v1:edX+DemoX+Demo_Course'


@pytest.fixture
def fake(monkeypatch):
    platform = FakePlatform(demo_courses())
    platform.generate(DEMO, [10, 11, 12])
    monkeypatch.setattr(rep.platform, 'run_platform_ops', platform.run_platform_ops)
    monkeypatch.setattr(rep.platform, 'run_manage', platform.run_manage)
    return platform


def run(ansible_module, pdir, **extra):
    params = {'platform_dir': pdir, 'user': '', 'course_ids': [TOY, DEMO]}
    params.update(extra)
    return ansible_module('openedx_cert_report', params)


def test_legacy_parses_gen_cert_report_in_one_process(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['gen_cert_report', 'ungenerated_certs'])
    result = run(ansible_module, pdir)
    assert not result.get('failed'), result
    assert result['source'] == 'gen_cert_report' and result['platform_starts'] == 1
    toy, demo = result['reports']
    assert toy['course_id'] == TOY and toy['enrolled_total'] == 4 and toy['enrolled_current'] == 3
    assert toy['statuses'] == {'downloadable': 1} and toy['downloadable_by_mode'] == {'honor': 1}
    assert demo['statuses'] == {'downloadable': 2, 'notpassing': 1}
    assert demo['downloadable_by_mode'] == {'verified': 1, 'audit': 1}
    assert demo['verified_enrolled'] == 1 and demo['honor_enrolled'] == 1 and demo['audit_enrolled'] == 1
    assert demo['enrollments_by_mode'] == {'verified': 1, 'audit': 1, 'honor': 1}
    assert 'Looking up' in result['raw_output'][TOY]
    assert result['changed'] is False


def test_orm_source_has_the_same_keys_and_figures(tmp_path, fake, ansible_module):
    legacy = run(ansible_module, make_platform_dir(tmp_path / 'a', ['gen_cert_report']))
    modern = run(ansible_module, make_platform_dir(tmp_path / 'b', ['cert_generation']))
    assert modern['source'] == 'orm'
    for old, new in zip(legacy['reports'], modern['reports']):
        assert set(old) == set(new)
        for key in old:
            if key != 'source':
                assert old[key] == new[key], key


def test_out_of_process_command(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['gen_cert_report'])
    result = run(ansible_module, pdir, in_process=False)
    assert result['platform_starts'] == 3
    assert [s[0] for s in fake.starts] == ['ops', 'manage', 'manage']
    assert result['reports'][0]['enrolled_total'] == 4


def test_refusals(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = run(ansible_module, pdir, source='gen_cert_report')
    assert result['failed'] and 'removed in Lilac' in result['msg']
    result = run(ansible_module, pdir, course_ids=['course-v1:edX+DemoX'])
    assert result['failed'] and 'three parts' in result['msg'] and result['platform_starts'] == 0
    result = run(ansible_module, pdir, course_ids=['course-v1:edX+Nope+1'])
    assert result['failed'] and 'does not exist' in result['msg']
    assert len(fake.starts) == 1


def test_missing_course_can_be_reported(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = run(ansible_module, pdir, course_ids=['course-v1:edX+Nope+1'], missing_courses='report')
    assert not result.get('failed') and result['reports'][0]['exists'] is False


def test_unreadable_output_fails(tmp_path, fake, monkeypatch, ansible_module):
    pdir = make_platform_dir(tmp_path, ['gen_cert_report'])
    monkeypatch.setattr(fake, 'render_report', lambda cid: 'Traceback: boom\n')
    result = run(ansible_module, pdir)
    assert result['failed'] and 'no header' in result['msg']


def test_course_ids_as_the_operator_gives_them(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_cert_report', {'platform_dir': pdir, 'user': '',
                                                    'course_ids': ' %s , %s,' % (TOY, DEMO)})
    assert not result.get('failed'), result
    assert [r['course_id'] for r in result['reports']] == [TOY, DEMO]
    # The playbook's single course_id and its course_ids, both passed as given.
    result = ansible_module('openedx_cert_report', {'platform_dir': pdir, 'user': '', 'course_id': DEMO,
                                                    'course_ids': [TOY, DEMO]})
    assert not result.get('failed'), result
    assert [r['course_id'] for r in result['reports']] == [DEMO, TOY]


def test_no_course_and_a_bad_entry_start_nothing(tmp_path, fake, ansible_module):
    pdir = make_platform_dir(tmp_path, ['cert_generation'])
    result = ansible_module('openedx_cert_report', {'platform_dir': pdir, 'user': '', 'course_ids': ' , '})
    assert result['failed'] and 'course_id' in result['msg'] and 'course_ids' in result['msg'], result
    result = ansible_module('openedx_cert_report', {'platform_dir': pdir, 'user': '',
                                                    'course_ids': '%s, edX/toy' % TOY})
    assert result['failed'] and result['invalid_course_ids'] == ['edX/toy'], result
    assert 'course_ids entry 2' in result['msg'] and result['platform_starts'] == 0
    assert fake.starts == []
