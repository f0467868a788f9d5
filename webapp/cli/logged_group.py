"""The ``cadreflow`` command group that ends each command with a log line: the command, exit code, duration, case."""

import contextlib
import os
import time

import click
from flask.cli import FlaskGroup

from webapp import structured_log

ARGS = "cadreflow.command_args"  # ctx.meta: the command line from the command's name on


class LoggedGroup(FlaskGroup):
    """A FlaskGroup whose commands are timed and logged (in JSON when ``CADREFLOW_LOG_FORMAT=json``); the line
    names the command and the case it was given, never the other arguments (a file, a name, a password prompt)."""

    def resolve_command(self, ctx, args):
        ctx.meta[ARGS] = list(args)  # past the group's own options (--app, --env-file)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        # Before the app exists (it is made for the command), so that even a failing start is logged.
        structured_log.configure(os.environ.get("CADREFLOW_LOG_FORMAT", "text"))
        started, exit_code = time.perf_counter(), 1
        try:
            result = super().invoke(ctx)
            exit_code = 0
            return result
        except click.exceptions.Exit as done:
            exit_code = done.exit_code
            raise
        except click.ClickException as error:
            exit_code = error.exit_code
            raise
        except SystemExit as done:
            exit_code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            raise
        finally:
            name, case_id = self._named(ctx)
            structured_log.log_command(name, exit_code, (time.perf_counter() - started) * 1000, case_id)

    def _named(self, ctx) -> tuple[str | None, object]:
        """The command's full name (``audit verify``) and its ``case_id`` parameter, read again from its arguments
        (the command's own context is gone by now); what cannot be read is left out, never an error."""
        args, names, command = list(ctx.meta.get(ARGS, [])), [], self
        with contextlib.suppress(Exception):  # a lookup may load the app: its failure was the command's
            while isinstance(command, click.Group) and args and not args[0].startswith("-"):
                found = command.get_command(ctx, args[0])
                if found is None:
                    break
                names.append(args.pop(0))
                command = found
        if not names:
            return None, None
        case_id = None
        if not isinstance(command, click.Group) and any(param.name == "case_id" for param in command.params):
            with contextlib.suppress(Exception):
                parsed = command.make_context(names[-1], args, parent=ctx, resilient_parsing=True)
                case_id = parsed.params.get("case_id")
        return " ".join(names), case_id
