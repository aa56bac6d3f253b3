"""reviewtui: a terminal browser for collections of Markdown product reviews."""

__version__ = "0.1.0"
