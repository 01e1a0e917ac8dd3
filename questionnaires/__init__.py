"""Questionnaires and methodologies as validated data: the contract shared by the web app and the analysis.

Pure Python: no Flask, no SQLAlchemy, no pandas.
"""
