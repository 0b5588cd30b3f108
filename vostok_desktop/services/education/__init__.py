"""The education area's services (no Qt)."""
