"""The command boundary: what every entry point does with an expected problem. A
:class:`~govner.errors.GovnerError`, an ``OSError`` (a missing input, an unwritable output) or a
required option left out is printed as one message on stderr and the command exits with status 1,
with no stack trace; ``--debug`` (``govner --debug <command>``) or ``HYDRA_FULL_ERROR=1`` lets it
through with its stack. Hydra commands are declared with :func:`hydra_command`, which also checks the command
line's overrides before Hydra parses them."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import hydra
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import OverrideParseException
from omegaconf.errors import MissingMandatoryValue

from govner.errors import GovnerError
from govner.paths import CONFIG_DIR

DEBUG_ENV = "HYDRA_FULL_ERROR"  # Hydra's own switch for full stack traces; --debug sets it
EXIT_STATUS = 1


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV) == "1"


def message(err: BaseException) -> str:
    """What the user reads about ``err``: its message, or for an OS error on a file, the file and
    what went wrong."""
    if isinstance(err, OSError) and err.filename is not None and err.strerror:
        return f"{err.filename}: {err.strerror}"
    if isinstance(err, MissingMandatoryValue):  # a ``???`` in the config, not given
        return f"{err.full_key} has no value: give it on the command line ({err.full_key}=...)"
    return str(err) or type(err).__name__


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an expected problem into its message on stderr and exit status 1 (unless debugging)."""
    try:
        yield
    except (GovnerError, OSError, MissingMandatoryValue) as err:
        if debugging():
            raise
        print(f"error: {message(err)}", file=sys.stderr)
        sys.exit(EXIT_STATUS)


def command(main: Callable) -> Callable:
    """An argparse command's ``main`` with the boundary around it."""

    @functools.wraps(main)
    def run(*args, **kwargs):
        with user_errors():
            return main(*args, **kwargs)

    return run


def hydra_command(config_name: str) -> Callable[[Callable], Callable]:
    """``@hydra.main`` for the config ``config_name`` with the boundary inside it (Hydra would
    otherwise print the stack of every exception from the task) and the overrides checked before
    Hydra reads them (:func:`check_overrides`). A task that returns a non-zero ``int`` exits with
    it as the status (other return values, such as train's dev F1 for sweepers, are passed on)."""

    def decorate(task: Callable) -> Callable:
        @functools.wraps(task)
        def guarded(cfg):
            with user_errors():
                result = task(cfg)
            if type(result) is int and result:
                sys.exit(result)
            return result

        hydra_main = hydra.main(config_path=CONFIG_DIR, config_name=config_name, version_base="1.3")(guarded)

        @functools.wraps(task)
        def main():
            with user_errors():
                check_overrides(sys.argv[1:])
            return hydra_main()

        return main

    return decorate


def check_overrides(args: list[str]) -> None:
    """Hydra's grammar refuses an unquoted value with Chinese characters (every corpus report's
    path), with a lexer error: say how to quote it instead. A key given twice with one value is
    used once, said so; with two values, it is an error."""
    parser = OverridesParser.create()
    seen: dict[str, str] = {}
    for arg in args:
        if arg.startswith("-") or "=" not in arg:
            continue
        key, value = arg.split("=", 1)
        try:
            parser.parse_overrides([arg])
        except OverrideParseException as err:
            if value.isascii():
                raise GovnerError(f"cannot read the override {arg!r}: {err}") from err
            raise GovnerError(
                f"the override {arg!r} needs quotes around its value (Hydra's command-line grammar takes "
                f"no Chinese characters bare): write {key}=\"'{value}'\" in the shell"
            ) from err
        if key in seen:
            if seen[key] != value:
                raise GovnerError(f"{key} is given twice, as {seen[key]!r} and {value!r}: give it once")
            print(f"note: {key}={value} is given twice; used once", file=sys.stderr)
        seen[key] = value
