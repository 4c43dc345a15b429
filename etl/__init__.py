"""NAVO reports ETL: Kamerstukken of dossier 28676 in, Parquet fact tables out."""

__version__ = "0.1.0"
