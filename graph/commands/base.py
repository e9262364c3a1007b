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


# -- what every run shares: arguments as text, output that cannot crash, no traceback -------------

_REPLACED = {"count": 0}


def _count_replaced(exc: UnicodeError):
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    _REPLACED["count"] += exc.end - exc.start
    return "?" * (exc.end - exc.start), exc.end


import codecs  # noqa: E402

codecs.register_error("drivers-replace", _count_replaced)


def _safe_streams() -> None:
    """Characters the console cannot show (a cp1252 Windows console, LANG=C) become '?' instead of
    a crash; :class:`Group` says so once at the end."""
    import sys
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc in ("utf8", "utf8sig") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors="drivers-replace")
        except (ValueError, OSError, LookupError):
            pass


def _check_args(args: list[str]) -> None:
    """Every argument must be text: bytes that are not UTF-8 (a Latin-1 terminal) are refused."""
    for i, arg in enumerate(args, start=1):
        bad = next((c for c in arg if 0xDC80 <= ord(c) <= 0xDCFF), None)
        if bad is not None:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise Failure(f"argument {i} ('{shown[:60]}') is not UTF-8 text (byte 0x{ord(bad) - 0xDC00:02x}) — set the "
                          "terminal to UTF-8 (e.g. LANG=C.UTF-8), or for a file name, rename the file")


class Group(click.Group):
    """The ``drivers`` group: checks the arguments, makes output safe for any console, turns every
    error into one ``Error:`` line (exit 2) with credentials redacted, and never shows a traceback."""

    def main(self, args=None, *a, **kw):
        import sys
        _safe_streams()
        _REPLACED["count"] = 0
        if args is None:
            args = sys.argv[1:]
        try:
            try:
                _check_args(list(args))
            except Failure as exc:
                exc.show()
                if kw.get("standalone_mode", True):
                    sys.exit(exc.exit_code)
                raise
            return super().main(args, *a, **kw)
        finally:
            if _REPLACED["count"]:
                n = _REPLACED["count"]
                _REPLACED["count"] = 0
                try:
                    sys.stderr.write(f"Note: {n} character{'s' if n != 1 else ''} could not be shown in this console's "
                                     f"encoding ({getattr(sys.stdout, 'encoding', '?')}) and became '?'; use a UTF-8 "
                                     "console (PYTHONUTF8=1), or --format json > FILE\n")
                except (OSError, ValueError):
                    pass

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            from graph.core.secrets import redact
            from graph.core.text import explain_lookalikes, terminal_safe
            exc.message = terminal_safe(explain_lookalikes(redact(exc.message)))
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, SystemExit, KeyboardInterrupt, GeneratorExit):
            raise
        except DriversError as exc:
            from graph.core.secrets import redact
            from graph.core.text import explain_lookalikes, terminal_safe
            raise Failure(terminal_safe(explain_lookalikes(redact(str(exc)))), exc.exit_code) from None
        except BrokenPipeError:  # `drivers list actions | head`
            import os
            import sys
            try:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more is written
            except OSError:
                pass
            raise click.exceptions.Exit(1) from None
        except RecursionError:
            raise Failure("the input is nested too deeply to handle (brackets, parentheses or lists thousands of "
                          "levels deep) — simplify it") from None
        except MemoryError:
            raise Failure("not enough memory for this command — narrow the question (a LIMIT, a smaller --depth), "
                          "or run it on a larger machine") from None
        except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
            import os
            from graph.core.secrets import redact
            if os.environ.get("DRIVERS_DEBUG"):
                raise
            raise Failure(redact(f"internal error ({type(exc).__name__}: {exc})"[:500]) + " — this is a bug in "
                          "drivers: please report it with the command you ran (DRIVERS_DEBUG=1 shows the "
                          "traceback)") from None


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


class Seconds(click.ParamType):
    """A time limit in seconds: a finite number above 0 (``nan``, ``inf`` and negatives refused)."""

    name = "seconds"

    def __init__(self, maximum: float = 86_400.0, minimum: float = 0.0):
        self.maximum, self.minimum = maximum, minimum

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)):
            value = str(value)
        from graph.core.errors import UsageError
        from graph.core.settings import number
        try:
            return number(value, f"--{param.name.replace('_', '-')}" if param else "the value", self.minimum,
                          self.maximum, above=self.minimum == 0)
        except UsageError as exc:
            self.fail(str(exc), param, ctx)


