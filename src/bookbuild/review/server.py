"""`bookbuild review`: the review pages served on 127.0.0.1, where the editor changes what a
line became; each change is a decision in `<name>.fixes.yaml`, and the chapter is
normalised again.

Endpoints:
- `GET /`: the manuscripts, linked;
- `GET /review/<name>`: the page, normalised afresh from the source and its decisions;
- `POST /decide/<name>`: one decision as JSON, `{"line": 12, "text": "…", "role": "person"}`
  (a role of `fixes.ROLES`, or "auto": drop the editor's role decision on that line) or
  `{"line": 12, "text": "…", "paragraph": "ends" | "continues" | "auto"}`. 200 with
  `{"message": …}`; else a 4xx with `{"error": …}` and nothing written.

Only requests for this host (127.0.0.1 or localhost at our port: no other site's page may
post here, and a DNS name pointed at 127.0.0.1 is refused) with a JSON body are taken.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..errors import BookError
from ..fsutil import write_atomic
from ..manuscript.decode import decode
from ..manuscript.fixes import ROLES, decision_line, with_decision
from ..manuscript.lines import split_lines
from .files import (
    Manuscript,
    edited_by_hand,
    find_manuscript,
    manuscript_names,
    normalise_manuscript,
    page_html,
    write_outputs,
)

MAX_BODY = 64 * 1024
PARAGRAPH = {"ends": "paragraph_ends_after", "continues": "paragraph_continues_after"}
# What the page may load: itself, its inline style and script, and posts to this server.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'")


class Refused(Exception):
    """A request answered with a 4xx: nothing was written."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, names: list[str] | None = None, port: int = 0,
                 log: Callable[[str], None] | None = None) -> None:
        self.root = Path(root).resolve()
        self.names = list(names) if names else manuscript_names(self.root)
        unknown = [name for name in self.names if find_manuscript(self.root, name) is None]
        if unknown:
            raise BookError(f"no manuscript {', '.join(unknown)} in the book's sources "
                            f"folder (chapters/sources/ under {self.root})")
        self.log = log
        self.lock = threading.Lock()  # one decision at a time: each rewrites three files
        super().__init__(("127.0.0.1", port), ReviewHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def manuscript(self, name: str) -> Manuscript:
        found = find_manuscript(self.root, name) if name in self.names else None
        if found is None:
            raise Refused(HTTPStatus.NOT_FOUND, f"no manuscript named '{name}' is reviewed here")
        return found


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "bookbuild-review"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._answer(self._post)

    def do_PUT(self) -> None:  # noqa: N802
        self._answer(self._not_allowed)

    do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_PUT  # noqa: N815

    def _answer(self, handle: Callable[[str], tuple[HTTPStatus, str, bytes]]) -> None:
        try:
            self._check_host()
            path = unquote(urlsplit(self.path).path)
            status, kind, body = handle(path)
        except Refused as refusal:
            status, kind, body = refusal.status, "application/json", _json(
                {"error": str(refusal)})
        except BookError as error:  # the source or its fixes file cannot be read
            status, kind, body = HTTPStatus.UNPROCESSABLE_ENTITY, "application/json", _json(
                {"error": error.message})
        except Exception as error:  # answered, rather than a dropped connection
            status, kind, body = HTTPStatus.INTERNAL_SERVER_ERROR, "application/json", _json(
                {"error": f"{type(error).__name__}: {error}"})
        if self.command == "GET" and kind == "application/json":
            kind, body = "text/html", _error_page(status, json.loads(body)["error"])
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CSP)
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET" if not path_is_decision(self.path) else "POST")
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has headers only
            self.wfile.write(body)

    def _check_host(self) -> None:
        port = self.server.server_address[1]
        allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
        if self.headers.get("Host") not in allowed:
            raise Refused(HTTPStatus.FORBIDDEN, "this server answers 127.0.0.1 only")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{host}" for host in allowed}:
            raise Refused(HTTPStatus.FORBIDDEN, f"requests from {origin} are refused")

    def _get(self, path: str) -> tuple[HTTPStatus, str, bytes]:
        if path == "/":
            return HTTPStatus.OK, "text/html", _index(self.server).encode("utf-8")
        if path.startswith("/review/"):
            manuscript = self.server.manuscript(path.removeprefix("/review/"))
            result = normalise_manuscript(manuscript)
            html = page_html(manuscript.root, manuscript.name, manuscript.source,
                             manuscript.chapter, result, interactive=True)
            return HTTPStatus.OK, "text/html", html.encode("utf-8")
        if path_is_decision(path):
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, "decisions are sent with POST")
        raise Refused(HTTPStatus.NOT_FOUND, f"nothing at {path}")

    def _post(self, path: str) -> tuple[HTTPStatus, str, bytes]:
        if not path_is_decision(path):
            raise Refused(HTTPStatus.METHOD_NOT_ALLOWED if path.startswith("/review/")
                          else HTTPStatus.NOT_FOUND, f"nothing to post at {path}")
        manuscript = self.server.manuscript(path.removeprefix("/decide/"))
        payload = self._json_body()
        with self.server.lock:
            message = decide(manuscript, payload)
        if self.server.log:
            self.server.log(f"{manuscript.name}: {message}")
        return HTTPStatus.OK, "application/json", _json({"message": message})

    def _not_allowed(self, path: str) -> tuple[HTTPStatus, str, bytes]:
        raise Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not served here")

    def _json_body(self) -> object:
        if self.headers.get_content_type() != "application/json":
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send the decision as JSON "
                          "(Content-Type: application/json)")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(HTTPStatus.LENGTH_REQUIRED, "Content-Length is needed") from None
        if not 0 < length <= MAX_BODY:
            raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE if length > 0
                          else HTTPStatus.BAD_REQUEST, "a decision is a small JSON object")
        try:
            return json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise Refused(HTTPStatus.BAD_REQUEST, f"malformed JSON: {error}") from None

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's
        if self.server.log:
            self.server.log(format % args)


