"""The lab's foundations: message keys and errors, the locale catalogue, content digests and caches, and the state shared by a class's processes."""
