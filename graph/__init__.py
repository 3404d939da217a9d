"""The citation graph of notices: building it and writing it out."""