def path_is_decision(path: str) -> bool:
    return urlsplit(path).path.startswith("/decide/")


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _error_page(status: HTTPStatus, message: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{status.value} '
            f'{escape(status.phrase)}</title></head><body><h1>{status.value} '
            f'{escape(status.phrase)}</h1><p>{escape(message)}</p><p><a href="/">the '
            "manuscripts</a></p></body></html>").encode()


def _index(server: ReviewServer) -> str:
    items = "".join(f'<li><a href="/review/{quote(name)}">{escape(name)}</a></li>'
                    for name in server.names)
    return ('<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>review</title>'
            '</head><body><h1>Manuscripts to review</h1><ul>' + items + "</ul></body></html>")


def decision_entry(payload: object, lines: list[str]
                   ) -> tuple[dict | None, tuple[str, int] | None, str]:
    """(the fixes.yaml entry, or None to drop one; the (group, line) it replaces; what it
    says) for a request's JSON; `Refused` (400/409) when it is not a decision on a line."""
    if not isinstance(payload, dict):
        raise Refused(HTTPStatus.BAD_REQUEST, "a decision is a JSON object")
    unknown = set(payload) - {"line", "text", "role", "paragraph"}
    if unknown or ("role" in payload) == ("paragraph" in payload):
        raise Refused(HTTPStatus.BAD_REQUEST, "a decision holds `line`, `text` and either "
                      "`role` or `paragraph`")
    number = payload.get("line")
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(lines):
        raise Refused(HTTPStatus.BAD_REQUEST, f"line {number!r} is not a line of the source "
                      f"(1–{len(lines)})")
    text = lines[number - 1]
    if payload.get("text") != text:
        raise Refused(HTTPStatus.CONFLICT, f"line {number} of the source reads '{text}' now, "
                      "not as the page shows it: reload the page")
    if not text:
        raise Refused(HTTPStatus.BAD_REQUEST, f"line {number} is blank: it has no role")
    if "role" in payload:
        role = payload["role"]
        if role != "auto" and role not in ROLES:
            raise Refused(HTTPStatus.BAD_REQUEST, f"role {role!r} is none of "
                          f"{', '.join(ROLES)} (or auto)")
        entry = None if role == "auto" else {"role": role, "line": number, "text": text}
        said = f"line {number} → {role}"
    else:
        choice = payload["paragraph"]
        if choice not in (*PARAGRAPH, "auto"):
            raise Refused(HTTPStatus.BAD_REQUEST, f"paragraph {choice!r} is none of ends, "
                          "continues, auto")
        entry = None if choice == "auto" else {PARAGRAPH[choice]: number, "text": text}
        said = f"line {number}: the paragraph {choice} after it"
    return entry, decision_line({"role": 1, "line": number} if "role" in payload
                                else {PARAGRAPH["ends"]: number}), said


def decide(manuscript: Manuscript, payload: object) -> str:
    """Check the decision, normalise with it, and only then write the fixes file, the
    chapter, its page and record (each atomically). Returns what was done."""
    raw = manuscript.source.read_bytes()
    lines = [line.text for line in split_lines(decode(raw, str(manuscript.source)).text)]
    entry, replaces, said = decision_entry(payload, lines)
    if replaces is None:  # decision_entry checked the line: cannot happen
        raise Refused(HTTPStatus.BAD_REQUEST, "the decision names no line")
    hand = edited_by_hand(manuscript)
    if hand:
        raise Refused(HTTPStatus.CONFLICT, hand)
    fixes = manuscript.fixes
    old = fixes.read_text(encoding="utf-8") if fixes.exists() else ""
    new = with_decision(old, str(fixes), entry, replaces)
    result = normalise_manuscript(manuscript, new)  # a BookError here: nothing written
    write_atomic(fixes, new)
    write_outputs(manuscript, result)
    chapter = manuscript.relative(manuscript.chapter)
    return f"{said}; wrote {manuscript.relative(fixes)} and {chapter}"


def serve(root: Path, names: list[str], port: int, echo: Callable[[str], None]) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = ReviewServer(root, names, port, log=echo)
    echo(f"reviewing {len(server.names)} manuscript(s) at {server.url} (Ctrl-C to stop)")
    for name in server.names:
        echo(f"  {server.url}review/{quote(name)}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
