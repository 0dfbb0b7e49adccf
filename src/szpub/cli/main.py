"""The ``szpub`` command: parses arguments and calls the operations."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from szpub import __version__
from szpub.build import runner
from szpub.build import targets as build
from szpub.build.progress import Progress
from szpub.cli import exchange
from szpub.cli.catalogs import MEMORY_HELP, add_commands, preflight
from szpub.core.errors import SzpubError
from szpub.core.project import find_project


def _build(args: argparse.Namespace) -> int:
    project = find_project(Path.cwd())
    targets = build.plan(project, args.lang, [args.format] if args.format else None, draft=args.draft)
    # one szpub build at a time, checks included: they write the templates cache and their stamps
    with build.build_lock(project, _print_waiting):
        if build.out_of_date(project, targets):
            runner.warm_up()  # Sphinx's imports, on the other core while the checks run
        if not preflight(project, [target.language for target in targets], release=not args.draft):
            return 1
        with Progress(sys.stderr) as progress:
            result = build.build_locked(project, targets, jobs=args.jobs, listener=progress)
    for failed in result.failed:
        print(f"{failed.target.name} failed:", file=sys.stderr)
        print(_indent("\n".join(failed.errors)), file=sys.stderr)
    if not result.ok:
        names = ", ".join(failed.target.name for failed in result.failed)
        return _fail(f"{names} failed; the published site in _build/site is unchanged")
    print(f"published {project.site}" if result.published else f"up to date: {project.site}")
    if result.published and not project.base_url:
        print(NO_BASE_URL, file=sys.stderr)
    for tag in build.languages_without_pdf(project):
        print(f"note: the {tag} pages link a PDF that is not built yet: run szpub build --format pdf", file=sys.stderr)
    return 0


NO_BASE_URL = "note: szpub_base_url is empty in conf.py: the site links relatively and has no sitemap.xml"


def _print_waiting(pid: int | None) -> None:
    holder = f" (pid {pid})" if pid else ""
    print(f"waiting for another szpub build{holder} in this folder to finish", file=sys.stderr, flush=True)


def _serve(args: argparse.Namespace) -> int:
    from szpub.build import serve

    project = find_project(Path.cwd())
    try:
        preview = serve.start(project.site, args.port)
    except OSError as err:
        return _fail(f"cannot serve on {serve.HOST}:{args.port}: {err.strerror} (choose another --port)")
    print(f"serving {preview.url} - pages reload when docs/, locales/ or conf.py change; Ctrl-C stops", flush=True)
    try:
        serve.watch(project.root, preview.notices, _print_rebuild, threading.Event())
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    return 0


def _print_rebuild(result: build.BuildResult) -> None:
    built = ", ".join(f"{r.target.name} {r.seconds:.1f} s" for r in result.results if r.status == "built")
    state = f"published ({built})" if result.published else "up to date"
    print(f"{time.strftime('%H:%M:%S')} {state}", flush=True)
    for failed in result.failed:
        print(f"{failed.target.name} failed:", file=sys.stderr)
        print(_indent("\n".join(failed.errors)), file=sys.stderr, flush=True)


def _ingest(args: argparse.Namespace) -> int:
    from szpub.ingest import publication as ingest

    plan = ingest.prepare(args.release, args.sections, args.lang)
    if args.dry_run:
        print("\n".join(ingest.describe(plan)))
        return 0
    if args.out is None:
        return _fail("ingest: --out DIR is required (or --dry-run)")
    result = ingest.write_publication(plan, args.out, force=args.force, memory=args.memory)
    print(f"wrote {result.out}: {len(result.sections)} sections, {result.figures} figures, "
          f"{len(result.catalogs)} catalogs (untranslated: `szpub build --draft` builds them as they are)")
    return 0


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _fail(message: str) -> int:
    print(f"szpub: error: {message}", file=sys.stderr)
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="szpub", description="Publish a press release in several languages.")
    parser.add_argument("--version", action="version", version=f"szpub {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="build HTML and PDF for every language into _build/site")
    build_parser.add_argument("--lang", action="append", help="build only this language (repeatable)")
    build_parser.add_argument("--format", choices=build.FORMATS, help="build only this format")
    build_parser.add_argument("-j", "--jobs", type=int, default=0, help="parallel targets (default: one per core)")
    build_parser.add_argument("--draft", action="store_true", help="partly translated languages build")
    build_parser.set_defaults(func=_build)
    serve_parser = commands.add_parser("serve", help="preview the site on 127.0.0.1, rebuilding the HTML on changes")
    serve_parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    serve_parser.set_defaults(func=_serve)
    add_commands(commands)
    exchange.add_commands(commands)
    ingest_parser = commands.add_parser("ingest", help="turn a plain-text release into a publication in DIR")
    ingest_parser.add_argument("release", type=Path, metavar="RELEASE.txt", help="the release as received")
    ingest_parser.add_argument("--out", type=Path, metavar="DIR", help="where to write the publication")
    ingest_parser.add_argument("--sections", type=Path, metavar="FILE", help="a section map (default: szpub's)")
    ingest_parser.add_argument("--lang", action="append", help="a target language (repeatable; default: zh_CN)")
    ingest_parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    ingest_parser.add_argument("--force", action="store_true", help="replace the publication in a non-empty DIR")
    ingest_parser.add_argument("--memory", action="append", type=Path, metavar="PUB", help=MEMORY_HELP)
    ingest_parser.set_defaults(func=_ingest)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SzpubError as err:  # the user's input: one line saying where and what, no traceback
        return _fail(str(err))
    except KeyboardInterrupt:  # Ctrl-C: a build publishes only when all its targets succeeded
        print("szpub: interrupted; nothing more was published", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
