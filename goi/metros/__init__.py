"""Metropolitan area pages: the areas of the reference data, their members, governments and challenges."""
