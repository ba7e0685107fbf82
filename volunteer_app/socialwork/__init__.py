"""Social work: household files, visits, follow-ups, consent, policies and referrals (issue #7)."""
