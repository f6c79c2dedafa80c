"""Models: the victim protocol, checkpoint loading, label mapping, the attack-time wrapper, base models and victims.

Heavy libraries (torch, transformers, textattack) load when a function needs them.
"""

from .loading import HFVictim, load_victim, model_id_for
from .victim import FunctionVictim, Victim

__all__ = ["FunctionVictim", "HFVictim", "Victim", "load_victim", "model_id_for"]
