"""A link worker's casework: Today, the caseload, a new referral, the case record and its panels
and dialogs, imports of referrals."""
