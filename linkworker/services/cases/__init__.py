"""Use cases of casework: people, referrals and their import, contacts, plans, measures,
connections, follow-ups, Today, matching, the GP record."""
