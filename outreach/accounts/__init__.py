"""Signing in, and the devices a user is signed in on (issue 14).

    models.py     sign-in failures, API tokens (one per device, stored as a hash), web sessions
    policy.py     how long a sign-in lasts per role (the one place for that rule), the
                  client's address and a readable device label
    selectors.py  reads: is this username or address locked out, a user's devices, the
                  users an officer manages
    services.py   writes: record a failure, unlock, issue and revoke tokens, record, touch,
                  end and revoke web sessions
    backends.py   the authentication backend that refuses a locked-out sign-in, whatever the
                  password, before the password is checked
    receivers.py  Django's sign-in signals: count failures, record web sessions
    middleware.py keeps a web session's "last used" and key current, a few minutes at a time
"""
