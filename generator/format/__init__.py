"""What a project manager writes: the file format, read strictly and checked."""
