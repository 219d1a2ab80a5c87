"""Domain rules and services. Rules import only the standard library."""
