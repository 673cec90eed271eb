"""The `readiness` command line: thin commands over the pure engine.

Every command's errors go through one handler (ReadinessGroup.invoke): a ReadinessError
prints its problems, one line each, and exits with the code its class carries (2 for a
user's bad file, 1 for the project's own broken data); Ctrl-C exits 130.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from builder import __version__
from builder.core.errors import Msg, Problem, ProjectError, ReadinessError, printable
from builder.core.limits import MAX_SHOWN
from builder.load.paths import ROOT, Project
from builder.load.sources import is_stdin
from builder.output.gate import check_files_in
from builder.output.gate import this_run as _this_run

if TYPE_CHECKING:
    from builder.core.schema import Questionnaire


EXIT_INVALID = ProjectError.exit_code
"""The questionnaire (our own data) failed its checks."""
EXIT_BAD_INPUT = ReadinessError.exit_code
"""A user's file or argument is wrong; nothing was written."""
EXIT_INTERRUPTED = 130
"""Ctrl-C, as shells report SIGINT; nothing was written."""
EXIT_PIPE_CLOSED = 141
"""Standard output was closed before everything was written (`readiness plan a.yaml | head`), as shells report SIGPIPE."""
EXIT_CODES = (f"Exit codes: 0 done; {EXIT_INVALID} the questionnaire or templates have errors; {EXIT_BAD_INPUT} a bad file, "
              f"argument or output, or a missing program or extra (nothing written); {EXIT_INTERRUPTED} interrupted "
              f"(nothing written); {EXIT_PIPE_CLOSED} standard output was closed early.")
"""Every command's --help ends with this (ReadinessCommand)."""
QUIET = {"on": False}
"""--quiet: status lines and progress bars off; errors and warnings are still printed."""


def report(problems: list[Problem], limit: int | None = MAX_SHOWN) -> list[str]:
    """Print each problem as one 'file:line: kind: message' line on stderr (at most `limit`, then 'and N more')."""
    lines = [p.line_text() for p in problems]
    shown = lines if limit is None or len(lines) <= limit else lines[:limit]
    for line in shown:
        click.echo(line, err=True)
    if len(shown) < len(lines):
        click.echo(f"... and {len(lines) - len(shown)} more", err=True)
    return lines


def say(text: str) -> None:
    """A line on stderr, with anything taken from the user's files escaped."""
    click.echo(printable(text), err=True)


def status(text: str) -> None:
    """A status line ('wrote …') on stderr, unless --quiet."""
    if not QUIET["on"]:
        say(text)


def interactive() -> bool:
    """Progress bars only on a terminal, and not with --quiet."""
    return sys.stderr.isatty() and not QUIET["on"]


def _set_quiet(_ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    QUIET["on"] = value
    return value


class ReadinessCommand(click.Command):
    """Every command: a --quiet option and its exit codes at the end of --help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        extra = kwargs.pop("exit_codes", "")
        kwargs.setdefault("epilog", EXIT_CODES + (f"\n\n{extra}" if extra else ""))
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True, callback=_set_quiet,
                                        help="Print only errors and warnings: no 'wrote …' lines, no progress bars."))


def _close_stdout() -> None:
    """Standard output's reader has gone: point it at the null device, so Python's last flush cannot fail loudly."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


class ReadinessGroup(click.Group):
    """The one error handler for every command."""

    command_class = ReadinessCommand

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReadinessError as exc:
            report(exc.problems)
            if exc.summary:
                say(exc.summary)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            say("interrupted; nothing was written")
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `readiness plan a.yaml | head`: the reader has what it wanted; end quietly
            _close_stdout()
            ctx.exit(EXIT_PIPE_CLOSED)
        except ModuleNotFoundError as exc:  # an optional extra's module, reached where no command checked for it first
            from builder.render.tools import ExtraMissing, extra_of, require_extra

            extra = extra_of(exc.name or "")
            if extra is None:
                raise
            try:
                require_extra(f"readiness {ctx.invoked_subcommand or ''}".strip(), extra)
            except ExtraMissing as missing:
                report(missing.problems)
                ctx.exit(missing.exit_code)
            raise
        except OSError as exc:  # an unexpected disk error: one line, never a traceback
            say(f"{exc.filename or 'readiness'}: error: {exc.strerror or exc}; check the path and permissions")
            ctx.exit(EXIT_BAD_INPUT)


def this_run(root: Path, inputs: Any = ()) -> None:
    """Tell the output gate this command's project folder and inputs: no output may land in the one or over the others."""
    _this_run(Project(root).root, [Path(p) for p in inputs])


def questionnaire_of(root: Path, *, templates: bool = True) -> Questionnaire:
    """The project's questionnaire with its templates' bindings and planning files; ProjectError (exit 1) when broken.
    templates=False: for a command that renders no policy template, which need not be read for what they use."""
    from builder.checks.pipeline import load_project

    return load_project(Project(root), templates=templates)


root_option = click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=ROOT, show_default=False,
    help="Project folder holding questionnaire/, templates/ and guidance/ (default: READINESS_ROOT, else the checkout or the installed copy).",
)


