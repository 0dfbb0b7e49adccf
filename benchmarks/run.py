"""szpub's build benchmark: szpub against plain sphinx-build, incremental rebuilds, and scaling.

Run from the repository: ``.venv/bin/python benchmarks/run.py`` (some five minutes on two cores).
The release's phases run ``--repeat`` times, interleaved, and the fastest run of each counts (the
machine may be busy with other work). Every phase runs in a fresh child process that reports its
wall time, CPU time, the largest resident set of its descendants
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``) and the peak of the summed resident sets of all its
descendants at once (sampled from /proc every 50 ms, since targets run in parallel).
Results go to benchmarks/results.json and a Markdown table to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

import yaml

from szpub.core.project import find_project

REPO = Path(__file__).resolve().parent.parent
LANGUAGE = "zh_CN"  # the language whose msgstr the one-msgstr phase edits
# every published language: the plain commands build each, as szpub build does
LANGUAGES = find_project(REPO).languages
_ROLE = re.compile(r"\{(fact|fact-value)\}`([a-z0-9_]+)`")

# Runs the commands of one phase in series, in a child process of its own, and prints its measures.
_RUNNER = r"""
import json, os, resource, subprocess, sys, threading, time

def descendants_rss(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except OSError:
                pass
    total, stack = 0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as file:
                total += int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total

spec = json.loads(sys.argv[1])
peak, done = [0], threading.Event()
def sample():
    while not done.wait(0.05):
        peak[0] = max(peak[0], descendants_rss(os.getpid()))
threading.Thread(target=sample, daemon=True).start()
def run(command):
    proc = subprocess.run(command, cwd=spec["cwd"], capture_output=True, text=True, errors="replace")
    if proc.returncode:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
    return proc.returncode

from concurrent.futures import ThreadPoolExecutor
started = time.perf_counter()
with ThreadPoolExecutor(max_workers=spec.get("jobs", 1)) as pool:  # jobs=2: as `make -j2` runs them
    codes = list(pool.map(run, spec["commands"]))
seconds = time.perf_counter() - started
done.set()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_mib": usage.ru_maxrss / 1024,
    "peak_total_rss_mib": peak[0] / 2**20, "load_average": os.getloadavg()[0], "codes": codes,
}))
"""


def measure(name: str, commands: list[list[str]], cwd: Path, env: dict[str, str], jobs: int = 1) -> dict[str, object]:
    """One phase, measured in a child process; exits when a command fails (a benchmark of a failure is no benchmark).

    ``jobs`` commands run at once, in the order given, as ``make -jN`` would run them.
    """
    spec = json.dumps({"commands": commands, "cwd": str(cwd), "jobs": jobs})
    proc = subprocess.run([sys.executable, "-c", _RUNNER, spec], capture_output=True, text=True, env=env, check=False)
    if proc.returncode or not proc.stdout.strip():
        sys.exit(f"{name}: the runner failed:\n{proc.stderr}")
    result = json.loads(proc.stdout)
    if any(result.pop("codes")):
        sys.exit(f"{name}: a command failed:\n{proc.stderr}")
    sys.stderr.write(
        f"{name:<28} {result['seconds']:7.2f} s  {result['cpu_seconds']:7.2f} s CPU  "
        f"{result['peak_total_rss_mib']:5.0f} MiB  load {result['load_average']:.1f}\n"
    )
    return {"phase": name, **result}


def copy_publication(dest: Path) -> Path:
    """conf.py, docs and catalogs of the release, without compiled catalogs (as a fresh checkout)."""
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "conf.py", dest / "conf.py")
    for folder in ("docs", "locales"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("*.mo"))
    return dest


def sections_of(index: Path) -> list[str]:
    """The documents listed in the index's toctree, in order."""
    block = re.search(r"```\{toctree\}\n(.*?)```", index.read_text(encoding="utf-8"), re.S)
    assert block, f"{index}: no toctree"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line.startswith(":")]


def size_of(publication: Path) -> dict[str, int]:
    """Sections, paragraphs and figures of a publication: what the scaling factor multiplies."""
    sections = [doc for doc in sections_of(publication / "docs" / "index.md") if doc != "appendix"]
    paragraphs = sum(
        len([b for b in (publication / "docs" / f"{doc}.md").read_text(encoding="utf-8").split("\n\n") if b.strip()])
        - 1  # the heading
        for doc in sections
    )
    figures = yaml.safe_load((publication / "docs" / "figures.yaml").read_text(encoding="utf-8"))["figures"]
    return {"sections": len(sections), "paragraphs": paragraphs, "figures": len(figures)}


