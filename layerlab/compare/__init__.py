"""The simulator beside a real engine: scenario lines, both sides, the facts they are
compared on, transcripts of what docker printed, and ``%%docker --beside``'s rows.
"""
