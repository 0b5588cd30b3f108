"""The sales area's services (no Qt)."""
