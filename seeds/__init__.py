"""Source articles, verbatim, with their metadata (packaged so an installed bot can quote them)."""
