"""Mexico's fiscal documents (CFDI 4.0), as a library over plain values: no models, no requests.

The invoicing module maps an invoice, its company and its customer onto `inputs` and calls:

- `cfdi.invoice_seal(invoice, csd=...)`: pre-flight (every missing or invalid datum named at once,
  FiscalDataError), the Comprobante with SAT's rounding, sealed with the CSD, validated against
  cfdv40.xsd and SAT's arithmetic; `pagos.payment_seal` does the same for a payment to PPD
  invoices (Pagos 2.0).
- `csd.csd_load` reads the tenant's `.cer`/`.key` with its password; `csd.csd_for` picks the CSD
  that seals (SAT's public test CSD in the sandbox for SAT's test RFCs).
- `pac.SandboxPac` / `pac.SwSapienPac`: `stamp(xml)` adds the TimbreFiscalDigital 1.1 (the UUID),
  `cancel(uuid=..., reason=...)` cancels with SAT's reasons 01-04.
- `pdf.cfdi_pdf(xml)`: the printed representation with SAT's verification QR.
- `seal.cfdi_verify(xml)`: whether a CFDI's seal is its issuer's signature.

Messages are translated into the active language when raised.
"""
