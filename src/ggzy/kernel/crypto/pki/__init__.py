"""X.509 for both suites: parsing and chain verification (``certs``) and a development CA
that issues GM and INTL certificates (``devca``)."""

from ggzy.kernel.crypto.pki.certs import (
    ENCRYPT_USAGES,
    SIGN_USAGES,
    CertInfo,
    Usage,
    load_certificate,
    read_revocation_list,
    require_usage,
    verify_chain,
)
from ggzy.kernel.crypto.pki.devca import DevCA

__all__ = [
    "ENCRYPT_USAGES",
    "SIGN_USAGES",
    "CertInfo",
    "DevCA",
    "Usage",
    "load_certificate",
    "read_revocation_list",
    "require_usage",
    "verify_chain",
]
