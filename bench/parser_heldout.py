"""Field checks of the page parsers against answer keys written by reading the pages.

Two sets, reported apart so generalisation can be told from tuning:
  tuning   — ../shared/fixtures/real (the pages the parsers were developed on), keys in
             bench/parser_keys/tuning/
  held-out — tests/fixtures/heldout/pages (never used while developing), keys in
             tests/fixtures/heldout/keys/

Each key is one JSON object per page ("batch" names the blind batch a page came in with); every
field it names is one check:
  page_type, title, published_at ("YYYY-MM-DD" compares the date, "…THH:MM[:SS]" the given
  precision), author, outlet (null means "none"), text_start, text_has, text_lacks (one check for
  the whole list), min_items, item_titles (one check per title), items_lack (one check).
Thread pages: post_count (exact) or min_posts, authors (one check per listed floor, in page
order), times (likewise, same precision rule as published_at), posts_lack (one check over every
floor's text: quotes and edit stamps that must not be kept), has_next_page (true/false).

    .venv/bin/python bench/parser_heldout.py [--set tuning|heldout|both] [--batch NAME] [--verbose]
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawlers.parsers import ParseError, parse_page  # noqa: E402
from crawlers.timeparse import SHANGHAI  # noqa: E402

SETS = {
    "tuning": (ROOT / "bench" / "parser_keys" / "tuning", ROOT.parent / "shared" / "fixtures" / "real"),
    "heldout": (ROOT / "tests" / "fixtures" / "heldout" / "keys", ROOT / "tests" / "fixtures" / "heldout" / "pages"),
}
NOW = datetime(2026, 12, 1, tzinfo=SHANGHAI)


def _norm(s: str | None) -> str | None:
    return " ".join(s.split()) if isinstance(s, str) else s


def _time_ok(want: str, got: datetime | None) -> bool:
    if got is None:
        return False
    return got.isoformat()[:len(want)] == want


def check(key: dict, page) -> list[tuple[str, bool, object]]:
    """(field, passed, what the parser gave) for every field the key names."""
    out: list[tuple[str, bool, object]] = []
    post = page.posts[0] if page and page.posts else None
    text = post.text if post else ""
    for field, want in key.items():
        if field in ("page", "kind", "url", "batch"):
            continue
        if field == "page_type":
            got = page.page_type if page else None
            out.append((field, got == want, got))
        elif field == "title":
            got = page.title if page else None
            out.append((field, _norm(got) == _norm(want), got))
        elif field == "published_at":
            got = post.published_at if post else None
            out.append((field, _time_ok(want, got), got and got.isoformat()))
        elif field in ("author", "outlet"):
            got = getattr(post, field, None) if post else None
            out.append((field, got == want, got))
        elif field == "text_start":
            out.append((field, text.lstrip().startswith(want), text[:40]))
        elif field == "text_has":
            out.append((field, want in text, text[:40]))
        elif field == "text_lacks":
            found = [w for w in want if w in text]
            out.append((field, not found, found))
        elif field == "min_items":
            got = len(page.items) if page else 0
            out.append((field, got >= want, got))
        elif field == "item_titles":
            titles = {_norm(i.title) for i in page.items} if page else set()
            out += [(f"item:{t}", _norm(t) in titles, None) for t in want]
        elif field == "items_lack":  # ads and furniture that must not become items
            titles = {_norm(i.title) for i in page.items} if page else set()
            found = [t for t in want if _norm(t) in titles]
            out.append((field, not found, found))
        elif field == "post_count":
            got = len(page.posts) if page else 0
            out.append((field, got == want, got))
        elif field == "min_posts":
            got = len(page.posts) if page else 0
            out.append((field, got >= want, got))
        elif field in ("authors", "times"):
            posts = page.posts if page else ()
            for i, w in enumerate(want):
                p = posts[i] if i < len(posts) else None
                if field == "authors":
                    got = p.author if p else None
                    out.append((f"author#{i + 1}", got == w, got))
                else:
                    got = p.published_at if p else None
                    out.append((f"time#{i + 1}", _time_ok(w, got), got and got.isoformat()))
        elif field == "posts_lack":
            found = sorted({w for p in (page.posts if page else ()) for w in want if w in p.text})
            out.append((field, not found, found))
        elif field == "has_next_page":
            got = bool(page and page.next_page)
            out.append((field, got == want, page.next_page if page else None))
        else:
            raise SystemExit(f"unknown key field {field!r} in {key.get('page')}")
    return out


def run(name: str, verbose: bool, batch: str = "") -> tuple[int, int, int]:
    keys_dir, pages_dir = SETS[name]
    passed = total = pages = 0
    for key_file in sorted(keys_dir.glob("*.json")):
        key = json.loads(key_file.read_text(encoding="utf-8"))
        if batch and key.get("batch") != batch:
            continue
        try:
            page = parse_page((pages_dir / key["page"]).read_bytes(), key["kind"], key.get("url"), now=NOW)
        except ParseError:
            page = None
        results = check(key, page)
        pages += 1
        total += len(results)
        passed += sum(ok for _f, ok, _g in results)
        if verbose:
            for field, ok, got in results:
                if not ok:
                    print(f"  {name} {key['page']}: {field} ✗ got {got!r}")
    return passed, total, pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", choices=("tuning", "heldout", "both"), default="both")
    ap.add_argument("--batch", default="", metavar="NAME", help='score only the keys marked "batch": NAME')
    ap.add_argument("--verbose", action="store_true", help="list every failed check")
    args = ap.parse_args()
    for name in (("tuning", "heldout") if args.set == "both" else (args.set,)):
        passed, total, pages = run(name, args.verbose, args.batch)
        print(f"{name}: {passed}/{total} field checks = {passed / max(total, 1):.1%} on {pages} pages")


if __name__ == "__main__":
    main()
