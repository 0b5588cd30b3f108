"""The competitors area's services (no Qt)."""
