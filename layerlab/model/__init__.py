"""The core model: digests, file contents, filesystem entries, layers, images, the overlay,
containers and volumes.

Pure: no I/O but hashing, and nothing from rendering, widgets, Jupyter or engines (the
import-linter contracts in pyproject.toml hold it to that). Everything else in layerlab is
built on these modules.
"""
