"""`bookbuild review`'s server: a decision reaches fixes.yaml and the chapter; a bad request
gets a 4xx and changes nothing; a chapter edited by hand is never overwritten."""

from __future__ import annotations

import http.client
import json
import threading
from pathlib import Path

import pytest
import yaml

from bookbuild.errors import BookError
from bookbuild.review.server import ReviewServer
from reviewbook import NAME, line, make_review_book, snapshot


def request(server: ReviewServer, method: str, path: str, body: object = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict | str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    sent = {"Content-Type": "application/json"} if data is not None else {}
    connection.request(method, path, body=data, headers={**sent, **(headers or {})})
    response = connection.getresponse()
    text = response.read().decode("utf-8")
    connection.close()
    if response.getheader("Content-Type", "").startswith("application/json"):
        return response.status, json.loads(text)
    return response.status, text


def _chapter_front(root: Path) -> dict:
    text = (root / "chapters" / f"{NAME}.md").read_text("utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_it_binds_127_0_0_1_only(served) -> None:
    server, _ = served
    assert server.server_address[0] == "127.0.0.1" and server.server_address[1] > 0
    assert server.url.startswith("http://127.0.0.1:")


def test_a_role_decision_is_written_and_the_chapter_normalised_again(served) -> None:
    server, root = served
    status, answer = request(server, "POST", f"/decide/{NAME}",
                             {"line": 4, "text": line(4), "role": "body"})
    assert status == 200, answer
    fixes = yaml.safe_load((root / "chapters" / "sources" / f"{NAME}.fixes.yaml").read_text())
    assert fixes == [{"role": "body", "line": 4, "text": line(4)}]
    assert "authors" not in _chapter_front(root)
    status, page = request(server, "GET", f"/review/{NAME}")
    assert status == 200 and 'id="L4" data-line="4" data-role="body"' in page
    # …and back: a second decision on the line replaces the first.
    request(server, "POST", f"/decide/{NAME}", {"line": 4, "text": line(4), "role": "person"})
    fixes = yaml.safe_load((root / "chapters" / "sources" / f"{NAME}.fixes.yaml").read_text())
    assert fixes == [{"role": "person", "line": 4, "text": line(4)}]
    assert _chapter_front(root)["authors"] == ["山田花子"]


def test_a_paragraph_toggle_splits_the_paragraph(served) -> None:
    server, root = served
    status, answer = request(server, "POST", f"/decide/{NAME}",
                             {"line": 7, "text": line(7), "paragraph": "ends"})
    assert status == 200, answer
    body = (root / "chapters" / f"{NAME}.md").read_text("utf-8")
    assert "変わった。その変化は東アジアにも及び、\n\n北朝鮮との関係" in body


BAD = {
    "unknown source": ("POST", "/decide/nosuch", {"line": 4, "text": line(4), "role": "body"},
                       {}, 404),
    "path trick": ("POST", "/decide/..%2F..%2Fbook", {"line": 1, "text": "", "role": "body"},
                   {}, 404),
    "dot dot": ("GET", "/review/../book.yaml", None, {}, 404),
    "line out of range": ("POST", f"/decide/{NAME}", {"line": 999, "text": "x", "role": "body"},
                          {}, 400),
    "line not a number": ("POST", f"/decide/{NAME}", {"line": "4", "text": line(4),
                                                       "role": "body"}, {}, 400),
    "unknown role": ("POST", f"/decide/{NAME}", {"line": 4, "text": line(4), "role": "author"},
                     {}, 400),
    "text of another line": ("POST", f"/decide/{NAME}", {"line": 4, "text": line(1),
                                                          "role": "body"}, {}, 409),
    "malformed JSON": ("POST", f"/decide/{NAME}", b'{"line": 4,', {}, 400),
    "not an object": ("POST", f"/decide/{NAME}", [4, "body"], {}, 400),
    "not JSON": ("POST", f"/decide/{NAME}", b"line=4", {"Content-Type": "text/plain"}, 415),
    "wrong method": ("GET", f"/decide/{NAME}", None, {}, 405),
    "delete": ("DELETE", f"/decide/{NAME}", None, {}, 405),
    "put": ("PUT", f"/decide/{NAME}", {"line": 4, "text": line(4), "role": "body"}, {}, 405),
    "post to the page": ("POST", f"/review/{NAME}", {"line": 4, "text": line(4),
                                                      "role": "body"}, {}, 405),
    "empty body": ("POST", f"/decide/{NAME}", b"", {}, 400),
    "too large": ("POST", f"/decide/{NAME}", b"{" + b" " * 70_000 + b"}", {}, 413),
    "blank line": ("POST", f"/decide/{NAME}", {"line": 3, "text": "", "role": "body"}, {}, 400),
    "both role and paragraph": ("POST", f"/decide/{NAME}", {"line": 7, "text": line(7),
                                                             "role": "body",
                                                             "paragraph": "ends"}, {}, 400),
    "unknown paragraph choice": ("POST", f"/decide/{NAME}", {"line": 7, "text": line(7),
                                                              "paragraph": "maybe"}, {}, 400),
    "another site's page": ("POST", f"/decide/{NAME}", {"line": 4, "text": line(4),
                                                         "role": "body"},
                            {"Origin": "http://example.com"}, 403),
    "another host name": ("GET", f"/review/{NAME}", None, {"Host": "example.com"}, 403),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_a_bad_request_gets_a_4xx_and_changes_nothing(served, case) -> None:
    server, root = served
    method, path, body, headers, expected = case
    before = snapshot(root)
    status, answer = request(server, method, path, body, headers)
    assert status == expected, answer
    if isinstance(answer, dict):
        assert answer["error"]
    assert snapshot(root) == before


def test_a_broken_fixes_file_is_a_clear_answer_on_the_page_and_on_a_decision(served) -> None:
    server, root = served
    fixes = root / "chapters" / "sources" / f"{NAME}.fixes.yaml"
    fixes.write_text("- paragraph_ends_after: 7\n  text: another text\n", "utf-8")
    before = snapshot(root)
    status, page = request(server, "GET", f"/review/{NAME}")
    assert status == 422 and "fixes.yaml" in page and "<html" in page
    status, answer = request(server, "POST", f"/decide/{NAME}",
                             {"line": 4, "text": line(4), "role": "body"})
    assert status == 422 and "decision 1" in answer["error"]
    assert snapshot(root) == before


def test_a_chapter_edited_by_hand_is_not_overwritten(served) -> None:
    server, root = served
    chapter = root / "chapters" / f"{NAME}.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n手で書き足した段落。\n", "utf-8")
    before = snapshot(root)
    status, answer = request(server, "POST", f"/decide/{NAME}",
                             {"line": 4, "text": line(4), "role": "body"})
    assert status == 409 and "edited by hand" in answer["error"]
    assert snapshot(root) == before


def test_an_unknown_name_is_refused_before_serving(tmp_path: Path) -> None:
    root = make_review_book(tmp_path / "book")
    with pytest.raises(BookError, match="no manuscript nosuch"):
        ReviewServer(root, ["nosuch"])


def test_the_command_refuses_an_unknown_name(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bookbuild.cli import main

    root = make_review_book(tmp_path / "book")
    result = CliRunner().invoke(main, ["review", "nosuch", "--root", str(root)])
    assert result.exit_code != 0 and "no manuscript nosuch" in result.output


def test_files_linked_from_outside_the_book_are_refused(tmp_path: Path) -> None:
    root = make_review_book(tmp_path / "book")
    outside = tmp_path / "secret.txt"
    outside.write_text("見せない\n", "utf-8")
    (root / "chapters" / "sources" / "linked.txt").symlink_to(outside)
    with pytest.raises(BookError, match="outside the book"):
        ReviewServer(root, ["linked"])
    # A fixes file linked outside: the decision is refused, nothing written anywhere.
    (root / "chapters" / "sources" / "linked.txt").unlink()
    target = tmp_path / "elsewhere.yaml"
    target.write_text("", "utf-8")
    (root / "chapters" / "sources" / f"{NAME}.fixes.yaml").symlink_to(target)
    server = ReviewServer(root, [NAME])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        before = snapshot(root)
        status, answer = request(server, "POST", f"/decide/{NAME}",
                                 {"line": 4, "text": line(4), "role": "body"})
        assert status == 422 and "outside the book" in answer["error"]
        assert snapshot(root) == before and target.read_text("utf-8") == ""
    finally:
        server.shutdown()
        server.server_close()
