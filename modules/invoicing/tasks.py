"""Invoicing's background work; the services queue these by name."""