@click.group(cls=ReadinessGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="readiness")
def cli() -> None:
    """Peer support readiness: check the questionnaire, run an assessment, build a clinic's plan."""


@cli.command()
@root_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(root: Path, strict: bool) -> None:
    """Validate the questionnaire: shape, ids, references, routing, reachability."""
    from builder.checks.project import load_checked

    try:
        q, warnings = load_checked(Project(root))
    except ProjectError as exc:
        n = len(exc.problems)
        exc.summary = f"{n} error{'s' if n != 1 else ''} found."
        raise
    report(warnings)
    if strict and warnings:
        raise ProjectError([], summary=f"{len(warnings)} warning(s), failing because of --strict.")
    n_rules = sum(len(d.actions) + len(d.gates) for d in q.domains) + len(q.meta.templates.rules) + len(q.meta.roles.rules) + len(q.meta.routes.rules)
    click.echo(f"questionnaire {q.meta.version}: ok: {len(q.questions)} questions in {len(q.domains)} domains, "
               f"{n_rules} rules, {len(q.templates)} templates")


def _plan_for(root: Path, answers: Path, strict: bool) -> Any:
    from builder.checks.pipeline import plan_for

    clinic = plan_for(Project(root), answers, strict)
    report(clinic.warnings)
    return clinic


def _emit(text: str, output: Path | None, root: Path, inputs: tuple[Path, ...] = ()) -> None:
    from builder.output.fileio import check_output_file, write_output

    if output is None or is_stdin(output):  # -o - is standard output too
        click.echo(text if not sys.stdout.isatty() else "\n".join(printable(ln) for ln in text.split("\n")), nl=False)
    else:
        check_output_file(output, Project(root).root, inputs)
        write_output(output, text)
        status(f"wrote {output}")


@cli.command()
@root_option
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "markdown", "fhir-response"]), default="markdown", show_default=True,
              help="fhir-response: the answers as a FHIR R4 QuestionnaireResponse to the toolkit's Questionnaire.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@click.option("--strict", is_flag=True, help="Every question on the path must be answered; answers to skipped questions are errors.")
def plan(root: Path, answers: Path, fmt: str, output: Path | None, strict: bool) -> None:
    """Build the tailored setup plan for an answer file (YAML or JSON)."""
    from builder.output.fileio import canonical_json
    from builder.render.markdown import plan_markdown

    this_run(root, [answers])
    clinic = _plan_for(root, answers, strict)
    if fmt == "fhir-response":
        from builder.output.formats import fhir_response_json

        text = fhir_response_json(clinic.q, clinic.answers)
    else:
        text = canonical_json(clinic.plan) if fmt == "json" else plan_markdown(clinic.plan, clinic.q)
    _emit(text, output, root, (answers,))


@cli.command()
@root_option
@click.option("--resume", type=click.Path(dir_okay=False, path_type=Path), help="Carry on from this answer file.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Save answers here (default: the --resume file, or answers.yaml).")
def assess(root: Path, resume: Path | None, output: Path | None) -> None:
    """Answer the questionnaire in the terminal; the file is saved after every answer."""
    from builder.checks.pipeline import load_project as load
    from builder.cli.assess import run_assessment
    from builder.output.fileio import check_output_file

    this_run(root)  # saving back over --resume is the point
    q = load(Project(root))
    target = output or resume or Path("answers.yaml")
    check_output_file(target, Project(root).root)  # saving back over --resume is the point; specials are not
    run_assessment(q, resume, target)


