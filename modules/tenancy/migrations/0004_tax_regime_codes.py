import re
import unicodedata

from django.db import migrations

# Tax regimes were free text; they are now the country's codes (modules/tenancy/countries.py, as
# it stood when this ran). What was written as one of them becomes its code; anything else is
# left as it was, for a person to choose again.
BRAZIL = {
    "simples nacional": "simples_nacional",
    "mei": "mei",
    "microempreendedor individual": "mei",
    "lucro presumido": "lucro_presumido",
    "lucro real": "lucro_real",
}
MEXICO = {"601", "603", "605", "606", "607", "608", "610", "611", "612", "614", "615", "616", "620", "621", "622",
          "623", "624", "625", "626"}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join("".join(char for char in text if not unicodedata.combining(char)).casefold().split())


def code_for(country: str, regime: str) -> str:
    if country == "BR":
        return BRAZIL.get(_plain(regime), regime)
    if country == "MX":
        leading = re.match(r"\s*(\d{3})\b", regime)
        if leading and leading.group(1) in MEXICO:
            return leading.group(1)
    return regime


def tax_regimes_to_codes(apps, schema_editor):
    CompanyProfile = apps.get_model("tenancy", "CompanyProfile")
    for profile in CompanyProfile.objects.exclude(tax_regime="").only("country", "tax_regime"):
        code = code_for(profile.country, profile.tax_regime)
        if code != profile.tax_regime:
            profile.tax_regime = code
            profile.save(update_fields=["tax_regime"])


class Migration(migrations.Migration):

    dependencies = [
        ("tenancy", "0003_pending_outbox"),
    ]

    operations = [
        migrations.RunPython(tax_regimes_to_codes, migrations.RunPython.noop),
    ]
