"""``ggzy bid …``: the bidder's tools, run on the bidder's own machine (no database): seal a
bid, upload it (resumable), withdraw it, release its key at the opening, hand in an escrow
share; for auctions, seal a single sealed bid and hand in a keyholder's shares. Errors are
printed in Chinese, then English."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ggzy.auctions.client import AuctionClient
    from ggzy.tendering.client import Client


def _bid_command(handler: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """Run a ``ggzy bid`` command; errors are printed in Chinese, then English."""

    def run(args: argparse.Namespace) -> int:
        from ggzy.kernel.errors import DomainError
        from ggzy.tendering.client import ClientError

        try:
            return handler(args)
        except (DomainError, ClientError) as exc:
            print(exc.message_zh, file=sys.stderr)
            print(exc.message_en, file=sys.stderr)
        except (OSError, ValueError) as exc:
            print(f"无法读取输入：{exc}", file=sys.stderr)
            print(f"cannot read the input: {exc}", file=sys.stderr)
        return 1

    return run


def _bid_client(args: argparse.Namespace, *, auctions: bool = False) -> Client:
    from ggzy.auctions.client import AuctionClient
    from ggzy.kernel.errors import InvalidInput
    from ggzy.tendering.client import Client

    if not args.server or not args.token:
        raise InvalidInput(
            "需要 --server 和 --token（或环境变量 GGZY_TOKEN）",
            "--server and --token (or the GGZY_TOKEN variable) are required",
            code="cli_usage",
        )
    return (AuctionClient if auctions else Client)(args.server, args.token)


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True))


def cmd_bid_seal(args: argparse.Namespace) -> int:
    from ggzy.kernel.errors import InvalidInput
    from ggzy.tendering.bidfile import LotInfo, seal_bid

    if args.lot_info:
        lot = LotInfo.from_json(json.loads(Path(args.lot_info).read_text("utf-8")))
    elif args.lot:
        lot = _bid_client(args).sealing_info(args.lot)
    else:
        raise InvalidInput(
            "需要 --lot（联网获取标段信息）或 --lot-info（离线）",
            "give --lot (fetch the lot from the platform) or --lot-info (offline)",
            code="cli_usage",
        )
    # Decimals in the sheet stay exact: read as text, which the price sheet accepts for money.
    sheet = json.loads(Path(args.sheet).read_text("utf-8"), parse_float=str)
    info = seal_bid(
        lot=lot,
        bidder_id=args.bidder_id,
        bidder_name=args.bidder_name,
        price_sheet=sheet,
        attachments=[Path(a) for a in args.attach],
        signer_key_pem=Path(args.sign_key).read_bytes(),
        encryption_cert_pem=Path(args.encrypt_cert).read_bytes(),
        out=Path(args.out),
    )
    print(f"已封装 / sealed: {info.path}  ({info.size} 字节 / bytes)")
    print(f"标段 / lot: {lot.lot_code}  截止 / deadline: {lot.bid_deadline or '-'}")
    print(f"密文摘要 / ciphertext digest: {info.ciphertext_digest}")
    return 0


def cmd_bid_upload(args: argparse.Namespace) -> int:
    def progress(done: int, total: int) -> None:
        mib = 1 << 20
        print(
            f"\r上传 / uploading {done / mib:.1f} / {total / mib:.1f} MiB "
            f"({100 * done // max(total, 1)}%)",
            end="",
            file=sys.stderr,
            flush=True,
        )

    receipt = _bid_client(args).upload(args.file, args.lot, progress=progress)
    print(file=sys.stderr)
    _print_json(receipt)
    return 0


def cmd_bid_withdraw(args: argparse.Namespace) -> int:
    _print_json(_bid_client(args).withdraw(args.bid))
    return 0


def cmd_bid_release_key(args: argparse.Namespace) -> int:
    _print_json(_bid_client(args).release_key(args.bid, Path(args.encrypt_key).read_bytes()))
    return 0


def cmd_bid_escrow_share(args: argparse.Namespace) -> int:
    _print_json(_bid_client(args).escrow_share(args.bid, Path(args.key).read_bytes()))
    return 0


def _auction_client(args: argparse.Namespace) -> AuctionClient:
    return _bid_client(args, auctions=True)  # type: ignore[return-value]


def cmd_bid_auction_seal(args: argparse.Namespace) -> int:
    key = Path(args.sign_key).read_bytes()
    _print_json(_auction_client(args).hand_in_sealed_bid(args.auction, args.amount, key))
    return 0


def cmd_bid_auction_shares(args: argparse.Namespace) -> int:
    _print_json(_auction_client(args).hand_in_shares(args.auction, Path(args.key).read_bytes()))
    return 0


def add_parser(sub: Any) -> None:
    bid = sub.add_parser("bid", help="bidder tools: seal and upload bids").add_subparsers(
        dest="bid_command", required=True
    )

    def add_bid(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str, *, server: bool = True
    ) -> argparse.ArgumentParser:
        p = bid.add_parser(name, help=help_)
        p.set_defaults(handler=_bid_command(handler), django=False)
        p.add_argument("--server", required=server, help="platform URL, e.g. https://ggzy.example")
        p.add_argument("--token", default=os.environ.get("GGZY_TOKEN"), help="API token")
        return p

    p = add_bid("seal", cmd_bid_seal, "seal a bid on this machine", server=False)
    p.add_argument("--lot", help="lot id on the platform (with --server)")
    p.add_argument("--lot-info", help="lot description JSON, to seal offline")
    p.add_argument("--sheet", required=True, help="price sheet JSON")
    p.add_argument("--attach", action="append", default=[], metavar="FILE")
    p.add_argument("--sign-key", required=True, help="bidder's signing private key (PEM)")
    p.add_argument("--encrypt-cert", required=True, help="bidder's encryption certificate")
    p.add_argument("--bidder-id", required=True, help="USCC or resident ID")
    p.add_argument("--bidder-name", required=True)
    p.add_argument("--out", required=True)
    p = add_bid("upload", cmd_bid_upload, "upload a sealed bid (resumable), print the receipt")
    p.add_argument("--lot", required=True)
    p.add_argument("file")
    p = add_bid("withdraw", cmd_bid_withdraw, "withdraw an uploaded bid")
    p.add_argument("--bid", required=True)
    p = add_bid("release-key", cmd_bid_release_key, "release a bid's key at the opening")
    p.add_argument("--bid", required=True)
    p.add_argument("--encrypt-key", required=True, help="bidder's encryption private key")
    p = add_bid("escrow-share", cmd_bid_escrow_share, "hand in a keyholder's escrow share")
    p.add_argument("--bid", required=True)
    p.add_argument("--key", required=True, help="keyholder's private key (PEM)")

    p = add_bid(
        "auction-seal",
        cmd_bid_auction_seal,
        "seal a single sealed bid (一次报价) on this machine and hand it in",
    )
    p.add_argument("--auction", required=True, help="auction id on the platform")
    p.add_argument("--amount", required=True, help="the offer in yuan, e.g. 10200000.00")
    p.add_argument("--sign-key", required=True, help="bidder's signing private key (PEM)")
    p = add_bid(
        "auction-shares",
        cmd_bid_auction_shares,
        "hand in a keyholder's shares of every sealed envelope of an auction",
    )
    p.add_argument("--auction", required=True, help="auction id on the platform")
    p.add_argument("--key", required=True, help="keyholder's private key (PEM)")
