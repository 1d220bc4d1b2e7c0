"""Payment at the kiosk: VietQR bills, bank confirmation, reconciliation (issue 16).

A QR confirms nothing: a bill is paid only when the bank's signed notification (or its status
API, in `reconcile`) says so, matched by bill number and amount. Amounts are integer đồng.
"""
