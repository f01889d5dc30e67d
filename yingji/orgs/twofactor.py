"""Time-based one-time passwords (TOTP, RFC 6238) through django-otp: set up, confirm, verify.

Setting up writes nothing until the member confirms: the set-up page keeps a
new key in the member's session (``SESSION_KEY``) and shows it as a QR code of
an unsaved device; the confirming POST creates the confirmed device
(``orgs.actions.confirm_second_factor``). A GET changes no state.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key, key_validator

#: Session entry holding the hex key of the device being set up (40 hex digits, 20 bytes).
SESSION_KEY = "yingji_otp_setup_key"


def session_key(session: Any) -> str:
    """Return the hex key kept in ``session`` for setting up, storing a new random one if none is valid."""
    key = session.get(SESSION_KEY)
    try:
        key_validator(key)
    except Exception:
        key = default_key()
        session[SESSION_KEY] = key
    return key


def unsaved_device(user: Any, key: str) -> TOTPDevice:
    """Return a TOTP device of ``user`` with hex ``key`` and django-otp's defaults, not saved."""
    return TOTPDevice(user=user, name="default", key=key, confirmed=False)


def matching_step(device: TOTPDevice, token: str) -> int | None:
    """Return the time step (RFC 6238 ``T``) at which ``token`` is ``device``'s code now, else None.

    Accepts ``device.tolerance`` steps (30 s each) either side, as django-otp does;
    never writes (django-otp's ``verify_token`` saves the device, even on failure).
    """
    token = token.strip()
    if not token.isdigit():
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(int(token), device.tolerance):
        return None
    return totp.t()


def has_confirmed_device(user: Any) -> bool:
    """Return True if ``user`` has a confirmed TOTP device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def qr_svg(device: TOTPDevice) -> str:
    """Return an inline SVG QR code of the device's ``otpauth://`` URL, for an authenticator app."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def base32_secret(device: TOTPDevice) -> str:
    """Return the device's secret in base32 in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
