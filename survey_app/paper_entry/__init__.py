"""Paper entry in the console: staff type paper questionnaires with the respondents' own generated pages.

It sits above the audiences (like ``preview``) because it joins two of them: the console's access rules and
blueprint, and the respondent package's form generator and question widgets, so a paper form is typed with the
same fields and checked by the same rules as online. Importing ``routes`` attaches its views to the console
blueprint (``survey_app.blueprints`` does it before registering the blueprint).
"""
