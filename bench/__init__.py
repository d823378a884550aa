"""``make bench``: figures of speed and memory, each against a baseline
measured in the same run (these machines are noisy)."""