def limit_options(fn):
    """``--timeout`` and ``--max-rows`` of the commands that run a query (see graph/store/worker.py)."""
    from graph.store.worker import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT
    fn = click.option("--max-rows", type=click.IntRange(1, 100_000_000), default=DEFAULT_MAX_ROWS, show_default=True,
                      help="Rows shown at most (a note on stderr says when more were cut).")(fn)
    return click.option("--timeout", type=Seconds(), default=DEFAULT_TIMEOUT, show_default=True,
                        help="Seconds the query may run (on the local stores it runs in a worker process that is "
                             "stopped past this, or on Ctrl-C).")(fn)


def echo_json(obj) -> None:
    from graph.core import jsontext
    click.echo(jsontext.dumps(obj, indent=2))  # = json.dumps(obj, indent=2, ensure_ascii=False), faster


def outside_data(path: Path, option: str) -> Path:
    """``path`` unless it lies in the data folder (after following links): the data is written only by the
    commands that write data (ingest, import, refresh, accept), so an --out there is refused (exit 2)."""
    import os
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Ctx) if ctx else None
    data_dirs = {obj.data_dir} if obj is not None else set()
    from graph.core.paths import BUNDLED_DATA
    data_dirs.add(BUNDLED_DATA)
    real = Path(os.path.realpath(path))
    for d in data_dirs:
        if not Path(d).exists():
            continue
        root = Path(os.path.realpath(d))
        if real == root or root in real.parents:
            raise Failure(f"{option} {path} is inside the data folder {d}; only ingest, import, refresh and accept "
                          f"write there — choose a path outside it (e.g. {option} {Path(path).name})")
    return path


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
        from graph.core.text import terminal_safe
        text = terminal_safe(" ".join(text.split()))
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

    def limited_run(self, timeout: float, max_rows: int):
        """A backend's ``run(text, bindings, where)`` with a time and row limit: on the local stores the query
        runs in a worker process (graph/store/worker.py) stopped past ``timeout`` or on Ctrl-C; against
        --endpoint the request has its own total deadline (DRIVERS_ENDPOINT_TIMEOUT)."""
        from graph.answers.queries import Result
        spec: list = []

        def run(text: str, bindings: dict | None = None, where: str = "query") -> Result:
            from graph.store import worker
            if self.endpoint:
                res = self.backend().run(text, bindings, where)
                rows, cut = res.rows[:max_rows], len(res.rows) > max_rows
                res = Result(res.columns, rows)
            else:
                from graph.answers import queries as q
                q.select_or_ask(q.prepare(text, where), where)  # a bad query is told before a worker starts
                if not spec:  # once per command (a named query may run a check query first)
                    if self.store == "rdflib":
                        spec.append(worker.WorkerSpec("rdflib", str(self.data_dir), self.base))
                    else:
                        from graph.store.local import ensure_cache
                        folder = ensure_cache(self.data_dir, self.base, open_store=True)
                        spec.append(worker.WorkerSpec("oxigraph", str(folder), self.base))
                # the rdflib graph is built once here and inherited by each forked worker
                shared = self.backend() if self.store == "rdflib" else None
                if shared is not None:
                    shared.graph()
                ans = worker.run_limited(spec[0], text, bindings, where, timeout, max_rows, shared)
                res, cut = Result(ans.columns, ans.rows), ans.truncated
            if cut:
                click.echo(f"Note: only the first {max_rows} rows are shown; add a LIMIT, or a larger --max-rows",
                           err=True)
            return res
        return run

    def built(self, check: bool = False, progress: Progress | None = None):
        from graph.core.pipeline import build_graph
        if self._built is None or (check and self._built.report is None):
            from graph.store.local import fingerprint
            try:  # taken before the files are read: the store cache is made from this build only if it still holds
                self.built_version = fingerprint(self.data_dir, self.base)
            except Exception:  # noqa: BLE001 - the loader reports a missing or unreadable data folder
                self.built_version = None
            self._built = build_graph(self.data_dir, self.base, check=check,
                                      progress=progress.stage if progress else None)
        return self._built


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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
    from graph.core.settings import check_base
    try:
        check_base(base)
    except DriversError as exc:
        raise Failure(str(exc)) from None
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
