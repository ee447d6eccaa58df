"""The knowledge base, installed as package data of ``pysvc.catalogues``: one folder per catalogue version."""
