"""TextAttack transformations rbx adds: one module per family, each with a docstring card."""
