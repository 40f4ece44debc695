"""Brazil's fiscal documents, as a library: plain values in (`inputs`), XML and PDF bytes and
results out. No models, no requests of ours: the invoicing module stores what comes out.

The flow of an NF-e (model 55):

1. `preflight.nfe_preflight(document, certificate=..., certificate_required=...)` names every
   missing or wrong datum at once (a `FiscalDataError`, translated, with each input's path);
2. `nfe.nfe_issue(document, certificate)` builds the NF-e 4.00 with nfelib's bindings (taxes
   by regime from `taxes`), signs it (`signing`, the XMLDSig SEFAZ demands) and checks it
   against the official schema;
3. an authoriser answers with an `results.Authorization`: `sandbox.nfe_authorize` (homologation,
   deterministic, an nfeProc with its protocol) or a provider, `provider_focus.FocusNFe`;
4. `danfe.danfe_pdf(xml)` prints the DANFE from the authorised XML;
5. afterwards, `nfe_events` builds the cancellation (24 hours) and the correction letter (CC-e),
   which the sandbox registers (`sandbox.event_register`) or the provider sends.

An NFS-e goes through `preflight.dps_preflight`, `nfse.dps_issue` (the Padrão Nacional's DPS)
and `sandbox.dps_authorize`. `access_key` builds and checks the 44-character key;
`state_registration` checks each state's IE.

Numbering. Each series' numbers come from `core.numbering.sequence_next("nfe:<cnpj>:<series>")`
(and "nfse:<cnpj>:<series>" for DPS), drawn in the transaction that records the document, so
they never repeat and a rolled-back issue gives its number back. A number then never skips:

- a rejection (SEFAZ's cStat other than authorised or denied) is answered before SEFAZ records
  anything: the number is unused, so the corrected document is sent again with the same number
  and series (with Focus NFe, under the same reference, which its API allows after
  "erro_autorizacao"). Reusing is what SEFAZ expects; voiding it instead would cost a signed
  request and leave a gap the tax auditors would ask about;
- a number is voided with inutilização (a signed request to SEFAZ, up to the 10th day of the next
  month) only when a number was drawn and its document will never be authorised: the invoice it
  was for is cancelled, or its data can no longer be corrected, after a rejection (that request
  is not built here yet: the sandbox has nothing to void);
- a denial (uso denegado: 110, 301, 302, 303) is recorded by SEFAZ: the number is used, it is
  neither reused nor voided, and the sale needs a new NF-e under the next number.
"""
