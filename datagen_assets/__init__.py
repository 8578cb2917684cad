"""DataGen."""
