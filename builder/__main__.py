"""The `readiness` command line: thin commands over the pure engine."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import Problem, ReadinessError
from .paths import ROOT, Project

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INVALID = 1
"""The questionnaire (our own data) failed its checks."""
EXIT_BAD_INPUT = 2
"""A user's file or argument is wrong; nothing was written."""


def report(problems: list[Problem]) -> list[str]:
    """Print each problem as one 'file:line: kind: message' line on stderr; return the lines."""
    lines = []
    for p in problems:
        kind = "warning" if p.warning else "error"
        where = f"{p.file}:{p.line}" if p.line else p.file
        lines.append(f"{where}: {kind}: {p.message}")
        click.echo(lines[-1], err=True)
    return lines


def guarded(exit_code: int = EXIT_BAD_INPUT) -> Callable[[F], F]:
    """Print ReadinessError as located one-line messages and exit non-zero, never a traceback."""

    def wrap(fn: F) -> F:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except ReadinessError as exc:
                report(exc.problems)
                sys.exit(exc.exit_code if hasattr(exc, "exit_code") else exit_code)
            except OSError as exc:
                click.echo(f"{exc.filename or ''}: error: {exc.strerror or exc}; check the path and permissions", err=True)
                sys.exit(EXIT_BAD_INPUT)

        return inner  # type: ignore[return-value]

    return wrap


def load_project(root: Path) -> Any:
    """The questionnaire, or exit 1 with its problems (it is our data, not the user's)."""
    from .load import load_checked

    try:
        return load_checked(Project(root), thorough=False)
    except ReadinessError as exc:
        report(exc.problems)
        click.echo("The questionnaire has errors; run 'readiness check' for the full list.", err=True)
        sys.exit(EXIT_INVALID)


root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=ROOT, show_default=False,
    help="Project folder holding questionnaire/, templates/ and guidance/ (default: this toolkit).", hidden=True,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="readiness")
def cli() -> None:
    """Peer support readiness: check the questionnaire, run an assessment, build a clinic's plan."""


@cli.command()
@root_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(root: Path, strict: bool) -> None:
    """Validate the questionnaire: shape, ids, references, routing, reachability."""
    from .load import load_checked

    try:
        q, warnings = load_checked(Project(root))
    except ReadinessError as exc:
        report(exc.problems)
        n = len(exc.problems)
        click.echo(f"{n} error{'s' if n != 1 else ''} found.", err=True)
        sys.exit(EXIT_INVALID)
    report(warnings)
    if strict and warnings:
        click.echo(f"{len(warnings)} warning(s), failing because of --strict.", err=True)
        sys.exit(EXIT_INVALID)
    n_rules = sum(len(d.actions) + len(d.gates) for d in q.domains) + len(q.meta.templates.rules) + len(q.meta.roles.rules) + len(q.meta.routes.rules)
    click.echo(f"questionnaire {q.meta.version}: ok: {len(q.questions)} questions in {len(q.domains)} domains, "
               f"{n_rules} rules, {len(q.templates)} templates")


def _plan_for(root: Path, answers: Path, strict: bool, said: list[str] | None = None) -> tuple[Any, dict[str, Any]]:
    from .answers import load_answers
    from .engine import evaluate_plan, ignored_answers, walk
    from .errors import Msg

    q, _ = load_project(root)
    af, src = load_answers(answers, q, str(answers))
    steps, _values = walk(q, af)
    ignored = [src.problem(("answers", qid), msg, warning=not strict) for qid, msg in ignored_answers(q, af, steps)]
    missing = []
    if strict:
        missing = [src.problem(("answers",), Msg.MISSING_ANSWER.format(question=s.question.id))
                   for s in steps if s.state == "unknown" and not s.question.optional]
    errors = [p for p in ignored if not p.warning] + missing
    if errors:
        raise ReadinessError(errors)
    lines = report(ignored)
    if said is not None:
        said.extend(lines)
    return q, evaluate_plan(q, af)


