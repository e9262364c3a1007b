"""What every command shares: the ``drivers`` group and its global options, the context (data folder,
store, endpoint), error handling (exit codes) and the output formats.
"""

from __future__ import annotations

import functools
import json
from contextlib import contextmanager
from pathlib import Path

import click

from graph.core.errors import DriversError


class Failure(click.ClickException):
    """A DriversError shown as ``Error: ...`` with the error's own exit code."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DriversError as exc:
            if getattr(exc, "candidates", None):
                raise _choose(exc) from None
            raise Failure(str(exc), exc.exit_code) from None
    return wrapper


def _choose(exc) -> Failure:
    """Several records fit (``Ambiguous``): with --format json, the object ``drivers serve`` answers
    with status 300 on stdout; otherwise the candidates as a table after the message. Exit 1."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("fmt") == "json":
        echo_json({"status": 300, "error": "ambiguous", "message": str(exc), "query": exc.query,
                   "candidates": exc.candidates})
        return Failure(str(exc), exc.exit_code)
    cols = [c for c in ("id", "type", "number", "title", "plan", "partnership")
            if any(c in r for r in exc.candidates)]
    return Failure(f"{exc}\n{table(exc.candidates, cols)}", exc.exit_code)


def output_options(*formats: str, default: str = "table"):
    """Shared ``--format`` option (the sqlite-utils pattern: one decorator for output flags)."""
    def deco(fn):
        return click.option("--format", "fmt", type=click.Choice(formats), default=default, show_default=True,
                            help="Output format.")(fn)
    return deco


def echo_json(obj) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


@contextmanager
def writing(out: Path, what: str | None = None):
    """Turn an OSError while writing ``out`` into exit 2 with what to do."""
    try:
        yield
    except OSError as exc:
        raise Failure(f"cannot write {what or out}: {exc.strerror or exc} — check that the folder exists and is "
                      "writable, or choose another --out") from None


def emit(rows: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        from graph.publish.exports import to_csv
        click.echo(to_csv(rows, columns), nl=False)
    else:
        click.echo(table(rows, columns))


def table(rows: list[dict], columns: list[str], width: int = 70) -> str:
    def cell(v) -> str:
        text = "" if v is None else ("; ".join(map(str, v)) if isinstance(v, list) else str(v))
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"
    body = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c), *(len(b[i]) for b in body)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(b, widths)).rstrip() for b in body]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def print_counts(counts: dict[str, int]) -> None:
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        click.echo(f"  {k.ljust(width)}  {v}")


class Progress:
    """Progress of long work on stderr, redrawn in place: only on a terminal, and not with --quiet
    (so logs, pipes and CI stay clean). ``stage(label, done, total)`` draws a bar."""

    def __init__(self, quiet: bool = False, stream=None):
        import sys
        self.stream = stream or sys.stderr
        self.on = not quiet and self.stream.isatty()
        self._shown = False

    def stage(self, label: str, done: int, total: int) -> None:
        if not self.on:
            return
        width = 30
        filled = width * done // total if total else width
        self.stream.write(f"\r\x1b[K{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        self.stream.flush()
        self._shown = True

    def done(self) -> None:
        """Clear the bar (the command's own output follows on a clean line)."""
        if self.on and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def quiet_option(fn):
    """``--quiet``: no progress bar (there is none anyway when stderr is not a terminal)."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress bar (none is shown when stderr is "
                                                             "not a terminal either).")(fn)


class Ctx:
    def __init__(self, data: Path | None, base: str, store: str = "oxigraph", endpoint: str | None = None):
        from graph.core.paths import default_data_dir
        self.data_dir = data if data is not None else default_data_dir()
        self.base = base
        self.store = store
        self.endpoint = endpoint
        self._built = None
        self._backend = None

    def backend(self):
        """Where the read commands look: --endpoint, else --store (see graph/store.py)."""
        if self._backend is None:
            if self.endpoint:
                from graph.store.remote import RemoteBackend
                self._backend = RemoteBackend(self.endpoint, self.base)
            else:
                from graph.store import backend
                self._backend = backend(self.data_dir, self.base, self.store, self.built)
        return self._backend

    def built(self, check: bool = False, progress: Progress | None = None):
        from graph.core.pipeline import build_graph
        if self._built is None or (check and self._built.report is None):
            self._built = build_graph(self.data_dir, self.base, check=check,
                                      progress=progress.stage if progress else None)
        return self._built


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of YAML data. Default: ./data if present, else the bundled data.")
@click.option("--base", default="https://w3id.org/drivers-graph/id/", show_default=True,
              help="Base IRI for the graph's nodes.")
@click.option("--store", type=click.Choice(["oxigraph", "rdflib"]), envvar="DRIVERS_STORE", default="oxigraph",
              show_default=True, help="oxigraph: a store cached on disk, rebuilt only when the data changes; "
                                      "rdflib: build in memory on every run. Env: DRIVERS_STORE.")
@click.option("--endpoint", metavar="URL", default=None,
              help="Run the read commands (list, show, search, why, impact, query, sparql, coverage, metrics, "
                   "viz, serve) against this SPARQL 1.1 server (see 'drivers push'); the others say that they "
                   "answer from the data folder. Credentials "
                   "come from DRIVERS_ENDPOINT_USER/DRIVERS_ENDPOINT_PASSWORD or DRIVERS_ENDPOINT_TOKEN.")
@click.version_option(package_name="drivers-graph")
@click.pass_context
def main(ctx: click.Context, data: Path | None, base: str, store: str, endpoint: str | None) -> None:
    """A knowledge graph of the strategic drivers and plans behind a children's services partnership.

    Example: drivers build
    """
    ctx.obj = Ctx(data, base, store, endpoint)
    if endpoint and ctx.invoked_subcommand and ctx.invoked_subcommand not in ENDPOINT_COMMANDS | NO_DATA:
        from graph.store.remote import safe_url
        # said, not silently ignored: these commands work on the data folder's YAML
        click.echo(f"Note: 'drivers {ctx.invoked_subcommand}' answers from the local data folder "
                   f"({ctx.obj.data_dir}), not from --endpoint {safe_url(endpoint)}; the commands that ask the "
                   f"server are: {', '.join(sorted(ENDPOINT_COMMANDS - {'push'}))} (push loads it).", err=True)


#: the commands --endpoint applies to (the read commands, serve; push loads the graph into it)
ENDPOINT_COMMANDS = frozenset({"list", "show", "search", "why", "impact", "query", "sparql", "coverage", "metrics",
                               "viz", "serve", "push"})
#: commands that read no graph at all (the query files, the bundled data, synthetic data)
NO_DATA = frozenset({"queries", "init", "synth"})


#: where `drivers suggest --save` keeps inferred links (apart from the stated ones in data/)
SUGGESTIONS = Path("inferred") / "suggestions.json"
