"""The simulator beside a real engine: the same docker lines on both, and what differs.

Read from the top down:

- :mod:`.scenario`: ``layerlab play`` / ``layerlab compare`` of a scenario file;
  :mod:`.beside`: ``%%docker --beside``, the two outputs line for line; :mod:`.recording`:
  what an engine printed, kept for when none is reachable; :mod:`.walk`: the data root
  after each line (notebook 01).
- :mod:`.simulated` and :mod:`.real_side`: the two sides, a handler a verb each;
  :mod:`.engine_builds`: the builds only an engine can make, loaded into the simulator.
- :mod:`.facts`: what a user compares from one line; :mod:`.differences`: the rules;
  :mod:`.transcript`: an output as the lines a reader compares; :mod:`.buildkit_log`:
  BuildKit's progress output; :mod:`.normalise` and :mod:`.real_dataroot`: data roots with
  their ids renamed after what they name.
- :mod:`.lines` and :mod:`.arguments`: a scenario's lines and their options.
"""
