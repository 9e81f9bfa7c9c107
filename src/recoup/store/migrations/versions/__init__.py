"""The migrations, one file each, in the order their ``down_revision`` chain gives."""
