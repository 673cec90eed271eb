"""Pure conversions between the toolkit's questionnaire and answers and open formats (XLSForm, FHIR R4)."""
