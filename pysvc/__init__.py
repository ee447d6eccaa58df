"""svctrade: the Shanghai Service Trade Promotion Guidance Catalogue as answer-set rules."""

__version__ = "0.1.0"
