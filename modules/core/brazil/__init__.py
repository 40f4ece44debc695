"""Brazilian registries that more than one module checks against: the states' registrations (IE)
and the IBGE's city codes. Company settings (tenancy), customers (crm) and the NF-e (invoicing)
read the same rules from here."""
