"""Crypto throughput for both suites, beside raw baselines measured in the same run.

    python bench/crypto_bench.py [--mb 64] [--seconds 1.0]

Baselines: os.urandom, a plain file write + read of the same bytes, a plain file copy.
Everything else: hash, AEAD, streaming encryption file to file, a whole sealed envelope
(seal, receipt check without keys, open), signatures, key wrapping, secret sharing and
certificate checks. Default run: well under a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ggzy.kernel.crypto import (
    DevCA,
    decrypt_stream,
    encrypt_stream,
    get_suite,
    open_envelope,
    seal,
    verify_chain,
    verify_envelope,
)
from ggzy.kernel.crypto.shamir import combine, split

MiB = 1 << 20


def rate(operation: Callable[[], object], seconds: float, minimum: int = 3) -> float:
    """Operations per second, repeating ``operation`` for about ``seconds``."""
    operation()  # warm up
    count, start = 0, time.perf_counter()
    while True:
        operation()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and count >= minimum:
            return count / elapsed


def once(operation: Callable[[], object]) -> float:
    start = time.perf_counter()
    operation()
    return time.perf_counter() - start


def row(suite: str, what: str, value: float, unit: str, note: str = "") -> None:
    print(f"{suite:<6} {what:<44} {value:>12,.1f} {unit:<7} {note}")


def bench_suite(name: str, plain: Path, workdir: Path, mb: int, seconds: float) -> None:
    block = plain.read_bytes()[:MiB]
    suite = get_suite(name)
    key = os.urandom(suite.aead_key_size)
    nonce = os.urandom(12)
    print()
    row(name, f"hash {suite.hash_name}, 1 MiB", rate(lambda: suite.hash(block), seconds), "MiB/s")
    sealed_block = suite.aead_encrypt(key, nonce, block, b"")
    row(
        name,
        "AEAD encrypt, 1 MiB",
        rate(lambda: suite.aead_encrypt(key, nonce, block, b""), seconds),
        "MiB/s",
    )
    row(
        name,
        "AEAD decrypt, 1 MiB",
        rate(lambda: suite.aead_decrypt(key, nonce, sealed_block, b""), seconds),
        "MiB/s",
    )

    cipher = workdir / f"{name}.stream"
    out_plain = workdir / f"{name}.out"

    def enc() -> None:
        with plain.open("rb") as src, cipher.open("wb") as dst:
            encrypt_stream(suite, key, src, dst)

    def dec() -> None:
        with cipher.open("rb") as src, out_plain.open("wb") as dst:
            decrypt_stream(suite, key, src, dst)

    row(name, "stream encrypt file->file (+2 hashes)", mb / once(enc), "MiB/s", "vs file copy")
    row(name, "stream decrypt file->file (+2 hashes)", mb / once(dec), "MiB/s")

    signer_private, signer_public = suite.generate_keypair()
    recipient_private, recipient_public = suite.generate_keypair()
    envelope = workdir / f"{name}.sealed"

    def do_seal() -> None:
        with plain.open("rb") as src, envelope.open("wb") as dst:
            seal(
                suite,
                src,
                dst,
                signer_private_pem=signer_private,
                recipients=[recipient_public],
                metadata={"lot": "bench"},
            )

    def do_verify() -> None:
        with envelope.open("rb") as src:
            verify_envelope(src, signer_public)

    def do_open() -> None:
        with envelope.open("rb") as src, out_plain.open("wb") as dst:
            open_envelope(
                src, dst, signer_public_pem=signer_public, recipient_private_pem=recipient_private
            )

    row(name, "envelope seal", mb / once(do_seal), "MiB/s")
    row(name, "envelope receipt check (no private key)", mb / once(do_verify), "MiB/s")
    row(name, "envelope open (unwrap + decrypt + checks)", mb / once(do_open), "MiB/s")

    message = os.urandom(256)
    signature = suite.sign(signer_private, message)
    row(
        name,
        "sign (PEM key loaded each time)",
        rate(lambda: suite.sign(signer_private, message), seconds),
        "ops/s",
    )
    row(
        name,
        "verify",
        rate(lambda: suite.verify(signer_public, message, signature), seconds),
        "ops/s",
    )
    wrapped = suite.wrap_key(recipient_public, key)
    row(
        name, "wrap data key", rate(lambda: suite.wrap_key(recipient_public, key), seconds), "ops/s"
    )
    row(
        name,
        "unwrap data key",
        rate(lambda: suite.unwrap_key(recipient_private, wrapped), seconds),
        "ops/s",
    )
    row(name, "generate key pair", rate(suite.generate_keypair, seconds), "ops/s")

    ca = DevCA.create(workdir / f"ca-{name}", name)
    cert, _ = ca.issue("bench", usage="sign", serial_number_attr="91350100M000100Y43")
    now = datetime.now(UTC)
    row(
        name,
        "certificate issue (incl. key pair)",
        rate(lambda: ca.issue("bench", usage="sign"), seconds),
        "ops/s",
    )
    row(
        name,
        "certificate verify_chain",
        rate(lambda: verify_chain(cert, [ca.cert_pem], at=now), seconds),
        "ops/s",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=64, help="file size for stream tests (MiB)")
    parser.add_argument("--seconds", type=float, default=1.0, help="time per rate measurement")
    args, _ = parser.parse_known_args()  # `python -m bench` passes its arguments to all
    seconds = args.seconds
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}; file tests {args.mb} MiB in "
        f"{tempfile.gettempdir()}"
    )
    print(f"{'suite':<6} {'operation':<44} {'rate':>12} {'unit':<7} note")
    block = os.urandom(MiB)

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        plain = workdir / "plain.bin"
        with plain.open("wb") as f:
            for _ in range(args.mb):
                f.write(block)

        # -- baselines ------------------------------------------------------------------
        row("raw", "os.urandom", rate(lambda: os.urandom(MiB), seconds), "MiB/s")
        copy = workdir / "copy.bin"

        def write_read() -> None:
            with copy.open("wb") as out:
                for _ in range(args.mb):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            with copy.open("rb") as back:
                while back.read(MiB):
                    pass

        row("raw", "file write (fsync) + read back", args.mb / once(write_read), "MiB/s")

        def file_copy() -> None:
            with plain.open("rb") as src, copy.open("wb") as dst:
                shutil.copyfileobj(src, dst, MiB)

        row("raw", "file copy, 1 MiB buffers", args.mb / once(file_copy), "MiB/s", "baseline")

        for name in ("gm", "intl"):
            bench_suite(name, plain, workdir, args.mb, seconds)

        print()
        secret = os.urandom(32)
        shares = split(secret, 3, 5)
        row("-", "shamir split 32 B, 3-of-5", rate(lambda: split(secret, 3, 5), seconds), "ops/s")
        row(
            "-",
            "shamir combine 32 B, 3 shares",
            rate(lambda: combine(shares[:3]), seconds),
            "ops/s",
        )


if __name__ == "__main__":
    main()
