"""What a client sees: the public model, its pages and the MkDocs build."""
