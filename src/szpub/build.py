"""Builds every target (language × format) of a publication and publishes them into ``_build/site``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from szpub import l10n
from szpub.project import Project, pdf_stem

FORMATS = ("html", "pdf")


@dataclass(frozen=True)
class BuildTarget:
    """One language in one format."""

    language: str
    format: str

    @property
    def name(self) -> str:
        return f"{self.language}/{self.format}"


@dataclass
class TargetResult:
    target: BuildTarget
    ok: bool
    output: str = ""


@dataclass
class BuildResult:
    results: list[TargetResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)


def plan(project: Project, languages: list[str] | None = None, formats: list[str] | None = None) -> list[BuildTarget]:
    """The targets to build, languages in configuration order; ValueError for an unknown language."""
    chosen = languages or list(project.languages)
    unknown = [lang for lang in chosen if lang not in project.languages]
    if unknown:
        raise ValueError(f"not a configured language: {', '.join(unknown)} (configured: {', '.join(project.languages)})")
    return [BuildTarget(lang, fmt) for lang in chosen for fmt in (formats or FORMATS)]


def _sphinx_command(project: Project, target: BuildTarget) -> list[str]:
    out = project.build_dir / target.format / l10n.folder_name(target.language)
    doctrees = project.build_dir / "doctrees" / f"{target.format}-{target.language}"
    common = ["-c", str(project.root), "-D", f"language={target.language}", "-d", str(doctrees), "-W", "--keep-going", "-q"]
    if target.format == "pdf":
        return [sys.executable, "-m", "sphinx", "-M", "latexpdf", str(project.docs), str(out), *common]
    return [sys.executable, "-m", "sphinx", "-b", "html", str(project.docs), str(out), *common]


def _run(project: Project, target: BuildTarget) -> TargetResult:
    env = {**os.environ, "PYTHONHASHSEED": "0", "LATEXMKOPTS": "-quiet"}
    proc = subprocess.run(_sphinx_command(project, target), capture_output=True, text=True, env=env, check=False)
    return TargetResult(target, proc.returncode == 0, (proc.stdout + proc.stderr).strip())


def build(project: Project, targets: list[BuildTarget], jobs: int = 0) -> BuildResult:
    """Builds the targets in parallel and, only if all succeed, publishes the site."""
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        result = BuildResult(list(pool.map(lambda t: _run(project, t), targets)))
    if result.ok:
        publish(project)
    return result


def publish(project: Project) -> None:
    """Assembles the built outputs into a staging folder and swaps it into ``_build/site``."""
    staging = project.build_dir / "site.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    manifest = {"title": project.title, "languages": []}
    for language in project.languages:
        folder = l10n.folder_name(language)
        html = project.build_dir / "html" / folder
        pdf = project.build_dir / "pdf" / folder / "latex" / f"{pdf_stem(project.slug, language)}.pdf"
        entry: dict[str, str | list[str] | None] = {"tag": l10n.bcp47(language), "language": language, "html": None, "pdf": None}
        if html.is_dir():
            shutil.copytree(html, staging / folder, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
            entry["html"] = f"{folder}/index.html"
            entry["data"] = sorted(f"{folder}/{path.name}" for path in html.glob(f"{project.slug}-figures-*"))
        if pdf.is_file():
            (staging / folder).mkdir(exist_ok=True)
            shutil.copy2(pdf, staging / folder / pdf.name)
            entry["pdf"] = f"{folder}/{pdf.name}"
        if entry["html"] or entry["pdf"]:
            manifest["languages"].append(entry)
    (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    old = project.build_dir / "site.old"
    shutil.rmtree(old, ignore_errors=True)
    if project.site.exists():
        project.site.rename(old)
    staging.rename(project.site)
    shutil.rmtree(old, ignore_errors=True)
