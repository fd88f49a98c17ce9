"""Password login, lockout, the second factor for staff, logout — and that each is logged."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django_otp.plugins.otp_totp.models import TOTPDevice

from ggzy.accounts.otp import current_code, device_for

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_entity_user_logs_in_and_out(client, entity_user) -> None:
    response = login(client, "bidder")
    assert response.status_code == 302 and response["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    log = AccessLog.objects.get(username="bidder")
    assert log.attempt_time is not None and log.logout_time is not None


def test_wrong_password_is_refused_in_chinese_and_logged(client, entity_user) -> None:
    response = login(client, "bidder", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert AccessFailureLog.objects.filter(username="bidder").count() == 1


def test_lockout_after_repeated_failures(client, entity_user, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "bidder", "wrong")
    response = login(client, "bidder")  # even the right password is refused now
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert AccessAttempt.objects.get(username="bidder").failures_since_start >= 5


def test_centre_staff_must_enrol_and_pass_totp(client, centre_user) -> None:
    response = login(client, "staff")
    assert response["Location"] == "/accounts/otp/"
    # Anything else redirects to the second factor until it is passed.
    assert client.get("/workspace/")["Location"] == "/accounts/otp/"
    page = client.get("/accounts/otp/").content.decode()
    assert "otp-secret" in page  # enrolment shows the secret and QR code
    device = TOTPDevice.objects.get(user=centre_user)
    wrong = client.post("/accounts/otp/", {"token": "12ab"})
    assert "6 位数字" in wrong.content.decode()
    response = client.post("/accounts/otp/", {"token": current_code(device)})
    assert response["Location"] == "/workspace/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/workspace/").status_code == 200


def test_staff_session_without_second_factor_cannot_use_the_api(client, centre_user) -> None:
    login(client, "staff")
    response = client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    device = device_for(centre_user)
    client.post("/accounts/otp/", {"token": current_code(device)})
    assert client.get("/api/v1/accounts/me").json()["role"] == "centre"


def test_wrong_totp_code_is_refused(client, centre_user) -> None:
    login(client, "staff")
    code = current_code(device_for(centre_user))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/otp/", {"token": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get("/workspace/")["Location"] == "/accounts/otp/"


def test_admin_site_needs_the_second_factor(client, admin_user, admin_client) -> None:
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"] == "/accounts/otp/"
    assert admin_client.get("/admin/").status_code == 200
