"""What the front ends call: one object per use case, starting with the Library."""
