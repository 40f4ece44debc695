"""An app labelled "inventory": installing it makes the inventory feature available in a test."""