jobs_option = click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Documents rendered at once (default: one per core).")
cache_option = click.option("--no-cache", is_flag=True, help="Render everything again instead of reusing unchanged documents.")
docx_option = click.option("--docx/--no-docx", default=True, show_default=True, help="Also write each template as an editable Word file.")
reference_option = click.option("--reference-doc", "reference_doc", type=click.Path(path_type=Path), metavar="FILE",
                                help="A Trust's own Word document or template (.docx, .dotx): the Word files take its styles (fonts, "
                                     "sizes, colours, headings), its theme, and its page size and margins.")


def _reference(path: Path | None, docx: bool, what: str, fix: str) -> Any:
    """The Trust's reference document, read and checked before any work; None for the house style."""
    if path is None:
        return None
    if not docx:
        raise ReadinessError([Problem(str(path), None, Msg.REFERENCE_UNUSED.format(what=what, fix=fix))])
    from builder.load.reference_doc import load_reference_doc

    return load_reference_doc(path)


def _needs(command: str, docx: bool) -> None:
    """Before any work: the optional extras a document command needs (pdf always; docx for Word files)."""
    from builder.render.tools import require_extra

    require_extra(f"readiness {command}", "pdf")
    if docx:
        require_extra(f"readiness {command}", "docx", instead="leave out the Word files with --no-docx" if command != "toolkit" else "")


class _NoBar:
    """Stands in for the progress bar when stderr is not a terminal (CI, pipes)."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _write_folder(root: Path, q: Any, plan_data: dict[str, Any] | None, names: list[str], out: Path, *,
                  include_plan: bool, docx: bool, jobs: int | None, no_cache: bool, trust: Any = None) -> None:
    from builder.output.build import write_folder

    total = len(names) + (1 if include_plan else 0)
    bar: Any = (click.progressbar(length=total, label="Rendering documents", file=sys.stderr, show_pos=True)
                if interactive() else _NoBar())
    with bar:
        result = write_folder(Project(root), q, plan_data, names, out, include_plan=include_plan, docx=docx, jobs=jobs, trust=trust,
                              cache_on=not no_cache, progress=lambda _name: bar.update(1), warn=say)
    if result.whole_from_cache:
        status(f"wrote {len(result.names)} files to {out} (all from cache: nothing has changed)")
    else:
        status(f"wrote {len(result.names)} files to {out} ({result.rendered} rendered, {result.cached} from cache)")


@cli.command()
@root_option
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, help="Folder for the pack.")
@click.option("--strict", is_flag=True, help="Every question on the path must be answered.")
@docx_option
@reference_option
@jobs_option
@cache_option
def pack(root: Path, answers: Path, out: Path, strict: bool, docx: bool, reference_doc: Path | None, jobs: int | None, no_cache: bool) -> None:
    """Write plan.pdf, plan.md and the clinic's templates (PDF and DOCX) into a folder."""
    this_run(root, [answers] + ([reference_doc] if reference_doc is not None else []))
    _needs("pack", docx)
    trust = _reference(reference_doc, docx, "pack --no-docx", "leave out --no-docx or --reference-doc")
    clinic = _plan_for(root, answers, strict)
    _write_folder(root, clinic.q, clinic.plan, list(clinic.plan["templates"]), out,
                  include_plan=True, docx=docx, jobs=jobs, no_cache=no_cache, trust=trust)


@cli.command()
@root_option
@click.option("--blank", "mode", flag_value="blank", default=True, help="Blank templates with fill-in fields (default).")
@click.option("--answers", type=click.Path(path_type=Path), help="Tailor every template to this answer file.")
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True, help="Folder for the templates.")
@docx_option
@reference_option
@jobs_option
@cache_option
def templates(root: Path, mode: str, answers: Path | None, out: Path, docx: bool, reference_doc: Path | None, jobs: int | None,
              no_cache: bool) -> None:
    """Write every template (PDF and DOCX): blank, with the paper questionnaire, or tailored with --answers."""
    _needs("templates", docx)
    trust = _reference(reference_doc, docx, "templates --no-docx", "leave out --no-docx or --reference-doc")
    from builder.checks.pipeline import load_project as load
    from builder.output.pack import QUESTIONNAIRE

    this_run(root, ([answers] if answers is not None else []) + ([reference_doc] if reference_doc is not None else []))
    if answers is not None:
        clinic = _plan_for(root, answers, False)
        q, plan_data = clinic.q, clinic.plan
        names = [t.id for t in q.templates]
    else:
        q = load(Project(root))
        plan_data = None
        names = [QUESTIONNAIRE] + [t.id for t in q.templates]  # blank: the paper questionnaire too
    _write_folder(root, q, plan_data, names, out, include_plan=False, docx=docx, jobs=jobs, no_cache=no_cache, trust=trust)


