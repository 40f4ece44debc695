"""Code 128 (ISO/IEC 15417), the barcode the DANFE prints its access key in: set C, which packs
two digits in each symbol (MOC, Anexo II "Manual de Especificações Técnicas do DANFE": "código
de barras unidimensional padrão CODE-128C").

A symbol is 11 modules: three bars and three spaces of 1 to 4 modules each; the stop is 13. The
check symbol is the start's value plus each symbol's value times its position, modulo 103. A key
with an alphanumeric CNPJ cannot be all set C: its letters go in set B (ASCII 32 to 127 as
values 0 to 95), switching with CODE B (100) and CODE C (99) where a run of digits pays for it.
"""

# Each symbol's element widths, bar first, indexed by its value (0-102; 103-105 the starts A, B
# and C, 106 the stop).
PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)
CODE_C, CODE_B = 99, 100
START_B, START_C, STOP = 104, 105, 106
QUIET_ZONE = 10  # modules of white on each side, as the standard asks


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def code128_values(text: str) -> list[int]:
    """The symbols' values for `text`, start and check symbol included, stop excluded: set C for
    runs of four digits or more (or a whole text of an even count of digits), set B elsewhere."""
    if not text or any(not 32 <= ord(char) <= 127 for char in text):
        raise ValueError("Code 128 set B/C carries printable ASCII only")
    values: list[int] = []
    current = None
    position = 0
    while position < len(text):
        run = _digit_run(text, position)
        whole_text_in_c = run == len(text) and run % 2 == 0
        if run >= 4 or whole_text_in_c or (current == START_C and run >= 2):
            if current != START_C:
                values.append(START_C if current is None else CODE_C)
                current = START_C
            pairs = run // 2
            values.extend(int(text[position + 2 * index:position + 2 * index + 2]) for index in range(pairs))
            position += 2 * pairs
            continue
        if current != START_B:
            values.append(START_B if current is None else CODE_B)
            current = START_B
        values.append(ord(text[position]) - 32)
        position += 1
    check = (values[0] + sum(value * weight for weight, value in enumerate(values[1:], start=1))) % 103
    return [*values, check]


def code128_widths(text: str) -> list[int]:
    """The widths of every bar and space, in modules, bar first: symbols, check and stop."""
    return [int(width) for value in [*code128_values(text), STOP] for width in PATTERNS[value]]


def code128_svg(text: str, *, width_mm: float, height_mm: float) -> str:
    """`text` as an SVG barcode of `width_mm` by `height_mm`, quiet zones included."""
    widths = code128_widths(text)
    modules = sum(widths) + 2 * QUIET_ZONE
    x, bars = QUIET_ZONE, []
    for index, width in enumerate(widths):
        if index % 2 == 0:
            bars.append(f"M{x} 0h{width}v1h-{width}z")
        x += width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {modules} 1" preserveAspectRatio="none" shape-rendering="crispEdges" role="img" '
        f'aria-label="{text}"><rect width="{modules}" height="1" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(bars)}"/></svg>'
    )
