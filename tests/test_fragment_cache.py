"""The cache of the pages' fixed fragments (yingji/cache.py): strings kept as they are."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from yingji.cache import FragmentCache
from yingji.orgs.choices import Role

from .conftest import client_for, member_of


@pytest.fixture
def fragments() -> FragmentCache:
    cache = caches["template_fragments"]
    assert isinstance(cache, FragmentCache)  # what settings.CACHES gives the {% cache %} tag
    cache.clear()
    yield cache
    cache.clear()


def test_a_fragment_comes_back_as_the_same_string_until_it_expires(fragments):
    html = mark_safe('<nav class="topbar">应急</nav>')  # noqa: S308
    with time_machine.travel(datetime(2026, 12, 1, 8, 0, tzinfo=UTC), tick=False) as clock:
        fragments.set("topbar", html, timeout=60)
        kept = fragments.get("topbar")
        assert kept is html and isinstance(kept, SafeString)
        clock.shift(59)
        assert fragments.get("topbar") is html
        clock.shift(2)
        assert fragments.get("topbar", "gone") == "gone"
        assert not fragments.has_key("topbar")


def test_add_keeps_a_live_fragment_and_anything_but_a_string_is_refused(fragments):
    assert fragments.add("logout", "<form>1</form>") is True
    assert fragments.add("logout", "<form>2</form>") is False
    assert fragments.get("logout") == "<form>1</form>"
    for value in (["<li>"], {"a": 1}, b"<p>", 3):
        with pytest.raises(TypeError, match="strings only"):
            fragments.set("bad", value)
        with pytest.raises(TypeError, match="strings only"):
            fragments.add("bad", value)
    with pytest.raises(TypeError, match="not counters"):
        fragments.incr("logout")
    assert fragments.get("bad") is None


def test_a_page_keeps_its_chrome_as_strings_and_serves_it_again(demo, fragments):
    client = client_for(member_of(demo, Role.PEACE_OFFICE_STAFF))
    first = client.get(reverse("earlywarning:ledger")).content.decode()
    kept = dict(fragments._cache)
    assert len(kept) >= 4  # assets, top bar, language list, log-out form
    assert all(isinstance(v, str) for v in kept.values())
    second = client.get(reverse("earlywarning:ledger")).content.decode()
    assert dict(fragments._cache) == kept  # served from the cache, nothing made again
    assert second.count('<form action="/logout/" method="post"') == 1
    # The same page twice differs only in the CSRF token's mask (64 letters and digits).
    assert re.sub("[A-Za-z0-9]{64}", "TOKEN", first) == re.sub("[A-Za-z0-9]{64}", "TOKEN", second)
