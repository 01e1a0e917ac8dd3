"""Import of XLSForms (the Excel format of ODK and KoboToolbox) into parsurvey questionnaire definitions.

``convert_xlsform(path)`` reads the survey, choices and settings sheets, maps them to the FORMAT.md shape, and
checks the result with the questionnaire loader. Anything that cannot be converted is a problem naming its sheet,
row and column (``survey!B7: type 'geopoint' is not supported``); ``write_yaml`` writes only a valid definition.
"""

from questionnaires.xlsform.convert import Conversion, convert_xlsform
from questionnaires.xlsform.output import dump_yaml, write_yaml
from questionnaires.xlsform.problems import XlsFormProblem

__all__ = ["Conversion", "XlsFormProblem", "convert_xlsform", "dump_yaml", "write_yaml"]
