"""The product's password hasher: Argon2id with OWASP's parameters, a bounded number at once."""

from __future__ import annotations

import threading
import time

import argon2
from django.contrib.auth.hashers import Argon2PasswordHasher

from yingji.orgs import passwords
from yingji.orgs.passwords import Argon2Hasher


def test_hashes_are_argon2id_with_19_mib_2_passes_1_lane():
    hasher = Argon2Hasher()
    encoded = hasher.encode("Xq7-correct horse", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("Xq7-correct horse", encoded) is True
    assert hasher.verify("Xq7-wrong horse", encoded) is False
    assert hasher.must_update(encoded) is False


def test_a_hash_made_with_djangos_defaults_verifies_and_is_renewed():
    old = Argon2PasswordHasher().encode("Xq7-correct horse", Argon2PasswordHasher().salt())
    assert "$m=102400,t=2,p=8$" in old
    hasher = Argon2Hasher()
    assert hasher.verify("Xq7-correct horse", old) is True
    assert hasher.must_update(old) is True


def test_no_more_than_hashing_at_once_hashes_run_together(monkeypatch):
    running = 0
    most = 0
    lock = threading.Lock()
    real = argon2.low_level.hash_secret

    def slow_hash(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return real(*args, **kwargs)

    monkeypatch.setattr(passwords, "_hashing", threading.BoundedSemaphore(2))
    monkeypatch.setattr(argon2.low_level, "hash_secret", slow_hash)
    hasher = Argon2Hasher()
    threads = [
        threading.Thread(target=hasher.encode, args=(f"Xq7-pw{i}", hasher.salt())) for i in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 2


def test_half_the_cores_hash_at_once_and_at_least_one():
    assert [passwords.hashing_at_once(n) for n in (8, 2, 3, 1, None)] == [4, 1, 1, 1, 1]
