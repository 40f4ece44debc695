"""Brazil's payment artefacts, as plain functions over plain values: no models, no requests.

- `boleto`: the boleto's 44-digit barcode, its 47-digit digitable line (and reading one back)
  and the Interleaved 2 of 5 drawing, for Banco do Brasil, Itaú, Bradesco and Sicredi.
- `pix`: BR Code payloads (static and dynamic PIX "copia e cola"), PIX keys, reading a BR Code
  back, and its QR code as a PNG data URI.
- `cnab240`: the FEBRABAN CNAB 240 files a bank exchanges with its beneficiary: the remittance
  (remessa) registering boletos, and the return (retorno) reporting what happened to them.

Bad input raises `PaymentDataError` (a ValueError) whose message is translated into the active
language and whose `field` names the input at fault, ready for a form or a 400 answer.
"""
