"""Ledger event kinds recorded by accounts (账户台账事件): each a named constant
with what it witnesses. ``docs/events.md`` lists every app's; other apps react to them
through ``core.events``."""

LOGIN_LOCK_RELEASED = "login.lock_released"
"""Release a login lock (解除登录锁定) before its cool-off ends: forget the failed logins of an
account (from every address) or of an address (to every account); return how many records of
failures were forgotten. Recorded by ``services.release_lockout``."""

TOKEN_CREATED = "token.created"
"""Create a token; return it and the full secret, which is shown once and never stored. Recorded
by ``services.create_token``."""

TOKEN_REVOKED = "token.revoked"
"""A user revoked one of its API tokens. Recorded by ``services.revoke_token``."""
