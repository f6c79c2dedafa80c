"""Models: checkpoint loading, label mapping, the attack-time wrapper, base models and victims.

Heavy libraries (torch, transformers, textattack) load when a function needs them.
"""

from .loading import Victim, load_victim, model_id_for

__all__ = ["Victim", "load_victim", "model_id_for"]
