"""Realistic synthetic answer files for the review benchmark and for trying the review out.

    python bench/gen_answers.py N OUT_DIR [--seed S]

Each clinic has a profile (how far along it is) and an area; one to three raters (manager,
consultant, patient representative) answer it, mostly agreeing; about a quarter of clinics were
also assessed a year earlier, less ready then. Every question is answered the same way, the nation,
service and under-18s questions and the hazard log's questions included; the further along a clinic
is, the likelier it has every go-live safeguard in place (the questionnaire's own go-live conditions,
solved for), so the clinics spread over red, amber and green as a real area's would rather than all
being red on one missing safeguard. Answers follow the questionnaire's routing, so no
follow-up is answered that would not be asked. Files are spread over folders of 1,000 (d000/,
d001/, ...), four in five as JSON (what the wizard saves) and one in five as YAML (what
`readiness assess` saves). The same N and seed always give the same files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.checks.project import load_questionnaire  # noqa: E402
from builder.core.conditions import SKIPPED, evaluate  # noqa: E402
from builder.core.contract import ANSWER_FILE_VERSION  # noqa: E402
from builder.core.schema import All, AnyOf, Condition, Equals, In, Includes, IncludesAny, Not, Question, Questionnaire  # noqa: E402

AREAS = ["North", "South", "East", "West", "Central", "Coast", "Valley", "Riverside", "Highlands", "Borders"]
PLACES = ["Ashford", "Brookfield", "Carlton", "Dunmore", "Elmstead", "Fairview", "Glenwood", "Hartley", "Ivydale",
          "Kingsmere", "Larkhill", "Marston", "Northam", "Oakridge", "Pembury", "Queensway", "Redbourne", "Stanton"]
KINDS = ["Sexual Health Clinic", "HIV Clinic", "Community Mental Health Team", "GP Practice", "Recovery Service"]
ROLES = [("Clinic manager", "Sam"), ("Consultant", "Dr Lee"), ("Patient representative", "Alex")]
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _pick(rng: random.Random, qu: Question, readiness: float) -> Any:
    """An answer leaning towards the better options as `readiness` (0..1) rises."""
    if qu.type == "text":
        return f"{rng.choice(PLACES)} Peer Network"
    options = qu.options
    if qu.type == "single":
        ranked = sorted(options, key=lambda o: -(o.points or 0)) if qu.scored else options
        i = min(len(ranked) - 1, int(rng.random() ** (0.4 + 2 * readiness) * len(ranked))) if qu.scored else rng.randrange(len(ranked))
        return ranked[i].id
    plain = [o.id for o in options if not o.exclusive]
    chosen = [o for o in plain if rng.random() < 0.25 + 0.7 * readiness]
    if chosen:
        return chosen
    exclusive = [o.id for o in options if o.exclusive]
    return [exclusive[0]] if exclusive else [rng.choice(plain)]


SAFE_FROM = 0.45
"""Clinics at least this far along (0..1) have every go-live safeguard in place; about half of them then rate green."""


def _solve(q: Questionnaire, cond: Condition, want: bool, given: dict[str, Any]) -> None:
    """Change `given` (answers) so that `cond` comes out `want`, where one change can do it (best effort: routing and
    conditions on the route or roles are left alone)."""
    def options(qid: str) -> list[str]:
        qu = q.question(qid)
        return [o.id for o in qu.options] if qu is not None else []

    def exclusive(qid: str) -> set[str]:
        qu = q.question(qid)
        return {o.id for o in qu.options if o.exclusive} if qu is not None else set()

    def add(qid: str, oid: str) -> None:
        now = given.get(qid)
        now = [v for v in now if v not in exclusive(qid)] if isinstance(now, list) else []
        given[qid] = now + ([oid] if oid not in now else [])

    if isinstance(cond, All):
        for c in cond.all if want else cond.all[-1:]:  # a cause is "a situation and a missing safeguard": put the safeguard in
            _solve(q, c, want, given)
    elif isinstance(cond, AnyOf):
        for c in cond.any_[:1] if want else cond.any_:
            _solve(q, c, want, given)
    elif isinstance(cond, Not):
        _solve(q, cond.not_, not want, given)
    elif isinstance(cond, (Equals, In)):
        qid, wanted = (cond.equals[0], [cond.equals[1]]) if isinstance(cond, Equals) else (cond.in_[0], cond.in_[1])
        if want and given.get(qid) not in wanted:
            given[qid] = wanted[0]
        elif not want and given.get(qid) in wanted:
            given[qid] = next((o for o in options(qid) if o not in wanted), given[qid])
    elif isinstance(cond, (Includes, IncludesAny)):
        qid, wanted = (cond.includes[0], [cond.includes[1]]) if isinstance(cond, Includes) else (cond.includes_any[0], cond.includes_any[1])
        now = given.get(qid) if isinstance(given.get(qid), list) else []
        if want and not any(w in now for w in wanted):
            add(qid, wanted[0])
        elif not want and any(w in now for w in wanted):
            given[qid] = [v for v in now if v not in wanted] or [next(iter(exclusive(qid)), now[0])]


def safeguards(q: Questionnaire) -> list[tuple[Condition, bool]]:
    """What a clinic with every safeguard in place satisfies: each go-live item met, and no gate that caps at red."""
    out: list[tuple[Condition, bool]] = [(g.met, True) for g in q.meta.go_live]
    out += [(g.when, False) for d in q.domains for g in d.gates if g.cap == "red"]
    return out


def answers_for(q: Questionnaire, rng: random.Random, readiness: float, base: dict[str, Any] | None, drift: float,
                gap: int | None = None) -> dict[str, Any]:
    """Follow the routing; copy `base` answers except where this rater differs (probability `drift`). Every rater of a
    clinic at least SAFE_FROM along answers so that every go-live safeguard is in place (all but the one numbered `gap`,
    a nearly ready clinic's one missing safeguard): they may differ elsewhere."""
    values: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for attempt in range(3 if readiness >= SAFE_FROM else 1):
        planned = dict(out)  # the previous pass's answers, with the safeguards solved into them
        if attempt:
            for i, (cond, want) in enumerate(safeguards(q)):
                _solve(q, cond, want if i != gap else not want, planned)  # the one gap: missing, not left to chance
        values, out = {}, {}
        for qu in q.questions:
            shown = True if qu.ask_if is None else evaluate(qu.ask_if, values)
            if shown is not True:
                values[qu.id] = SKIPPED if shown is False else None
                continue
            if qu.id in planned and attempt:
                value = planned[qu.id]
            elif rng.random() < 0.03:  # now and then a question is left unanswered
                values[qu.id] = None
                continue
            elif base is not None and qu.id in base and rng.random() >= drift:
                value = base[qu.id]
            else:
                value = _pick(rng, qu, readiness)
            values[qu.id] = value
            out[qu.id] = value
    return out


def files(q: Questionnaire, n: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """(relative path, text) for n answer files."""
    rng = random.Random(seed)
    made = 0
    clinic = 0
    while made < n:
        clinic += 1
        area = rng.choice(AREAS)
        name = f"{rng.choice(PLACES)} {rng.choice(KINDS)} {clinic}"
        org = f"{area} Health NHS Trust"
        readiness = rng.random()
        rounds = [("2026", readiness)]
        if rng.random() < 0.25:
            rounds.insert(0, ("2025", readiness * 0.6))
        for year, level in rounds:
            gap = rng.randrange(len(q.meta.go_live)) if q.meta.go_live and rng.random() < 0.15 else None
            base = answers_for(q, rng, level, None, 0, gap)
            raters = rng.choice([1, 1, 2, 3])
            date = min(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", dt.date.today().isoformat())  # never after today
            for role, person in ROLES[:raters]:
                if made >= n:
                    return
                doc: dict[str, Any] = {"version": ANSWER_FILE_VERSION, "questionnaire_version": q.meta.version,
                                       "assessed_on": date, "respondent": {"name": f"{person} {clinic}", "role": role},
                                       "clinic": {"name": name, "organisation": org, "area": area},
                                       "answers": answers_for(q, rng, level, base, 0.12, gap)}
                folder = f"d{made // 1000:03d}"
                stem = f"c{clinic:06d}-{year}-{role.split()[0].lower()}"
                if made % 5 == 4:
                    yield f"{folder}/{stem}.yaml", yaml.dump(doc, Dumper=YAML_DUMPER, sort_keys=False, allow_unicode=True)
                else:
                    yield f"{folder}/{stem}.json", json.dumps(doc, indent=1, ensure_ascii=False)
                made += 1


def write(out: Path, n: int, seed: int = 1) -> int:
    count = 0
    for rel, text in files(load_questionnaire(), n, seed):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        count += 1
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"wrote {write(args.out, args.n, args.seed)} answer files to {args.out}")


if __name__ == "__main__":
    main()
