"""The one error type for problems a user can fix (bad input, a wrong path or option, a server
that is not running): its message says what is wrong and what to do. Every layer raises it (or a
subclass); the commands print the message with no stack trace and exit with status 1
(:mod:`govner.cli.boundary`)."""


class GovnerError(Exception):
    """A problem with the user's data, configuration or environment, described for the user."""
