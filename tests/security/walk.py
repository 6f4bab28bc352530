"""The walks of the security tests: every link a user can follow from where they start,
two pages of each route (two people, two groups...), so every route is reached without
visiting every row."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable, Iterator
from urllib.parse import urljoin, urlsplit

HREF = re.compile(r'href="([^"#]+)"')


def walk(fetch: Callable[[str], object], starts=("/",), skip=("/static/",),
         per_route: int = 2) -> Iterator[tuple[str, object]]:
    """(path, answer) of each page reached; ``fetch(path)`` asks for it (so the caller
    may look at what the request did), and the links of an HTML answer are followed."""
    seen, queue, taken = set(), deque(starts), Counter()
    while queue:
        path = queue.popleft()
        route = re.sub(r"\d+", "<id>", path)
        if path in seen or taken[route] >= per_route:
            continue
        seen.add(path)
        taken[route] += 1
        answer = fetch(path)
        yield path, answer
        if answer.status_code != 200 or "text/html" not in answer.content_type:
            continue
        for href in HREF.findall(answer.get_data(as_text=True)):
            target = urlsplit(urljoin("http://localhost" + path, href.replace("&amp;", "&")))
            if (target.scheme in ("http", "https") and target.netloc in ("", "localhost")
                    and not target.path.startswith(skip)):  # not tel: or mailto:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
