"""The hospital information system (HIS) seam: one adapter interface, an outbox that hands every
registration off at least once (the HIS sees it once), appointments and referral slips."""
