"""The little DER (ASN.1) this package needs, written out by hand.

Only for what no installed library does for SM2: assembling the ``TBSCertificate`` of a
GM certificate and finding a certificate's ``SubjectPublicKeyInfo`` when ``cryptography``
refuses to load an SM2 key. Names and extension values are encoded by ``cryptography``;
this module only adds the outer structure. Definite lengths only; input is bounds-checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

SEQUENCE = 0x30
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
OID = 0x06
BOOLEAN = 0x01
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18


class DerError(ValueError):
    """The bytes are not the DER this module expects."""


# -- encoding ---------------------------------------------------------------------------


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def sequence(*items: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(items))


def explicit(number: int, content: bytes) -> bytes:
    """A context-specific, constructed (EXPLICIT) tag ``[number]``."""
    return tlv(0xA0 | number, content)


def integer(value: int) -> bytes:
    if value < 0:
        raise DerError("negative INTEGER is not needed here")
    raw = value.to_bytes(value.bit_length() // 8 + 1, "big")  # leading 0x00 keeps it positive
    if len(raw) > 1 and raw[0] == 0 and raw[1] < 0x80:
        raw = raw[1:]
    return tlv(INTEGER, raw)


def oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    if len(parts) < 2 or parts[0] > 2:
        raise DerError(f"bad OID {dotted}")
    body = bytearray()
    for arc in [40 * parts[0] + parts[1], *parts[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return tlv(OID, bytes(body))


def boolean(value: bool) -> bytes:
    return tlv(BOOLEAN, b"\xff" if value else b"\x00")


def octet_string(value: bytes) -> bytes:
    return tlv(OCTET_STRING, value)


def bit_string(value: bytes) -> bytes:
    return tlv(BIT_STRING, b"\x00" + value)


def time(moment: datetime) -> bytes:
    """RFC 5280 §4.1.2.5: UTCTime up to 2049, GeneralizedTime from 2050; always UTC, seconds."""
    if moment.tzinfo is None:
        raise DerError("certificate times must be timezone-aware")
    utc = moment.astimezone(UTC)
    if 1950 <= utc.year < 2050:
        return tlv(UTC_TIME, utc.strftime("%y%m%d%H%M%SZ").encode("ascii"))
    return tlv(GENERALIZED_TIME, utc.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


# -- decoding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    tag: int
    start: int  # offset of the tag byte
    body: int  # offset of the content
    end: int  # offset just past the content

    def raw(self, data: bytes) -> bytes:
        return data[self.start : self.end]

    def content(self, data: bytes) -> bytes:
        return data[self.body : self.end]


def read(data: bytes, offset: int = 0, limit: int | None = None) -> Element:
    """Read one TLV at ``offset`` that must end before ``limit`` (default: end of data)."""
    stop = len(data) if limit is None else limit
    if offset + 2 > stop:
        raise DerError("truncated DER element")
    tag, first = data[offset], data[offset + 1]
    pos = offset + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > stop:
            raise DerError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > stop:
        raise DerError("DER element runs past its container")
    return Element(tag, offset, pos, pos + length)


def children(data: bytes, parent: Element) -> list[Element]:
    """The elements directly inside a constructed ``parent``."""
    items: list[Element] = []
    pos = parent.body
    while pos < parent.end:
        item = read(data, pos, parent.end)
        items.append(item)
        pos = item.end
    return items


def spki_from_tbs(tbs: bytes) -> bytes:
    """The ``SubjectPublicKeyInfo`` of a ``TBSCertificate`` (RFC 5280 §4.1)."""
    top = read(tbs)
    if top.tag != SEQUENCE or top.end != len(tbs):
        raise DerError("TBSCertificate is not one SEQUENCE")
    fields = children(tbs, top)
    if fields and fields[0].tag == 0xA0:  # [0] version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    if len(fields) < 6 or fields[5].tag != SEQUENCE:
        raise DerError("TBSCertificate has no SubjectPublicKeyInfo")
    return fields[5].raw(tbs)


def signature_algorithms(certificate: bytes) -> tuple[bytes, bytes]:
    """The raw AlgorithmIdentifiers inside the ``TBSCertificate`` and outside it.

    RFC 5280 §4.1.1.2 requires the two to be identical.
    """
    top = read(certificate)
    outer = children(certificate, top)
    if top.end != len(certificate) or len(outer) != 3 or outer[0].tag != SEQUENCE:
        raise DerError("Certificate is not SEQUENCE { tbs, algorithm, signature }")
    fields = children(certificate, outer[0])
    if fields and fields[0].tag == 0xA0:
        fields = fields[1:]
    if len(fields) < 2:
        raise DerError("TBSCertificate has no signature algorithm")
    return fields[1].raw(certificate), outer[1].raw(certificate)


def decode_oid(content: bytes) -> str:
    if not content:
        raise DerError("empty OID")
    arcs: list[int] = []
    value = 0
    for byte in content:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if content[-1] & 0x80:
        raise DerError("truncated OID")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def spki_algorithm(spki: bytes) -> tuple[str, str | None]:
    """(algorithm OID, parameter OID or None) of a ``SubjectPublicKeyInfo``."""
    top = read(spki)
    if top.tag != SEQUENCE:
        raise DerError("SubjectPublicKeyInfo is not a SEQUENCE")
    fields = children(spki, top)
    if len(fields) != 2 or fields[0].tag != SEQUENCE or fields[1].tag != BIT_STRING:
        raise DerError("bad SubjectPublicKeyInfo")
    alg = children(spki, fields[0])
    if not alg or alg[0].tag != OID:
        raise DerError("bad AlgorithmIdentifier")
    param = decode_oid(alg[1].content(spki)) if len(alg) > 1 and alg[1].tag == OID else None
    return decode_oid(alg[0].content(spki)), param


def spki_key_bits(spki: bytes) -> bytes:
    """The ``subjectPublicKey`` BIT STRING's bits (for RFC 5280 key identifiers)."""
    top = read(spki)
    fields = children(spki, top)
    if len(fields) != 2 or fields[1].tag != BIT_STRING:
        raise DerError("bad SubjectPublicKeyInfo")
    bits = fields[1].content(spki)
    if not bits or bits[0] != 0:
        raise DerError("public key BIT STRING has unused bits")
    return bits[1:]
