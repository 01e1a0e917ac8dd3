"""parsurvey's analysis: survey designs, weighting, estimates with standard errors, rates, reliability.

Works on pandas DataFrames; never imports Flask or the web app, so a notebook needs nothing else.
"""
