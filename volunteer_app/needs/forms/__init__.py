"""Forms of the needs pages, one module per part (as views/ and api/ are). They parse shapes; the rules and
their messages live in services."""
