"""Community B for the leak test: core's own routes (the language switch, the 大字
large-text switch)."""

from linli.testing.leaks import Leaks, Send


def community_b(world, made) -> Leaks:
    return Leaks(
        sends={
            ("post", "set_language"): Send(
                "/i18n/setlang/", {"language": "en", "next": "/"}, anyone=True
            ),
            ("post", "core:text-size"): Send(
                "/text-size/", {"large": "1", "next": "/"}, anyone=True
            ),
        }
    )
