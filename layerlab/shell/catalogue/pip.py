"""The catalogue's wheels (``pip install``); sizes include the ``__pycache__`` pip compiles."""

from __future__ import annotations

from .package import SITE, Package, wheel_package


def pip_packages() -> list[Package]:
    """Every wheel."""
    return [
        wheel_package("flask", "3.0.3", 0.55, ["werkzeug", "jinja2", "itsdangerous", "click", "blinker"], scripts=["flask"],
                      summary="A simple framework for building complex web applications."),
        wheel_package("werkzeug", "3.0.3", 2.4, ["markupsafe"], modules=30,
                      named={f"{SITE}/werkzeug/debug/shared/debugger.js": 0.011}),
        wheel_package("jinja2", "3.1.4", 1.9, ["markupsafe"], modules=24),
        wheel_package("markupsafe", "2.1.5", 0.12, named={f"{SITE}/markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so": 0.045}, modules=2),
        wheel_package("itsdangerous", "2.2.0", 0.12, modules=6),
        wheel_package("click", "8.1.7", 0.75, modules=14),
        wheel_package("blinker", "1.8.2", 0.07, modules=2),
        wheel_package("requests", "2.32.3", 0.45, ["charset-normalizer", "idna", "urllib3", "certifi"], modules=18,
                      summary="Python HTTP for Humans."),
        wheel_package("charset-normalizer", "3.3.2", 0.85, module="charset_normalizer", scripts=["normalizer"], modules=10),
        wheel_package("idna", "3.7", 0.7, modules=6),
        wheel_package("urllib3", "2.2.2", 0.9, modules=24),
        wheel_package("certifi", "2024.7.4", 0.3, named={f"{SITE}/certifi/cacert.pem": 0.29}, modules=2),
        wheel_package("numpy", "2.0.1", 60.0, module="numpy", modules=60, scripts=["f2py", "numpy-config"],
                      named={f"{SITE}/numpy.libs/libscipy_openblas64_-99b71e71.so": 33.9,
                             f"{SITE}/numpy.libs/libgfortran-040039e1.so.5.0.0": 2.8,
                             f"{SITE}/numpy.libs/libquadmath-96973f99.so.0.0.0": 0.25,
                             f"{SITE}/numpy/_core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so": 9.3},
                      summary="Fundamental package for array computing in Python"),
    ]
