"""Ask the portal about a posting again, the way its own app asked: the lightest fresh read-back.

When the app opens a posting it fetches it (``GET …/postings/N``, or a list filtered to it). That request,
seen on the page load that opened the posting, is a question the portal answers afresh every time. After a
save the agent asks it again from inside the page (the page's cookies and origin, no cache) and reads, in the
answer's object about that posting, the field that held the number the drawer showed when it was opened: the
portal's own tracking-number field, learned once a run from a posting that had a number. Nothing is rendered, so
it costs a fraction of a drawer reopened or a page reloaded; when the answer cannot settle it, the read-back goes
the longer ways (``find_posting.reread_posting``).

Only the page's own origin is asked, and only with ``GET``, a read by HTTP's own rules: a front end that reads
with ``POST`` is read back the longer ways, because sending one of its requests again could be a write. And only
an answer the network carried counts: the page's code can answer a ``fetch`` itself (a service worker's cache,
or an app that wraps ``fetch`` and keeps the save's echo), and that is no fresh answer of the portal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from agent.rules.tracking import normalize

#: Request headers the browser sets itself (a page may not, or must not, set them again).
_BROWSER_HEADERS = {"cookie", "host", "referer", "user-agent", "origin", "connection", "content-length",
                    "accept-encoding", "accept-language"}

_ASK = """async ({url, headers, ms}) => {
  try {
    const answer = await fetch(url, {method: "GET", headers, credentials: "same-origin", cache: "no-store",
                                     redirect: "manual", signal: AbortSignal.timeout(ms)});
    return {status: answer.status, text: await answer.text()};
  } catch (e) {
    return null;
  }
}"""


@dataclass(frozen=True)
class PostingQuestion:
    """A ``GET`` the app sent about one posting and the portal answered with JSON."""

    posting_number: str
    url: str
    #: The app's own headers (``Accept``, a client name, a token): never logged; never the cookie (the browser's).
    headers: dict[str, str] = field(repr=False)
    #: Whether the URL's path names the posting (its own resource), not only its query (a list filtered to it).
    own: bool
    #: The answer the app got, to learn the tracking-number field from (its body is read only for that).
    response: Response | None = field(default=None, repr=False, compare=False)


#: Where a value sits in a posting's object: its keys, from the object down through the objects nested in it.
FieldPath = tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """The answer to a question asked again."""

    status: int
    text: str
    #: Whether the network carried it (Playwright saw the portal's response, not one a service worker gave);
    #: False when the page's own code answered, from whatever it keeps: then it proves nothing.
    from_portal: bool = True


class _Unanswered(Exception):
    """The page's ``fetch`` gave no answer: no reply is awaited from the network either."""


def question_of(response: Response, posting_number: str, origin: str) -> PostingQuestion | None:
    """The question a response answers: a JSON answer to the app's ``GET`` naming the posting, on ``origin``."""
    request = response.request
    if request.method != "GET" or request.resource_type not in ("fetch", "xhr") or response.status != 200:
        return None
    if "json" not in response.headers.get("content-type", ""):
        return None
    url = response.url
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None  # another host: not ours to ask (and the page's cookies would not go with it)
    in_path, in_query = posting_number in unquote(parts.path), posting_number in unquote(parts.query)
    if not (in_path or in_query):
        return None
    headers = {name: value for name, value in request.headers.items()
               if name.lower() not in _BROWSER_HEADERS and not name.lower().startswith(("sec-", ":"))}
    return PostingQuestion(posting_number, url, headers, own=in_path, response=response)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def questions_seen(page: Page, posting_number: str, origin: str) -> Iterator[list[PostingQuestion]]:
    """Collect, while the block runs, the questions the page's app asks the portal (``origin``) about a posting."""
    seen: list[PostingQuestion] = []

    def on_response(response: Response) -> None:
        question = question_of(response, posting_number, origin)
        if question is not None:
            seen.append(question)

    page.on("response", on_response)
    try:
        yield seen
    finally:
        page.remove_listener("response", on_response)


