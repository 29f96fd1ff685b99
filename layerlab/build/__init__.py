"""Building images from Dockerfiles the way BuildKit does, on layerlab's layer model.

:mod:`.dockerfile` parses (instructions, stages, variable substitution, history text),
:mod:`.context` and :mod:`.dockerignore` decide which files are sent, :mod:`.catalogue` holds
synthetic base images, and :mod:`.builder` turns instructions into layers with BuildKit's
cache rules: config-only steps in :mod:`.config`, ``RUN`` in :mod:`.run` (on
:mod:`layerlab.shell`), ``COPY``/``ADD`` in :mod:`.copying` (files placed by :mod:`.placing`,
archives unpacked by :mod:`.archives`), each stage's state in :mod:`.state`, the log and
result in :mod:`.log`.
"""
