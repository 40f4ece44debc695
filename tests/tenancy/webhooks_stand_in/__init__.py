"""An app labelled "webhooks": installing it makes the webhooks feature available in a test."""
