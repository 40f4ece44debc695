# Spanish in a United States company (CLDR es_US): Latin American dates, times on a 12-hour clock.
from innexar.formats.es_419.formats import *  # noqa: F403

TIME_FORMAT = "g:i A"
DATETIME_FORMAT = r"j \d\e F \d\e Y, g:i A"
SHORT_DATE_FORMAT = "j/n/Y"
SHORT_DATETIME_FORMAT = "j/n/Y g:i A"
