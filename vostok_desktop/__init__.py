"""Vostok Desktop: a thick-client CRM for the regional information centres (РИЦ)."""

__version__ = "0.1.0"
APP_NAME = "Vostok Desktop"
APP_ID = "vostok-desktop"