def _emit(text: str, output: Path | None) -> None:
    from .fileio import atomic_write

    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write(output, text)
        click.echo(f"wrote {output}", err=True)


@cli.command()
@root_option
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@click.option("--strict", is_flag=True, help="Every question on the path must be answered; answers to skipped questions are errors.")
@guarded()
def plan(root: Path, answers: Path, fmt: str, output: Path | None, strict: bool) -> None:
    """Build the tailored setup plan for an answer file (YAML or JSON)."""
    from .fileio import canonical_json
    from .render.markdown import plan_markdown

    q, result = _plan_for(root, answers, strict)
    _emit(canonical_json(result) if fmt == "json" else plan_markdown(result, q), output)


@cli.command()
@root_option
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), help="Carry on from this answer file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Save answers here (default: the --resume file, or answers.yaml).")
@guarded()
def assess(root: Path, resume: Path | None, output: Path | None) -> None:
    """Answer the questionnaire in the terminal; the file is saved after every answer."""
    from .assess import run_assessment

    q, _ = load_project(root)
    run_assessment(q, resume, output or resume or Path("answers.yaml"))


def _run_pack(root: Path, q: Any, plan: dict[str, Any] | None, template_ids: list[str], out: Path, *,
              include_plan: bool, docx: bool, jobs: int | None, cache_on: bool, also_written: int = 0) -> list[str]:
    from .render.pack import Cache, build_pack

    project = Project(root)
    cache = Cache.for_project(project.root, project.templates_dir, enabled=cache_on)
    total = len(template_ids) + (1 if include_plan else 0)
    show = sys.stderr.isatty()
    with click.progressbar(length=total, label="Rendering documents", file=sys.stderr, show_pos=True) if show else _NoBar() as bar:
        result = build_pack(q, plan, template_ids, out, project.templates_dir, cache, include_plan=include_plan,
                            docx=docx, workers=jobs, progress=lambda _name: bar.update(1))
    for name, err in result.failed:
        where = "templates/plan.html.j2" if name == "plan" else f"templates/policies/{name.split(' ')[0]}.html.j2"
        click.echo(f"{where}: error: {name} was not rendered: {err}", err=True)
    click.echo(f"wrote {len(result.written) + also_written} files to {out} ({result.rendered} rendered, {result.cached} from cache)", err=True)
    if result.failed:
        sys.exit(EXIT_INVALID)
    return [p.name for p in result.written]


class _NoBar:
    """Stands in for the progress bar when stderr is not a terminal (CI, pipes)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


jobs_option = click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Documents rendered at once (default: one per core).")
cache_option = click.option("--no-cache", is_flag=True, help="Render everything again instead of reusing unchanged documents.")
docx_option = click.option("--docx/--no-docx", default=True, show_default=True, help="Also write each template as an editable Word file.")


@cli.command()
@root_option
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the pack.")
@click.option("--strict", is_flag=True, help="Every question on the path must be answered.")
@docx_option
@jobs_option
@cache_option
@guarded()
def pack(root: Path, answers: Path, out: Path, strict: bool, docx: bool, jobs: int | None, no_cache: bool) -> None:
    """Write plan.pdf, plan.md and the clinic's templates (PDF and DOCX) into a folder."""
    from . import packcache
    from .fileio import atomic_write

    project = Project(root)
    digest = None
    if not no_cache and answers.is_file():
        # Nothing that shapes the pack has changed: copy it out without loading anything heavy.
        digest = packcache.input_digest(project, answers, f"strict={strict} docx={docx}")
        restored = packcache.restore(project, digest, out)
        if restored is not None:
            names, messages = restored
            for line in messages:
                click.echo(line, err=True)
            click.echo(f"wrote {len(names)} files to {out} (all from cache: nothing has changed)", err=True)
            return

    from .render.markdown import plan_markdown

    said: list[str] = []
    q, result = _plan_for(root, answers, strict, said)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "plan.md", plan_markdown(result, q))
    written = _run_pack(root, q, result, list(result["templates"]), out, include_plan=True, docx=docx, jobs=jobs, cache_on=not no_cache, also_written=1)
    if digest is not None:
        packcache.remember(project, digest, out, ["plan.md", *written], said)


