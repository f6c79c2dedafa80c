"""Small data files rbx ships so that its dependencies work offline (see each folder's README)."""