def synthesize(dest: Path, factor: int) -> Path:
    """The release, ``factor`` times over: every section and its figures and catalog repeated.

    Copy ``k`` of section ``s`` is the document ``s-kNN`` citing figures ``<id>_kNN``; its catalogs are the
    section's catalogs with the same renaming, so every copy's pages are translated. The copied figures'
    labels are not in the publication catalogs: the scaling phases build drafts (the same work, marked).
    """
    copy_publication(dest)
    docs = dest / "docs"
    folders = [dest / "locales" / language / "LC_MESSAGES" for language in LANGUAGES[1:]]
    index = docs / "index.md"
    sections = [doc for doc in sections_of(index) if doc != "appendix"]
    data = yaml.safe_load((docs / "figures.yaml").read_text(encoding="utf-8"))
    originals = list(data["figures"])
    copies = []
    for k in range(2, factor + 1):
        suffix = f"k{k:02d}"
        for section in sections:
            rename = lambda text, s=suffix: _ROLE.sub(lambda m: f"{{{m[1]}}}`{m[2]}_{s}`", text)  # noqa: E731
            (docs / f"{section}-{suffix}.md").write_text(rename((docs / f"{section}.md").read_text("utf-8")), "utf-8")
            for catalogs in folders:  # every translated language's catalog, renamed the same way
                po = catalogs / f"{section}.po"
                (catalogs / f"{section}-{suffix}.po").write_text(rename(po.read_text("utf-8")), "utf-8")
            copies.append(f"{section}-{suffix}")
        data["figures"] += [
            {**fact, "id": f"{fact['id']}_{suffix}", "section": f"{fact['section']}-{suffix}"} for fact in originals
        ]
    (docs / "figures.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("\nappendix\n", "".join(f"\n{doc}" for doc in copies) + "\nappendix\n"), "utf-8")
    return dest


def edit_one_msgstr(catalog: Path) -> None:
    """Changes the last msgstr of a catalog, as a translator fixing one sentence."""
    text = catalog.read_text(encoding="utf-8")
    position = text.rstrip().rfind('"')
    catalog.write_text(text[:position] + "（修订）" + text[position:], encoding="utf-8")


def plain_commands(out: Path) -> list[list[str]]:
    """The commands a plain Sphinx user runs, as the README gives them: HTML and PDF of every language."""
    sphinx = [sys.executable, "-m", "sphinx"]
    commands = []
    for language in LANGUAGES:
        option = ["-D", f"language={language}"] if language != "en" else []
        commands.append([*sphinx, "-q", "-c", ".", *option, "docs", str(out / f"html-{language}")])
        commands.append([*sphinx, "-M", "latexpdf", "docs", str(out / f"pdf-{language}"), "-q", "-c", ".", *option])
    return commands


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"the preview never served {url}")
            time.sleep(0.2)


def _edits(publication: Path) -> list[tuple[str, Path, str, str]]:
    """What an editor saves: a msgstr (its page is zh-cn's) and a paragraph of the source (en's)."""
    return [
        ("msgstr", publication / "locales" / LANGUAGE / "LC_MESSAGES" / "talent.po", "zh-cn/index.html", "修订"),
        ("paragraph", publication / "docs" / "talent.md", "en/index.html", "Revised"),
    ]


