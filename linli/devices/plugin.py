"""Building the Mosquitto plugin (linli/devices/mosquitto/linli_plugin.c): C, against
Debian's `mosquitto-dev` headers and OpenSSL's libcrypto (`libssl-dev`)."""

import shutil
import subprocess
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "mosquitto" / "linli_plugin.c"


class PluginBuildError(Exception):
    pass


def plugin_build(output: Path) -> Path:
    """Compile the plugin to `output` (a shared object); returns its path."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise PluginBuildError("no C compiler (Debian: apt-get install gcc)")
    if not Path("/usr/include/mosquitto_broker.h").exists():
        raise PluginBuildError("no Mosquitto headers (Debian: apt-get install mosquitto-dev)")
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        compiler,
        "-shared",
        "-fPIC",
        "-O2",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-o",
        str(output),
        str(SOURCE),
        "-lcrypto",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise PluginBuildError(done.stderr.strip() or "the compiler failed")
    return output
