"""The pager under the ledger, the audit log and the statistics drill-down lists."""

from django.core.paginator import Paginator
from django.template import engines
from django.utils import translation

from yingji.templatetags.paging import pager


def test_a_middle_page_links_both_ways_keeping_the_filter_escaped():
    page = Paginator(range(120), 50).get_page(2)
    html = pager(page, "status=open&q=%E5%BE%81%E5%9C%B0")
    assert html == (
        '<nav class="pager" aria-label="分页">\n'
        '  <a href="?status=open&amp;q=%E5%BE%81%E5%9C%B0&amp;page=1">上一页</a>\n'
        "  <span>第 2 页，共 3 页</span>\n"
        '  <a href="?status=open&amp;q=%E5%BE%81%E5%9C%B0&amp;page=3">下一页</a>\n'
        "</nav>"
    )


def test_the_ends_have_one_link_and_a_single_page_no_pager():
    first = pager(Paginator(range(120), 50).get_page(1), extra_class="no-print")
    assert first.startswith('<nav class="pager no-print"') and 'href="?page=2"' in first
    assert "上一页" not in first
    last = pager(Paginator(range(120), 50).get_page(3), "")
    assert 'href="?page=2">上一页' in last and "下一页" not in last
    assert pager(Paginator(range(50), 50).get_page(1), "a=1") == ""


def test_the_tag_in_a_template_and_in_english():
    template = engines["django"].from_string("{% load paging %}{% pager page query %}")
    page = Paginator(range(3), 1).get_page(2)
    with translation.override("en"):
        html = template.render({"page": page, "query": "x=<b>"})
    assert "<span>Page 2 of 3</span>" in html and 'href="?x=&lt;b&gt;&amp;page=3">Next</a>' in html