@cli.command()
@root_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The PDF (or, with --zip, the zip) to write; - for standard output.")
@click.option("--answers", type=click.Path(path_type=Path), help="A clinic's record instead: its questionnaire as answered, then its plan.")
@click.option("--zip", "as_zip", is_flag=True, help="A zip: the book, every template as PDF and DOCX, the paper questionnaire and an example answer file.")
@reference_option
@jobs_option
@cache_option
def toolkit(root: Path, output: Path, answers: Path | None, as_zip: bool, reference_doc: Path | None, jobs: int | None, no_cache: bool) -> None:
    """The offline toolkit as one PDF book: guidance, paper questionnaire, scoring sheet, blank templates, references."""
    _needs("toolkit", as_zip)
    trust = _reference(reference_doc, as_zip, "toolkit without --zip (the book is a PDF)", "add --zip for the Word files, or leave out --reference-doc")
    import tempfile

    from builder.output import toolkit as tk
    from builder.output.cache import open_cache, remember_pack, restore_pack
    from builder.output.fileio import canonical_json, check_output_file, write_output

    project = Project(root)
    this_run(root, ([answers] if answers is not None else []) + ([reference_doc] if reference_doc is not None else []))
    to_stdout = is_stdin(output)
    if to_stdout:
        if sys.stdout.isatty():
            raise ReadinessError([Problem("-", None, Msg.STDOUT_TERMINAL.format(name="toolkit.zip" if as_zip else "toolkit.pdf"))])
        staging = tempfile.TemporaryDirectory()
        output = Path(staging.name) / ("toolkit.zip" if as_zip else "toolkit.pdf")
    elif as_zip and output.suffix.lower() != ".zip":
        raise ReadinessError([Problem(str(output), None, Msg.TOOLKIT_ZIP_NAME.format(suffix=output.suffix or "(nothing)",
                                                                                     fixed=output.with_suffix(".zip").name))])
    elif not as_zip and output.suffix.lower() == ".zip":
        raise ReadinessError([Problem(str(output), None, Msg.TOOLKIT_PDF_NAME.format(fixed=output.with_suffix(".pdf").name))])
    check_output_file(output, project.root, ([answers] if answers is not None else []) + ([reference_doc] if reference_doc is not None else []))
    # The answers are validated before anything else, the cache included: the key is the validated plan.
    if answers is not None:
        clinic = _plan_for(root, answers, False)
        q, plan_data = clinic.q, clinic.plan
    else:
        q = questionnaire_of(root)
        plan_data = None
    folder = None if no_cache else open_cache(say)
    digest = tk.input_digest(project, canonical_json(plan_data) if plan_data is not None else "blank", f"toolkit zip={as_zip} name={output.name} reference-doc={trust.digest if trust else None}")
    if folder is not None:
        with tempfile.TemporaryDirectory() as tmp:
            if restore_pack(folder, digest, Path(tmp)) == [output.name]:
                # Nothing that shapes the toolkit has changed: copy it out.
                write_output(output, (Path(tmp) / output.name).read_bytes())
                if to_stdout:
                    sys.stdout.buffer.write(output.read_bytes())
                else:
                    status(f"wrote {output} (from cache: nothing has changed)")
                return
    try:
        book, pages = tk.build_book(q, project, plan_data, cache_on=not no_cache)
    except (ReadinessError, OSError):
        raise
    except Exception as exc:  # a broken template or page: say which document, exit 1, write nothing
        raise ProjectError([Problem("templates/toolkit/book.html.j2", None, f"the toolkit book was not rendered: {type(exc).__name__}: {exc}")]) from None
    if as_zip:
        failed = tk.build_zip(q, project, book, output, cache_on=not no_cache, workers=jobs, trust=trust)
        if failed:
            raise ProjectError([Problem(f"templates/policies/{name.split(' ')[0]}.html.j2", None, f"{name} was not rendered: {err}")
                                for name, err in failed])
    else:
        write_output(output, book)
    if folder is not None:
        remember_pack(folder, digest, output.parent, [output.name])
    if to_stdout:
        sys.stdout.buffer.write(output.read_bytes())
    else:
        status(f"{output}: {pages} pages in the book")


