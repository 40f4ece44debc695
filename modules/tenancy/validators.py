"""What a tenant's subdomain may be, and the PostgreSQL schema name it maps to."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A lowercase DNS label that starts with a letter: it becomes <label>.innexar.app.
SUBDOMAIN_RE = re.compile(r"^[a-z][a-z0-9-]{1,61}[a-z0-9]$")
# Our own hosts and schemas, and the names a phisher would want to sign a workspace up under
# (login.innexar.app asking for a password looks like ours).
RESERVED_SUBDOMAINS = frozenset({
    # ours: hosts, PostgreSQL schemas
    "public", "www", "admin", "api", "app", "static", "media", "assets", "cdn", "information-schema",
    "postgres", "root", "localhost",
    # signing in and accounts
    "login", "logout", "signin", "sign-in", "signup", "sign-up", "register", "auth", "oauth", "sso", "saml",
    "accounts", "account", "password", "id", "identity", "my", "secure", "security", "verify",
    # the company's own services and pages
    "dashboard", "console", "portal", "billing", "pay", "payments", "checkout", "invoice", "invoices",
    "support", "help", "helpdesk", "docs", "status", "blog", "news", "about", "legal", "privacy",
    "terms", "careers", "jobs", "partners", "developer", "developers", "webhooks", "hooks", "staging",
    "dev", "sandbox",
    # mail and infrastructure
    "mail", "email", "smtp", "imap", "pop", "pop3", "mx", "webmail", "ftp", "ns", "ns1", "ns2", "dns",
    "vpn", "git", "ci", "internal", "intranet", "abuse", "postmaster", "hostmaster", "noreply", "no-reply",
    "innexar",
})
# Prefixes of schema names that PostgreSQL or we ourselves own.
RESERVED_SCHEMA_PREFIXES = ("pg_", "spare_")


def schema_name_for(subdomain: str) -> str:
    """Hyphens are not valid in unquoted identifiers; underscores are not valid in DNS labels,
    so mapping one to the other is safe and reversible."""
    return subdomain.replace("-", "_")


def validate_subdomain(value: str) -> None:
    if value != value.lower():
        raise ValidationError(_("Use lowercase letters only."), code="lowercase")
    if not SUBDOMAIN_RE.match(value) or "--" in value:
        raise ValidationError(
            _("Use 3 to 63 lowercase letters, digits or hyphens, starting with a letter."),
            code="invalid",
        )
    schema = schema_name_for(value)
    if value in RESERVED_SUBDOMAINS or schema.startswith(RESERVED_SCHEMA_PREFIXES):
        raise ValidationError(_("This name is reserved. Please choose another one."), code="reserved")



def _tax_id_scheme(country: str, value: str):
    """(validate, format, error message) for this country's company tax ID."""
    from functools import partial

    from stdnum.br import cnpj, cpf
    from stdnum.mx import rfc
    from stdnum.us import ein

    if country == "BR":
        # Companies have a CNPJ (14 digits); sole traders a CPF (11 digits).
        module = cpf if len(cpf.compact(value)) == 11 else cnpj
        return module.validate, module.format, _("Enter a valid CNPJ or CPF.")
    if country == "MX":
        # stdnum skips the RFC check digit unless asked to.
        return partial(rfc.validate, validate_check_digits=True), rfc.format, _("Enter a valid RFC.")
    return ein.validate, ein.format, _("Enter a valid EIN (00-0000000).")


def normalize_tax_id(country: str, value: str) -> str:
    """Validate a tax ID for its country, with real check digits; return its formatted form."""
    from stdnum.exceptions import ValidationError as StdnumError

    value = value.strip()
    if not value:
        return ""
    validate, format_, message = _tax_id_scheme(country, value)
    try:
        return format_(validate(value))
    except StdnumError:
        raise ValidationError(message, code="invalid_tax_id") from None
