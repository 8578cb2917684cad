"""Claude as a schema-reading assistant (metadata in, reviewable annotations file out)."""
