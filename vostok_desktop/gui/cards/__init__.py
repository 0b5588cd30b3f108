"""Cards and documents that open as tabs in the central area."""
