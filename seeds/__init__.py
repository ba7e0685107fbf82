"""Demo data drawn from the town in the source article; `flask seed demo` loads it."""

from seeds.demo import load_demo

__all__ = ["load_demo"]
