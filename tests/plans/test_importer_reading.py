"""The importer reads any common encoding and .docx alike, and refuses bad input with a message."""

import io
import re
import zipfile

import pytest

from yingji.plans.importer import ImportRefused, import_document
from yingji.plans.importer.reading import MAX_BYTES, read_document

from .importing import docx_from_text, township_text

SEATS = {"组长：", "副组长：", "组员："}


def summary(draft):
    """What must not depend on how the text was stored."""
    return {
        "title": draft.title,
        "headings": [(s, level, title) for s, level, title, _line in draft.headings],
        "limits": [
            (t["phrase"], t["minutes"], t["days"], t["section"], t["starts"], t["ends"])
            for t in draft.time_limits
        ],
        "plan": draft.plan_data(),
    }


@pytest.fixture(scope="module")
def utf8():
    return summary(import_document(township_text().encode("utf-8"), "plan.txt"))


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (lambda t: t.encode("gb18030"), "GB18030"),
        (lambda t: t.replace("\u2002", " ").encode("gbk"), "GB18030"),
        (lambda t: t.encode("utf-16"), "UTF-16 (BOM)"),
        (lambda t: t.encode("utf-16-le"), "UTF-16 LE"),
        (lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "UTF-8 (BOM)"),
        (lambda t: t.replace("\n", "\r\n").encode("utf-8"), "UTF-8"),
    ],
)
def test_same_result_in_every_encoding(utf8, encoded, encoding):
    draft = import_document(encoded(township_text()), "plan.txt")
    assert draft.encoding == encoding
    assert summary(draft) == utf8


def test_same_result_from_docx_with_numbering_and_a_table(utf8):
    data = docx_from_text(township_text())
    source = read_document(data, "plan.docx")
    assert source.kind == "docx"
    texts = [line.text for line in source.lines]
    # Word's automatic numbering is rendered into the text; the seats came from a table.
    assert "一、指导思想" in texts and "（五）分级分类处置。" in texts
    seats = [line for line in source.lines if re.sub(r"\s", "", line.text) in SEATS]
    assert [line.origin for line in seats] == ["table"] * 3
    assert summary(import_document(data, "plan.docx")) == utf8


def test_page_furniture_and_loose_marks_are_tolerated(utf8):
    text = township_text()
    messy = (
        "首页 > 政务公开 > 预案\n【字体：大 中 小】 打印本页\n"
        + text.replace("五、预警处置", "第 1 页 共 3 页\n五、 预警处置")
        .replace("（三）启动预案。", "(三) 启动预案。")
        .replace("1.出现不稳定", "１．出现不稳定")
        .replace("（五）分级分类处置。", "- 2 -\n（五）分级分类处置。")
        + "\n关闭窗口\n"
    )
    draft = import_document(messy.encode("utf-8"), "plan.txt")
    assert summary(draft)["headings"] == utf8["headings"]
    assert draft.plan_data() == utf8["plan"]
    aside = {
        u.text for u in draft.unplaced if u.reason.startswith("已作为") or "set aside" in u.reason
    }
    assert {"第 1 页 共 3 页", "- 2 -", "关闭窗口", "【字体：大 中 小】 打印本页"} <= aside


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "plan.txt", "文件是空的"),
        (b"  \n\r\n  ", "plan.txt", "文件是空的"),
        (bytes(range(256)) * 40, "plan.txt", "不是文本文件"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "plan.txt", "不是文本文件"),
        (b"%PDF-1.7\n...", "plan.pdf", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "plan.doc", ".doc"),
        (b"just some english words", "plan.txt", "没有中文"),
        (b"not a zip at all", "plan.docx", "不是Word文档"),
    ],
)
def test_bad_input_gets_a_clear_message(data, name, message):
    with pytest.raises(ImportRefused, match=message):
        import_document(data, name)


def test_docx_that_is_a_zip_of_something_else():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(ImportRefused, match="word/document.xml"):
        import_document(out.getvalue(), "plan.docx")


def test_fifty_megabytes_is_refused_before_reading():
    data = ("一" * (50 * 1024 * 1024 // 3)).encode("utf-8")
    assert len(data) > MAX_BYTES
    with pytest.raises(ImportRefused, match="50.0 MB"):
        import_document(data, "plan.txt")


@pytest.mark.parametrize(
    "name",
    ["qingdao-road-traffic-accident-plan.txt", "xian-highway-traffic-emergency-plan.txt"],
)
def test_decimal_plans_read_the_same_from_docx_and_gb18030(name):
    from .importing import PLANS

    text = (PLANS / name).read_text(encoding="utf-8")
    expected = summary(import_document(text.encode("utf-8"), name))
    as_docx = summary(import_document(docx_from_text(text), name.replace(".txt", ".docx")))
    as_gb = summary(import_document(text.replace("\u2002", " ").encode("gb18030"), name))
    assert as_docx["headings"] == expected["headings"] == as_gb["headings"]
    assert as_docx["limits"] == expected["limits"] == as_gb["limits"]
