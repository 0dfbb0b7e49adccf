"""The CAT-tool commands of ``szpub``: xliff export / import and tmx export (argument parsing and output)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from szpub.catalogs import xliff
from szpub.core.errors import SzpubError
from szpub.core.project import Project, find_project


def _language(project: Project, chosen: str) -> str:
    language = chosen.replace("-", "_")
    found = [lang for lang in project.target_languages if lang.lower() == language.lower()]
    if not found:
        raise SzpubError(f"--lang {chosen}: not a target language (configured: {', '.join(project.target_languages)})")
    return found[0]


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as err:
        raise SzpubError(f"cannot write: {err.strerror}", path) from None


def _xliff_export(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    language = _language(project, args.lang)
    _write(args.output, xliff.export_xliff(project, language))
    print(f"wrote {args.output}: every {language} catalog, for a CAT tool (import it back with szpub xliff import)")
    return 0


def _xliff_import(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    result = xliff.import_xliff(project, args.file)
    for path, count in result.changed.items():
        print(f"{path}: {count} message(s) changed")
    print(f"{args.file}: {result.units} units read, {len(result.changed)} {result.language} catalog(s) changed")
    return 0


def _tmx_export(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    language = _language(project, args.lang)
    _write(args.output, xliff.export_tmx(project, language))
    print(f"wrote {args.output}: the reviewed {language} translations as a translation memory")
    return 0


def add_commands(commands: Any) -> None:
    """Registers ``xliff export|import`` and ``tmx export`` on the ``szpub`` parser's subparsers."""
    xliff_parser = commands.add_parser("xliff", help="exchange a language's catalogs with a CAT tool as XLIFF")
    actions = xliff_parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="every catalog of a language into one XLIFF file")
    export.add_argument("--lang", required=True, help="the target language, e.g. zh_CN or zh-CN")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.xlf")
    export.set_defaults(func=_xliff_export)
    merge = actions.add_parser("import", help="merge an XLIFF file's targets into the catalogs, after every check")
    merge.add_argument("file", type=Path, metavar="FILE.xlf")
    merge.set_defaults(func=_xliff_import)
    tmx_parser = commands.add_parser("tmx", help="the reviewed translations as a TMX memory for a CAT tool")
    tmx_actions = tmx_parser.add_subparsers(dest="action", required=True)
    tmx_export = tmx_actions.add_parser("export", help="one language's reviewed translations into a TMX file")
    tmx_export.add_argument("--lang", required=True, help="the target language, e.g. zh_CN or zh-CN")
    tmx_export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.tmx")
    tmx_export.set_defaults(func=_tmx_export)
