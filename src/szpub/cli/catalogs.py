"""The translators' commands of ``szpub``: update, stat, check, add-language (argument parsing and output)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from szpub.build import targets as build
from szpub.catalogs import checks
from szpub.catalogs import update as catalogs
from szpub.catalogs.memory import load_memory, merge_glossaries
from szpub.core.errors import SzpubError
from szpub.core.project import Project, find_project

MEMORY_HELP = "prefill untranslated messages from another publication's catalogs and glossary (repeatable)"

if TYPE_CHECKING:
    from collections.abc import Iterable


def _fail(message: str) -> int:
    print(f"szpub: error: {message}", file=sys.stderr)
    return 1


def _languages(project: Project, chosen: list[str] | None) -> list[str]:
    if not chosen:
        return list(project.target_languages)
    unknown = [lang for lang in chosen if lang not in project.target_languages]
    if unknown:
        raise SzpubError(
            f"not a target language: {', '.join(unknown)} (configured: {', '.join(project.target_languages)})"
        )
    return chosen


def preflight(project: Project, languages: Iterable[str], *, release: bool = True) -> bool:
    """The checks ``szpub build`` runs first: prints the findings, True if the build may go on."""
    languages = [lang for lang in dict.fromkeys(languages) if lang != project.source_language]
    # a language whose checks passed on exactly these inputs passes them again: not run twice
    targets = [lang for lang in languages if not build.checks_passed(project, lang, release)]
    if not targets:
        return True
    report = checks.run_checks(project, targets, release=release)
    for finding in report.errors:
        print(finding, file=sys.stderr)
    if len(report.findings) > len(report.errors):  # a draft's untranslated and fuzzy messages
        warnings = len(report.findings) - len(report.errors)
        print(f"szpub: {warnings} message(s) untranslated or fuzzy: `szpub check --draft` lists them", file=sys.stderr)
    for language in targets if release else []:
        _explain_stale(language, [f for f in report.errors if f.check == "stale" and f"/{language}/" in f.message])
    if not report.ok:
        _fail(f"{len(report.errors)} translation error(s); nothing was built (see the translators' guide)")
    else:
        build.record_checks_passed(project, targets, release)
    return report.ok


def _explain_stale(language: str, findings: list[checks.Finding]) -> None:
    """Why a release build of ``language`` stops on catalogs behind the source, and the ways forward."""
    if not findings:
        return
    pages = ", ".join(dict.fromkeys(finding.path for finding in findings))
    print(
        f"szpub: {language}: {len(findings)} message(s) of {pages} are not in the {language} catalogs "
        f"(the source changed since the last `szpub update`, or a catalog is missing or empty).\n"
        f"  Run `szpub update`, then translate them; or build a draft that shows them in the source "
        f"language with `szpub build --draft`; or build the other languages only with `--lang`.",
        file=sys.stderr,
    )


def _update(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    languages = _languages(project, args.lang)
    try:
        memory = load_memory(args.memory, languages) if args.memory else None
        result = catalogs.update_catalogs(project, languages, memory)
    except SzpubError as err:
        return _fail(f"{err}\nno catalog was changed")
    if memory is not None:
        print(f"{merge_glossaries(project, memory)} glossary term(s) from memory")
    for item in result.catalogs:
        if item.status != "unchanged":
            counts = f"{item.added} new, {item.reused} from other pages, {item.fuzzy} fuzzy, {item.obsolete} obsolete"
            counts += f", {item.memory} from memory" if args.memory else ""
            print(f"{item.path}: {item.status} ({counts})")
    print(
        f"{result.count('created')} created, {result.count('updated')} updated, {result.count('unchanged')} unchanged"
    )
    return 0


def _stat(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    stats = catalogs.stat_catalogs(project, _languages(project, args.lang))
    totals: dict[str, catalogs.CatalogStat] = {}
    for stat in stats:
        unit = "characters" if catalogs.uses_characters(stat.language) else "words"
        totals.setdefault(
            stat.language, catalogs.CatalogStat(f"total {stat.language}", stat.language, target_unit=unit)
        ).add(stat)
    rows = [*stats, *totals.values()]
    if args.json:
        print(json.dumps([_stat_dict(stat) for stat in rows], ensure_ascii=False, indent=2))
    else:
        print(_stat_table(rows))
        for total in totals.values():
            if total.missing:
                print(f"{total.language}: {total.missing} message(s) of the source are not in the catalogs "
                      "(counted as untranslated): run szpub update", file=sys.stderr)  # fmt: skip
    return 0


def _stat_dict(stat: catalogs.CatalogStat) -> dict[str, Any]:
    return {
        "catalog": stat.path, "language": stat.language, "translated": stat.translated, "fuzzy": stat.fuzzy,
        "untranslated": stat.untranslated, "percent": round(stat.percent, 1), "source_words": stat.words,
        "translation": {stat.target_unit: stat.target}, "from_memory": stat.memory,
        "missing": stat.missing,
    }  # fmt: skip


def _stat_table(rows: list[catalogs.CatalogStat]) -> str:
    head = ("catalog", "translated", "fuzzy", "untranslated", "%", "source words t/f/u", "translation", "memory")
    lines = [head]
    for stat in rows:
        words = "/".join(str(stat.words[state]) for state in ("translated", "fuzzy", "untranslated"))
        lines.append(
            (
                stat.path,
                str(stat.translated),
                str(stat.fuzzy),
                str(stat.untranslated),
                f"{stat.percent:.0f}",
                words,
                f"{stat.target} {stat.target_unit}",
                str(stat.memory),
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    )


def _check(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    report = checks.run_checks(project, _languages(project, args.lang), release=not args.draft)
    if args.json:
        data = {
            "catalogs": report.catalogs,
            "errors": len(report.errors),
            "findings": [f.as_dict() for f in report.findings],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            print(finding)
        errors, warnings = len(report.errors), len(report.findings) - len(report.errors)
        print(f"{report.catalogs} catalogs checked: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 0 if report.ok else 1


def _add_language(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    try:
        result = catalogs.add_language(project, args.language, args.from_language)
    except SzpubError as err:
        return _fail(f"{err}\nnothing was changed")
    created = [item.path for item in result.catalogs.catalogs if item.status == "created"]
    folder = catalogs.relative(project, catalogs.catalog_dir(project, result.language))
    print(f"{result.language}: {len(created)} catalogs created under {folder}")
    if result.interface:
        print(f"interface strings (sphinx.po) started from szpub's {result.interface}")
    if result.conversion is not None:
        done = result.conversion
        print(
            f"{done.converted} messages converted by OpenCC {done.config} ({done.by_terms} changed by the term list),"
            " marked fuzzy: review them, then remove the fuzzy flags"
        )
    print("added to szpub_languages in conf.py" if result.configured else "already in szpub_languages in conf.py")
    return 0


def add_commands(commands: Any) -> None:
    """Registers the translators' commands on the ``szpub`` parser's subparsers."""
    update = commands.add_parser("update", help="extract the messages and merge them into every language's catalogs")
    update.add_argument("--lang", action="append", help="only this language (repeatable)")
    update.add_argument("--memory", action="append", type=Path, metavar="PUB", help=MEMORY_HELP)
    update.set_defaults(func=_update)
    stat = commands.add_parser("stat", help="translated, fuzzy and untranslated messages and words per catalog")
    stat.add_argument("--lang", action="append", help="only this language (repeatable)")
    stat.add_argument("--json", action="store_true", help="machine-readable output")
    stat.set_defaults(func=_stat)
    check = commands.add_parser("check", help="check every catalog (file.po:LINE: [check] message)")
    check.add_argument("--lang", action="append", help="only this language (repeatable)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument("--draft", action="store_true", help="untranslated and fuzzy messages are warnings, not errors")
    check.set_defaults(func=_check)
    add = commands.add_parser("add-language", help="start a new language: its catalogs and conf.py's szpub_languages")
    add.add_argument("language", help="a Babel locale, e.g. ja or zh_TW")
    add.add_argument(
        "--from", dest="from_language", metavar="LANG", help="convert this language's translations (zh_HK --from zh_CN)"
    )
    add.set_defaults(func=_add_language)
