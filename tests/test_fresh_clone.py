"""The README's promise: a clone of the repository alone (no ../shared beside it) collects and runs
its tests, and the product itself never reads ../shared at run time.

The clone is made from the committed HEAD (CI runs on a clean clone, so that is what it tests); the
tests that read real pages, corpora or the product's package data run there and must pass or skip
with a reason, never error."""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PRODUCT = ["alerts", "analysis", "console", "crawlers", "demo", "pipeline", "storage", "scheduler.py"]
# The tests that depend on data from outside the code: saved real pages, large corpora, package data.
DATA_TESTS = ["tests/test_parsers_discuz.py", "tests/test_parsers_tieba.py", "tests/test_parsers_news.py",
              "tests/test_parsers_feed.py", "tests/test_pipeline_segment.py", "tests/test_sentiment_model.py",
              "tests/test_category_classifier.py", "tests/test_pipeline_divisions.py",
              "tests/test_pipeline_topic_vocabulary.py"]


SHARED_PATH = re.compile(r"(^|[./\\])shared([/\\]|$)")


def _is_docstring(node, parents) -> bool:
    expr = parents.get(node)
    return isinstance(expr, ast.Expr) and isinstance(parents.get(expr), (ast.Module, ast.FunctionDef, ast.ClassDef))


def _product_files():
    for name in PRODUCT:
        path = ROOT / name
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def test_product_code_never_names_the_shared_folder():
    """Run-time code must ship what it needs as package data (built by scripts/), not read ../shared."""
    offenders = []
    for path in _product_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SHARED_PATH.search(node.value) \
                    and not _is_docstring(node, parents):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not offenders, offenders


def _clone(tmp_path: Path) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to clone")
    dest = tmp_path / "clone" / "yqwatch"  # nothing named `shared` beside it
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(dest)], check=True)
    assert not (dest.parent / "shared").exists()
    return dest


def _env_without_requirements(**extra) -> dict:
    # The clone has no compiled extension and no ../shared: drop the CI switches that demand them.
    env = {k: v for k, v in os.environ.items() if not k.startswith("YQ_REQUIRE_")}
    env.update(extra)
    return env


def test_suite_runs_on_a_clone_of_the_repository_alone(tmp_path):
    repo = _clone(tmp_path)
    env = _env_without_requirements()
    # `python -m pytest` from the clone puts the clone first on sys.path: its own code is tested.
    where = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"],
                           cwd=repo, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(repo)

    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                               cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-3000:]
    assert "error" not in collected.stdout.splitlines()[-1].lower(), collected.stdout[-2000:]

    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *DATA_TESTS],
                         cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    summary = ran.stdout.strip().splitlines()[-1]
    assert "passed" in summary and "error" not in summary and "failed" not in summary, summary
    # The corpus-based guards skip with a one-line reason naming what is missing.
    if " skipped" in summary:
        assert "large corpora not present" in ran.stdout, ran.stdout[-3000:]


def test_the_product_runs_on_a_clone_of_the_repository_alone(tmp_path):
    """What `make run` needs at run time: config, package data, the pipeline, the parsers."""
    repo = _clone(tmp_path)
    env = _env_without_requirements()
    cli = [sys.executable, "-c", "import sys, scheduler; sys.exit(scheduler.main(sys.argv[1:]))"]
    check = subprocess.run([*cli, "check-config", "config"], cwd=repo, env=env, capture_output=True, text=True,
                           timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr
    line = json.dumps({"id": "1", "title": "青溪市化工厂偷排污水", "text": "东湖区居民反映河道发臭",
                       "source": "bbs", "published_at": "2026-12-04T08:00:00+08:00"}, ensure_ascii=False)
    analyzed = subprocess.run([*cli, "analyze", "--config", "config"], cwd=repo, env=env, input=line + "\n",
                              capture_output=True, text=True, timeout=300)
    assert analyzed.returncode == 0, analyzed.stderr
    out = json.loads(analyzed.stdout.splitlines()[0])
    assert out["relevant"] is True and out["locality"], out


def test_every_module_declaring_tables_is_listed_for_schema_checks():
    from conftest import MODEL_MODULES

    declaring = {str(f.relative_to(ROOT).with_suffix("")).replace("/", ".")
                 for pkg in ("alerts", "analysis", "console", "storage", "pipeline")
                 for f in (ROOT / pkg).rglob("*.py") if "__tablename__" in f.read_text(encoding="utf-8")}
    assert declaring == set(MODEL_MODULES)