@cli.command("export")
@root_option
@click.option("--format", "fmt", type=click.Choice(["json", "xlsform", "fhir"]), default="json", show_default=True,
              help="json: what the in-browser wizard reads; xlsform: an XLSForm workbook for ODK and KoboToolbox; fhir: a FHIR R4 Questionnaire.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output (required for xlsform).")
def export(root: Path, fmt: str, output: Path | None) -> None:
    """Export the validated questionnaire: JSON for the wizard, an XLSForm workbook, or a FHIR R4 Questionnaire."""
    from builder.checks.pipeline import load_project as load
    from builder.output.export import questionnaire_json

    this_run(root)
    q = load(Project(root))
    if fmt == "json":
        _emit(questionnaire_json(q), output, root)
        return
    from builder.output.formats import fhir_questionnaire_json, workbook_for, write_file

    if fmt == "fhir":
        _emit(fhir_questionnaire_json(q), output, root)
        return
    if output is None:
        raise ReadinessError([Problem("readiness export", None, str(Msg.XLSFORM_NEEDS_OUTPUT))])
    write_file(output, workbook_for(q), Project(root).root)
    say(f"wrote {output}")


@cli.command("import")
@root_option
@click.argument("exports", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the answer files, one per submission: new, empty, or an earlier import of the same exports (it is replaced whole).")
def import_(root: Path, exports: tuple[Path, ...], out: Path) -> None:
    """Turn ODK or KoboToolbox exports (CSV, XLSX, XForm XML) and FHIR QuestionnaireResponses (JSON, Bundle, NDJSON)
    into answer files, one per submission, each checked like any answer file."""
    from builder.load.submissions import import_exports
    from builder.output.formats import write_answer_files

    q = questionnaire_of(root)
    files = import_exports(q, list(exports))
    write_answer_files(out, files, Project(root).root)
    say(f"wrote {len(files)} answer file{'s' if len(files) != 1 else ''} to {out}")


@cli.command("schema")
@root_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
def schema(root: Path, output: Path | None) -> None:
    """The JSON Schema of this questionnaire's answer files (for editors: the examples name it in their first line)."""
    from builder.checks.pipeline import load_project as load
    from builder.core.answer_schema import answer_schema_json

    _emit(answer_schema_json(load(Project(root))), output, root)


@cli.command("site")
@root_option
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="A new or empty folder for the site's sources.")
@click.option("--example", type=click.Path(dir_okay=False, path_type=Path), help="An answer file whose plan the templates page offers as a sample.")
@click.option("--guidance/--no-guidance", default=True, show_default=True, help="Also write the guidance pages beside the generated ones.")
@reference_option
def site(root: Path, out: Path, example: Path | None, guidance: bool, reference_doc: Path | None) -> None:
    """Write the site's sources as plain files: the guidance pages and everything the mkdocs plugin generates
    (questionnaire, schema, logic map, templates page and downloads, wizard scripts), for any site generator that
    serves page.md as page.html (the tool pages' links are written from the site's root)."""
    from builder.output.fileio import write_output
    from builder.output.site_sources import site_files
    from builder.output.vendor import VendorError, asset_folder
    from builder.render.tools import require_extra

    require_extra("readiness site", "pdf", "docx")
    project = Project(root)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReadinessError([Problem(str(out), None, Msg.SITE_FOLDER_USED)])
    if example is not None:
        from builder.load.gate import read_bytes

        read_bytes(example)  # a missing or special file is one located line, before any work
    trust = _reference(reference_doc, True, "site", "")
    try:
        assets = asset_folder()
    except VendorError as exc:
        raise ReadinessError([Problem("readiness site", None, str(exc).removeprefix("error: "))]) from None
    q = questionnaire_of(root)
    files: dict[str, str | bytes] = {}
    if guidance and project.guidance_dir.is_dir():
        for path in sorted(p for p in project.guidance_dir.rglob("*") if p.is_file() and not p.name.startswith(".")):
            files[path.relative_to(project.guidance_dir).as_posix()] = path.read_bytes()
    files.update(site_files(project, q, example=example, assets=assets, directory_urls=False, guidance=guidance, trust=trust))
    for name, content in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        write_output(out / name, content)
    status(f"wrote {len(files)} files to {out}")


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C: stages removed, workers killed


