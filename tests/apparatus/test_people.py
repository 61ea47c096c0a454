"""People's readings (apparatus.people): the book's own first, else the analyser's proposal,
asked of the editor with where to confirm it; the EPUB files every creator by one."""

from __future__ import annotations

from bookbuild.apparatus.index import propose_name_reading
from bookbuild.apparatus.people import book_people, reading_queries
from bookbuild.book import load_book
from bookbuild.check import check_book
from tinybook import BOOK_YAML, CHAPTER, make_book


def test_the_analyser_proposes_a_family_and_a_given_name_and_reads_unknown_kanji_on():
    assert propose_name_reading("兵頭慎治") == "ひょうどう しんじ"
    assert propose_name_reading("鴨下ひろみ") == "かもした ひろみ"
    # 述森 is no word of the dictionary: each kanji's on'yomi, as a Chinese name is read
    assert propose_name_reading("李述森") == "り じゅつしん"
    assert propose_name_reading("\U0002a6a5") == ""  # no reading for this kanji at all


def test_a_person_without_reading_gets_a_proposal_and_a_question_naming_the_place(tmp_path):
    chapter = CHAPTER.replace("  - name: 山田花子\n", "  - name: 山田花子\ntranslators:\n"
                              "  - 兵頭慎治\n")
    root = make_book(tmp_path / "book", chapter=chapter,
                     book_yaml=BOOK_YAML + "editors:\n  - 編集部\n")
    book = load_book(root)
    people = {p.name: p for p in book_people(book.config.editors, book.chapters,
                                             read=book.read_text)}
    assert (people["山田花子"].role, people["山田花子"].reading,
            people["山田花子"].proposed) == ("aut", "やまだ はなこ", True)
    assert people["兵頭慎治"].role == "trl" and people["編集部"].role == "edt"
    questions = [str(d) for d in check_book(book) if "has no reading" in d.message]
    assert len(questions) == 3
    author = next(q for q in questions if "山田花子" in q)
    assert author.startswith("chapters/one.md:4: query: the author 山田花子 has no reading")
    assert "「やまだ はなこ」" in author and "`reading: やまだ はなこ`" in author


def test_a_reading_given_in_the_front_matter_is_no_question(tmp_path):
    chapter = CHAPTER.replace("  - name: 山田花子\n",
                              "  - name: 山田花子\n    reading: やまだ はなこ\n")
    book = load_book(make_book(tmp_path / "book", chapter=chapter))
    (person,) = book_people((), book.chapters)
    assert person.reading == "やまだ はなこ" and not person.proposed
    assert reading_queries([person]) == []
