"""TextAttack constraints rbx adds, each guarding part of a recipe's label-preservation promise."""
