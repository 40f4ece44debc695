"""The official code tables the documents are written in, each with where it comes from.

- `STATE_CODES`: the IBGE code of each state (UF), the `cUF` of the NF-e and the first two digits
  of every IBGE municipality code (NF-e MOC 7.0, annex "Tabela de UF, Município e País").
- `STATE_TIMEZONES`: the zone each state keeps its civil time in (the IANA database), so that
  `dhEmi` is written in the emitter's local time as SEFAZ expects.
- `CRT_BY_TAX_REGIME`: our company settings' `tax_regime` as the NF-e's CRT (leiaute 4.00, field
  C21: 1 Simples Nacional, 2 Simples Nacional over its sublimit, 3 regime normal, 4 MEI).
- `PAYMENT_CODES`: our payment methods (finance's `PaymentMethod`, and invoicing's `card` rail)
  as the NF-e's `tPag` (leiaute 4.00, group YA, field YA02).
- `STATES_REFUSING_EXEMPT_RECIPIENTS`: the states whose SEFAZ refuses a recipient marked
  "contribuinte isento de inscrição" (indIEDest 2) in a taxed sale (MOC, rejection 805).
- `IBGE_CODES_WITHOUT_CHECK_DIGIT`: the nine municipalities whose IBGE code does not follow the
  code's own check digit, which SEFAZ therefore accepts as they are (MOC, municipality codes).
"""

STATE_CODES = {
    "RO": "11", "AC": "12", "AM": "13", "RR": "14", "PA": "15", "AP": "16", "TO": "17",
    "MA": "21", "PI": "22", "CE": "23", "RN": "24", "PB": "25", "PE": "26", "AL": "27", "SE": "28", "BA": "29",
    "MG": "31", "ES": "32", "RJ": "33", "SP": "35",
    "PR": "41", "SC": "42", "RS": "43",
    "MS": "50", "MT": "51", "GO": "52", "DF": "53",
}
STATES_BY_CODE = {code: state for state, code in STATE_CODES.items()}

STATE_TIMEZONES = {
    "AC": "America/Rio_Branco",
    "AM": "America/Manaus", "RR": "America/Boa_Vista", "RO": "America/Porto_Velho",
    "MT": "America/Cuiaba", "MS": "America/Campo_Grande",
}
DEFAULT_TIMEZONE = "America/Sao_Paulo"  # every other state keeps Brasília time

TAX_REGIMES = ("simples_nacional", "simples_nacional_excess", "normal", "mei")
CRT_BY_TAX_REGIME = {"simples_nacional": "1", "simples_nacional_excess": "2", "normal": "3", "mei": "4"}
# The regimes whose companies pay ICMS inside the Simples Nacional (CSOSN) rather than apart (CST).
SIMPLES_ICMS_REGIMES = ("simples_nacional", "mei")
# The regimes whose PIS and COFINS are paid inside the Simples Nacional.
SIMPLES_PIS_COFINS_REGIMES = ("simples_nacional", "simples_nacional_excess", "mei")

PAYMENT_CODES = {
    "cash": "01",           # Dinheiro
    "credit_card": "03",    # Cartão de Crédito
    "card": "03",
    "boleto": "15",         # Boleto Bancário
    "pix": "17",            # Pagamento Instantâneo (PIX)
    "bank_transfer": "18",  # Transferência bancária, Carteira Digital
}
# tPag codes paid through an electronic means, which carry the `card` group (tpIntegra 2: the
# payment is not integrated with our invoicing, it is recorded when it arrives).
ELECTRONIC_PAYMENT_CODES = ("03", "04", "17")

STATES_REFUSING_EXEMPT_RECIPIENTS = frozenset(
    {"AM", "BA", "CE", "GO", "MG", "MS", "MT", "PA", "PE", "RN", "SE", "SP"}
)

IBGE_CODES_WITHOUT_CHECK_DIGIT = frozenset({
    "4305871",  # Coronel Barros/RS
    "2201919",  # Bom Princípio do Piauí/PI
    "2202251",  # Canavieira/PI
    "2201988",  # Brejo do Piauí/PI
    "2611533",  # Quixaba/PE
    "3117836",  # Cônego Marinho/MG
    "3152131",  # Ponto Chique/MG
    "5203939",  # Buriti de Goiás/GO
    "5203962",  # Buritinópolis/GO
})

BRAZIL_COUNTRY_CODE = "1058"  # BACEN's code for Brazil, the NF-e's cPais
HOMOLOGATION_RECIPIENT_NAME = "NF-E EMITIDA EM AMBIENTE DE HOMOLOGACAO - SEM VALOR FISCAL"
PRODUCTION, HOMOLOGATION = 1, 2  # tpAmb
