"""Every audit action the code records has a Chinese name for the histories (``audit.labels``)."""

import re
from pathlib import Path

from django.utils import translation

import yingji
from yingji.audit.labels import LABELS, label

#: record(actor, "app.verb" …) and the warning transitions' f"earlywarning.{action}".
_RECORDED = re.compile(r'\brecord\(\s*[\w.()]+,\s*"([a-z_]+\.[a-z_]+)"')


def recorded_actions() -> set[str]:
    """Return the action keys written literally in a ``record(...)`` call under ``yingji/``."""
    root = Path(yingji.__file__).parent
    found: set[str] = set()
    for path in root.rglob("*.py"):
        if "migrations" not in path.parts:
            found.update(_RECORDED.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_recorded_action_has_a_label():
    found = recorded_actions()
    assert len(found) >= 60
    assert sorted(found - set(LABELS)) == []


def test_labels_are_chinese_and_unknown_keys_fall_back():
    with translation.override("zh-hans"):
        assert label("petitions.accept") == "已受理"
        assert label("orgs.confirm_second_factor") == "设置双因素认证"
        assert label("incidents.activate") == "启动预案"
        assert label("no.such_action") == "no.such_action"
        untranslated = [k for k, v in LABELS.items() if not re.search(r"[\u4e00-\u9fff]", label(k))]
    assert untranslated == []
