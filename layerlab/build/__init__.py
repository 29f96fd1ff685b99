"""Building images from Dockerfiles the way BuildKit does, on layerlab's layer model.

The pieces live in small modules: :mod:`.dockerfile` (parsing, stages, variable
substitution, history text), :mod:`.dockerignore` (which context files are sent) and
:mod:`.catalogue` (synthetic base images and packages). Nothing is exported here yet; the
core model (``layerlab/*.py``) never imports from this package.
"""
