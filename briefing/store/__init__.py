"""What makes rebuilds cheap: the cache, fingerprints, input digests, rows, workers."""
