"""Reading exports: every date form of the real files, padding trimmed, unreadable values refused."""

from datetime import datetime

import pytest

from tests.complaints.conftest import SH
from yingji.complaints.parsing import clean, guess_mapping, parse_count, parse_time


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2019, 4, 8, 8, 37, 20), datetime(2019, 4, 8, 8, 37, 20, tzinfo=SH)),
        ("2019/4/25 9:32:09", datetime(2019, 4, 25, 9, 32, 9, tzinfo=SH)),
        ("2018/10/11 20:02:52", datetime(2018, 10, 11, 20, 2, 52, tzinfo=SH)),
        ("  2019-04-08 08:37:20\t", datetime(2019, 4, 8, 8, 37, 20, tzinfo=SH)),
        ("2019.4.8 8:37", datetime(2019, 4, 8, 8, 37, tzinfo=SH)),
        ("2019年4月25日 9时32分", datetime(2019, 4, 25, 9, 32, tzinfo=SH)),
        ("2019年4月25日 09:32:09", datetime(2019, 4, 25, 9, 32, 9, tzinfo=SH)),
        (43563.5, datetime(2019, 4, 8, 12, 0, tzinfo=SH)),
        (None, None),
        ("  ", None),
    ],
)
def test_every_date_form_parses_to_shanghai_time(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2018/4/24", "没有具体时刻"),
        ("2019/2/30 10:00:00", "不是有效日期"),
        ("去年春天", "不是日期时间"),
    ],
)
def test_unreadable_dates_are_refused_with_the_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_time(value)


def test_padding_is_trimmed():
    assert clean("\n\t\t\t\t\t\n\t\t\t\t\t2019年4月以来，\u3000\u3000位于A市\n\n\t后来") == (
        "2019年4月以来， 位于A市\n后来"
    )


def test_counts():
    assert parse_count("3") == 3
    assert parse_count(4.0) == 4
    assert parse_count(None) is None
    with pytest.raises(ValueError):
        parse_count("-1")


def test_mapping_guessed_from_the_message_board_headers():
    headers = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
    assert guess_mapping(headers) == {
        "number": "留言编号",
        "user": "留言用户",
        "subject": "留言主题",
        "posted_at": "留言时间",
        "text": "留言详情",
        "reply": "答复意见",
        "replied_at": "答复时间",
    }
