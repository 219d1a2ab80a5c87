"""Staff rules: roles, credentials policy, lockout. Standard library only."""
