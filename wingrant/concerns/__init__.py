"""The concerns register (Wünsche und Anliegen): concerns of residents with dated follow-ups, public without names."""
