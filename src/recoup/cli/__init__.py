"""The ``recoup`` command line: a thin layer over the library (one module per command group,
the helpers they share in :mod:`recoup.cli.common`).

Each command parses its arguments, calls one library function and prints the result as a readable
table (rich) or as JSON. Input problems are printed as findings and the command exits non-zero;
no traceback reaches the user.
"""

from __future__ import annotations

import typer

from recoup import __version__

app = typer.Typer(
    name="recoup",
    help="Find, explain and recover denied insurance claims, locally.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Markdown: a docstring's paragraphs are re-flowed to the terminal's width (typer's "rich"
    # mode keeps every source line break, so help text came out ragged)
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"recoup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """recoup reads X12 835 remittances and practice records, and works every denial."""


def _register_subcommands() -> None:
    from recoup.cli.batch import register_batch_command
    from recoup.cli.benefits import register_benefit_commands
    from recoup.cli.claims import register_claim_commands
    from recoup.cli.codes import codes_app
    from recoup.cli.era import era_app
    from recoup.cli.letters import register_letter_command
    from recoup.cli.ncci import register_ncci_commands
    from recoup.cli.serve import register_serve_commands
    from recoup.cli.store import register_store_commands
    from recoup.cli.triage import register_triage_command
    from recoup.cli.work import register_work_commands
    from recoup.cli.worklist import register_worklist_commands

    app.add_typer(era_app, name="era")
    app.add_typer(codes_app, name="codes")
    register_store_commands(app)  # recoup import / claims / claim
    register_benefit_commands(app)  # recoup benefits / check-visit / recount
    register_triage_command(app)  # recoup triage
    register_letter_command(app)  # recoup letter
    register_worklist_commands(app)  # recoup worklist / sent / outcome / kpis / user
    register_work_commands(app)  # recoup assign / follow-up / note / remind / export / ...
    register_serve_commands(app)  # recoup serve
    register_ncci_commands(app)  # recoup ncci import / lookup, recoup scrub
    register_claim_commands(app)  # recoup claim-file
    register_batch_command(app)  # recoup batch (recoup[cluster])


_register_subcommands()


def main() -> None:
    app()
