"""PII safety: offline Presidio analysis, column classification, pii modes and the scan."""
