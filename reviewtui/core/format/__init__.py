"""One file's bytes to a Review and its problems: decoding, front matter, sections, validation."""
