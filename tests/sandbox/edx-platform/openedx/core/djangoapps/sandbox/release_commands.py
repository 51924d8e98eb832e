"""
Hide the management commands that the emulated release does not have, so
that Django answers exactly as for any unknown command.
"""
import functools

from django.core import management

from openedx.core.release import RELEASE_COMMANDS_REMOVED, release_line


def install_command_filter():
    original = getattr(management.get_commands, "__wrapped_original__", management.get_commands)

    @functools.wraps(original)
    def get_commands():
        commands = dict(original())
        for name in RELEASE_COMMANDS_REMOVED[release_line()]:
            commands.pop(name, None)
        return commands

    get_commands.__wrapped_original__ = original
    management.get_commands = get_commands
