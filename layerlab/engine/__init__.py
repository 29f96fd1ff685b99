"""The simulated Docker daemon: a :class:`~layerlab.engine.host.Host` facade over images
and tags, containers, mounts and volumes, storage accounting and the docker CLI's text.
"""
