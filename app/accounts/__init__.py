"""Staff accounts, roles and the permission catalogue; residents never need an account."""
