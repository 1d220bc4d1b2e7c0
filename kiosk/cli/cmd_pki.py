"""`kiosk sim make-pki DIR` (a test CSCA + document signer for virtual cards) and
`kiosk trust-store DIR` (what a trust store folder holds, for hospital IT)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

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


def _trust_store(args: argparse.Namespace) -> int:
    from hardware.icao.certs import public_key_of, serial_of
    from hardware.icao.trust import PKIError, TrustStore

    try:
        store = TrustStore.from_path(args.path)
    except PKIError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    for cert in store.certificates:
        key = public_key_of(cert)
        curve = getattr(key, "curve", None)
        rows.append(
            {
                "subject": cert.subject.rfc4514_string(),
                "issuer": cert.issuer.rfc4514_string(),
                "serial": f"{serial_of(cert):x}",
                "not_before": cert.not_valid_before_utc.isoformat(),
                "not_after": cert.not_valid_after_utc.isoformat(),
                "valid_now": cert.not_valid_before_utc <= now <= cert.not_valid_after_utc,
                "self_signed": cert.subject == cert.issuer,
                "key": curve.name if curve is not None else type(key).__name__,
            }
        )
    if args.json:
        print(json.dumps({"certificates": rows, "problems": store.problems}, indent=2))
    else:
        for row in rows:
            state = "valid" if row["valid_now"] else "NOT VALID NOW"
            print(f"{row['subject']}  [{row['key']}, until {row['not_after'][:10]}, {state}]")
        for problem in store.problems:
            print(f"problem: {problem}")
        print(f"{len(rows)} certificate(s), {len(store.problems)} problem(s)")
    return 0 if rows else 1


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
    check = registry.commands.add_parser(
        "trust-store",
        help="list the CSCA certificates a trust store folder provides, and what it cannot use",
    )
    check.add_argument("path", metavar="DIR", help="trust store folder (or one file)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_trust_store)
