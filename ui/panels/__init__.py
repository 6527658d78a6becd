"""One panel per procedure."""
