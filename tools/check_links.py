"""Check that every outside link of the README and the built course website still answers (the weekly check).

    python -m tools.check_links README.md _book     # exit 1, with the list, if any link is broken

Each unique http(s) link is asked for with HEAD (GET when a server refuses HEAD), following redirects; a link
counts as broken when the final answer is 4xx or 5xx or no answer comes. Links that only work in a browser session
(Colab and Binder launch pages) are asked for at their address, which answers even without a session.
Needs the internet: .github/workflows/compat.yml runs it; nothing here runs it on the course's CI machine.
"""

from __future__ import annotations

import argparse
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

MARKDOWN_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
HTML_LINK = re.compile(r"<a\b[^>]*\bhref=\"(https?://[^\"]+)\"", re.IGNORECASE)
# Not pages: the course's own not-yet-published site is checked after it is deployed, not before.
SKIP = re.compile(r"^https?://(127\.0\.0\.1|localhost)[:/]")


def links_in(paths: Iterable[Path]) -> list[str]:
    """Every unique outside link in the Markdown files and the HTML pages (folders are searched), sorted."""
    found: set[str] = set()
    for path in paths:
        files = sorted(path.rglob("*.html")) if path.is_dir() else [path]
        for file in files:
            text = file.read_text(encoding="utf-8", errors="replace")
            pattern = HTML_LINK if file.suffix == ".html" else MARKDOWN_LINK
            found.update(match.replace("&amp;", "&") for match in pattern.findall(text))
    return sorted(link for link in found if not SKIP.match(link))


def status(url: str, timeout: float = 20) -> int:
    """The HTTP status a link finally answers with (0 when nothing answers)."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "cnns-hands-on link check"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue  # some servers refuse HEAD: ask again with GET
            return error.code
        except (urllib.error.URLError, TimeoutError, OSError):
            return 0
    return 0


def broken(links: Iterable[str], ask: Callable[[str], int] = status) -> list[tuple[str, int]]:
    """The links whose answer is not a success: (link, status), status 0 when nothing answered."""
    answers = ((link, ask(link)) for link in links)
    return [(link, code) for link, code in answers if not 200 <= code < 400]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="Markdown files and folders of HTML pages")
    links = links_in(parser.parse_args().paths)
    failures = broken(links)
    for link, code in failures:
        print(f"BROKEN ({code or 'no answer'}): {link}")
    print(f"{len(links)} links checked, {len(failures)} broken")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
