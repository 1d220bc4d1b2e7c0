"""`kiosk sim make-pki DIR`: a test CSCA + document signer for virtual cards."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli import CommandRegistry


def _make_pki(args: argparse.Namespace) -> int:
    from hardware.icao.pki import CURVES, PKIError, make_pki

    if args.curve not in CURVES:
        print(f"kiosk: unknown curve {args.curve}", file=sys.stderr)
        return 2
    try:
        files = make_pki(
            args.directory, curve=args.curve, force=args.force, master_list=args.master_list
        )
    except PKIError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    print(f"test CSCA:            {files.csca}")
    print(f"test document signer: {files.dsc} (key {files.dsc_key})")
    if files.master_list is not None:
        print(f"master list:          {files.master_list}")
    print("These are TEST keys: put csca.pem only into the trust store of a test kiosk.")
    return 0


def register(registry: CommandRegistry) -> None:
    parser = registry.sim.add_parser(
        "make-pki",
        help="create a test CSCA and document signer (csca.pem, dsc.pem, dsc.key)",
        description="Creates a self-signed test CSCA and a document signer it issued, used to "
        "sign the EF.SOD of virtual cards (`kiosk sim card --pki DIR`).",
    )
    parser.add_argument("directory", metavar="DIR", help="folder to create the files in")
    parser.add_argument(
        "--curve",
        default="secp256r1",
        help="ECDSA curve: secp256r1 (default), brainpoolP256r1, brainpoolP384r1, secp384r1",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing test PKI")
    parser.add_argument(
        "--master-list",
        action="store_true",
        help="also write masterlist.ml, an ICAO master list holding the test CSCA",
    )
    parser.set_defaults(func=_make_pki)
