"""Customer rules: what an account and its members must look like. Standard library only."""