# ---------------------------------------------------------------- commissioners' review and comparison

EXIT_LEFT_OUT = 3
"""`readiness review`: the review was written, but some files were left out (listed on stderr and in the report)."""


@cli.command(exit_codes=f"It also exits {EXIT_LEFT_OUT} when the review was written but some files were left out (each is named).")
@root_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for review.html (and its rows file), .pdf, .xlsx, .csv and .json.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write review.pdf, the panel report (the same length at any number of clinics).")
@jobs_option
def review(root: Path, paths: tuple[Path, ...], out: Path, pdf: bool, jobs: int | None) -> None:
    """Review many clinics' answer files (files, folders or zip files): heat-map, ranking, gaps, raters, progress."""
    import builder.output.reviewio  # noqa: F401 - loaded before the PDF helper is forked: the two processes share it

    if pdf:
        from builder.render.tools import require_extra

        require_extra("readiness review", "pdf", instead="leave out review.pdf with --no-pdf")
    this_run(root, paths)
    check_files_in(out, [], Project(root).root, paths)  # the folder itself, before the work; each file again as it is written
    _pause_collector_until_exit()
    with _pdf_helper(Project(root).templates_dir) if pdf else contextlib.nullcontext() as helper:
        _review(root, paths, out, pdf, jobs, helper)


def _pdf_helper(templates_dir: Path) -> Any:
    """Under main(), where the system can fork: review.pdf's renderer, started now so that it loads WeasyPrint while
    this process loads the questionnaire (output/pdfhelper.py). Inside another program (a test's runner), none: the
    review's own process makes the PDF."""
    if _LEFT_FOR_THE_SYSTEM is None or not hasattr(os, "fork"):
        return contextlib.nullcontext()
    from builder.output.pdfhelper import PdfHelper

    return PdfHelper(templates_dir)


