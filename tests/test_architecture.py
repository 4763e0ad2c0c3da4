"""DESIGN §1 layering, enforced by walking every import of our packages."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

OURS = {"pipeline", "analysis", "storage", "crawlers", "alerts", "console", "scheduler", "demo",
        "cli", "watch_config", "catchup", "dispatch"}
# What each package may import of ours (itself always allowed).
ALLOWED = {
    "pipeline": set(),
    "analysis": {"pipeline"},
    "storage": {"pipeline"},
    "crawlers": {"pipeline", "storage"},
    "alerts": {"pipeline", "analysis", "storage"},
    "console": {"pipeline", "analysis", "storage", "alerts"},
    "demo": set(),
    # the scheduler side of the crawl workers: launches them, never imports crawlers
    "dispatch": {"pipeline", "storage"},
    "scheduler": {"pipeline", "analysis", "storage", "alerts", "console", "demo", "cli", "watch_config",
                  "catchup", "scheduler", "dispatch"},
}
STORAGE_PIPELINE_MODULES = {"pipeline", "pipeline.types", "pipeline.config"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _files():
    for pkg in ALLOWED:
        if pkg == "scheduler":  # the top layer: scheduler.py, its sibling modules and cli/
            for name in ("scheduler.py", "watch_config.py", "catchup.py"):
                yield pkg, ROOT / name
            for f in sorted((ROOT / "cli").rglob("*.py")):
                yield pkg, f
            continue
        d = ROOT / pkg
        if d.is_dir():
            for f in sorted(d.rglob("*.py")):
                yield pkg, f


def test_packages_exist():
    for pkg in ("pipeline", "analysis", "storage", "crawlers", "alerts"):
        assert (ROOT / pkg / "__init__.py").is_file(), pkg
    assert (ROOT / "scheduler.py").is_file()


def test_imports_follow_the_layers():
    bad = []
    for pkg, f in _files():
        for line, mod in _imports(f):
            top = mod.split(".")[0]
            where = f"{f.relative_to(ROOT)}:{line}: {mod}"
            if top == "scrapy" and pkg != "crawlers":
                bad.append(f"{where} (only crawlers/ imports scrapy)")
            if top in OURS and top != pkg and top not in ALLOWED[pkg]:
                bad.append(f"{where} ({pkg} may not import {top})")
            if pkg == "storage" and top == "pipeline" and mod not in STORAGE_PIPELINE_MODULES:
                bad.append(f"{where} (storage imports pipeline.types / pipeline.config only)")
    assert not bad, "layering violations:\n" + "\n".join(bad)


GLOBAL_FACTORIES = {"create_engine", "Elasticsearch", "Tokenizer", "BackgroundScheduler", "Client",
                    "BlockingScheduler", "create_app"}


@pytest.mark.parametrize("pkg", sorted(ALLOWED))
def test_no_module_level_singletons(pkg):
    """Engines, clients, tokenizers and schedulers are built by the composition root, not at import."""
    bad = []
    for p, f in _files():
        if p != pkg:
            continue
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                fn = node.value.func
                name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
                if name in GLOBAL_FACTORIES:
                    bad.append(f"{f.relative_to(ROOT)}:{node.lineno}: module-level {name}()")
    assert not bad, "\n".join(bad)


def test_jieba_global_dictionary_is_never_used():
    bad = []
    for pkg, f in _files():
        src = f.read_text(encoding="utf-8")
        for fn in ("jieba.lcut(", "jieba.cut(", "jieba.add_word(", "jieba.load_userdict(", "jieba.initialize("):
            if fn in src:
                bad.append(f"{f.relative_to(ROOT)}: {fn}")
    assert not bad, "use a jieba.Tokenizer owned by the pipeline:\n" + "\n".join(bad)
