"""Files in and out: referral CSV, directory exchange formats, postcode lists. No SQL, no Qt."""
