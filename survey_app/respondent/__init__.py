"""The respondent's way through a survey: code entry, one page per section, review, submit once."""
