"""The interactive terminal questionnaire: follows the routing, goes back, saves after every answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import click

from builder.core.answers import Answer, AnswerFile, dump_answers
from builder.core.engine import walk
from builder.core.schema import Question, Questionnaire
from builder.core.text import terminal, unsafe_char
from builder.load.answers import load_answers
from builder.output.fileio import atomic_write

HELP_LINE = "Enter {choice}, or: b = back, s = skip for now, n = add a note, q = save and quit"


def _save(af: AnswerFile, q: Questionnaire, path: Path) -> None:
    atomic_write(path, dump_answers(af, q))


def _path(q: Questionnaire, af: AnswerFile) -> list[Question]:
    steps, _ = walk(q, af)
    return [s.question for s in steps if s.state in ("answered", "unknown")]


def _parse(question: Question, raw: str) -> list[str] | str | None:
    """The option ids a reply names, or None if it is not a valid reply."""
    opts = question.options
    picks: list[str] = []
    for part in raw.replace(",", " ").split():
        if part.isdigit() and 1 <= int(part) <= len(opts):
            picks.append(opts[int(part) - 1].id)
        elif any(o.id == part for o in opts):
            picks.append(part)
        else:
            return None
    if not picks:
        return None
    if question.type == "single":
        return picks[0] if len(picks) == 1 else None
    chosen = [o.id for o in opts if o.id in picks]
    exclusive = [o.id for o in opts if o.exclusive and o.id in chosen]
    if exclusive and len(chosen) > 1:
        return None
    return chosen


def _show_current(question: Question, answer: Answer | None) -> str:
    if answer is None or answer.value is None:
        return ""
    if question.type == "text":
        return str(answer.value)
    ids = answer.value if isinstance(answer.value, list) else [answer.value]
    return ", ".join(str(i + 1) for i, o in enumerate(question.options) if o.id in ids)


_UNSAFE = "That holds a control or invisible character, which answer files do not allow; type it again."


def _ask(prompt: str, default: str | None, multiline: bool = False) -> str:
    """A typed text, asked again until it passes the untrusted-text gate every reader applies (builder/core/text.py),
    so what is saved here is never refused by `plan` later."""
    while True:
        text = str(click.prompt(prompt) if default is None else click.prompt(prompt, default=default, show_default=False)).strip()
        if not unsafe_char(text, multiline=multiline):
            return text
        click.echo(click.style(_UNSAFE, fg="red"))


def run_assessment(q: Questionnaire, resume: Path | None, output: Path) -> None:
    if resume is not None:
        af, _ = load_answers(resume, q, str(resume))
        click.echo(terminal(f"Resuming {resume}: {len(af.answers)} answers so far. Saving to {output}."))
    else:
        click.echo(terminal(f"{q.meta.title} {q.meta.version}. Answers are saved to {output} after every answer."))
        name = _ask("Clinic name", None)
        organisation = _ask("Organisation (Enter to leave blank)", "") or None
        role = _ask("Your role (Enter to leave blank)", "") or None
        af = AnswerFile(name, organisation, q.meta.version, dt.date.today().isoformat(), role, {})
        _save(af, q, output)

    path = _path(q, af)
    # Start at the first unanswered question on the path (a fresh file starts at the top).
    index = next((i for i, qu in enumerate(path) if af.answers.get(qu.id) is None or af.answers[qu.id].value is None), 0)
    domain_titles = {qu.id: d.title for d in q.domains for qu in d.questions}
    while True:
        path = _path(q, af)
        if index >= len(path):
            break
        question = path[index]
        answered = sum(1 for qu in path if af.answers.get(qu.id) is not None and af.answers[qu.id].value is not None)
        click.echo("")
        click.secho(f"[{index + 1}/{len(path)}] {domain_titles[question.id]}: {question.title}   ({answered} answered)", bold=True)
        click.echo(question.text)
        click.echo(click.style(question.help, dim=True))
        click.echo(click.style(f"Guidance: guidance/{question.guidance}", dim=True))
        current = af.answers.get(question.id)
        if question.type != "text":
            for i, o in enumerate(question.options, 1):
                click.echo(f"  {i}. {o.label}")
            choice = "one number" if question.type == "single" else "numbers separated by commas"
        else:
            choice = "the text"
        if current and current.note:
            click.echo(click.style(terminal(f"  note: {current.note}"), dim=True))  # a note from the resumed file
        click.echo(click.style(HELP_LINE.format(choice=choice), dim=True))
        default = _show_current(question, current)  # gated at parse time: at most tabs and line ends
        raw = click.prompt(">", default=default, show_default=bool(default), prompt_suffix=" ").strip()
        if raw == "q":
            click.echo(terminal(f"Saved {output}. Carry on later with: readiness assess --resume {output}"))
            return
        if raw == "b":
            index = max(index - 1, 0)
            continue
        if raw == "s":
            index += 1
            continue
        if raw == "n":
            note = _ask("Note", (current.note if current else "") or "", multiline=True) or None
            af = replace(af, answers={**af.answers, question.id: Answer(current.value if current else None, note)})
            _save(af, q, output)
            continue
        value: str | list[str] | None
        if question.type == "text":
            if unsafe_char(raw, multiline=True):
                click.echo(click.style(_UNSAFE, fg="red"))
                continue
            value = raw or None
        else:
            value = _parse(question, raw)
            if value is None:
                click.echo(click.style("That is not one of the choices; try again.", fg="red"))
                continue
        note = current.note if current else None
        af = replace(af, answers={**af.answers, question.id: Answer(value, note)})
        _save(af, q, output)
        index += 1

    answers = {k: v for k, v in af.answers.items()}
    # Drop answers the routing now skips (the user went back and changed a parent answer).
    on_path = {qu.id for qu in _path(q, af)}
    af = replace(af, answers={k: v for k, v in answers.items() if k in on_path})
    _save(af, q, output)
    click.echo("")
    unanswered = [qu.id for qu in _path(q, af) if af.answers.get(qu.id) is None or af.answers[qu.id].value is None]
    click.secho(f"Done: {len(af.answers)} answers saved to {output}.", bold=True)
    if unanswered:
        click.echo(f"{len(unanswered)} question(s) skipped for now: {', '.join(unanswered)}.")
    click.echo(f"See your plan with: readiness plan {output}")
