"""Time-based one-time passwords (TOTP, RFC 6238) through django-otp: set up, confirm, verify."""

from __future__ import annotations

from typing import Any

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice


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
