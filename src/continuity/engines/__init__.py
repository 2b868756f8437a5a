"""Pure engines: standard library and numeric/solver libraries only, never Django.

Inputs and outputs are frozen dataclasses; the clock, seeds and time limits are passed in.
"""
