"""TOTP second factor (django-otp): enrolment helpers.

TOTP runs on real wall-clock time, not ``kernel.clock``: the user's authenticator does.
"""

from __future__ import annotations

import base64

import segno
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def device_for(user: User) -> TOTPDevice:
    """The user's confirmed device, else their pending one (created on first use)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="认证器 authenticator", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def provisioning_qr_svg(device: TOTPDevice, user: User) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator shows now (for `ggzy otp-code` on demo data, and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