def _append_to_last_paragraph(path: Path, marker: str) -> None:
    if path.suffix == ".po":
        text = path.read_text(encoding="utf-8")
        position = text.rstrip().rfind('"')
        path.write_text(text[:position] + marker + text[position:], encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8").rstrip() + f" {marker}\n", encoding="utf-8")


def reload_latency(work: Path, env: dict[str, str], repeat: int) -> list[dict[str, object]]:
    """Seconds from saving a msgstr or a paragraph to the open page showing it, in Chromium, under szpub serve."""
    from playwright.sync_api import sync_playwright

    publication = copy_publication(work / "serve")
    port = _free_port()
    command = [sys.executable, "-m", "szpub.cli.main", "serve", "--port", str(port)]
    # a session of its own: Ctrl-C (SIGINT) to the group stops the preview and the build it may be running
    server = subprocess.Popen(
        command, cwd=publication, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    rows = []
    try:
        base = f"http://127.0.0.1:{port}/"
        for _, _, page_path, _ in _edits(publication):
            _wait_for(base + page_path, 300)
        chromium = os.environ.get("SZPUB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox"])
            for kind, path, page_path, word in _edits(publication):
                page = browser.new_page()
                page.goto(base + page_path)
                times = []
                for round_ in range(repeat):
                    marker = f"{word}{round_}{kind}"
                    time.sleep(1.0)  # the event stream is open, the previous rebuild is over
                    started = time.perf_counter()
                    _append_to_last_paragraph(path, marker)
                    page.wait_for_function(f"document.body.innerText.includes({json.dumps(marker)})", timeout=60000)
                    times.append(time.perf_counter() - started)
                    sys.stderr.write(f"live reload, {kind:<10} {times[-1]:7.2f} s\n")
                page.close()
                rows.append({
                    "phase": f"szpub serve, save to refreshed page, {kind}",
                    "runs": [round(t, 2) for t in times],
                    "seconds": min(times),
                    "median_seconds": statistics.median(times),
                })
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(60)
    return rows


def fastest(name: str, runs: list[dict[str, object]]) -> dict[str, object]:
    """The fastest of repeated runs (the one least disturbed by other work on the machine), the median, all times."""
    times = sorted(float(run["seconds"]) for run in runs)  # type: ignore[arg-type]
    best = min(runs, key=lambda run: float(run["seconds"]))  # type: ignore[arg-type]
    median = statistics.median(times)
    return {**best, "phase": name, "median_seconds": median, "runs": [round(float(run["seconds"]), 2) for run in runs]}  # type: ignore[arg-type]


def make_cold(publication: Path) -> Path:
    """Forgets every build of a publication: its _build/ and its compiled catalogs."""
    shutil.rmtree(publication / "_build", ignore_errors=True)
    for compiled in (publication / "locales").rglob("*.mo"):
        compiled.unlink()
    return publication


def run(work: Path, factors: list[int], repeat: int, reload: bool = True) -> dict[str, object]:
    # a snapshot of szpub's sources: edits made while the benchmark runs must not change what it measures
    shutil.copytree(REPO / "src", work / "src", ignore=shutil.ignore_patterns("__pycache__"))
    # szpub's per-user cache (jieba's dictionary state) lives here: "cold" is a new publication on a machine
    # that has built one before; "new machine" starts with an empty cache as well
    cache = work / "cache"
    env = {**os.environ, "PYTHONPATH": str(work / "src"), "PYTHONHASHSEED": "0", "SZPUB_CACHE_DIR": str(cache)}
    szpub = [[sys.executable, "-m", "szpub.cli.main", "build"]]
    names = [
        "plain sphinx-build, serial",
        "plain sphinx-build, two at a time",
        "szpub build, cold",
        "szpub build, no-op",
        "szpub build, one msgstr",
        "szpub build, cold, new machine",
    ]
    runs: dict[str, list[dict[str, object]]] = {name: [] for name in names}
    for round_ in range(repeat):  # interleaved, so that a busy moment does not hit one phase only
        for jobs, name in ((1, names[0]), (2, names[1])):
            plain = copy_publication(work / f"plain-{jobs}-{round_}")
            runs[name].append(measure(name, plain_commands(work / f"plain-out-{jobs}-{round_}"), plain, env, jobs))
        first = work / f"cache-new-{round_}"
        new_machine = copy_publication(work / f"new-machine-{round_}")
        runs[names[5]].append(measure(names[5], szpub, new_machine, {**env, "SZPUB_CACHE_DIR": str(first)}))
        shutil.copytree(first, cache, dirs_exist_ok=True)  # what that first build left, as on a user's machine
        release = copy_publication(work / f"release-{round_}")
        runs[names[2]].append(measure(names[2], szpub, release, env))
        runs[names[3]].append(measure(names[3], szpub, release, env))
        edit_one_msgstr(release / "locales" / LANGUAGE / "LC_MESSAGES" / "talent.po")
        runs[names[4]].append(measure(names[4], szpub, release, env))
    scaling = []
    for factor in factors:
        publication = synthesize(work / f"synthetic-{factor}x", factor)
        name = f"szpub build --draft, {factor}x, cold"
        draft = [[*szpub[0], "--draft"]]
        times = [measure(name, draft, make_cold(publication), env) for _ in range(repeat if factor == 1 else 1)]
        scaling.append({"factor": factor, **size_of(publication), **fastest(name, times)})
    live = reload_latency(work, env, repeat) if reload else []
    return {"phases": [fastest(name, runs[name]) for name in names], "scaling": scaling, "live_reload": live}


def ratios(results: dict[str, object], key: str = "seconds") -> dict[str, float]:
    """The ratios the targets are about, from the fastest runs (``seconds``) or the medians (``median_seconds``)."""
    phases = {phase["phase"]: phase[key] for phase in results["phases"]}  # type: ignore[index]
    cold = phases["szpub build, cold"]
    scaling = {row["factor"]: row for row in results["scaling"]}  # type: ignore[index]
    found = {
        "cold / plain serial": cold / phases["plain sphinx-build, serial"],
        "cold / plain two at a time": cold / phases["plain sphinx-build, two at a time"],
        "no-op / cold": phases["szpub build, no-op"] / cold,
        "one msgstr / cold": phases["szpub build, one msgstr"] / cold,
        "cold, new machine / plain two at a time": (
            phases["szpub build, cold, new machine"] / phases["plain sphinx-build, two at a time"]
        ),
    }
    for factor in sorted(scaling):
        if factor != 1 and 1 in scaling:
            found[f"{factor}x / 1x time"] = scaling[factor][key] / scaling[1][key]
    return found


TARGETS = {
    "cold / plain serial": 0.75,
    "cold / plain two at a time": 0.9,
    "no-op / cold": 0.05,
    "one msgstr / cold": 0.2,
    "50x / 1x time": 55,
}


def markdown(results: dict[str, object]) -> str:
    lines = [
        "| phase | wall, fastest (s) | wall, all runs (s) | CPU (s) | peak RSS, largest process (MiB)"
        " | peak RSS, all processes (MiB) |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for phase in results["phases"] + results["scaling"]:  # type: ignore[operator]
        size = ""
        if "factor" in phase:
            size = f" ({phase['sections']} sections, {phase['paragraphs']} paragraphs, {phase['figures']} figures)"
        runs = ", ".join(f"{run:.2f}" for run in phase["runs"])
        lines.append(
            f"| {phase['phase']}{size} | {phase['seconds']:.2f} | {runs} | {phase['cpu_seconds']:.2f}"
            f" | {phase['max_rss_mib']:.0f} | {phase['peak_total_rss_mib']:.0f} |"
        )
    lines += ["", "| live reload | fastest (s) | median (s) | all runs (s) | target | held |"]
    lines += ["|---|---:|---:|---|---:|---|"]
    for row in results.get("live_reload", []):  # type: ignore[attr-defined]
        runs = ", ".join(f"{run:.2f}" for run in row["runs"])
        held = "yes" if row["median_seconds"] <= 1.0 else "fastest only" if row["seconds"] <= 1.0 else "**no**"
        seconds, median = row["seconds"], row["median_seconds"]
        lines.append(f"| {row['phase']} | {seconds:.2f} | {median:.2f} | {runs} | ≤ 1.0 | {held} |")
    lines += ["", "| ratio | fastest runs | medians | target | held |", "|---|---:|---:|---:|---|"]
    for name, value in results["ratios"].items():  # type: ignore[union-attr]
        median = results["ratios_median"][name]  # type: ignore[index]
        target = TARGETS.get(name)
        held = ""
        if target is not None:
            held = (
                "yes" if max(value, median) <= target else "**no**" if min(value, median) > target else "fastest only"
            )
        lines.append(f"| {name} | {value:.2f} | {median:.2f} | {'' if target is None else f'≤ {target}'} | {held} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--factors", type=int, nargs="+", default=[1, 10, 50], help="synthetic sizes (default: 1 10 50)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each release phase and of 1x (default: 3)")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-reload", action="store_true", help="skip the live-reload latency (needs Playwright)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="szpub-benchmark-"))
    try:
        results = run(work, args.factors, args.repeat, not args.no_reload)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["ratios"] = ratios(results)
    results["ratios_median"] = ratios(results, "median_seconds")
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sphinx": version("sphinx"),
        "myst-parser": version("myst-parser"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip(),
    }
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(markdown(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
