"""The drawer area: open with a counted float, pay in and out, no sale, X and Z reports,
close with a count, and the over/short history a manager checks."""
