from django import template

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """An amount in fen (分) as yuan with two decimals: 1250 → "12.50"."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