@cli.command()
@root_option
@click.option("--blank", "mode", flag_value="blank", default=True, help="Blank templates with fill-in fields (default).")
@click.option("--answers", type=click.Path(path_type=Path), help="Tailor every template to this answer file.")
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the templates.")
@docx_option
@jobs_option
@cache_option
@guarded()
def templates(root: Path, mode: str, answers: Path | None, out: Path, docx: bool, jobs: int | None, no_cache: bool) -> None:
    """Write every template (PDF and DOCX): blank, with the paper questionnaire, or tailored with --answers."""
    from .render.pack import QUESTIONNAIRE

    if answers is not None:
        q, plan_data = _plan_for(root, answers, False)
        names = [t.id for t in q.templates]
    else:
        q, _ = load_project(root)
        plan_data = None
        names = [QUESTIONNAIRE] + [t.id for t in q.templates]  # blank: the paper questionnaire too
    _run_pack(root, q, plan_data, names, out, include_plan=False, docx=docx, jobs=jobs, cache_on=not no_cache)


@cli.command()
@root_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The PDF (or, with --zip, the zip) to write.")
@click.option("--answers", type=click.Path(path_type=Path), help="A clinic's record instead: its questionnaire as answered, then its plan.")
@click.option("--zip", "as_zip", is_flag=True, help="A zip: the book, every template as PDF and DOCX, the paper questionnaire and an example answer file.")
@jobs_option
@cache_option
@guarded()
def toolkit(root: Path, output: Path, answers: Path | None, as_zip: bool, jobs: int | None, no_cache: bool) -> None:
    """The offline toolkit as one PDF book: guidance, paper questionnaire, scoring sheet, blank templates, references."""
    from . import packcache
    from .render import toolkit as tk

    project = Project(root)
    digest = None
    if not no_cache and (answers is None or answers.is_file()):
        # Nothing that shapes the toolkit has changed: copy it out without loading anything heavy.
        digest = tk.input_digest(project, answers, f"toolkit zip={as_zip} name={output.name}")
        restored = packcache.restore(project, digest, output.parent)
        if restored is not None:
            for line in restored[1]:
                click.echo(line, err=True)
            click.echo(f"wrote {output} (from cache: nothing has changed)", err=True)
            return
    said: list[str] = []
    if answers is not None:
        q, plan_data = _plan_for(root, answers, False, said)
    else:
        q, _ = load_project(root)
        plan_data = None
    try:
        book, pages = tk.build_book(q, project, plan_data, cache_on=not no_cache)
    except (ReadinessError, OSError):
        raise
    except Exception as exc:  # a broken template or page: say which document, exit 1, write nothing
        click.echo(f"templates/toolkit/book.html.j2: error: the toolkit book was not rendered: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INVALID)
    if as_zip:
        failed = tk.build_zip(q, project, book, output, cache_on=not no_cache, workers=jobs)
        for name, err in failed:
            click.echo(f"templates/policies/{name.split(' ')[0]}.html.j2: error: {name} was not rendered: {err}", err=True)
        if failed:
            sys.exit(EXIT_INVALID)
    else:
        from .fileio import atomic_write

        atomic_write(output, book)
    said.append(f"{output}: {pages} pages in the book")
    click.echo(said[-1], err=True)
    if digest is not None:
        packcache.remember(project, digest, output.parent, [output.name], said)


@cli.command("export")
@root_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@guarded()
def export(root: Path, output: Path | None) -> None:
    """Export the validated questionnaire as JSON (what the in-browser wizard evaluates)."""
    from .export import questionnaire_json

    q, _ = load_project(root)
    _emit(questionnaire_json(q), output)


def main() -> None:
    cli(prog_name="readiness")


if __name__ == "__main__":
    main()
