"""The ``cadreflow`` entry point: the command group with the app factory, and ``serve`` (the embedded server)."""

import gc

import click

from webapp.cli import timers as timer_cli
from webapp.cli.language import _
from webapp.cli.logged_group import LoggedGroup
from webapp.warm import warm_up
from workflows.errors import CommandError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--with-timers", is_flag=True, help="also run the timer loop (run-timers --loop) in this process")
def serve(host, port, threads, with_timers):
    """Serve the application with waitress (and, with --with-timers, its timer loop beside it)."""
    import waitress

    app = _create_app()
    warm_up(app)  # the first diagram and the first page of each kind would wait for what this loads
    if with_timers:
        timer_cli.start_loop(app)
    # The app's long-lived objects (specs, templates, the ORM) leave the collector's scans: full
    # collections otherwise pause a request now and then for ~90 ms (benchmarks/bench_pages.py --gc-freeze).
    gc.freeze()
    with app.app_context():  # this command makes its own app: the message is in that app's language
        click.echo(_("cadreflow is serving on http://%(host)s:%(port)s (Ctrl+C stops it)", host=host, port=port))
    # ident="": no Server header, nor the name in waitress's own error answers: the software is not announced.
    waitress.serve(app, host=host, port=port, threads=threads, ident="")


def _create_app():
    from webapp import create_app

    try:
        return create_app()
    except CommandError as error:  # a bad setting, such as an unreadable signing key
        raise click.ClickException(error.message) from None
    except RuntimeError as error:  # a setting out of its range (webapp.config.load names it)
        raise click.ClickException(str(error)) from None


cli = LoggedGroup(create_app=_create_app, add_default_commands=False,
                  help="cadreflow: section-level cadre procedures as BPMN workflows.")
cli.add_command(serve)
