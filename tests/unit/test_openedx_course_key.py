"""The course id validator agrees with the real opaque_keys parser."""
import random

import pytest
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from ansible.module_utils.openedx_course_key import (
    CourseIdError,
    parse_course_ids,
    validate_course_id,
)


def opaque_accepts(course_id):
    try:
        key = CourseKey.from_string(course_id)
    except InvalidKeyError:
        return False
    return key is not None


GOOD = [
    'course-v1:edX+DemoX+Demo_Course',
    'course-v1:OpenedX+Bench+2026',
    'course-v1:a+b+c',
    'course-v1:MITx+6.002x+2014_T1',
    'course-v1:org-1+course~x+run.2',
    'course-v1:o:x+c+r',
    'course-v1:École+Cours+été',
    'edX/toy/2012_Fall',
    'edX/DemoX/Demo_Course',
    'MITx/6.002x/2012_Fall',
    'org.x/course-1/run%20a',
    'a/b/c',
]

BAD_FOR_BOTH = [
    '', ' ', 'course-v1:', 'course-v1:edX', 'course-v1:edX+DemoX',
    'course-v1:edX+DemoX+Demo Course', 'course-v1:edX+DemoX+Demo_Course ',
    ' course-v1:edX+DemoX+Demo_Course', 'course-v1:edX+DemoX+Demo_Course/',
    '/course-v1:edX+DemoX+Demo_Course', 'course-v1:edX+DemoX+Demo_Course\n',
    'course-v1:edX++Demo', 'course-v1:+DemoX+Demo', 'course-v1:edX+DemoX+',
    'course-v1:edX+DemoX+Demo+Extra', 'course-v1:edX+Demo#X+Demo',
    'course-v1:edX+Demo/X+Demo', 'course-v1:edX+DemoX+Demo_Course+branch@',
    'COURSE-V1:edX+DemoX+Demo_Course', 'course-v2:edX+DemoX+Demo_Course',
    'block-v1:edX+DemoX+Demo_Course+type@course+block@course',
    '/edX/toy/2012_Fall', 'edX/toy', 'edX/toy/2012/Fall', 'edX//2012_Fall',
    '//', 'edX/to y/2012_Fall', 'edX/toy/2012_Fall ', 'edX/toy:x/2012',
    'edX/toy/2012~Fall', 'edX/toy/2012+Fall', 'edX+toy+2012_Fall',
    'edX/toy/2012_Fall\t', 'course-v1:edX+Demo$+X',
]

# Accepted by CourseKey.from_string but not course runs one generates
# certificates for, or forbidden by the installation guide.
STRICTER = [
    'edX/toy/',
    'course-v1:edX+DemoX+Demo_Course+branch@published',
    'course-v1:version@519665f6223ebd6980884f2b',
    'library-v1:edX+lib1',
]


@pytest.mark.parametrize('course_id', GOOD)
def test_good_ids_are_accepted_by_both(course_id):
    assert opaque_accepts(course_id), 'test data: opaque_keys should accept %r' % course_id
    assert validate_course_id(course_id) is None


@pytest.mark.parametrize('course_id', BAD_FOR_BOTH)
def test_bad_ids_are_refused_by_both(course_id):
    assert not opaque_accepts(course_id), 'test data: opaque_keys should refuse %r' % course_id
    why = validate_course_id(course_id)
    assert why and isinstance(why, str)


@pytest.mark.parametrize('course_id', STRICTER)
def test_deliberately_stricter(course_id):
    assert opaque_accepts(course_id)
    assert validate_course_id(course_id) is not None


def test_messages_name_the_problem():
    assert 'slash' in validate_course_id('edX/toy/2012_Fall/')
    assert 'slash' in validate_course_id('/edX/toy/2012_Fall')
    assert 'three parts' in validate_course_id('course-v1:edX+DemoX')
    assert 'case-sensitive' in validate_course_id('Course-V1:edX+DemoX+Demo')
    assert "' '" in validate_course_id('course-v1:edX+Demo X+Demo') or 'whitespace' in \
        validate_course_id('course-v1:edX+Demo X+Demo')
    assert '#' in validate_course_id('course-v1:edX+Demo#X+Demo')
    assert 'empty' in validate_course_id('')
    assert 'must be a string' in validate_course_id(None)


ALPHABET = 'aZ09_-~.:%+/@# é\tx'


def test_random_ids_never_accepted_when_opaque_keys_refuses():
    rng = random.Random(1234)
    checked = agreed_good = 0
    for _ in range(4000):
        body = ''.join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
        candidate = rng.choice(['course-v1:', '', 'course-v1:', '']) + body
        ours = validate_course_id(candidate) is None
        theirs = opaque_accepts(candidate)
        checked += 1
        if ours:
            assert theirs, 'we accept %r but opaque_keys refuses it' % candidate
            agreed_good += 1
    assert checked == 4000


def test_random_three_part_ids_agree():
    rng = random.Random(99)
    parts_alphabet = 'aZ09_-~.:%#$ é'
    for _ in range(3000):
        parts = [''.join(rng.choice(parts_alphabet) for _ in range(rng.randint(1, 5))) for _ in range(3)]
        for candidate in ('course-v1:' + '+'.join(parts), '/'.join(parts)):
            assert (validate_course_id(candidate) is None) == opaque_accepts(candidate), candidate


# ---------------------------------------------------------------- the ids an operator gives

def test_parse_a_string_with_commas_and_spaces():
    given = ' course-v1:edX+DemoX+Demo_Course ,edX/toy/2012_Fall,, edX/toy/2012_Fall '
    assert parse_course_ids(('course_ids', given)) == ['course-v1:edX+DemoX+Demo_Course', 'edX/toy/2012_Fall']


def test_parse_a_list_and_the_single_course_id_first():
    ids = parse_course_ids(('course_id', 'a/b/c'),
                           ('course_ids', ['course-v1:x+y+z', ' a/b/c', 'd/e/f, g/h/i']))
    assert ids == ['a/b/c', 'course-v1:x+y+z', 'd/e/f', 'g/h/i']
    # What Ansible's list type makes of one string (it splits on commas, keeps the spaces).
    assert parse_course_ids(('course_ids', ['a/b/c', ' d/e/f'])) == ['a/b/c', 'd/e/f']


@pytest.mark.parametrize('empty', [None, '', ' , ', [], [''], [' ', None]])
def test_parse_an_empty_value_names_the_options(empty):
    with pytest.raises(CourseIdError) as caught:
        parse_course_ids(('course_id', None), ('course_ids', empty))
    message = str(caught.value)
    assert 'no course id' in message and 'course_id' in message and 'course_ids' in message, message
    assert caught.value.invalid == []


def test_parse_a_bad_id_names_the_bad_entry():
    with pytest.raises(CourseIdError) as caught:
        parse_course_ids(('course_ids', 'a/b/c, course-v1:edX+DemoX, d/e/f/'))
    message = str(caught.value)
    assert caught.value.invalid == ['course-v1:edX+DemoX', 'd/e/f/']
    assert "course_ids entry 2: course id 'course-v1:edX+DemoX' must have exactly three parts" in message, message
    assert "course_ids entry 3: course id 'd/e/f/' has a leading or trailing slash" in message, message
    assert "'a/b/c'" not in message, 'a good id is blamed'
    assert message.startswith('malformed course id(s): '), message


def test_parse_refuses_what_is_not_text():
    with pytest.raises(CourseIdError) as caught:
        parse_course_ids(('course_ids', ['a/b/c', {'id': 'd/e/f'}]))
    assert 'course_ids entry 2: course id must be a string, not dict' in str(caught.value)
