"""The only layer that writes: atomic writes, worker pool, caches, packs, the review's readers and writers."""
