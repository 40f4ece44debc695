# Spanish in a Brazilian company: Latin American Spanish (CLDR es_BR writes numbers as es_419).
from innexar.formats.es_419.formats import *  # noqa: F403
