def identity(ping: dict) -> dict:
    """Who a tenant_ping ran for: its schema, tenant and request, not its clock or language."""
    return {key: ping[key] for key in ("schema_name", "tenant_id", "request_id")}
