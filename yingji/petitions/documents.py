"""The texts of the written documents sent to petitioners (《信访工作条例》 Art. 22, 32, 34–36).

Documents speak in the handling body's name and never name the petitioner
or staff: the petitioner is addressed as 信访人, so documents hold no personal data.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Art. 35, 36: the petitioner may ask for review / re-review within 30 days of receiving the document.
REVIEW_WINDOW_DAYS = 30


def local_date(at: datetime) -> str:
    """Return ``at`` as a Chinese date in Asia/Shanghai, e.g. ``2026年3月5日``."""
    d = at.astimezone(SHANGHAI)
    return f"{d.year}年{d.month}月{d.day}日"


def local_minute(at: datetime) -> str:
    """Return ``at`` as a Chinese date and time to the minute in Asia/Shanghai, e.g. ``2026年3月5日 09:07``."""
    d = at.astimezone(SHANGHAI)
    return f"{local_date(d)} {d:%H:%M}"


def acceptance_text(number: str, issuer: str, at: datetime) -> str:
    """Return the acceptance notice (受理告知书, Art. 22)."""
    return (
        f"信访人：\n你（们）反映的信访事项（编号 {number}）已于{local_date(at)}依法受理。"
        f"我单位将自受理之日起60日内办结并书面答复（《信访工作条例》第三十四条）。"
        f"可凭信访事项编号和查询码查询办理进度。\n{issuer}\n{local_date(at)}"
    )


def non_acceptance_text(number: str, issuer: str, at: datetime, reason: str, route: str) -> str:
    """Return the non-acceptance notice (不予受理告知书, Art. 22, 31) with the reason and the route."""
    route_text = f"请依照有关法律、行政法规规定，通过{route}途径提出。" if route else ""
    return (
        f"信访人：\n你（们）反映的信访事项（编号 {number}）经审查，不予受理。理由：{reason}。"
        f"{route_text}\n{issuer}\n{local_date(at)}"
    )


def transfer_text(number: str, issuer: str, at: datetime, to_body: str) -> str:
    """Return the transfer notice (转送告知, Art. 22)."""
    return (
        f"信访人：\n你（们）反映的信访事项（编号 {number}）不属于我单位职责范围，"
        f"已于{local_date(at)}转送{to_body}办理。\n{issuer}\n{local_date(at)}"
    )


def extension_text(number: str, issuer: str, at: datetime, days: int, reason: str) -> str:
    """Return the extension notice (延期告知, Art. 34) with the reason told to the petitioner."""
    return (
        f"信访人：\n你（们）反映的信访事项（编号 {number}）因{reason}，"
        f"经本单位负责人批准，办理期限延长{days}日（《信访工作条例》第三十四条）。\n{issuer}\n{local_date(at)}"
    )


def reply_text(number: str, issuer: str, at: datetime, parts: dict[str, str]) -> str:
    """Return the written reply (处理意见书, Art. 32): request, facts, decision, basis, review route and window."""
    return (
        f"信访事项处理意见书（编号 {number}）\n信访人：\n"
        f"一、信访请求：{parts['request']}\n二、查明事实：{parts['facts']}\n"
        f"三、处理意见：{parts['decision']}\n四、依据：{parts['basis']}\n"
        f"五、如不服本处理意见，可以自收到本意见书之日起{REVIEW_WINDOW_DAYS}日内"
        f"请求{parts['review_body']}复查（《信访工作条例》第三十五条）。\n{issuer}\n{local_date(at)}"
    )


def review_opinion_text(number: str, issuer: str, at: datetime, parts: dict[str, str]) -> str:
    """Return the review opinion (复查意见书, Art. 35) naming the re-review route and window."""
    return (
        f"信访事项复查意见书（编号 {number}）\n信访人：\n复查意见：{parts['opinion']}\n"
        f"依据：{parts['basis']}\n如不服本复查意见，可以自收到本意见书之日起{REVIEW_WINDOW_DAYS}日内"
        f"向{parts['re_review_body']}请求复核（《信访工作条例》第三十六条）。\n{issuer}\n{local_date(at)}"
    )


def re_review_opinion_text(number: str, issuer: str, at: datetime, parts: dict[str, str]) -> str:
    """Return the re-review opinion (复核意见书, Art. 36), which closes the matter."""
    return (
        f"信访事项复核意见书（编号 {number}）\n信访人：\n复核意见：{parts['opinion']}\n"
        f"依据：{parts['basis']}\n本复核意见为最终处理意见。信访人对复核意见不服，"
        f"仍以同一事实和理由提出信访的，不再受理（《信访工作条例》第三十六条）。\n{issuer}\n{local_date(at)}"
    )
