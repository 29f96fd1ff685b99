"""Building images from Dockerfiles the way BuildKit does, on layerlab's layer model.

:mod:`.dockerfile` parses (stages, variable substitution, history text), :mod:`.context`
and :mod:`.dockerignore` decide which files are sent, :mod:`.catalogue` holds synthetic base
images and packages, and :mod:`.builder` turns instructions into layers with BuildKit's
cache rules, running ``RUN`` steps in :mod:`layerlab.shell`.
"""
