"""Health-insurance (BHYT) eligibility: the BHXH gateway client, its simulator and stand-in,
the decision table and the benefit rules.

- `base.InsuranceChecker`: `check(identity) -> Eligibility`, never raises; `status()`.
- `factory.build_insurance(config)`: the stand-in or the gateway client.
- `benefits`: level shares, route rates, reference salary, estimates, `format_vnd`.
- `simulator.GatewaySimulator`: the HTTP gateway simulator (SIMULATOR.md).
"""
