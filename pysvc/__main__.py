"""`python -m pysvc …` runs the svctrade command line."""

from .cli import main

main()
