"""Simulated kiosk devices speaking the real protocols: for tests and ``make kiosk-demo``."""
