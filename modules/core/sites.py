from django.conf import settings


def site_url(subdomain: str | None = None, path: str = "") -> str:
    """Absolute URL of a face: the marketing site, `admin`, or a tenant's workspace."""
    port = settings.INNEXAR_PORT
    port_suffix = "" if port in ("80", "443", "") or settings.INNEXAR_SCHEME == "https" else f":{port}"
    host = f"{subdomain}.{settings.INNEXAR_BASE_DOMAIN}" if subdomain else settings.INNEXAR_BASE_DOMAIN
    return f"{settings.INNEXAR_SCHEME}://{host}{port_suffix}{path}"