def best_question(seen: list[PostingQuestion]) -> PostingQuestion | None:
    """The question to ask again: the posting's own resource before a list filtered to it; the latest of each."""
    own = [q for q in seen if q.own]
    return (own or seen)[-1] if seen else None


def ask_again(page: Page, question: PostingQuestion, timeout_ms: float) -> Answer | None:
    """Send the question again from inside the page, past every cache; None when no answer came in time.

    The answer is the page's; whether the portal gave it is read from the network, as Playwright sees it: a
    response to this URL, not from a service worker. An answer with no such response (the page's code answered
    from memory; found once the wait for the response runs out) or from a service worker is
    ``from_portal=False``.
    """
    got: Any = None
    carried: Response | None = None

    def reply(response: Response) -> bool:
        return response.url == question.url and response.request.method == "GET"

    try:
        with page.expect_response(reply, timeout=timeout_ms) as wire:
            got = page.evaluate(_ASK, {"url": question.url, "headers": question.headers, "ms": timeout_ms})
            if not isinstance(got, dict):
                raise _Unanswered  # leaves without waiting for a response that is not coming
        carried = wire.value
    except _Unanswered:
        return None
    except PlaywrightError:
        if not isinstance(got, dict):
            return None  # the page went away while asking
        # else the page answered, but no response came on the network in time
    status = int(got["status"])
    by_portal = carried is not None and not carried.from_service_worker and carried.status == status
    return Answer(status, str(got["text"]), from_portal=by_portal)


def tracking_fields(text: str, posting_number: str, shown: str) -> tuple[FieldPath, ...]:
    """Where the posting's object in a JSON answer holds ``shown`` (the number its drawer shows); () if nowhere.

    Read with :func:`holds` after a save: the portal's own tracking-number field, whatever its name.
    """
    posting = _the_posting(text, posting_number)
    if posting is None or not normalize(shown):
        return ()
    return tuple(path for path, value in _own_values(posting, ()) if normalize(value) == normalize(shown))


def holds(text: str, posting_number: str, expect: str, fields: tuple[FieldPath, ...]) -> bool | None:
    """Whether every one of ``fields`` of the posting's object in a JSON answer holds ``expect``.

    The object about the posting is the innermost one with the posting number as a value of its own. It must be
    the only one: an answer naming the posting in two objects cannot say which is current. Fields are read in it
    and the objects nested in it, never in its lists (history, items, other postings).

    Returns:
        True or False as the answer says (a field missing or not text: False); None when it cannot tell (no
        fields learned, not JSON, no object or several about the posting).
    """
    posting = _the_posting(text, posting_number)
    if posting is None or not fields:
        return None
    values = dict(_own_values(posting, ()))
    return all(normalize(values.get(path, "")) == normalize(expect) for path in fields)


def _the_posting(text: str, posting_number: str) -> dict[str, Any] | None:
    """The one innermost object of a JSON answer with the posting number as a value of its own, else None."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    found = _objects_naming(data, posting_number)
    return found[0] if len(found) == 1 else None


def _objects_naming(data: Any, posting_number: str) -> list[dict[str, Any]]:
    """The innermost objects having ``posting_number`` as a value of their own."""
    found: list[dict[str, Any]] = []
    children: list[Any] = []
    if isinstance(data, dict):
        children = list(data.values())
    elif isinstance(data, list):
        children = data
    for child in children:
        found.extend(_objects_naming(child, posting_number))
    if isinstance(data, dict) and not found and posting_number in (v for v in data.values() if isinstance(v, str)):
        found.append(data)
    return found


def _own_values(obj: dict[str, Any], path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    """An object's string values by their paths, with those of the objects nested in it, but not inside lists."""
    for key, value in obj.items():
        if isinstance(value, str):
            yield (*path, str(key)), value
        elif isinstance(value, dict):
            yield from _own_values(value, (*path, str(key)))