def _review(root: Path, paths: tuple[Path, ...], out: Path, pdf: bool, jobs: int | None, helper: Any) -> None:
    from builder.output.reviewio import collect, review_outputs, warm_writers
    from builder.render.review import plural

    q = questionnaire_of(root, templates=False)  # a review renders no policy template
    show = interactive()
    bar_box: list[Any] = []

    left_out = [0]

    def say_excluded(e: Any) -> None:
        left_out[0] += 1
        if left_out[0] > MAX_SHOWN:  # the rest are counted below, and every one is listed in the report
            return
        where = f"{e.file}:{e.line}" if e.line else e.file
        line = printable(f"{where}: error: not included: {e.reason}")
        if bar_box:
            click.echo("\r\033[K" + line, err=True)  # above the bar, not through it
        else:
            click.echo(line, err=True)

    def phase(text: str, steps: int) -> None:
        if show and bar_box:
            bar_box.pop().__exit__(None, None, None)
            start(steps, text)

    def start(total: int, label: str = "Reading answer files") -> None:
        if show and total:
            bar_box.append(click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True, show_eta=True).__enter__())

    try:
        data = collect(q, list(paths), jobs=jobs, total=start, on_excluded=say_excluded,
                       progress=lambda n: bar_box[0].update(n) if bar_box else None, phase=phase,
                       meanwhile=warm_writers(Project(root).templates_dir, pdf=pdf and helper is None))
    finally:
        if bar_box:
            bar_box.pop().__exit__(None, None, None)
    if left_out[0] > MAX_SHOWN:
        say(f"... and {left_out[0] - MAX_SHOWN} more not included (every one is listed in the report)")
    for clash in data.get("identity_conflicts", []):  # a borrowed clinic id: reviewed apart, said here and in the report
        orgs = "; ".join(f"{c['name']!r} of {c['organisation'] or 'no organisation'!r} (rank {c['rank']})" for c in clash["clinics"])
        say(f"warning: clinic id {clash['clinic_id']!r} is given by files of different organisations, so they are reviewed apart: "
            f"{orgs}; check which files are genuine")
    for cluster in data.get("lookalike_names", []):  # names that look the same but are not: flagged, never merged
        names = "; ".join(f"{c['name']!r} (rank {c['rank']})" for c in cluster["clinics"])
        say(f"warning: these clinics' names look alike but differ in their characters, so they are reviewed apart: {names}; "
            "check whether they are one clinic")
    if show:
        click.echo("Writing the review…", err=True)
    n_left = data["files"]["excluded"]
    if not data["clinics"]:
        read = data["files"]["read"]
        what = "the file could not be included" if read == 1 else f"none of the {read:,} files could be included"
        click.echo(f"error: {what}; nothing written. Fix the files above and run again.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    written = review_outputs(data, Project(root).templates_dir, out, pdf=pdf, helper=helper)
    _leave_for_the_system(data)  # freed with the process (see main), not clinic by clinic
    status(f"wrote {', '.join(written)} to {out}: {plural(len(data['clinics']), 'clinic')} from {plural(data['files']['included'], 'file')}"
           + (f"; {plural(n_left, 'file')} not included (listed above and in the report)" if n_left else ""))
    if n_left:
        sys.exit(EXIT_LEFT_OUT)


@cli.command()
@root_option
@click.argument("before", type=click.Path(path_type=Path))
@click.argument("after", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(file_okay=False, path_type=Path), help="Also write compare.html, compare.pdf and compare.json here.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def compare(root: Path, before: Path, after: Path, out: Path | None, fmt: str) -> None:
    """Compare two assessments of one clinic: per-domain change, must-haves met since, actions done, new gaps."""
    from builder.core.review import clinic_key, comparison
    from builder.load.answers import load_answers
    from builder.output.fileio import canonical_json
    from builder.output.reviewio import compare_outputs
    from builder.render.review import compare_text
    from builder.render.tools import require_extra

    this_run(root, [before, after])
    if out is not None:
        check_files_in(out, [], Project(root).root, [before, after])  # each file again as it is written
    if out is not None:
        require_extra("readiness compare", "pdf", instead="leave out -o for the comparison on the terminal")
    q = questionnaire_of(root)
    problems: list[Problem] = []
    loaded = []
    for path in (before, after):
        try:
            loaded.append(load_answers(path, q, str(path))[0])
        except ReadinessError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ReadinessError(problems)
    a, b = loaded
    if clinic_key(a) != clinic_key(b):
        say(f"{after}: warning: this is {b.clinic_name!r}, but {before} is {a.clinic_name!r}; comparing them anyway")
    result = comparison(q, a, str(before), b, str(after))
    written = compare_outputs(result, Project(root).templates_dir, out) if out is not None else []  # refused: nothing printed
    text = canonical_json(result) if fmt == "json" else compare_text(result)
    click.echo("\n".join(printable(ln) for ln in text.split("\n")), nl=False)  # names and paths from the files, escaped
    if written:
        status(f"wrote {', '.join(written)} to {out}")


_LEFT_FOR_THE_SYSTEM: list[Any] | None = None
"""Under main(): what a command built that only the end of the process frees (`readiness review` leaves its review
here). None when the commands run inside another program (a test's runner), which frees everything as usual."""


def _leave_for_the_system(data: Any) -> None:
    if _LEFT_FOR_THE_SYSTEM is not None:
        _LEFT_FOR_THE_SYSTEM.append(data)


def _pause_collector_until_exit() -> None:
    """Under main(), for a command that builds millions of objects and ends as soon as it has written them (`readiness
    review`): no cycle collection for the rest of the process. Its steps already pause the collector while they work
    (output/gcpause.py); resumed between them, its first pass would scan every object the review made so far (about
    0.13 s at 10,000 files, once after reading and once after writing) to free nothing, as they are all still in use,
    and the system frees them whole when the process ends. Inside another program (a test's runner) nothing changes."""
    if _LEFT_FOR_THE_SYSTEM is not None:
        import gc

        gc.disable()


def main() -> None:
    """The `readiness` command. When a command is done, the process ends at once (os._exit, after flushing standard
    output and error): Python would otherwise free what the command built one object at a time, half a second for a
    review of 10,000 files, while the system frees it whole. Everything a command writes is closed and synced by then,
    its worker processes joined and its temporary folders removed (each command removes its own, in `with` blocks)."""
    import signal

    global _LEFT_FOR_THE_SYSTEM
    _LEFT_FOR_THE_SYSTEM = []
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli(prog_name="readiness")
    except BrokenPipeError:  # closed while click itself wrote (--help | head)
        _close_stdout()
        sys.exit(EXIT_PIPE_CLOSED)
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise  # a message for Python to print (not one of this command's exits)
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _close_stdout()
            done.code = EXIT_PIPE_CLOSED
        sys.stderr.flush()
        os._exit(done.code or 0)


if __name__ == "__main__":
    main()
